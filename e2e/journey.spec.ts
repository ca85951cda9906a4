import { expect, test } from '@playwright/test'
import { backendInUse, heatmapInk, openTab, statusNumber } from './helpers'

// The whole first visit, on the default dataset and the tiny preset, with WebGPU switched on in the browser.
test('train, watch the loss fall, pause, generate, read the attention map, and open a model file while paused', async ({
  page,
}, info) => {
  await page.goto('/')
  const backend = await backendInUse(page)
  // the backend as a chip — where it computes and the backend, never the adapter's own string — and its report one click away
  const chip = page.getByTestId('backend-chip')
  await expect(chip).toHaveText(/^Backend: (CPU|GPU) · (WebGPU|WebGL|WebAssembly|JavaScript)( \(.+\))?$/)
  expect(await chip.textContent()).not.toMatch(/ANGLE|SwiftShader|Vulkan|0x/)
  await expect(page.getByTestId('backend-report')).toBeHidden()
  await chip.click()
  await expect(page.getByTestId('backend-report')).toBeVisible()
  await expect(page.getByTestId('backend-report')).toContainText('Limits used to refuse models too big')
  await expect(page.getByLabel('Backend', { exact: true })).toBeVisible() // the picker, in the report
  await chip.click()
  await expect(page.getByTestId('backend-report')).toBeHidden()
  const report = (await page.getByTestId('backend-report').textContent()) ?? ''
  const webgpu = /WebGPU: available on a GPU/.test(report)
    ? 'hardware'
    : /WebGPU: only a software adapter/.test(report)
      ? 'software'
      : 'none'
  expect(webgpu, 'this project starts Chromium with WebGPU switched on: an adapter is there').not.toBe('none')
  expect(backend === 'webgpu', `auto picks WebGPU exactly when its adapter is a GPU (here: ${webgpu})`).toBe(
    webgpu === 'hardware',
  )
  await expect(page.getByLabel('Dataset')).toHaveValue('names')
  await expect(page.getByLabel('Preset')).toHaveValue('tiny')
  await expect(page.getByTestId('param-count')).toContainText('parameters')
  // the preset's 500 steps take about two seconds on wasm now: enough steps that it is still training when paused
  await page.getByLabel('Steps', { exact: true }).fill('20000')

  // the untrained model already answers: the attention map is there before training
  await expect(page.getByTestId('attention-heatmap')).toBeVisible()

  await page.getByRole('button', { name: 'Start training' }).click()
  const status = page.getByRole('status')
  await expect(status).toContainText('Training')
  await expect.poll(() => statusNumber(page, 'status-step')).toBeGreaterThanOrEqual(2)
  // the loss falls from uniform guessing, ln(54) ≈ 3.99, where GPT-2's initialisation starts it (gpt.test.ts);
  // the status is read whenever the poll comes, and on wasm the tiny preset may be a hundred steps in by then,
  // so the fall is measured from ln V, not from the first value the poll happens to see
  await expect.poll(() => statusNumber(page, 'status-loss'), { timeout: 120_000 }).toBeLessThan(Math.log(54) - 0.3)
  await expect.poll(() => statusNumber(page, 'status-val')).toBeLessThan(4.5)

  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(status).toContainText('Paused')
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible()
  const pausedAt = await statusNumber(page, 'status-step')

  await page.getByLabel('Prompt', { exact: true }).fill('Ma')
  await page.getByLabel('Max new tokens').fill('40')
  await page.getByRole('button', { name: 'Generate' }).click()
  const out = page.getByTestId('sample-output')
  await expect.poll(async () => ((await out.textContent()) ?? '').length).toBeGreaterThan(10)
  await expect(page.getByText(/Done: 40 tokens from the model at step/)).toBeVisible()
  expect((await out.textContent())!.startsWith('Ma')).toBe(true)
  expect(await statusNumber(page, 'status-step')).toBe(pausedAt) // paused means paused

  // the attention heatmap is drawn (blue ink of several shades), and hovering reads a weight
  const ink = await heatmapInk(page)
  expect(ink.inked).toBeGreaterThan(0.05)
  expect(ink.distinct).toBeGreaterThan(5)
  const canvas = page.getByTestId('attention-heatmap')
  const box = (await canvas.boundingBox())!
  await canvas.hover({ position: { x: box.width * 0.6, y: box.height * 0.95 } }) // a cell in the last row, left of the diagonal
  await expect(page.getByTestId('attention-readout')).toContainText(/weight \d\.\d{3}/)
  await page.getByLabel('Layer', { exact: true }).selectOption('1') // counted from 0, as the diagram names heads
  await page.getByLabel('Head', { exact: true }).selectOption('1')
  await expect(canvas).toHaveAttribute('aria-label', /layer 1, head 1/)

  await page.getByRole('button', { name: 'Resume' }).click()
  await expect.poll(() => statusNumber(page, 'status-step')).toBeGreaterThan(pausedAt)

  // paused again, a model file opens: the paused run stays in Runs, to resume later
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(status).toContainText('Paused')
  const pausedAgainAt = await statusNumber(page, 'status-step')
  await openTab(page, 'Model file')
  await expect(page.getByText('Pause or stop training to open a model file.')).toHaveCount(0)
  await expect(page.getByText('The paused run is saved in Runs')).toBeVisible()
  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export .safetensors' }).click()
  const path = info.outputPath('paused.safetensors')
  await (await downloading).saveAs(path)
  await expect(page.getByLabel('Open a model file')).toBeEnabled()
  await page.getByLabel('Open a model file').setInputFiles(path)
  await expect(page.getByTestId('model-file-status')).toContainText(
    `Opened paused.safetensors: 2 layers × 2 heads, 32 wide, context 32`,
  )
  await expect(page.getByTestId('model-file-status')).toContainText(
    `trained ${pausedAgainAt.toLocaleString('en')} steps`,
  )
  await expect(page.getByRole('alert')).toHaveCount(0)
  await openTab(page, 'Runs')
  const runs = page.getByRole('table', { name: 'Stored runs' })
  await expect(runs.locator('tbody tr')).toHaveCount(1)
  await expect(runs.locator('tbody tr').first()).toContainText(`${pausedAgainAt.toLocaleString('en')} / 20,000`)
  await expect(runs.getByRole('button', { name: 'Resume' })).toBeEnabled()
  await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled()
})
