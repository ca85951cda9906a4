// The wasm backend has no UnsortedSegmentSum (the gradient of gather) and runs matMul with transpose flags
// slowly, so the model takes other paths there: a one-hot product for the embedding gradient and explicit
// transposes in the linear layers. These tests run the model on tfjs-backend-wasm in Node and compare it with
// the cpu backend (which takes the standard paths).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { disposeParams, loss, paramsFromArrays } from './gpt'
import { randomIds, randomParams64, tinyConfig, toFloat32 } from '../testing/fixtures'

async function lossAndGrads(backend: string) {
  await tf.setBackend(backend)
  const cfg = tinyConfig({ vocabSize: 9, blockSize: 5 })
  const params = paramsFromArrays(cfg, toFloat32(randomParams64(cfg, 31)))
  const x = randomIds(10, 9, 1)
  const y = randomIds(10, 9, 2)
  const { value, grads } = tf.variableGrads(() => loss(params, cfg, tf.tensor2d(x, [2, 5], 'int32'), tf.tensor2d(y, [2, 5], 'int32')), Object.values(params))
  const out: Record<string, Float32Array> = { loss: (await value.data()) as Float32Array }
  for (const [name, p] of Object.entries(params)) out[name] = (await grads[p.name].data()) as Float32Array
  tf.dispose([value, ...Object.values(grads)])
  disposeParams(params)
  return out
}

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
    const wasm = await lossAndGrads('wasm')
    const cpu = await lossAndGrads('cpu')
    expect(Object.keys(wasm)).toEqual(Object.keys(cpu))
    for (const name of Object.keys(cpu)) {
      const a = wasm[name]
      const b = cpu[name]
      let worst = 0
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])))
      expect(worst, name).toBeLessThan(1e-3)
    }
    expect(wasm['wte.weight'].some((g) => g !== 0)).toBe(true)
  })
})
