// Helpers shared by unit tests: tiny configs, random parameters as plain arrays, and conversions.
import * as tf from '@tensorflow/tfjs'
import type { ModelConfig } from '../shared/config'
import { mulberry32 } from '../util/random'
import { disposeParams, forward, loss, paramShapes, paramsFromArrays } from '../model/gpt'
import type { Params64 } from '../model/reference64'
import type { Run } from '../train/run'

export const tinyConfig = (over: Partial<ModelConfig> = {}): ModelConfig => ({
  vocabSize: 7,
  blockSize: 6,
  nLayer: 2,
  nHead: 2,
  nEmbd: 8,
  dropout: 0,
  bias: true,
  ...over,
})

/** Random parameters with unit-ish scale (so every path matters, unlike the 0.02 init), as float64 arrays. */
export function randomParams64(cfg: ModelConfig, seed = 1, scale = 0.3): Params64 {
  const rng = mulberry32(seed)
  const out: Params64 = {}
  for (const [name, shape] of paramShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1)
    const v = new Float64Array(n)
    const isLnWeight = /ln\d?\.weight$|lnF\.weight$/.test(name)
    for (let i = 0; i < n; i++) v[i] = (isLnWeight ? 1 : 0) + scale * (2 * rng() - 1)
    out[name] = v
  }
  return out
}

export function toFloat32(p: Params64): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Float32Array.from(v)]))
}

/** The float32-rounded version of float64 params, so both implementations see identical weights. */
export function rounded64(p: Params64): Params64 {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Float64Array.from(Float32Array.from(v))]))
}

export function randomIds(n: number, V: number, seed: number): number[] {
  const rng = mulberry32(seed)
  return Array.from({ length: n }, () => Math.floor(rng() * V))
}

export const numTensors = () => tf.memory().numTensors

/**
 * Loss and every parameter's gradient of a tiny GPT with fixed random weights and batch, on one backend.
 * Used to check that a backend's code paths (wasm, webgpu) give what the cpu backend gives.
 */
export async function lossAndGradsOn(backend: string): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend)
  const cfg = tinyConfig({ vocabSize: 9, blockSize: 5 })
  const params = paramsFromArrays(cfg, toFloat32(randomParams64(cfg, 31)))
  const x = randomIds(10, 9, 1)
  const y = randomIds(10, 9, 2)
  const { value, grads } = tf.variableGrads(
    () => loss(params, cfg, tf.tensor2d(x, [2, 5], 'int32'), tf.tensor2d(y, [2, 5], 'int32')),
    Object.values(params),
  )
  const out: Record<string, Float32Array> = { loss: (await value.data()) as Float32Array }
  for (const [name, p] of Object.entries(params)) out[name] = (await grads[p.name].data()) as Float32Array
  tf.dispose([value, ...Object.values(grads)])
  disposeParams(params)
  return out
}

/** The largest relative difference per entry (relative to max(|b|, 1e-3)), for each named array. */
export function worstRelDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of Object.keys(b)) {
    let worst = 0
    for (let i = 0; i < b[name].length; i++)
      worst = Math.max(worst, Math.abs(a[name][i] - b[name][i]) / Math.max(1e-3, Math.abs(b[name][i])))
    out[name] = worst
  }
  return out
}

/** The model's logits (1, T, V) for one sequence of ids, from weights as plain arrays; nothing left allocated. */
export async function logitsOf(
  model: ModelConfig,
  weights: Record<string, Float32Array>,
  ids: number[],
): Promise<Float32Array> {
  const params = paramsFromArrays(model, weights)
  try {
    const t = tf.tidy(() => forward(params, model, tf.tensor2d(ids, [1, ids.length], 'int32')).logits)
    const out = (await t.data()) as Float32Array
    t.dispose()
    return out
  } finally {
    disposeParams(params)
  }
}

/**
 * A step that cannot be finite: one weight (lnF.weight[0]) set to NaN, so the loss and every gradient are NaN,
 * then one step. Returns what a test checks — the step's point, the run's state before and after it, the tensor
 * count before and after — and a function that puts the weight back.
 */
export async function poisonedStep(run: Run) {
  const lnF = run.params['lnF.weight']
  const good = (await lnF.data()) as Float32Array
  const poisoned = good.slice()
  poisoned[0] = Number.NaN
  lnF.assign(tf.tensor1d(poisoned))
  const before = await run.capture()
  const tensorsBefore = tf.memory().numTensors
  const point = await run.trainStep()
  const tensorsAfter = tf.memory().numTensors
  const after = await run.capture()
  return { point, before, after, tensorsBefore, tensorsAfter, restore: () => lnF.assign(tf.tensor1d(good)) }
}
