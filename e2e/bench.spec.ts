// `npm run bench` end to end, on the tiny preset for a few steps: the command runs through the real page and
// worker and prints one well-formed JSON line whose figures are sane. Behaviour only: no timing thresholds.
import { test, expect } from '@playwright/test'
import { spawnSync } from 'node:child_process'

test('npm run bench prints one sane JSON line for a short tiny run', async () => {
  test.setTimeout(300_000)
  const r = spawnSync(
    'node',
    [
      'scripts/bench.mjs',
      '--backend',
      'wasm',
      '--preset',
      'tiny',
      '--steps',
      '24',
      '--eval-every',
      '12',
      '--seed',
      '7',
      '--no-build',
      '--port',
      '4191',
    ],
    { encoding: 'utf8', timeout: 280_000 },
  )
  expect(r.status, r.stderr).toBe(0)
  const lines = r.stdout.trim().split('\n')
  expect(lines).toHaveLength(1) // progress goes to stderr, the result alone to stdout
  expect(r.stderr).toMatch(/step 24\/24/)
  const j = JSON.parse(lines[0])
  expect(j.backend).toBe('wasm')
  expect(j.train.seed).toBe(7)
  expect(j.steps).toBe(24)
  expect(j.params).toBeGreaterThan(0)
  expect(j.tokensPerStep).toBe(j.train.batchSize * j.model.blockSize)
  const positive = [
    j.msPerStep.p10,
    j.msPerStep.median,
    j.msPerStep.p90,
    j.tokensPerSec,
    j.firstStepMs,
    j.clickToFirstStepMs,
    j.samplingMsPerToken,
    j.samplingWarmMsPerToken,
    j.samplingLongMsPerToken,
    j.peakTensorMB,
  ]
  for (const x of positive) expect(Number.isFinite(x) && x > 0, String(x)).toBe(true)
  expect(j.msPerStep.p10).toBeLessThanOrEqual(j.msPerStep.median)
  expect(j.msPerStep.median).toBeLessThanOrEqual(j.msPerStep.p90)
  expect(j.msPerStep.q1).toBeLessThanOrEqual(j.msPerStep.q3)
  // the steady state leaves out the warm-up and the steps after an evaluation; the whole run's wall time is apart
  expect(j.msPerStep.warmup).toBeGreaterThan(0)
  expect(j.msPerStep.n).toBeLessThan(24 - j.msPerStep.warmup)
  expect(j.afterOtherWorkMsPerStep.n).toBeGreaterThanOrEqual(1) // step 13, after the evaluation at 12
  expect(Number.isFinite(j.wall.msPerStep) && j.wall.msPerStep > 0).toBe(true)
  expect(j.wall.stepShare).toBeGreaterThan(0)
  expect(j.wall.stepShare).toBeLessThanOrEqual(1)
  expect(r.stderr).toMatch(/steady state .* ms\/step median/)
  expect(r.stderr).toMatch(/whole run .* ms\/step wall/)
  // the preview server isolates the page (vite.config.ts) and the report says so
  expect(j.isolated).toBe(true)
  expect(j.threads).toBeGreaterThanOrEqual(1)
  expect(j.evals.map((e: { step: number }) => e.step)).toEqual([0, 12, 24])
  expect(j.evalStep).toBe(24)
  expect(j.finalValLoss).toBe(j.evals.at(-1).valLoss)
  expect(j.finalValLoss).toBeLessThan(j.evals[0].valLoss) // it learned
  expect(j.lastLoss).toBeLessThan(j.firstLoss)
  expect(j.samplingTokens).toBeGreaterThan(0)
  expect(j.numTensors.start).toBeGreaterThan(0)
  expect(j.numTensors.end).toBe(j.numTensors.start) // no leak across steps
  // Chromium has the Long Tasks API: the bench must report the main thread's long tasks, not "unsupported"
  expect(j.longTasks).not.toBeNull()
  expect(Number.isInteger(j.longTasks.over50ms) && Number.isInteger(j.longTasks.over100ms)).toBe(true)
  expect(j.longTasks.over100ms).toBeLessThanOrEqual(j.longTasks.over50ms)
})
