// The kernels of one Baby GPT training step on tfjs-wasm in Node (tf.profile, the mean of 3 steps): how many of
// each and their time, then the step's CPU time over 5 steps (process.cpuUsage: one thread, whatever else the
// machine runs). Run by `node scripts/gemm-bench.mjs --profile` (GEMM_BENCH_PRESET=tiny for the tiny preset); not
// a test. A custom gradient's forward shows as "forward", its time including the kernels inside it; the products
// are listed by their operands' shapes.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { it } from 'vitest'
import { installWasmKernels } from '../../src/model/kernels'
import { getPreset } from '../../src/shared/presets'
import { Run } from '../../src/train/run'
import { benchText as text } from './corpus'

it('profiles', async () => {
  installWasmKernels()
  await tf.setBackend('wasm')
  const baby = getPreset(process.env.GEMM_BENCH_PRESET ?? 'baby')
  const prepared = Run.prepare(text(200_000), baby.model, { ...baby.train, maxIters: 10_000 })
  if (prepared.problems) throw new Error(JSON.stringify(prepared.problems))
  const run = prepared.build()
  for (let i = 0; i < 3; i++) await run.trainStep()
  const by = new Map<string, [number, number]>()
  let total = 0,
    n = 0
  for (let r = 0; r < 3; r++) {
    const p = await tf.profile(async () => {
      await run.trainStep()
    })
    for (const k of p.kernels) {
      // GptMatMul by its operands' shapes (the transpose flags are not in tf.profile's record)
      const name = k.name === 'GptMatMul' ? `GptMatMul ${k.inputShapes.map((s) => `[${s}]`).join('')}` : k.name
      const e = by.get(name) ?? [0, 0]
      e[0] += 1 / 3
      e[1] += (k.kernelTimeMs as number) / 3
      by.set(name, e)
      total += (k.kernelTimeMs as number) / 3
      n += 1 / 3
    }
  }
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < 5; i++) await run.trainStep()
  const cpu = process.cpuUsage(c0)
  console.log('step cpu', ((cpu.user + cpu.system) / 5e3).toFixed(1), 'wall', ((performance.now() - t0) / 5).toFixed(1))
  console.log('kernels', n.toFixed(0), 'time', total.toFixed(1))
  for (const [k, [c, t]] of [...by].sort((a, b) => b[1][1] - a[1][1]))
    console.log(k.padEnd(40), c.toFixed(0).padStart(5), t.toFixed(2).padStart(8))
}, 600_000)
