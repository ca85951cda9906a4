// The wasm backend has no UnsortedSegmentSum (the gradient of gather) and runs matMul with transpose flags
// slowly, so the model takes other paths there: a one-hot product for the embedding gradient and explicit
// transposes in the linear layers. These tests run the model on tfjs-backend-wasm in Node and compare it with
// the cpu backend (which takes the standard paths).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lossAndGradsOn, worstRelDiff } from '../testing/fixtures'

describe('wasm backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('lacks the gather gradient kernel, so the model must route around it', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined()
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')).toBeDefined()
  })

  it('gives the same loss and gradients as the cpu backend, for every parameter', async () => {
    const wasm = await lossAndGradsOn('wasm')
    const cpu = await lossAndGradsOn('cpu')
    expect(Object.keys(wasm)).toEqual(Object.keys(cpu))
    for (const [name, worst] of Object.entries(worstRelDiff(wasm, cpu))) expect(worst, name).toBeLessThan(1e-3)
    expect(wasm['wte.weight'].some((g) => g !== 0)).toBe(true)
  })
})
