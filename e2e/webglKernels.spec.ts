import { expect, test } from '@playwright/test'
import type { WebGlCheck } from './kernels/webgl'

// The fused WebGL kernels (src/model/webglKernels.ts) in the browser, where WebGL is (SwiftShader here): each
// against tfjs's own chain on the cpu backend to 1e-4, value and gradients; and the Baby preset's training step
// (the real Run, AdamW included) with them — the same loss and gradient norm as with tfjs's chains, in fewer draws.
test('the fused WebGL kernels match the cpu backend to 1e-4 and the Baby preset’s step takes fewer draws with them', async ({
  page,
}) => {
  test.setTimeout(600_000) // SwiftShader's WebGL: a Baby-sized step is seconds, and the check compiles each program
  await page.goto('/e2e/kernels/webgl.html')
  await expect(page.locator('#state')).not.toHaveText('running', { timeout: 540_000 })
  const r = await page.evaluate(
    () => (window as unknown as { __webglCheck: WebGlCheck | { error: string } }).__webglCheck,
  )
  if ('error' in r) throw new Error(r.error)
  expect(r.backend).toBe('webgl')
  expect(r.registered).toHaveLength(12)
  expect(r.cases).toHaveLength(9) // src/testing/kernelCases.ts: elementwiseCases
  for (const c of r.cases) c.worst.forEach((w, k) => expect(w, `${c.name}: output ${k}`).toBeLessThan(1e-4))
  expect(r.adamw.map((a) => a.how)).toEqual(['apply', 'flat'])
  for (const a of r.adamw) {
    a.worst.forEach((w, k) => expect(w, `AdamW (${a.how}): output ${k}`).toBeLessThan(1e-4))
    expect(a.guard).toBe('unchanged') // a NaN step queued unread changed no weight and no moment
    expect(a.cpuGuard).toBe('not on this backend')
  }
  // the next step queued before each loss is read (AdamW guards on the GPU here): the same run bit for bit
  expect(r.lookAhead.guardsOnDevice).toBe(true)
  expect(r.lookAhead.on).toEqual(r.lookAhead.off)
  expect(r.lookAhead.on).toHaveLength(7)
  // the memory check's fused fit covers a webgl step's peak (the step queued ahead included), not wildly over
  console.log(`webgl, peak bytes against the fits: ${JSON.stringify(r.memory)}`)
  expect(r.memory).toHaveLength(4)
  for (const m of r.memory) {
    expect(m.fused, `${m.what}: the fused fit ${m.fused} vs the peak ${m.peak}`).toBeGreaterThanOrEqual(m.peak)
    expect(m.fused, `${m.what}: the fused fit ${m.fused} vs the peak ${m.peak}`).toBeLessThan(2.5 * m.peak)
  }
  const { fused, chain } = r.step
  console.log(`webgl, the Baby preset's training step: ${JSON.stringify(r.step)}`)
  expect(Math.abs(fused.loss - chain.loss)).toBeLessThan(1e-4)
  expect(Math.abs(fused.gradNorm - chain.gradNorm) / chain.gradNorm).toBeLessThan(1e-3)
  expect(Math.abs(fused.loss - Math.log(65))).toBeLessThan(0.3) // GPT-2's initialisation: ≈ ln V
  expect(fused.draws).toBeLessThan(chain.draws * 0.7)
  // a step's changing values (the learning rate, AdamW's bias corrections) are uniforms: the second step links
  // no program (one baked into a program's source would compile dozens every step)
  expect(fused.compiles).toBe(0)
  expect(fused.kernels).toBeLessThan(chain.kernels)
})
