import { expect, test } from '@playwright/test'
import { backendInUse, statusNumber, openTab } from './helpers'

// Pre-train on names, then fine-tune that stored run on a task in pair mode (reverse a name): a ten times lower
// learning rate, the pair format's characters added to the vocabulary, the loss on completions only, and the
// held-out pairs scored with exact match, BLEU-4, ROUGE-L and METEOR once training ends.
test('pre-train, then fine-tune on prompt → completion pairs and score the held-out pairs', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  const runs = page.getByRole('table', { name: 'Stored runs' })
  await openTab(page, 'Runs')
  await expect(runs.locator('tbody tr')).toHaveCount(1)

  await page.getByLabel('Dataset').selectOption('reverse')
  await openTab(page, 'Tokenizer & pair mode')
  await expect(page.getByTestId('pair-stats')).toHaveText(
    /^4,951 pairs \(tab-separated\) · 4,456 to train on, 495 held out to evaluate/,
  )
  await expect(page.getByRole('checkbox', { name: /Pair mode/ })).toBeChecked()

  await openTab(page, 'Runs')
  await runs.getByRole('button', { name: 'Fine-tune' }).click()
  await expect(page.getByTestId('origin')).toContainText('Starts from the stored run “First names')
  await expect(page.getByTestId('origin')).toContainText('(trained 30 steps), with 1 new character in its vocabulary') // the tab
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.0003') // a tenth of the tiny preset's
  await page.getByLabel('Steps', { exact: true }).fill('25')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  expect(await statusNumber(page, 'status-step')).toBe(25)

  await openTab(page, 'Pairs')
  const table = page.getByRole('table', { name: 'Held-out pairs and scores' })
  await expect(table.locator('tbody tr')).toHaveCount(50, { timeout: 60_000 })
  await expect(page.getByTestId('pair-scores')).toHaveText(
    /^Exact match \d+\.\d% · BLEU-4 \d\.\d{3} · ROUGE-L F \d\.\d{3} · METEOR \d\.\d{3} \(means over 50 pairs, characters\)/,
  )
  // the reference of each row is its prompt reversed
  const first = table.locator('tbody tr').first().locator('td')
  const prompt = (await first.nth(0).textContent()) ?? ''
  expect(await first.nth(1).textContent()).toBe([...prompt].reverse().join(''))
  await page.getByLabel('Score over').selectOption('words')
  await expect(page.getByTestId('pair-scores')).toContainText('(means over 50 pairs, words)')
  await openTab(page, 'Runs')
  await expect(runs.locator('tbody tr')).toHaveCount(2) // the fine-tuned run is stored too
})
