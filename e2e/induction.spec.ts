import { expect, test } from '@playwright/test'

// The induction experiment (issue 20): from the model diagram, the generated data and the recipe's settings; trained
// in the tab, a layer-1 head forms (the phase-change line on the head timeline and on the loss chart, the loss on
// the repeated tokens below 0.5), and head ablation with that head as its target names the layer-0
// previous-token head it reads from. Then the set-up in Chinese.
test('watch an induction head form, and find the previous-token head it reads from', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?lang=en')
  await page.getByTestId('diagram-induction').click()
  await expect(page.getByTestId('generated-data')).toBeVisible()
  await expect(page.getByTestId('generated-data').locator('li')).toHaveCount(6)
  await expect(page.getByLabel('Dataset')).toHaveValue('induction')
  await expect(page.getByLabel('Preset')).toHaveValue('induction')
  await expect(page.getByLabel('MLP in each block')).not.toBeChecked()
  await expect(page.getByLabel('LM head tied to the embedding')).not.toBeChecked()
  await expect(page.getByTestId('diagram-induction')).toHaveAttribute('aria-pressed', 'true') // set up
  // 2 × 4 × 64 attention-only with its own head, V 64, T 32: 64·64 + 32·64 + 2·(4·64² + 6·64) + 2·64 + 64·64
  await expect(page.getByTestId('param-count')).toContainText('43,904 parameters')
  // a shorter run than the preset's 3,000 steps: in PyTorch and in the tab the head forms by step 600
  await page.getByLabel('Steps', { exact: true }).fill('900')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByTestId('diagram-block-0')).toContainText('Block 0')
  await expect(page.locator('.diagram .mlp').first()).toHaveText('attention only')

  const atlas = page.getByRole('heading', { name: 'Attention atlas' })
  await atlas.click() // open it: the head timeline is in it
  await expect(page.getByTestId('phase-change')).toContainText(/Phase change at step \d+:/, { timeout: 240_000 })
  await expect(page.getByTestId('loss-chart').getByText('induction head forms')).toBeVisible()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 240_000 })
  const last = page.getByTestId('chart-last-eval')
  await expect(last).toContainText('on the repeated tokens')
  const rep = Number(/on the repeated tokens (\d\.\d+)/.exec((await last.textContent()) ?? '')?.[1])
  expect(rep).toBeLessThan(0.5)

  // the head it reads from, by ablation: the target is the best induction head of layer 1, chosen by default
  await page.getByTestId('diagram-ablation').click()
  await expect(page.getByLabel('Also find what this head’s induction score needs')).toHaveValue(/^1\.\d$/)
  await page.getByTestId('ablation-measure').click()
  const source = page.getByTestId('induction-source')
  await expect(source).toContainText(
    /^Head 1\.\d reads from head 0\.\d: without it, its induction score falls from 0\.\d\d to 0\.\d\d\./,
  )
  await expect(source).toContainText('the previous-token head an induction head needs')
  await expect(page.getByTestId('induction-grid').locator('.ablation-cell')).toHaveCount(8)

  // in Chinese
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByTestId('induction-source')).toContainText('读取的是第 0 层第')
  await expect(page.getByTestId('generated-data')).toContainText('周期')
  await expect(page.getByTestId('loss-chart').getByText('归纳头形成')).toBeVisible()
})
