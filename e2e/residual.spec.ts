import { expect, test } from '@playwright/test'

// The residual view (issue 21): from a block's "+ MLP" in the model diagram to what each block adds to the stream,
// and where the parameters are; by keyboard; in Chinese.
test('what each block adds to the residual stream, and where the parameters are', async ({ page }) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  const mlp = page.getByTestId('diagram-mlp-0')
  await mlp.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Residual stream and parameters' })).toBeInViewport()
  const bars = page.getByTestId('residual-bars')
  // Tiny: 2 blocks, each the stream into it, its attention and its MLP; then the stream after the last
  await expect(bars.locator('tr')).toHaveCount(7)
  await expect(bars.locator('tr').first()).toContainText(/stream into block 0\s*\d+\.\d\d/)
  await expect(page.getByTestId('residual-read')).toContainText(
    /^Block 0 adds \d+\.\d\d× the size of the stream it reads; the blocks after it, \d+\.\d\d× on average\./,
  )
  // the split: its shares sum to 100 %
  const parts = page.locator('[data-testid^="param-split-"]')
  await expect(parts).toHaveCount(4) // embeddings, attention, MLP, final LayerNorm (the head is tied)
  const shares = (await parts.allTextContents()).map((x) => Number(/([\d.]+)%$/.exec(x)?.[1]))
  expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.3)
  // C = 32: the MLPs hold twice the attention's weights, less their LayerNorms' and biases' share
  const [, attention, mlpShare] = shares
  expect(mlpShare / attention).toBeGreaterThan(1.8)
  expect(mlpShare / attention).toBeLessThan(2)
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByRole('heading', { name: '残差流与参数' })).toBeVisible()
  await expect(page.getByTestId('residual-read')).toContainText('第 0 块加上的向量')
})

// The twins without residual connections, with post-LN and without positional encoding (issue 21, item 6): one click
// trains each on the same text and settings, the whole model's curve stays on the chart, and the way back to it is
// offered.
test('train twins without residual connections, with post-LN and without positions beside the whole model', async ({
  page,
}) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('40')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByRole('heading', { name: /Break it to learn it/ }).click()
  await page.getByTestId('twin-residual').click()
  const status = page.getByTestId('twin-residual-status')
  await expect(status).toContainText('flattens near the token-frequency line')
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await expect(status).toContainText(/the whole model: \d\.\d{3} at step 40/)
  await expect(page.getByTestId('loss-chart')).toContainText('the whole model (to step 40)')
  await expect(page.getByTestId('twin-postln')).toBeDisabled() // one twin at a time
  // back to the whole model, then the post-LN twin of it
  await status.getByRole('button', { name: 'Back to the whole model (step 40)' }).click()
  await expect(page.getByTestId('twin-postln')).toBeEnabled()
  await page.getByTestId('twin-postln').click()
  await expect(page.getByTestId('twin-postln-status')).toContainText('in a deep stack the post-LN twin can stall')
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  // and the twin without positional encoding: its positions view says it has none
  await page
    .getByTestId('twin-postln-status')
    .getByRole('button', { name: 'Back to the whole model (step 40)' })
    .click()
  await expect(page.getByTestId('twin-nopos')).toBeEnabled()
  await page.getByTestId('twin-nopos').click()
  await expect(page.getByTestId('twin-nopos-status')).toContainText('on ordinary text they stay close')
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await expect(page.getByTestId('twin-nopos-status')).toContainText(/the whole model: \d\.\d{3} at step 40/)
  await page.getByRole('heading', { name: 'Positional encoding', exact: true }).click()
  await expect(page.getByTestId('positions-caption')).toContainText('This model adds no positional encoding')
  await expect(page.getByTestId('positions-table')).toHaveCount(0)
  // the whole model's curve is named in the page's language, whichever it was made in
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByTestId('loss-chart')).toContainText('完整模型（到第 40 步）')
})
