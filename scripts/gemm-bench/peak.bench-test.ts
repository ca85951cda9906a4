// Peak tensor bytes of a training step on tfjs-wasm in Node (tf.profile's peakBytes over what was allocated
// before the run), next to estimateMemory's figure, for a few shapes: `BENCH_TEST=… node scripts/gemm-bench.mjs --node`.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { it } from 'vitest'
import { installWasmKernels } from '../../src/model/kernels'
import { estimateMemory, type ModelConfig } from '../../src/shared/config'
import { Run } from '../../src/train/run'
import { tenSteps } from '../../src/testing/configs'

const text = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '.repeat(3000)
it('peaks', async () => {
  installWasmKernels()
  await tf.setBackend('wasm')
  const shapes: [string, Omit<ModelConfig, 'vocabSize'>, number][] = JSON.parse(process.env.PEAK_SHAPES ?? '[]')
  for (const [name, model, batchSize] of shapes) {
    const prepared = Run.prepare(text, model, tenSteps({ batchSize }))
    if (prepared.problems) throw new Error(JSON.stringify(prepared.problems))
    const before = tf.memory().numBytes
    const run = prepared.build()
    await run.trainStep()
    const c0 = process.cpuUsage()
    const profile = await tf.profile(async () => void (await run.trainStep()))
    const c = process.cpuUsage(c0)
    const est = estimateMemory({ ...model, vocabSize: run.model.vocabSize }, { batchSize })
    console.log(
      JSON.stringify({
        name,
        B: batchSize,
        ...model,
        peakBytes: profile.peakBytes - before,
        estimate: est.totalBytes,
        params: est.paramBytes / 16,
        stepCpuMs: (c.user + c.system) / 1000,
      }),
    )
    run.dispose()
  }
}, 1_200_000)
