// The memory estimate that refuses a model before anything is allocated, checked against what tfjs really
// holds at its peak during a training step (tf.profile's peakBytes, on the cpu backend): it must not be an
// underestimate (a refusal that comes too late is a crash or silent NaN on a GPU), nor wildly pessimistic.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, describe, expect, it } from 'vitest'
import { installWasmKernels } from '../model/kernels'
import { estimateMemory, type ModelConfig } from '../shared/config'
import { stepPeak } from '../testing/memoryPeak'
import { tenSteps } from '../testing/configs'

const text = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '.repeat(300)

describe('estimateMemory against a training step’s real peak', () => {
  const cases: [string, Omit<ModelConfig, 'vocabSize'>, number][] = [
    // none of these shapes was among the 16 the estimate's coefficients were fitted to
    ['wide and shallow', { nLayer: 1, nHead: 3, nEmbd: 96, blockSize: 24, dropout: 0, bias: true }, 6],
    ['deep and narrow', { nLayer: 5, nHead: 2, nEmbd: 24, blockSize: 20, dropout: 0.1, bias: true }, 6],
    ['long context', { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 96, dropout: 0, bias: false }, 4],
    ['big batch', { nLayer: 2, nHead: 2, nEmbd: 40, blockSize: 12, dropout: 0.2, bias: true }, 48],
  ]
  for (const [what, settings, batchSize] of cases) {
    it(what, async () => {
      await tf.setBackend('cpu')
      // what the run holds at its peak, over what was there before it (the first step allocated what later reuse)
      const { peak, model } = await stepPeak(text, settings, tenSteps({ batchSize }))
      const estimate = estimateMemory({ ...settings, vocabSize: model.vocabSize }, { batchSize })
      expect(estimate.totalBytes, `estimate ${estimate.totalBytes} vs peak ${peak}`).toBeGreaterThanOrEqual(peak)
      expect(estimate.totalBytes, `estimate ${estimate.totalBytes} vs peak ${peak}`).toBeLessThan(2 * peak)
    })
  }
})

describe('estimateMemory with the fused kernels (wasm) against a training step’s real peak there', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })
  // none of these shapes was among the 10 the fused fit was made from (scripts/gemm-bench/peak.bench-test.ts);
  const cases: [string, Omit<ModelConfig, 'vocabSize'>, number][] = [
    ['three by three', { nLayer: 3, nHead: 3, nEmbd: 48, blockSize: 40, dropout: 0, bias: true }, 10],
    ['one small head', { nLayer: 1, nHead: 1, nEmbd: 16, blockSize: 8, dropout: 0, bias: true }, 3],
    ['six heads, dropout', { nLayer: 2, nHead: 6, nEmbd: 96, blockSize: 48, dropout: 0.1, bias: false }, 6],
    // the dropout factor was set from the two above; this one it never saw
    ['four layers, heavy dropout', { nLayer: 4, nHead: 2, nEmbd: 32, blockSize: 24, dropout: 0.3, bias: true }, 8],
  ]
  for (const [what, settings, batchSize] of cases) {
    it(what, async () => {
      installWasmKernels()
      expect(await tf.setBackend('wasm')).toBe(true)
      const { peak, model } = await stepPeak(text, settings, tenSteps({ batchSize }))
      const cfg = { ...settings, vocabSize: model.vocabSize }
      const estimate = estimateMemory(cfg, { batchSize }, { fused: true })
      expect(estimate.totalBytes, `estimate ${estimate.totalBytes} vs peak ${peak}`).toBeGreaterThanOrEqual(peak)
      expect(estimate.totalBytes, `estimate ${estimate.totalBytes} vs peak ${peak}`).toBeLessThan(2 * peak)
      // and the fit for tfjs's own chains would have refused far more than it holds here
      expect(estimateMemory(cfg, { batchSize }).totalBytes).toBeGreaterThan(2.5 * peak)
    })
  }
})
