import { expect, test } from '@playwright/test'
import { backendInUse, statusNumber } from './helpers'

// Forcing WebGPU runs every kernel a training step needs on tfjs-backend-webgpu. Here that is a software
// adapter (SwiftShader), slow but real WebGPU: a finite, falling loss proves the kernels the product relies on
// for real GPUs.
test('with the backend forced to webgpu, a few steps train and the loss is finite', async ({ page }) => {
  await page.goto('/?backend=webgpu')
  expect(await backendInUse(page)).toBe('webgpu')
  await expect(page.getByLabel('Backend')).toHaveValue('webgpu')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 180_000 }).toBeGreaterThanOrEqual(3)
  const loss = await statusNumber(page, 'status-loss')
  expect(Number.isFinite(loss)).toBe(true)
  expect(loss).toBeGreaterThan(0)
  expect(loss).toBeLessThan(6)
  await page.getByRole('button', { name: 'Stop' }).click()
  await expect(page.getByRole('status')).toContainText('Stopped')
  // sampling on webgpu goes through the CPU sampler (never tf.multinomial)
  await page.getByLabel('Max new tokens').fill('5')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 5 tokens/)).toBeVisible({ timeout: 120_000 })
})
