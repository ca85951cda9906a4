// Whole Baby GPT training steps (the trainer's own trainStep: forward, backward, AdamW) on tfjs-wasm, with the
// model's products on each path in turn, round after round so that the machine's changing load falls on all
// of them alike: tfjs's (XNNPACK for rank 2, bmm.wat for attention; GptMatMul unregistered), and gemm.wat on
// 1 and on N threads. Per path: the best and the median step, and one step's kernels by time (tf.profile).
import * as tf from '@tensorflow/tfjs'
import { gemm } from '../../src/model/gemm'
import { installWasmKernels } from '../../src/model/kernels'
import { getPreset } from '../../src/shared/presets'
import { Run } from '../../src/train/run'
import { benchText as text } from './corpus'
import { spawnBrowserThread } from '../../src/worker/gemmPool'

const log = (s: string) => postMessage({ log: s })

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function stepBench() {
  await tf.setBackend('wasm')
  await tf.ready()
  const baby = getPreset('baby')
  const prepared = Run.prepare(text(200_000), baby.model, { ...baby.train, maxIters: 10_000 })
  if (prepared.problems) throw new Error(JSON.stringify(prepared.problems))
  const run = prepared.build()
  const threads = Math.min(navigator.hardwareConcurrency || 1, 8)
  const engine = gemm()!
  const paths: Record<string, () => Promise<void>> = {
    'tfjs (XNNPACK + bmm.wat)': async () => tf.unregisterKernel('GptMatMul', 'wasm'),
    'gemm.wat 1 thread': async () => {
      installWasmKernels()
      engine.stopThreads()
    },
    [`gemm.wat ${threads} threads`]: async () => {
      installWasmKernels()
      if (engine.threads < threads) await engine.startThreads(threads - engine.threads, spawnBrowserThread)
    },
  }
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]))
  for (let round = 0; round < 4; round++) {
    for (const [name, use] of Object.entries(paths)) {
      await use()
      await run.trainStep()
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        await run.trainStep()
        times[name].push(performance.now() - t0)
      }
      log(`round ${round} ${name}: ${median(times[name].slice(-5)).toFixed(1)} ms`)
    }
  }
  const kernels: Record<string, { name: string; ms: number; count: number }[]> = {}
  for (const [name, use] of Object.entries(paths)) {
    await use()
    const profile = await tf.profile(async () => {
      await run.trainStep()
    })
    const by = new Map<string, { ms: number; count: number }>()
    for (const k of profile.kernels) {
      const e = by.get(k.name) ?? { ms: 0, count: 0 }
      e.ms += k.kernelTimeMs as number
      e.count++
      by.set(k.name, e)
    }
    kernels[name] = [...by.entries()]
      .map(([n, e]) => ({ name: n, ms: +e.ms.toFixed(2), count: e.count }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12)
  }
  const summary = Object.fromEntries(
    Object.entries(times).map(([k, v]) => [
      k,
      { best: +Math.min(...v).toFixed(1), median: +median(v).toFixed(1), n: v.length },
    ]),
  )
  postMessage({
    crossOriginIsolated: (self as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated,
    relaxed: engine.relaxed,
    threads,
    itemsByThread: engine.itemsByThread(),
    msPerStep: summary,
    kernels,
    numTensors: tf.memory().numTensors,
  })
}
