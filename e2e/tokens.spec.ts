import { expect, test } from '@playwright/test'
import { backendInUse, openAllSettings, openTab } from './helpers'

// Chinese text everywhere: the Tang poems, a byte-level BPE trained in the tab with a small vocabulary, a few
// training steps, a generation in Chinese, and the token inspector showing the same text cut both ways.
test('Tang poems with a BPE tokenizer: train, generate Chinese, inspect tokens', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Dataset').selectOption('tang')
  await expect(page.getByTestId('text-stats')).toContainText('28,388 characters · vocabulary 2,618')
  await openTab(page, 'Tokenizer & pair mode')
  await page.getByRole('radio', { name: /Byte-level BPE/ }).check()
  await expect(page.getByRole('alert').filter({ hasText: 'Train the BPE tokenizer first' })).toBeVisible()
  await page.getByLabel('Vocabulary', { exact: true }).fill('512')
  await page.getByRole('button', { name: 'Train tokenizer' }).click()
  await expect(page.getByTestId('bpe-stats')).toContainText('512', { timeout: 60_000 })
  await expect(page.getByTestId('bpe-note')).toContainText('256 merges')

  await page.getByLabel('Steps', { exact: true }).fill('40')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByLabel('Prompt', { exact: true }).fill('白日')
  await page.getByLabel('Temperature').fill('0')
  await page.getByLabel('Max new tokens').fill('30')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 30 tokens/)).toBeVisible()
  const out = (await page.getByTestId('sample-output').textContent()) ?? ''
  expect(out.startsWith('白日')).toBe(true)
  expect(out.slice(2)).toMatch(/\p{Script=Han}|，|。/u) // greedy on the poems: Hanzi and their punctuation

  await page.getByText('Token inspector').click()
  await page.getByLabel('Text to cut into tokens').fill('白日依山盡，黃河入海流。')
  const chars = page.getByTestId('tokens-char')
  const bpe = page.getByTestId('tokens-bpe')
  await expect(chars.locator('span')).toHaveCount(12)
  await expect(chars.locator('span').first()).toHaveAttribute('title', /^token \d+$/)
  expect(await bpe.locator('span').count()).toBeGreaterThan(0)
  await expect(bpe).toContainText('。') // whole characters where BPE learned them, ⟨hex⟩ bytes where not
})

test('positional encoding: the learned table and its similarities, and the fixed sinusoid with no parameters', async ({
  page,
}) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByRole('heading', { name: 'Positional encoding', exact: true }).click()
  await expect(page.getByTestId('positions-caption')).toContainText(
    'The learned table at step 0: 32 positions × 32 channels',
  )
  await expect(page.getByTestId('positions-table')).toBeVisible()
  await expect(page.getByTestId('positions-similarity')).toBeVisible()
  await expect(page.getByTestId('param-count')).toContainText('1,024 of them the position table')
  await openAllSettings(page)
  await page.getByLabel('Positions', { exact: true }).selectOption('sinusoidal')
  await expect(page.getByTestId('param-count')).toContainText('the fixed sinusoid adds none')
  await expect(page.getByTestId('positions-caption')).toContainText('The fixed sinusoid: 32 positions × 32 channels')
  // and none at all (the twin's setting, also offered here)
  await page.getByLabel('Positions', { exact: true }).selectOption('none')
  await expect(page.getByTestId('param-count')).toContainText('no positional encoding')
  await page.getByRole('button', { name: 'Step', exact: true }).click()
  await expect(page.getByTestId('positions-caption')).toContainText('This model adds no positional encoding')
})
