// The token stream of a run: a 90/10 train/validation split (the first 90% trains, as in nanoGPT's
// prepare.py) and random contiguous batches drawn from either part with a seeded generator.
import { mulberry32, randInt, type Rng } from '../util/random'
import { trainSplitIndex } from '../text/text'

export interface Batch {
  x: Int32Array // (B, T) row-major: inputs
  y: Int32Array // (B, T): the same windows shifted by one, the targets
  /** Pair mode: 1 where the target counts (a completion), 0 elsewhere; and how many count. */
  w?: Float32Array
  wTotal?: number
  batchSize: number
  blockSize: number
}

export interface Split {
  train: Int32Array
  val: Int32Array
  /** Pair mode: per token, 1 when it is a completion's (or its end), which the loss counts as a target. */
  trainMask?: Uint8Array
  valMask?: Uint8Array
}

export function splitTokens(tokens: Int32Array): Split {
  const n = trainSplitIndex(tokens.length)
  return { train: tokens.subarray(0, n), val: tokens.subarray(n) }
}

/**
 * B windows of T+1 consecutive tokens at random offsets: x = window[0..T), y = window[1..T]. With a mask,
 * w = mask[1..T] of each window: which targets count.
 */
export function sampleBatch(
  data: Int32Array,
  batchSize: number,
  blockSize: number,
  rng: Rng,
  mask?: Uint8Array,
): Batch {
  const maxStart = data.length - blockSize - 1
  if (maxStart < 0)
    throw new Error(`a split of ${data.length} tokens cannot hold one window of blockSize ${blockSize} + 1`)
  const x = new Int32Array(batchSize * blockSize)
  const y = new Int32Array(batchSize * blockSize)
  const w = mask ? new Float32Array(batchSize * blockSize) : undefined
  let wTotal = 0
  for (let b = 0; b < batchSize; b++) {
    const start = randInt(rng, maxStart + 1)
    x.set(data.subarray(start, start + blockSize), b * blockSize)
    y.set(data.subarray(start + 1, start + blockSize + 1), b * blockSize)
    if (w && mask) {
      for (let t = 0; t < blockSize; t++) wTotal += w[b * blockSize + t] = mask[start + 1 + t]
    }
  }
  return w ? { x, y, w, wTotal, batchSize, blockSize } : { x, y, batchSize, blockSize }
}

/**
 * Draws training batches, and evaluation batches from either split. Each stream has its own generator, so
 * evaluating never shifts the sequence of training batches: the same seed gives the same run with any eval settings.
 */
export class BatchSampler {
  private readonly rngs: Record<'train' | 'evalTrain' | 'evalVal', Rng>
  constructor(
    readonly split: Split,
    readonly batchSize: number,
    readonly blockSize: number,
    seed: number,
    /** The generators' states from `state()`, to continue a run exactly where it was saved. */
    states?: readonly number[],
  ) {
    this.rngs = states
      ? { train: mulberry32(states[0]), evalTrain: mulberry32(states[1]), evalVal: mulberry32(states[2]) }
      : { train: mulberry32(seed), evalTrain: mulberry32(seed ^ 0x5bd1e995), evalVal: mulberry32(seed ^ 0x9e3779b9) }
  }
  /** The three generators' states (train, evalTrain, evalVal): the training stream's first, as PeriodicSampler's. */
  state(): number[] {
    return [this.rngs.train.state(), this.rngs.evalTrain.state(), this.rngs.evalVal.state()]
  }
  next(stream: 'train' | 'evalTrain' | 'evalVal'): Batch {
    const val = stream === 'evalVal'
    return sampleBatch(
      val ? this.split.val : this.split.train,
      this.batchSize,
      this.blockSize,
      this.rngs[stream],
      val ? this.split.valMask : this.split.trainMask,
    )
  }
}
