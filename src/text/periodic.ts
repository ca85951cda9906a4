// "Watch an induction head form": training data that is not a text but generated fresh for every step, so the
// only way to predict it is to look back in the context. Each sequence is a prefix of random tokens, then a random
// segment repeated to the end with a period that changes from sequence to sequence ("x q 7 | k $ b k $ b k $ b …"):
// after the first period every token is the one p back, and since p and the prefix vary, position alone cannot
// say which. The recipe (docs/induction-recipe.md, second search, 5 of 5 seeds in PyTorch): periods 3 … T/2 for
// three sequences in four, 1 or 2 for the fourth ("a a a", "a b a b": the token itself or the one before predicts
// them, which grows the previous-token head an induction head reads). Here the sequences' definition, which the
// page shows and the worker trains on; the batches are src/data/periodic.ts. Plain TypeScript: no tfjs, no DOM.
import { mulberry32, randInt, type Rng } from '../util/random'

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

/** The shortest context the training mix fits: its longest period (⌊T/2⌋) must reach its shortest (3). */
export const MIN_PERIODIC_CONTEXT = 6

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

/** `n` generated sequences of T + 1 tokens one after another, seeded: a sample of what training sees. */
export function periodicStream(T: number, V: number, seed: number, n: number): Int32Array {
  const rng = mulberry32(seed ^ 0x85ebca6b)
  const out = new Int32Array(n * (T + 1))
  for (let i = 0; i < n; i++) out.set(periodicSequence(rng, T, V, TRAINING_MIX).seq, i * (T + 1))
  return out
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
