// Settings for tests that need a valid model and training configuration but do not train it for long.
import type { TrainConfig } from '../shared/config'

/** A valid training configuration: ten steps of batch 1, nanoGPT's AdamW settings. */
export const tenSteps = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  batchSize: 1,
  maxIters: 10,
  learningRate: 1e-3,
  minLr: 1e-4,
  warmupIters: 0,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  gradClip: 1,
  evalInterval: 5,
  evalIters: 1,
  seed: 1,
  ...over,
})

/** The smallest model a record can describe: one layer, one head, two channels, three tokens. */
export const smallestModel = { vocabSize: 3, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 2, dropout: 0, bias: true }
