import { expect, test } from '@playwright/test'
import { backendInUse, testLog, type TestEvent, openAllSettings } from './helpers'

// The same seed, text, batches and schedule on every backend the browser has give the same run: each training
// loss and both evaluations agree with the plain-JavaScript cpu backend to 1e-3. Here webgl and webgpu are
// SwiftShader (software Vulkan), so their kernels — the ones a GPU runs — are checked, only slowly.
const BACKENDS = ['cpu', 'wasm', 'webgl', 'webgpu'] as const
const STEPS = 8

test('every backend trains the same run: losses and evaluations equal to the cpu backend’s to 1e-3, and falling', async ({
  page,
}) => {
  test.setTimeout(900_000) // four engines one after another; SwiftShader's WebGPU is slow (~35 s in all here)
  const runs: Record<string, { points: number[]; evals: { step: number; trainLoss: number; valLoss: number }[] }> = {}
  for (const backend of BACKENDS) {
    await page.goto(`/?backend=${backend}&test-hooks&lang=en`)
    expect(await backendInUse(page), `forced ${backend}`).toBe(backend)
    await page.getByLabel('Steps', { exact: true }).fill(String(STEPS))
    await openAllSettings(page)
    await page.getByLabel('Warmup steps', { exact: true }).fill('0')
    await page.getByLabel('Learning rate', { exact: true }).fill('0.01')
    await page.getByLabel('Minimum learning rate', { exact: true }).fill('0.001')
    await page.getByRole('button', { name: 'Start training' }).click()
    await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 240_000 })
    const log = await testLog(page)
    const created = log.filter((e): e is Extract<TestEvent, { kind: 'created' }> => e.kind === 'created').at(-1)!
    const mine = log.filter((e) => 'runId' in e && e.runId === created.runId)
    const points = mine.filter((e): e is Extract<TestEvent, { kind: 'point' }> => e.kind === 'point')
    expect(
      points.map((p) => p.step),
      backend,
    ).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1))
    runs[backend] = {
      points: points.map((p) => p.loss),
      evals: mine
        .filter((e): e is Extract<TestEvent, { kind: 'eval' }> => e.kind === 'eval')
        .map(({ step, trainLoss, valLoss }) => ({ step, trainLoss, valLoss })),
    }
  }
  const cpu = runs.cpu
  expect(cpu.evals.map((e) => e.step)).toEqual([0, STEPS])
  // it learns: at about 3× the preset's rate and no warmup, 8 steps take the validation loss well below the untrained model's
  expect(cpu.evals[1].valLoss).toBeLessThan(cpu.evals[0].valLoss - 0.2)
  for (const backend of BACKENDS.slice(1)) {
    const r = runs[backend]
    r.points.forEach((loss, i) =>
      expect(Math.abs(loss - cpu.points[i]), `${backend}, step ${i + 1}: ${loss} vs cpu ${cpu.points[i]}`).toBeLessThan(
        1e-3,
      ),
    )
    expect(
      r.evals.map((e) => e.step),
      backend,
    ).toEqual([0, STEPS])
    r.evals.forEach((e, i) => {
      expect(
        Math.abs(e.trainLoss - cpu.evals[i].trainLoss),
        `${backend}, training loss at step ${e.step}`,
      ).toBeLessThan(1e-3)
      expect(Math.abs(e.valLoss - cpu.evals[i].valLoss), `${backend}, validation loss at step ${e.step}`).toBeLessThan(
        1e-3,
      )
    })
  }
})
