import { expect, test, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { backendInUse, openTab, statusNumber } from './helpers'

// A model leaves the tab and comes back: export a briefly trained tiny model as .safetensors, open it in a
// fresh page and get the same greedy text; a damaged file is refused with a message and the model stays.
async function greedy(page: Page, prompt: string): Promise<string> {
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  await page.getByLabel('Temperature').fill('0')
  await page.getByLabel('Max new tokens').fill('20')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 20 tokens/)).toBeVisible()
  return (await page.getByTestId('sample-output').textContent()) ?? ''
}

test('export a model, open it in a fresh page: same greedy text; a bad file changes nothing', async ({
  page,
  browser,
}, info) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('20')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status')).toContainText('Finished', { timeout: 120_000 })
  expect(await statusNumber(page, 'status-step')).toBe(20)
  const text = await greedy(page, 'Ma')

  await openTab(page, 'Model file')
  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export .safetensors' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^names-2x32-step20\.safetensors$/)
  const path = info.outputPath('model.safetensors')
  await download.saveAs(path)
  const bytes = readFileSync(path)

  // the bundle to continue with nanoGPT: its data, config, weights, optimizer state and scripts
  const bundling = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export for nanoGPT' }).click()
  const bundle = await bundling
  expect(bundle.suggestedFilename()).toBe('nanogpt-names-step20.tar')
  const tarPath = info.outputPath('bundle.tar')
  await bundle.saveAs(tarPath)
  const listing = execFileSync('tar', ['-tf', tarPath], { encoding: 'utf8' }).trim().split('\n').sort()
  expect(listing).toEqual(
    [
      'README.md',
      'ckpt_to_playground.py',
      'config/train_names.py',
      'data/names/meta.pkl',
      'data/names/train.bin',
      'data/names/val.bin',
      'out-names/playground-optimizer.safetensors',
      'out-names/playground.safetensors',
      'playground_to_ckpt.py',
    ].map((f) => `nanogpt-names/${f}`),
  )

  const fresh = await browser.newPage()
  await fresh.goto('/')
  await backendInUse(fresh)
  await openTab(fresh, 'Model file')
  await fresh
    .getByLabel('Open a model file')
    .setInputFiles({ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: bytes })
  await expect(fresh.getByTestId('model-file-status')).toContainText(
    'Opened model.safetensors: 2 layers × 2 heads, 32 wide, context 32',
  )
  await expect(fresh.getByTestId('model-file-status')).toContainText('trained 20 steps')
  expect(await greedy(fresh, 'Ma')).toBe(text)

  // a damaged file: the reason, and the opened model still generates the same
  await fresh.getByLabel('Open a model file').setInputFiles({
    name: 'broken.safetensors',
    mimeType: 'application/octet-stream',
    buffer: bytes.subarray(0, bytes.length - 100),
  })
  await expect(fresh.getByRole('alert')).toContainText(
    /broken\.safetensors: .*lies outside .* The current model is unchanged\./,
  )
  expect(await greedy(fresh, 'Ma')).toBe(text)
  await fresh.close()
})
