import { expect, test } from '@playwright/test'

// Head ablation (issue 20): from the model diagram to the grid of every head's worth — measured, zeroed or by
// its mean — then a head switched off by keyboard, and generation without it writing something else; the view in
// Chinese.
test('ablate every head, switch one off by keyboard, and generate without it', async ({ page }) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })

  // the same seeded continuation, before any head is off
  await page.locator('#gen-seed').fill('3')
  await page.getByLabel('Max new tokens').fill('40')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 40 tokens/)).toBeVisible()
  const intact = await page.getByTestId('sample-output').textContent()

  // from the diagram to the view; every head measured
  await page.getByTestId('diagram-ablation').click()
  await expect(page.getByRole('heading', { name: 'Head ablation' })).toBeInViewport()
  await page.getByTestId('ablation-measure').click()
  await expect(page.getByTestId('ablation-base')).toContainText(
    /Every head on: loss \d\.\d{3} on \d+ windows of \d+ tokens/,
  )
  const grid = page.getByTestId('ablation-grid')
  const nLayer = await grid.locator('tbody th').count()
  const nHead = await grid.locator('thead th[scope="col"]').count()
  expect(nLayer * nHead).toBeGreaterThan(1)
  const cells = grid.locator('.ablation-cell')
  await expect(cells).toHaveCount(nLayer * nHead)
  await expect(cells.first()).toHaveText(/^[+−]\d\.\d{3}$/)
  await expect(cells.first()).toHaveAttribute('aria-label', /^Layer 0 head 0: loss [+−]\d\.\d{3} without it$/)
  const zeroed = await cells.allTextContents()

  // replaced by the mean instead: measured again, other numbers, the same intact loss
  const zeroBase = await page.getByTestId('ablation-base').textContent()
  await page.getByLabel('its average output (mean over the batch)').check()
  await expect.poll(() => cells.allTextContents()).not.toEqual(zeroed)
  await expect(page.getByTestId('ablation-base')).toHaveText(zeroBase!)

  // by keyboard: every head of layer 0 off (Space on each), said beside the grid and above generation
  for (let h = 0; h < nHead; h++) {
    await page.getByTestId(`ablation-cell-0-${h}`).focus()
    await page.keyboard.press('Space')
    await expect(page.getByTestId(`ablation-cell-0-${h}`)).toHaveAttribute('aria-pressed', 'true')
  }
  await expect(page.getByTestId('ablation-off')).toContainText('Switched off for generation: Layer 0 head 0')
  await expect(page.getByTestId('diagram-ablation')).toContainText(`${nHead} off`)
  await expect(page.getByTestId('gen-heads-off')).toContainText(`${nHead} heads are switched off`)
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 40 tokens/)).toBeVisible()
  expect(await page.getByTestId('sample-output').textContent()).not.toBe(intact)

  // all back on: the same seed writes the intact text again
  await page.getByTestId('gen-heads-off').getByRole('button', { name: 'Switch every head back on' }).click()
  await expect(page.getByTestId('gen-heads-off')).toHaveCount(0)
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 40 tokens/)).toBeVisible()
  await expect(page.getByTestId('sample-output')).toHaveText(intact!)

  // in Chinese
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByRole('heading', { name: '注意力头消融' })).toBeVisible()
  await expect(page.getByTestId('ablation-base')).toContainText('所有头都开着时')
})

// Activation patching: from the model diagram, a clean and a corrupted name; the stream grid's two rows that are
// fixed by construction (the changed letter entering block 0, the last position after the last block) read 1.00.
test('patch a clean name into a corrupted one: the share each head and stream position recovers', async ({ page }) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByTestId('diagram-patching').click()
  await expect(page.getByRole('heading', { name: 'Activation patching' })).toBeInViewport()
  // by keyboard: each field in turn
  await page.getByTestId('patching-clean').focus()
  for (const v of ['mari', 'mar', 'a', 'e']) {
    await page.keyboard.type(v)
    await page.keyboard.press('Tab')
  }
  await page.getByTestId('patching-run').click()
  await expect(page.getByTestId('patching-problems')).toContainText(
    'The two prompts must be the same length in tokens (the clean one has 4, the corrupted one 3)',
  )
  await page.getByTestId('patching-corrupted').fill('mark')
  await page.getByTestId('patching-run').click()
  await expect(page.getByTestId('patching-diffs')).toContainText(
    /clean -?\d+\.\d{3}, corrupted -?\d+\.\d{3} \(step 30\)/,
  )
  await expect(page.getByTestId('patching-problems')).toHaveCount(0)
  const heads = page.getByTestId('patching-heads').locator('.patch-cell')
  const nLayer = await page.getByTestId('patching-heads').locator('tbody th').count()
  expect(await heads.count()).toBe(
    nLayer * (await page.getByTestId('patching-heads').locator('thead th[scope="col"]').count()),
  )
  const rows = page.getByTestId('patching-resid').locator('tbody tr')
  await expect(rows).toHaveCount(nLayer + 1)
  await expect(rows.first().locator('.patch-cell')).toHaveText(['0.00', '0.00', '0.00', '1.00'])
  await expect(rows.last().locator('.patch-cell').last()).toHaveText('1.00')
  await expect(rows.first().locator('.patch-cell').last()).toHaveAttribute(
    'aria-label',
    'into block 0, position 3 “k”: 100% of the difference recovered',
  )
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByRole('heading', { name: '激活修补' })).toBeVisible()
  await expect(page.getByTestId('patching-diffs')).toContainText('最后一个位置上的 logit 差')
})
