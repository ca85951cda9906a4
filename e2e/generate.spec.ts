import { expect, test } from '@playwright/test'
import { backendInUse, statusNumber } from './helpers'

// The generation panel's strategies on a briefly trained tiny model: top-p sampling with token beliefs on
// hover and focus, a stop text, beam search with its beams, a pinned prompt's timeline, and scoring a text.
test('generate with sampling and beam search, and read what the model believed at a token', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('15')
  // pin a prompt before training: its continuation at once, then every 5 steps
  await page.getByLabel('Prompt', { exact: true }).fill('Ma')
  await page.getByLabel('Max new tokens').fill('10')
  await page.getByLabel('Watch this prompt every').fill('5')
  await page.getByRole('button', { name: 'Watch this prompt' }).click()
  const timeline = page.getByRole('table', { name: 'Watched prompt timeline' })
  await expect(timeline.locator('tbody tr')).toHaveCount(1)
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status')).toContainText('Finished', { timeout: 120_000 })
  expect(await statusNumber(page, 'status-step')).toBe(15)
  await expect(timeline.locator('tbody tr')).toHaveCount(4) // steps 0, 5, 10, 15
  await expect(timeline.locator('tbody tr').last().locator('td').first()).toHaveText('15')
  await page.getByRole('button', { name: 'Stop watching' }).click()

  // sampling with top-p: the settings that belong to beam search are disabled, and say why
  await expect(page.getByLabel('Beam width')).toBeDisabled()
  await page.getByLabel('Prompt', { exact: true }).fill('An')
  await page.getByLabel('Top-k').fill('1000') // more than the vocabulary: said, and it keeps every token
  await expect(page.getByTestId('topk-note')).toHaveText(
    /Top-k 1000 is more than the \d+ tokens in the vocabulary: it keeps them all/,
  )
  await page.getByLabel('Top-k').fill('0')
  await expect(page.getByTestId('topk-note')).toHaveCount(0)
  await page.getByLabel('Top-p').fill('0.9')
  await page.locator('#gen-seed').fill('3') // the settings panel has a Seed too
  await page.getByLabel('Max new tokens').fill('12')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 12 tokens from the model at step 15/)).toBeVisible()
  const out = page.getByTestId('sample-output')
  const first = (await out.textContent()) ?? ''
  const tokens = out.locator('.tok')
  await expect(tokens).toHaveCount(12)
  await tokens.nth(3).hover()
  await expect(page.getByTestId('sample-output-detail')).toContainText(
    /had probability \d+\.\d% · entropy \d\.\d\d nats · the model’s top 5:/,
  )
  await tokens.nth(5).focus()
  await expect(page.getByTestId('sample-output-detail')).toContainText('the model’s top 5')
  // why this token: every layer × head's attention row over the 7 tokens before it ("An" + 5 generated)
  const trace = page.getByRole('table', { name: 'Attention of every head for this token' })
  await expect(trace.getByRole('row')).toHaveCount(1 + 2 * 2) // the tiny preset: 2 layers × 2 heads, and the key row
  await expect(trace.getByRole('columnheader')).toHaveCount(1 + 7)
  await expect(trace.getByRole('columnheader').nth(1)).toHaveText('A')
  await expect(trace.getByRole('columnheader').nth(2)).toHaveText('n')
  await expect(page.getByTestId('trace')).toContainText(/Strongest single link: layer \d, head \d put \d+% on/)
  // Enter locks the token: hovering another no longer changes the detail; Esc unlocks
  await page.keyboard.press('Enter')
  const locked = (await page.getByTestId('sample-output-detail').textContent()) ?? ''
  expect(locked).toContain('Locked')
  await tokens.nth(3).hover() // token 3 was hovered above: it is visible (a newline token has no box to hover)
  await expect(page.getByTestId('sample-output-detail')).toHaveText(locked)
  await expect(trace.getByRole('columnheader')).toHaveCount(1 + 7)
  await tokens.nth(5).press('Escape')
  await expect(page.getByTestId('sample-output-detail')).not.toContainText('Locked')
  // compare with a reference: the text itself scores 1 on every metric (METEOR's one-chunk penalty, 0.5·(1/12)³, rounds away)
  await page.getByLabel('Reference text (to compare the generated text with)').fill(first.slice(2))
  await expect(page.getByTestId('comparison')).toContainText(
    'Characters: BLEU-4 1.000 · ROUGE-L F 1.000 · METEOR 1.000 (12 matched in 1 chunk)',
  )
  // same seed, same model, same settings: same text
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 12 tokens/)).toBeVisible()
  expect(await out.textContent()).toBe(first)

  // a stop text ends the generation where it first appears: greedy decoding (temperature 0) writes the same text
  // each time, so a stop at its third character must end it at that character's first appearance
  await page.getByLabel('Temperature').fill('0')
  await page.getByLabel('Stop at').fill('')
  await page.getByLabel('Max new tokens').fill('30')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 30 tokens/)).toBeVisible()
  const greedy = [...((await out.textContent()) ?? '').slice(2)]
  expect(greedy).toHaveLength(30)
  const stop = greedy[2]
  await page.getByLabel('Stop at').fill(stop === '\n' ? '\\n' : stop) // the field writes a line break as \n
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done \(reached the stop text\)/)).toBeVisible()
  expect(((await out.textContent()) ?? '').slice(2)).toBe(greedy.slice(0, greedy.indexOf(stop) + 1).join(''))

  // beam search: the sampling settings are disabled, and every beam is listed with its score
  await page.getByLabel('Decoding').selectOption('beam')
  await expect(page.getByLabel('Temperature')).toBeDisabled()
  await expect(page.getByLabel('Top-p')).toBeDisabled()
  await page.getByLabel('Stop at').fill('')
  await page.getByLabel('Beam width').fill('3')
  await page.getByLabel('Max new tokens').fill('8')
  await page.getByRole('button', { name: 'Generate' }).click()
  const beams = page.getByRole('table', { name: 'Beams' })
  await expect(beams.locator('tbody tr')).toHaveCount(3)
  await expect(page.getByText(/Done: 8 tokens/)).toBeVisible()
  // and its tree: 3 kept and 3 pruned nodes a step, the best path and the greedy path marked
  const tree = page.getByTestId('beam-tree')
  await expect(tree.locator('g.beam-node[data-kept="true"]')).toHaveCount(3 * 8)
  await expect(tree.locator('g.beam-node[data-kept="false"]')).toHaveCount(3 * 8)
  await expect(tree.locator('g.beam-node.best')).toHaveCount(8)
  expect(await tree.locator('g.beam-node.greedy').count()).toBeGreaterThanOrEqual(1) // greedy's first pick is the best first token: always kept
  await expect(tree).toContainText(/Greedy|greedy decoding finds the same path/)

  // score a text: every token after the first gets a probability, with the totals
  await page.getByLabel('Text to score').fill('Anna')
  await page.getByRole('button', { name: 'Score', exact: true }).click()
  await expect(page.getByTestId('score-summary')).toContainText(
    /3 tokens predicted \(model at step 15\) · log-likelihood -\d+\.\d\d nats · perplexity \d+\.\d\d/,
  )
  await page.getByTestId('score-output').locator('.tok').nth(1).hover()
  await expect(page.getByTestId('score-output-detail')).toContainText('the model’s top 5')
})
