// One training step of a tiny GPT held to PyTorch in float64: the loss, every gradient, the global gradient
// norm and the parameters after one AdamW step (with clipping and weight decay active). The fixture was written by
// `/usr/bin/python3 scripts/torch_gpt.py fixture`, an implementation of nanoGPT that shares no code with this one.
// Runs on the cpu backend and on wasm, whose model code takes different paths (sliced attention products,
// explicit transposes, a one-hot embedding gradient).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { ModelConfig } from '../shared/config'
import { disposeParams, isDecayed, loss, paramsFromArrays } from '../model/gpt'
import { AdamW } from './adamw'
import { optimizerStep } from './run'
import { installWasmKernels } from '../model/kernels'

installWasmKernels()

interface Fixture {
  model: ModelConfig
  train: { learningRate: number; beta1: number; beta2: number; weightDecay: number; gradClip: number }
  x: number[]
  y: number[]
  loss: number
  gradNorm: number
  before: Record<string, number[]>
  grads: Record<string, number[]>
  after: Record<string, number[]>
}

const fx: Fixture = JSON.parse(readFileSync(new URL('./fixtures/adamw-step.json', import.meta.url), 'utf8'))
const B = fx.x.length / fx.model.blockSize

/** Largest |a − b| / max(|b|, floor) over a tensor: relative error, with near-zero entries measured against `floor`. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor))
  return worst
}
const maxAbs = (v: number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)

describe.each(['cpu', 'wasm'])('one AdamW step on %s matches PyTorch float64', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('has a fixture where clipping and every parameter matter', () => {
    expect(fx.gradNorm).toBeGreaterThan(fx.train.gradClip) // clipping is active
    for (const g of Object.values(fx.grads)) expect(maxAbs(g)).toBeGreaterThan(1e-4)
  })

  it('loss, gradients, gradient norm and updated parameters agree to 1e-4 relative', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    const params = paramsFromArrays(fx.model, Object.fromEntries(Object.entries(fx.before).map(([k, v]) => [k, Float32Array.from(v)])))
    const x = tf.tensor2d(fx.x, [B, fx.model.blockSize], 'int32')
    const y = tf.tensor2d(fx.y, [B, fx.model.blockSize], 'int32')

    // gradients, without updating anything
    const { value, grads } = tf.variableGrads(() => loss(params, fx.model, x, y), Object.values(params))
    expect(relErr(await value.data(), [fx.loss], 0)).toBeLessThan(1e-4)
    for (const [name, p] of Object.entries(params)) {
      // entries far below the tensor's scale are compared at 1% of it: float32 sums cancel there, which is not a bug
      expect(relErr(await grads[p.name].data(), fx.grads[name], 1e-2 * maxAbs(fx.grads[name])), `gradient of ${name}`).toBeLessThan(1e-4)
    }
    tf.dispose([value, ...Object.values(grads)])

    // the same step the trainer takes
    const t = fx.train
    const opt = new AdamW(params, { beta1: t.beta1, beta2: t.beta2, eps: 1e-8, weightDecay: t.weightDecay }, (_, shape) => isDecayed(shape))
    const out = tf.tidy(() => optimizerStep(params, fx.model, opt, x, y, { lr: t.learningRate, gradClip: t.gradClip }))
    expect(relErr(await out.loss.data(), [fx.loss], 0)).toBeLessThan(1e-4)
    expect(relErr(await out.gradNorm.data(), [fx.gradNorm], 0)).toBeLessThan(1e-4)
    for (const [name, p] of Object.entries(params)) {
      // The key bias has an exactly zero gradient (adding q·b_k to every score of a row leaves the softmax
      // unchanged): ~1e-19 in float64, float32 rounding noise here. AdamW's first step moves a parameter by
      // lr·g/(|g| + ε), so on noise it moves by an arbitrary fraction of lr. Those entries are left out.
      const live = fx.grads[name].map((g) => Math.abs(g) > 1e-12)
      const pick = (v: ArrayLike<number>) => Array.from(v).filter((_, i) => live[i])
      const after = pick(await p.data())
      expect(relErr(after, pick(fx.after[name]), 1e-3), `${name} after the step`).toBeLessThan(1e-4)
      // the update itself (after − before), which is ~lr and would hide inside the parameter's magnitude
      const before = pick(fx.before[name])
      const ref = pick(fx.after[name]).map((v, i) => v - before[i])
      expect(relErr(after.map((v, i) => v - before[i]), ref, 1e-2 * maxAbs(ref)), `${name} update`).toBeLessThan(1e-4)
    }
    tf.dispose([out.loss, out.gradNorm, x, y])
    opt.dispose()
    disposeParams(params)
  })
})
