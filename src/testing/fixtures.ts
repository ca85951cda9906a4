// Helpers shared by unit tests: tiny configs, random parameters as plain arrays, and conversions.
import * as tf from '@tensorflow/tfjs'
import type { ModelConfig } from '../shared/config'
import { mulberry32 } from '../shared/random'
import { paramShapes, type Params } from '../model/gpt'
import type { Params64 } from '../model/reference64'

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

export async function paramsToArrays(params: Params): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {}
  for (const [k, v] of Object.entries(params)) out[k] = (await v.data()) as Float32Array
  return out
}

export function randomIds(n: number, V: number, seed: number): number[] {
  const rng = mulberry32(seed)
  return Array.from({ length: n }, () => Math.floor(rng() * V))
}

export const numTensors = () => tf.memory().numTensors
