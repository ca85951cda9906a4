// "Watch an induction head form": training data that is not a text but generated fresh for every step, so the
// only way to predict it is to look back in the context. Each sequence is a prefix of random tokens, then a random
// segment repeated to the end with a period that changes from sequence to sequence ("x q 7 | k $ b k $ b k $ b …"):
// after the first period every token is the one p back, and since p and the prefix vary, position alone cannot
// say which. The recipe (docs/induction-recipe.md, second search, 5 of 5 seeds in PyTorch): periods 3 … T/2 for
// three sequences in four, 1 or 2 for the fourth ("a a a", "a b a b": the token itself or the one before predicts
// them, which grows the previous-token head an induction head reads). Plain TypeScript: no tfjs, no DOM.
import { mulberry32, randInt, type Rng } from '../util/random'
import type { Batch, Split } from './dataset'

/**
 * The 64 symbols the generated sequences are written in, one token each: letters and digits without the ones
 * that look alike (l I O 0 1), and seven signs.
 */
export const PERIODIC_ALPHABET: readonly string[] = [
  ...'abcdefghijkmnopqrstuvwxyz',
  ...'ABCDEFGHJKLMNPQRSTUVWXYZ',
  ...'23456789',
  ...'#$%&@+=',
]

/** The shape of the generated sequences. */
export interface PeriodicOptions {
  /** periods are drawn uniformly from minPeriod … maxPeriod (default ⌊T/2⌋) */
  minPeriod: number
  maxPeriod?: number
  /** the random prefix before the repetition starts: 0 … prefixMax tokens (default ⌊T/4⌋) */
  prefixMax?: number
  /** the share of sequences whose period is 1 or 2 instead */
  short: number
}

/** What training draws from (the recipe's mix). */
export const TRAINING_MIX: PeriodicOptions = { minPeriod: 3, short: 0.25 }
/**
 * What the loss on the repeated tokens is measured on: periods of 3 and more only, since "a a a" and "a b a b" are
 * predicted from the token itself or the one before, without an induction head.
 */
export const REPEAT_MEASURE: PeriodicOptions = { minPeriod: 3, short: 0 }

/**
 * One sequence of T + 1 tokens over a vocabulary of V: L0 ~ U{0 … prefixMax} random tokens, then p random tokens
 * (p ~ U{minPeriod … maxPeriod}, or with probability `short` p ~ U{1, 2}) repeated to the end. `repeatFrom` is the
 * first target index (into y = seq[1 … T]) that repeats: L0 + p − 1.
 */
export function periodicSequence(
  rng: Rng,
  T: number,
  V: number,
  o: PeriodicOptions,
): { seq: Int32Array; prefix: number; period: number; repeatFrom: number } {
  const maxPeriod = o.maxPeriod ?? Math.floor(T / 2)
  const prefixMax = o.prefixMax ?? Math.floor(T / 4)
  if (!(o.minPeriod >= 1 && maxPeriod >= o.minPeriod))
    throw new Error(`periods ${o.minPeriod} … ${maxPeriod} for a context of ${T}`)
  const prefix = randInt(rng, prefixMax + 1)
  let period = o.minPeriod + randInt(rng, maxPeriod - o.minPeriod + 1)
  if (o.short > 0 && rng() < o.short) period = 1 + randInt(rng, 2)
  const seq = new Int32Array(T + 1)
  for (let t = 0; t < prefix + period && t <= T; t++) seq[t] = randInt(rng, V)
  for (let t = prefix + period; t <= T; t++) seq[t] = seq[t - period]
  return { seq, prefix, period, repeatFrom: prefix + period - 1 }
}

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
  const rng = mulberry32(seed ^ 0x85ebca6b)
  const stream = (count: number) => {
    const out = new Int32Array(count * (T + 1))
    for (let i = 0; i < count; i++) out.set(periodicSequence(rng, T, V, TRAINING_MIX).seq, i * (T + 1))
    return out
  }
  return { train: stream(n), val: stream(Math.max(2, Math.ceil(n / 10))) }
}

/** `n` sequences written out in the alphabet, one per line, with where each repetition starts: what the page shows. */
export function periodicExamples(
  seed: number,
  n: number,
  T: number,
): { text: string; prefix: number; period: number }[] {
  const rng = mulberry32(seed)
  return Array.from({ length: n }, () => {
    const { seq, prefix, period } = periodicSequence(rng, T, PERIODIC_ALPHABET.length, TRAINING_MIX)
    return { text: Array.from(seq.subarray(0, T), (id) => PERIODIC_ALPHABET[id]).join(''), prefix, period }
  })
}
