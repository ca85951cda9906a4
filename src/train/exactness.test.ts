// The training step held to PyTorch in float64: the loss, every gradient, the global gradient norm and the
// parameters after one AdamW step (with clipping and weight decay active), for a tiny GPT with biases and one
// without. The fixtures were written by `/usr/bin/python3 scripts/torch_gpt.py fixture [--no-bias]`, an
// implementation of nanoGPT that shares no code with this one. The step is the one training takes: Run.stepOn,
// which Run.trainStep calls with the sampler's next batch (the run's own AdamW, learning-rate schedule and
// readback). Runs on the cpu backend and on wasm, whose model code takes different paths (sliced attention
// products, explicit transposes, a one-hot embedding gradient).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { ModelConfig, TrainConfig } from '../shared/config'
import { disposeParams, loss, paramsFromArrays } from '../model/gpt'
import { Run } from './run'
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

const fixtures: [string, Fixture][] = ['adamw-step.json', 'adamw-step-nobias.json'].map((f) => [
  f,
  JSON.parse(readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8')),
])

/** Largest |a − b| / max(|b|, floor) over a tensor: relative error, with near-zero entries measured against `floor`. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor))
  return worst
}
const maxAbs = (v: number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)

/** A run that holds the fixture's weights and trains with its settings: peak rate at step 0 (no warmup), no dropout. */
function runOf(fx: Fixture): Run {
  const vocab = 'abcdefghijklmnopqrstuvwxyz'.slice(0, fx.model.vocabSize)
  const train: TrainConfig = {
    ...fx.train,
    batchSize: fx.x.length / fx.model.blockSize,
    maxIters: 1000,
    minLr: fx.train.learningRate / 10,
    warmupIters: 0,
    evalInterval: 100,
    evalIters: 1,
    seed: 1,
  }
  const weights = Object.fromEntries(Object.entries(fx.before).map(([k, v]) => [k, Float32Array.from(v)]))
  const p = Run.prepareFrom(
    { model: fx.model, tokenizer: { kind: 'char', vocab: [...vocab] }, weights },
    vocab.repeat(20),
    train,
  )
  if (p.problems) throw new Error(p.problems.map((x) => x.message).join('; '))
  return p.build()
}

describe.each(fixtures.flatMap(([file, fx]) => ['cpu', 'wasm'].map((backend) => ({ file, fx, backend }))))(
  '$file: one training step on $backend matches PyTorch float64',
  ({ fx, backend }) => {
    const B = fx.x.length / fx.model.blockSize
    afterAll(async () => {
      await tf.setBackend('cpu')
    })

    it('has a fixture where clipping and every parameter matter', () => {
      expect(fx.gradNorm).toBeGreaterThan(fx.train.gradClip) // clipping is active
      expect(Object.keys(fx.before).some((k) => k.endsWith('.bias'))).toBe(fx.model.bias)
      for (const g of Object.values(fx.grads)) expect(maxAbs(g)).toBeGreaterThan(1e-4)
    })

    it('loss, gradients, gradient norm and updated parameters agree to 1e-4 relative', async () => {
      expect(await tf.setBackend(backend)).toBe(true)
      const params = paramsFromArrays(
        fx.model,
        Object.fromEntries(Object.entries(fx.before).map(([k, v]) => [k, Float32Array.from(v)])),
      )
      const x = tf.tensor2d(fx.x, [B, fx.model.blockSize], 'int32')
      const y = tf.tensor2d(fx.y, [B, fx.model.blockSize], 'int32')

      // gradients, without updating anything
      const { value, grads } = tf.variableGrads(() => loss(params, fx.model, x, y), Object.values(params))
      expect(relErr(await value.data(), [fx.loss], 0)).toBeLessThan(1e-4)
      for (const [name, p] of Object.entries(params)) {
        // entries far below the tensor's scale are compared at 1% of it: float32 sums cancel there, which is not a bug
        expect(
          relErr(await grads[p.name].data(), fx.grads[name], 1e-2 * maxAbs(fx.grads[name])),
          `gradient of ${name}`,
        ).toBeLessThan(1e-4)
      }
      tf.dispose([value, ...Object.values(grads), x, y])
      disposeParams(params)

      // the step training takes
      const run = runOf(fx)
      const point = await run.stepOn({
        x: Int32Array.from(fx.x),
        y: Int32Array.from(fx.y),
        batchSize: B,
        blockSize: fx.model.blockSize,
      })
      expect(point.skipped).toBeUndefined()
      expect(point.step).toBe(1)
      expect(point.lr).toBe(fx.train.learningRate)
      expect(relErr([point.loss], [fx.loss], 0)).toBeLessThan(1e-4)
      expect(relErr([point.gradNorm ?? NaN], [fx.gradNorm], 0)).toBeLessThan(1e-4)
      expect(Object.keys(run.params).sort()).toEqual(Object.keys(fx.after).sort())
      for (const [name, p] of Object.entries(run.params)) {
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
        expect(
          relErr(
            after.map((v, i) => v - before[i]),
            ref,
            1e-2 * maxAbs(ref),
          ),
          `${name} update`,
        ).toBeLessThan(1e-4)
      }
      run.dispose()
    })
  },
)
