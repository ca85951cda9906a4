import { expect, test } from '@playwright/test'
import { backendInUse } from './helpers'

// The attention atlas through training time: snapshots at every evaluation, a scrubber back to step 0, the
// keyboard walking a query/key pair, the head timeline, and the loss chart's reference lines.
test('atlas: every head at every evaluation, scrubbed back to step 0, read with the keyboard', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByText('Attention atlas: every layer × head').click()
  await expect(page.getByTestId('atlas-step')).toContainText('step 0')
  await expect(page.getByTestId('atlas-head-3')).toBeVisible() // tiny: 2 layers × 2 heads
  await page.getByLabel('Steps', { exact: true }).fill('50')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await expect(page.getByTestId('atlas-step')).toContainText('step 50')
  await expect(page.getByTestId('atlas-step')).toContainText(/[34] snapshots/) // at the evaluations 0, 25, 50 (and when opened)
  const at50 = await page.getByTestId('atlas-head-0').screenshot()

  // scrub back to the first snapshot: an early step, and a different picture from step 50
  await page.getByLabel('Step', { exact: true }).fill('0')
  await expect(page.getByTestId('atlas-step')).toContainText(/^step [01] ·/)
  const early = /^step (\d+)/.exec((await page.getByTestId('atlas-step').textContent()) ?? '')![1]
  await expect(page.getByRole('checkbox', { name: 'Live', exact: true })).not.toBeChecked()
  expect((await page.getByTestId('atlas-head-0').screenshot()).equals(at50)).toBe(false)

  // the keyboard: into the grid, down twice and right once → query 2, key 1
  await page.getByRole('grid').focus()
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key)
  await expect(page.getByTestId('atlas-readout')).toContainText(
    new RegExp(
      `^Layer 0, head 0 at step ${early}: the query “.+” \\(position 2\\) looks at “.+” \\(position 1\\) with weight [01]\\.\\d\\d`,
    ),
  )
  // Enter locks the pair: the mouse passing over the maps no longer moves it; Esc clears
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('atlas-readout')).toContainText(
    /^Locked \(Enter or Esc to release\): Layer 0, head 0 .*\(position 2\) looks at .*\(position 1\)/,
  )
  await page.getByTestId('atlas-head-1').hover({ position: { x: 20, y: 60 } })
  await expect(page.getByTestId('atlas-readout')).toContainText('(position 2) looks at')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('atlas-readout')).toContainText('Each small map is one head')

  // the zoomed head in words, and as a table (each query's strongest keys)
  await expect(page.getByTestId('head-summary')).toContainText(
    /^Layer 0 Head 0: .*\. Strongest link: .*\. Focus: (sharp|moderate|spread) \(entropy \d\.\d bits\)\.$/,
  )
  // (the attention view names the same head 0.0 now that every view counts from 0: the atlas's own)
  await page.getByTestId('head-summary').locator('..').getByText('View head 0.0 as a table').click()
  await expect(
    page.getByRole('table', { name: /^Head 0\.0: each query's three strongest keys/ }).locator('tbody tr'),
  ).toHaveCount(32) // tiny: context 32

  // the head timeline and the repeated probe
  await expect(page.getByTestId('head-timeline')).toContainText('1.1')
  await page.getByLabel('Probe', { exact: true }).selectOption('repeated')
  await expect(page.getByTestId('atlas-step')).toContainText('1 snapshot')
  await expect(page.getByTestId('reference-lines')).toContainText('is guessing every token equally (ln V)')
  await expect(page.getByTestId('loss-by-position')).toBeVisible() // a column per evaluation
  await expect(page.getByText(/^Validation loss by position in the context/)).toBeVisible()
})

test('token embeddings: the PCA map says what it keeps, and a token shows its neighbours in the full space', async ({
  page,
}) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByText('Token embeddings').click()
  await expect(page.getByTestId('embedding-caption')).toContainText(
    /Step 0: each token’s embedding, 32 numbers, .* This picture keeps \d+% of the variance/,
  )
  await page.getByTestId('embedding-map').locator('text').first().hover()
  await expect(page.getByTestId('embedding-neighbours')).toContainText(
    /^Closest to “.+” in all 32 dimensions: (“.+” -?\d\.\d\d(, )?){5}\.$/,
  )
  // the same from the list, the scatter's equivalent for a keyboard or a finger
  const third = await page.locator('#emb-token option').nth(3).textContent()
  await page.locator('#emb-token').selectOption({ index: 3 })
  await expect(page.getByTestId('embedding-neighbours')).toContainText(`Closest to “${third}” in all 32 dimensions`)
})

test('next-token lens: bars from the raw logits, reshaped by temperature in the page, and the logit lens per block', async ({
  page,
}) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByText('Next-token lens').click()
  await expect(page.getByTestId('lens-where')).toContainText('(position 8, step 0)')
  const bars = page.getByRole('table', { name: 'Next-token probabilities' }).locator('tr')
  await expect(bars).toHaveCount(10)
  await expect(page.getByTestId('lens-layer-0')).toBeVisible()
  await expect(page.getByTestId('lens-layer-2')).toBeVisible() // tiny: the embeddings and 2 blocks
  await page.locator('#lens-t').fill('0') // greedy: all the mass on one token (the generate panel has a Temperature too)
  await expect(bars.first().locator('td').nth(2)).toHaveText('100.0%')
})

test('Q/K/V calculator: one head, one query, the model’s numbers recomputed in the page', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByText('Q/K/V calculator').click()
  const steps = page.getByTestId('qkv-steps')
  await expect(steps).toContainText('(position 8, step 0)')
  await expect(steps).toContainText('divided by √16 = 4.000 (the head size, not the width)') // tiny: 32 wide, 2 heads
  await expect(page.getByRole('table', { name: 'Scores and weights' }).locator('tbody tr')).toHaveCount(9)
  const check = (await page.getByTestId('qkv-check').textContent()) ?? ''
  const diff = Number(/is ([\d.e+-]+)\.$/.exec(check)![1])
  expect(diff).toBeLessThan(1e-4)
  await page.getByLabel('Calculator head').selectOption('1')
  await expect(steps).toContainText('(position 8, step 0)')
})

test('break it: the no-mask twin trains from the same settings, its attention fills the future, the masked run stays to compare', async ({
  page,
}) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('25')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByText('Break it to learn it: no causal mask').click()
  // the tutorial's mistake about the mask is corrected before the twin runs, and stays while it does
  const correction = page.getByTestId('twin-correction')
  await expect(correction).toContainText(
    'A correction to the tutorial: The tutorial says GPT is pre-trained as a masked',
  )
  await page.getByRole('button', { name: 'Train a twin without the causal mask' }).click()
  await expect(correction).toContainText('the answer sits in its own input')
  await expect(page.getByTestId('twin-status')).toContainText('You are training the no-mask twin')
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await expect(page.getByTestId('twin-status')).toContainText(
    /Now: training loss \d\.\d{3} at step 25; the masked run had validation loss \d\.\d{3} at step 25\./,
  )
  // the atlas: no hatching, a share of attention on the future under every head
  await page.getByText('Attention atlas: every layer × head').click()
  await expect(page.getByTestId('atlas-no-mask')).toBeVisible()
  for (let k = 0; k < 4; k++) {
    const future = Number(/future (\d\.\d\d)/.exec((await page.getByTestId(`future-${k}`).textContent()) ?? '')![1])
    expect(future).toBeGreaterThan(0)
  }
  // the masked run is kept, and the twin can hand back to it
  await expect(page.getByRole('button', { name: /Back to the masked run \(step 25\)/ })).toBeEnabled()
})
