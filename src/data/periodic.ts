// The induction experiment's batches (the sequences themselves: src/text/periodic.ts), every one generated fresh,
// and the sampler a generated run draws them from. Plain TypeScript: no tfjs, no DOM.
import { mulberry32, type Rng } from '../util/random'
import { periodicSequence, periodicStream, REPEAT_MEASURE, TRAINING_MIX, type PeriodicOptions } from '../text/periodic'
import type { Batch, Split } from './dataset'

/** B sequences as a batch; with `mask`, w marks the targets that repeat (the loss on the repeated tokens). */
export function periodicBatch(rng: Rng, B: number, T: number, V: number, o: PeriodicOptions, mask = false): Batch {
  const x = new Int32Array(B * T)
  const y = new Int32Array(B * T)
  const w = mask ? new Float32Array(B * T) : undefined
  let wTotal = 0
  for (let b = 0; b < B; b++) {
    const { seq, repeatFrom } = periodicSequence(rng, T, V, o)
    x.set(seq.subarray(0, T), b * T)
    y.set(seq.subarray(1), b * T)
    if (w)
      for (let t = Math.max(0, repeatFrom); t < T; t++) {
        w[b * T + t] = 1
        wTotal++
      }
  }
  return w ? { x, y, w, wTotal, batchSize: B, blockSize: T } : { x, y, batchSize: B, blockSize: T }
}

/**
 * The batches of a generated run, every one fresh: training, and evaluation's two streams (the "training" and
 * "validation" losses come from the same distribution: nothing can be memorised), each from its own generator as
 * BatchSampler's, plus the repeated-token measure's. `state()` continues them exactly.
 */
export class PeriodicSampler {
  private readonly rngs: Rng[]
  constructor(
    readonly batchSize: number,
    readonly blockSize: number,
    readonly vocabSize: number,
    seed: number,
    states?: readonly number[],
  ) {
    this.rngs =
      states && states.length === 4
        ? states.map((s) => mulberry32(s))
        : [seed, seed ^ 0x5bd1e995, seed ^ 0x9e3779b9, seed ^ 0x27d4eb2f].map((s) => mulberry32(s))
  }
  /** The generators' states (train, evalTrain, evalVal, repeated): the training stream's first, as BatchSampler's. */
  state(): number[] {
    return this.rngs.map((r) => r.state())
  }
  next(stream: 'train' | 'evalTrain' | 'evalVal'): Batch {
    const rng = this.rngs[stream === 'train' ? 0 : stream === 'evalTrain' ? 1 : 2]
    return periodicBatch(rng, this.batchSize, this.blockSize, this.vocabSize, TRAINING_MIX)
  }
  /** A batch for the loss on the repeated tokens: periods ≥ 3, w marking the targets after the first period. */
  repeated(): Batch {
    return periodicBatch(this.rngs[3], this.batchSize, this.blockSize, this.vocabSize, REPEAT_MEASURE, true)
  }
}

/**
 * A stream of generated sequences standing in for a text where a run needs one (its reference losses, the probes'
 * token counts and default probe): `n` training sequences and a tenth as many for validation, seeded.
 */
export function periodicSplit(T: number, V: number, seed: number, n = 256): Split {
  return { train: periodicStream(T, V, seed, n), val: periodicStream(T, V, seed + 1, Math.max(2, Math.ceil(n / 10))) }
}
