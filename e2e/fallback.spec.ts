import { expect, test } from '@playwright/test'
import { backendInUse, statusNumber, openAllSettings } from './helpers'

// Chromium without --enable-unsafe-webgpu: navigator.gpu exists but offers no adapter.
test('without WebGPU the page says so, falls back, and trains', async ({ page }) => {
  await page.goto('/')
  const backend = await backendInUse(page)
  expect(['wasm', 'webgl', 'cpu']).toContain(backend)
  await expect(page.getByTestId('backend-report')).toContainText('WebGPU: not available in this browser')
  await expect(page.getByTestId('backend-report')).toContainText('offers no adapter')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status')).toContainText('Training')
  await expect.poll(() => statusNumber(page, 'status-step')).toBeGreaterThanOrEqual(5)
  expect(Number.isFinite(await statusNumber(page, 'status-loss'))).toBe(true)
  await page.getByRole('button', { name: 'Stop', exact: true }).click()
  await expect(page.getByRole('status')).toContainText('Stopped')
})

test('bad input gets a clear message where the user looks, and nothing is lost', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  const text = page.getByLabel('Training text')
  const original = await text.inputValue()
  const start = page.getByRole('button', { name: 'Start training' })

  // impossible settings: a message beside the field, and no training
  await openAllSettings(page)
  await page.getByLabel('Heads').fill('3')
  await expect(page.getByText('Embedding width 32 is not divisible by 3 heads')).toBeVisible()
  await expect(start).toBeDisabled()
  await page.getByLabel('Learning rate', { exact: true }).fill('-1')
  await expect(page.getByText('Learning rate must be a positive number')).toBeVisible()
  await page.getByLabel('Preset').selectOption('tiny')
  await expect(start).toBeEnabled()

  // a non-UTF-8 upload is refused and the text stays
  await page
    .getByLabel('Upload a text file')
    .setInputFiles({ name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) })
  await expect(page.getByRole('alert').filter({ hasText: 'is not valid UTF-8 text' })).toBeVisible()
  expect(await text.inputValue()).toBe(original)
  // a UTF-8 file with emoji and CJK is accepted as is, counted by code point (14 per line: 🌙 is one character, not two UTF-16 units)
  const poem = '床前明月光，疑是地上霜。🌙\n'.repeat(20)
  await page
    .getByLabel('Upload a text file')
    .setInputFiles({ name: 'poem.txt', mimeType: 'text/plain', buffer: Buffer.from(poem, 'utf8') })
  await expect(text).toHaveValue(poem)
  await expect(page.getByTestId('text-stats')).toContainText('280 characters · vocabulary 14')

  // too short for the context
  await text.fill('abc')
  await expect(page.getByText(/The text is too short for a context of 32/)).toBeVisible()
  await expect(start).toBeDisabled()
  await page.getByLabel('Dataset').selectOption('names') // back to the built-in text (typing 35 kB into a textarea is slow in a test)
  await expect(text).toHaveValue(original)
  await expect(start).toBeEnabled()

  // a prompt with characters the model has never seen
  await expect(page.getByTestId('attention-heatmap')).toBeVisible() // the model exists
  await page.getByLabel('Prompt', { exact: true }).fill('AnnaΩ🙂')
  await expect(page.getByText(/The model has never seen these characters: “Ω” “🙂”/)).toBeVisible()
  await expect(page.getByTestId('prompt-unknown').locator('mark')).toHaveText(['Ω', '🙂']) // marked where they stand
  await expect(page.getByRole('button', { name: 'Generate' })).toBeDisabled()
  await page.getByLabel('Prompt', { exact: true }).fill('Anna')
  await expect(page.getByRole('button', { name: 'Generate' })).toBeEnabled()
})
