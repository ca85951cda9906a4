// A training step's real peak memory, as the memory estimate's tests measure it (src/train/memoryEstimate.test.ts
// on cpu and wasm, src/model/webgpu.test.ts on webgpu, the WebGL check page e2e/kernels/webgl.ts).
import * as tf from '@tensorflow/tfjs'
import type { ModelConfig, ModelSettings, TrainConfig } from '../shared/config'
import { Run } from '../train/run'

/**
 * Trains `warm` steps on the current backend (the first allocates what later ones reuse; on the GPU backends the
 * second is the first with a step queued ahead), then profiles one more: its peak bytes over what tfjs held
 * before the run, and the run's model (its vocabulary is the text's).
 */
export async function stepPeak(
  text: string,
  settings: ModelSettings,
  train: TrainConfig,
  warm = 1,
): Promise<{ peak: number; model: ModelConfig }> {
  const prepared = Run.prepare(text, settings, train)
  if (!prepared.build) throw new Error(JSON.stringify(prepared.problems))
  const before = tf.memory().numBytes
  const run = prepared.build()
  try {
    for (let i = 0; i < warm; i++) await run.trainStep()
    const profile = await tf.profile(async () => void (await run.trainStep()))
    return { peak: profile.peakBytes - before, model: run.model }
  } finally {
    run.dispose()
  }
}
