import { expect, test } from '@playwright/test'
import { backendInUse, loseTheDeviceTwice, statusNumber, trainWithACheckpoint } from './helpers'

// Forcing WebGPU runs every kernel a training step needs on tfjs-backend-webgpu. Here that is a software
// adapter (SwiftShader), slow but real WebGPU. That its losses are the other backends' is backends.spec.ts;
// this is the rest of a session on it: the page says it is in use, training stops, and sampling works.
test('with the backend forced to webgpu, it trains, stops, and samples through the CPU sampler', async ({ page }) => {
  await page.goto('/?backend=webgpu')
  expect(await backendInUse(page)).toBe('webgpu')
  await expect(page.getByLabel('Backend')).toHaveValue('webgpu')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 180_000 }).toBeGreaterThanOrEqual(3)
  await page.getByRole('button', { name: 'Stop', exact: true }).click()
  await expect(page.getByRole('status')).toContainText('Stopped')
  // sampling on webgpu goes through the CPU sampler (never tf.multinomial)
  await page.getByLabel('Max new tokens').fill('5')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 5 tokens/)).toBeVisible({ timeout: 120_000 })
})

test('a lost GPU device: a new engine on webgpu reopens the run at its checkpoint and trains on; lost again within a minute, it falls back to another backend', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message)) // an unhandled rejection on the page would land here
  await page.goto('/?backend=webgpu&test-hooks&lang=en')
  expect(await backendInUse(page)).toBe('webgpu')
  const saved = await trainWithACheckpoint(page)
  await loseTheDeviceTwice(page, 'webgpu', saved)
  expect(errors).toEqual([])
})
