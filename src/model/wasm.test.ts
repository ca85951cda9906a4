// The wasm backend runs matMul with transpose flags slowly and, in tfjs 4.22, has no UnsortedSegmentSum (the
// gradient of gather), so the model takes other paths there: explicit transposes in the linear layers and the
// scatter-add kernel of ./kernels.ts. These tests run the model on tfjs-backend-wasm in Node and compare it
// with the cpu backend (which takes the standard paths).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../model/gpt' // registers the missing kernels
import { lossAndGradsOn, randomIds, worstRelDiff } from '../testing/fixtures'
import { mulberry32 } from '../shared/random'

describe('wasm backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('has an UnsortedSegmentSum that sums rows by id, as a naive loop does', async () => {
    const N = 50
    const C = 7
    const V = 13
    const rng = mulberry32(4)
    const x = Float32Array.from({ length: N * C }, () => rng() * 2 - 1)
    const ids = randomIds(N, V, 5)
    ids[3] = V + 2 // out of range: dropped, as TensorFlow does
    const expected = new Float64Array(V * C)
    for (let r = 0; r < N; r++) if (ids[r] < V) for (let c = 0; c < C; c++) expected[ids[r] * C + c] += x[r * C + c]
    const out = tf.unsortedSegmentSum(tf.tensor2d(x, [N, C]), tf.tensor1d(ids, 'int32'), V)
    expect(out.shape).toEqual([V, C])
    const got = await out.data()
    for (let i = 0; i < V * C; i++) expect(got[i]).toBeCloseTo(expected[i], 5)
    out.dispose()
  })

  it('gives the same loss and gradients as the cpu backend, for every parameter', async () => {
    const wasm = await lossAndGradsOn('wasm')
    const cpu = await lossAndGradsOn('cpu')
    expect(Object.keys(wasm)).toEqual(Object.keys(cpu))
    for (const [name, worst] of Object.entries(worstRelDiff(wasm, cpu))) expect(worst, name).toBeLessThan(1e-3)
    expect(wasm['wte.weight'].some((g) => g !== 0)).toBe(true)
  })
})
