// Baby GPT training steps in Node on tfjs-wasm, timed in CPU time (process.cpuUsage: what this process used,
// whatever else the machine runs), with the model's products on tfjs's path (XNNPACK + bmm.wat) and on
// gemm.wat (one thread), round after round. Run by `node scripts/gemm-bench.mjs --node` (vitest, with
// --experimental-wasm-relaxed-simd so that Node 20 validates relaxed SIMD); not part of the tests.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { it } from 'vitest'
import { gemm } from '../../src/model/gemm'
import { installWasmKernels } from '../../src/model/kernels'
import { getPreset } from '../../src/shared/presets'
import { Run } from '../../src/train/run'
import { benchText as text } from './corpus'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e3

it('times steps', async () => {
  installWasmKernels()
  await tf.setBackend('wasm')
  const baby = getPreset(process.env.GEMM_BENCH_PRESET ?? 'baby') // GEMM_BENCH_PRESET=tiny for the tiny preset
  const prepared = Run.prepare(text(200_000), baby.model, { ...baby.train, maxIters: 10_000 })
  if (prepared.problems) throw new Error(JSON.stringify(prepared.problems))
  const run = prepared.build()
  const paths: Record<string, () => void> = {
    tfjs: () => tf.unregisterKernel('GptMatMul', 'wasm'),
    [`gemm.wat (${gemm()!.relaxed ? 'relaxed' : 'plain'})`]: () => installWasmKernels(),
  }
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]))
  const matmulCpu: Record<string, number> = {}
  for (let round = 0; round < 4; round++)
    for (const [name, use] of Object.entries(paths)) {
      use()
      await run.trainStep()
      for (let i = 0; i < 5; i++) {
        const c0 = process.cpuUsage()
        await run.trainStep()
        cpu[name].push(cpuMs(process.cpuUsage(c0)))
      }
    }
  for (const [name, use] of Object.entries(paths)) {
    use()
    const profile = await tf.profile(async () => {
      await run.trainStep()
    })
    matmulCpu[name] = profile.kernels
      .filter((k) => /MatMul/.test(k.name) || k.name === 'Transpose')
      .reduce((s, k) => s + (k.kernelTimeMs as number), 0)
  }
  // CPU time inside gemm.ts's matMul (copies included) over 5 steps, and how much of it is the copies
  const engine = gemm()!
  const inner = engine.matMul.bind(engine)
  let inMatMul = 0
  const shapes = new Map<string, number>()
  engine.matMul = (a, b, out, shape) => {
    const c0 = process.cpuUsage()
    inner(a, b, out, shape)
    const ms = cpuMs(process.cpuUsage(c0))
    inMatMul += ms
    const key = `${shape.batch}x${shape.M}x${shape.N}x${shape.K}${shape.transA ? 'T' : ''}${shape.transB ? 't' : ''}`
    shapes.set(key, (shapes.get(key) ?? 0) + ms)
  }
  paths[Object.keys(paths)[1]]()
  const c0 = process.cpuUsage()
  for (let i = 0; i < 5; i++) await run.trainStep()
  const stepCpu = cpuMs(process.cpuUsage(c0)) / 5
  engine.matMul = inner
  console.log(
    JSON.stringify({
      stepCpu,
      matMulCpuPerStep: inMatMul / 5,
      byShape: [...shapes].map(([k, v]) => `${k} ${(v / 5).toFixed(2)}`),
    }),
  )
  const summary = Object.fromEntries(
    Object.entries(cpu).map(([k, v]) => [
      k,
      { bestCpuMs: +Math.min(...v).toFixed(1), medianCpuMs: +median(v).toFixed(1) },
    ]),
  )
  console.log(
    JSON.stringify({
      summary,
      productsAndTransposesWallMsInOneProfiledStep: matmulCpu,
      numTensors: tf.memory().numTensors,
    }),
  )
  run.dispose()
}, 600_000)
