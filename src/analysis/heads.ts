// What an attention head does, in numbers: the maths of the attention atlas and the head timeline, plain
// TypeScript shared by the worker (which computes it on the model's real attention) and its tests.
//
// Transport: a causal (T, T) attention matrix is sent as its lower triangle, row by row (T·(T+1)/2 bytes),
// each weight × 255 rounded so that every row still sums to exactly 255 (largest remainder: floor every cell,
// then give the missing units to the cells with the largest fractional parts). Rows sum to 1 before and after.
import { mulberry32 } from '../util/random'

/** Number of cells in the lower triangle (diagonal included) of a T × T matrix. */
export function triangleSize(T: number): number {
  return (T * (T + 1)) / 2
}

/** Offset of row i in a packed lower triangle. */
export function rowStart(i: number): number {
  return (i * (i + 1)) / 2
}

/**
 * One causal attention matrix (T, T), row-major, as a uint8 lower triangle whose rows each sum to 255.
 * Writes into `out` at `offset` (so many heads can share one buffer).
 */
export function quantizeCausal(a: ArrayLike<number>, T: number, out: Uint8Array, offset = 0): void {
  for (let i = 0; i < T; i++) quantizeRow(a, i * T, i + 1, out, offset + rowStart(i))
}

/**
 * `rows` rows of `n` weights each, row-major, as uint8 rows that each sum to 255 (the same rounding):
 * a generation trace's rows, or a full matrix when a model attends without the causal mask.
 */
export function quantizeRows(
  a: ArrayLike<number>,
  rows: number,
  n: number,
  out: Uint8Array = new Uint8Array(rows * n),
  offset = 0,
): Uint8Array {
  for (let r = 0; r < rows; r++) quantizeRow(a, r * n, n, out, offset + r * n)
  return out
}

/** a[from … from+n) × 255 into out[at …], rounded by largest remainder so that it sums to exactly 255 (0 if a sums to 0). */
function quantizeRow(a: ArrayLike<number>, from: number, n: number, out: Uint8Array, at: number): void {
  let sum = 0
  for (let j = 0; j < n; j++) sum += a[from + j]
  let used = 0
  const frac = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    const exact = sum > 0 ? (255 * a[from + j]) / sum : 0
    const whole = Math.floor(exact)
    out[at + j] = whole
    used += whole
    frac[j] = exact - whole
  }
  if (!(sum > 0)) return
  // the units rounding lost go to the largest remainders (ties: the earlier key)
  const order = Array.from(frac.keys()).sort((x, y) => frac[y] - frac[x] || x - y)
  for (let k = 0; k < 255 - used; k++) out[at + order[k]]++
}

/**
 * Weight of (query i, key j) of head k in an atlas snapshot's bytes, as a probability: packed lower triangles,
 * or whole matrices when the model attends without the causal mask (`full`).
 */
export function weightAt(
  s: { weights: Uint8Array; T: number; full?: boolean },
  k: number,
  i: number,
  j: number,
): number {
  return s.full ? s.weights[k * s.T * s.T + i * s.T + j] / 255 : cell(s.weights, k * triangleSize(s.T), i, j)
}

/** Mean share of a head's attention on keys after the query (the future): 0 with the causal mask. */
export function futureShare(s: { weights: Uint8Array; T: number; full?: boolean }, k: number): number {
  if (!s.full || s.T < 2) return 0
  let sum = 0
  for (let i = 0; i < s.T - 1; i++) for (let j = i + 1; j < s.T; j++) sum += weightAt(s, k, i, j)
  return sum / (s.T - 1)
}

/** Weight of (query i, key j) in a packed uint8 triangle, as a probability (0 above the diagonal). */
export function cell(tri: Uint8Array, offset: number, i: number, j: number): number {
  return j > i ? 0 : tri[offset + rowStart(i) + j] / 255
}

export interface HeadScores {
  previous: number // mean weight on the token just before (queries 1…T−1)
  self: number // mean weight on itself
  first: number // mean weight on the first token (queries 1…T−1)
  induction: number // on a probe repeated with period p: mean weight on the token after the previous occurrence
  entropy: number // mean entropy of a row, in bits
}

/**
 * Scores of one head from its attention rows, `w(i, j)` for j ≤ i. `period`: the probe repeats with this period
 * (the repeated-random probe), so query i ≥ period "induces" when it looks at key i − period + 1 — the token that
 * followed the earlier occurrence of the current token. Without a period, induction is 0.
 */
export function headScores(w: (i: number, j: number) => number, T: number, period?: number): HeadScores {
  let previous = 0
  let self = 0
  let first = 0
  let entropy = 0
  for (let i = 0; i < T; i++) {
    self += w(i, i)
    if (i > 0) {
      previous += w(i, i - 1)
      first += w(i, 0)
    }
    let h = 0
    for (let j = 0; j <= i; j++) {
      const p = w(i, j)
      if (p > 0) h -= p * Math.log2(p)
    }
    entropy += h
  }
  let induction = 0
  if (period && period >= 2 && T > period) {
    for (let i = period; i < T; i++) induction += w(i, i - period + 1)
    induction /= T - period
  }
  return {
    previous: T > 1 ? previous / (T - 1) : 0,
    self: self / T,
    first: T > 1 ? first / (T - 1) : 0,
    induction,
    entropy: entropy / T,
  }
}

/**
 * The periods of the varying-period probe set: 8 spread evenly from 4 to ⌊T/2⌋ (from 2 when the context is
 * shorter than 8), rounded, each once. A head that scores on all of them finds the earlier occurrence by content;
 * a head that copies from a fixed distance scores on one period only.
 */
export function probePeriods(T: number): number[] {
  const hi = Math.floor(T / 2)
  if (hi < 2) return []
  const lo = Math.min(4, hi)
  const out = new Set<number>()
  for (let k = 0; k < 8; k++) out.add(Math.round(lo + ((hi - lo) * k) / 7))
  return [...out].sort((a, b) => a - b)
}

/**
 * The varying-period probe set (the prefix-matching score's): for each period p of `probePeriods(T)`, `perPeriod`
 * rows of one length (2·⌊T/2⌋) that repeat p random tokens, distinct when `tokens` has p of them (then each token
 * of the first repeat has exactly one earlier occurrence). Only queries p … 2p − 1 are scored, so what fills the
 * rest of a row (the repetition continued) changes nothing before it: the mask is causal. Seeded.
 */
export function inductionProbes(
  tokens: readonly number[],
  T: number,
  seed: number,
  perPeriod = Math.max(1, Math.min(4, Math.floor(1024 / (8 * T)))),
): { rows: number[][]; periods: number[]; length: number } {
  const length = 2 * Math.floor(T / 2)
  const rows: number[][] = []
  const periods: number[] = []
  const rand = mulberry32(seed ^ 0x1b873593)
  for (const p of probePeriods(T)) {
    for (let k = 0; k < perPeriod; k++) {
      let r: number[]
      if (tokens.length >= p) {
        const pool = [...tokens]
        for (let i = 0; i < p; i++) {
          const j = i + Math.floor(rand() * (pool.length - i))
          ;[pool[i], pool[j]] = [pool[j], pool[i]]
        }
        r = pool.slice(0, p)
      } else r = Array.from({ length: p }, () => tokens[Math.floor(rand() * tokens.length)])
      rows.push(Array.from({ length }, (_, t) => r[t % p]))
      periods.push(p)
    }
  }
  return { rows, periods, length }
}

/**
 * One head's prefix-matching score on the probe set: the mean over rows b (period p_b) and queries i ∈ [p_b, 2p_b)
 * of its attention from i to i − p_b + 1, the token after the earlier occurrence of the current one. `w(b, i, j)`
 * is the weight in row b. 1 for a perfect induction head; about 1/(i + 1) for uniform attention.
 */
export function prefixMatchingScore(
  w: (b: number, i: number, j: number) => number,
  periods: readonly number[],
): number {
  let sum = 0
  periods.forEach((p, b) => {
    let row = 0
    for (let i = p; i < 2 * p; i++) row += w(b, i, i - p + 1)
    sum += row / p
  })
  return periods.length ? sum / periods.length : 0
}

export type Badge = 'previous-token' | 'self' | 'first-token' | 'induction' | 'diffuse' | 'unclear'

/** Above this share of attention a pattern earns its badge. */
export const BADGE_THRESHOLD = 0.6

/**
 * A pattern label only when it is clear: one pattern's score above BADGE_THRESHOLD (the largest wins), or
 * attention spread nearly as evenly as it can be ("diffuse": mean entropy ≥ 90% of a uniform row's); otherwise
 * "unclear" — automatic labels mislead when they are forced.
 */
export function badgeOf(s: HeadScores, T: number): { badge: Badge; score: number } {
  const candidates: [Badge, number][] = [
    ['induction', s.induction],
    ['previous-token', s.previous],
    ['first-token', s.first],
    ['self', s.self],
  ]
  const [badge, score] = candidates.reduce((best, c) => (c[1] > best[1] ? c : best))
  if (score >= BADGE_THRESHOLD) return { badge, score }
  let uniform = 0
  for (let i = 0; i < T; i++) uniform += Math.log2(i + 1)
  uniform /= T
  if (uniform > 0 && s.entropy >= 0.9 * uniform) return { badge: 'diffuse', score: s.entropy / uniform }
  return { badge: 'unclear', score }
}

/** Per-token entropies of a text's tokens: the loss of guessing uniformly, by frequency, and by the token before. */
export function referenceEntropies(
  ids: ArrayLike<number>,
  vocabSize: number,
): { uniform: number; unigram: number; bigram: number } {
  const uni = new Map<number, number>()
  const bi = new Map<number, number>()
  for (let i = 0; i < ids.length; i++) {
    uni.set(ids[i], (uni.get(ids[i]) ?? 0) + 1)
    if (i > 0) {
      const k = ids[i - 1] * vocabSize + ids[i]
      bi.set(k, (bi.get(k) ?? 0) + 1)
    }
  }
  const n = ids.length
  let unigram = 0
  for (const c of uni.values()) unigram -= (c / n) * Math.log(c / n)
  // H(X_t | X_{t−1}) = −Σ p(a, b) log p(b | a), over the n − 1 pairs
  const prevCount = new Map<number, number>()
  for (let i = 0; i + 1 < n; i++) prevCount.set(ids[i], (prevCount.get(ids[i]) ?? 0) + 1)
  let bigram = 0
  for (const [k, c] of bi) {
    const a = Math.floor(k / vocabSize)
    bigram -= (c / (n - 1)) * Math.log(c / prevCount.get(a)!)
  }
  return { uniform: Math.log(vocabSize), unigram, bigram: n > 1 ? bigram : unigram }
}

/** Where an induction head forms: the step, the head (layer·H + head), how much its score rose, and how the loss bent. */
export interface PhaseChange {
  step: number
  head: number
  rise: number // induction score gained within the window ending at `step`
  lossDrop: number // validation loss lost over that window
  previousDrop: number // … and over the window before it
}

/** Rise of an induction score that marks a phase change, within a window of PHASE_WINDOW of the steps so far. */
export const PHASE_RISE = 0.2
export const PHASE_WINDOW = 0.25

/**
 * The head timeline's phase-change marker (TEACHING-VIEWS V2): the first snapshot step t at which some head's
 * induction score exceeds its lowest value in the window [t − W, t] by more than PHASE_RISE, while the loss bends
 * there: it fell more over [t − W, t] than over [t − 2W, t − W]. W is PHASE_WINDOW of the steps covered up to t (at
 * least two snapshot intervals), so the window scales with the time so far — the log-step axis phase changes are
 * read on — and whether t is marked depends on the snapshots up to t only: the marker never moves as the run goes
 * on. Training loss normally falls ever more slowly, so a steeper fall is the bend an induction head leaves
 * (Olsson et al. 2022). `snapshots`: in step order, each with its per-head induction scores and the loss at that
 * step (a generated run's loss on the repeated tokens, else the validation loss). Undefined when nothing
 * qualifies: the view says so rather than guess.
 */
export function phaseChange(
  snapshots: readonly { step: number; valLoss?: number; induction: ArrayLike<number> }[],
): PhaseChange | undefined {
  const n = snapshots.length
  if (n < 3) return undefined
  const first = snapshots[0].step
  /** The loss of the last snapshot at or before `step` that has one. */
  const lossAt = (step: number): number | undefined => {
    let v: number | undefined
    for (const s of snapshots) {
      if (s.step > step) break
      if (s.valLoss !== undefined) v = s.valLoss
    }
    return v
  }
  for (let t = 1; t < n; t++) {
    const { step } = snapshots[t]
    const W = Math.max(PHASE_WINDOW * (step - first), 2 * (step - snapshots[t - 1].step))
    if (step - 2 * W < first) continue // no window before this one to compare the loss with
    const l0 = lossAt(step - 2 * W)
    const l1 = lossAt(step - W)
    const l2 = snapshots[t].valLoss
    if (l0 === undefined || l1 === undefined || l2 === undefined) continue
    const lossDrop = l1 - l2
    const previousDrop = l0 - l1
    if (!(lossDrop > previousDrop && lossDrop > 0)) continue
    const heads = snapshots[t].induction.length
    let best: PhaseChange | undefined
    for (let k = 0; k < heads; k++) {
      let low = Infinity
      for (let u = t; u >= 0 && snapshots[u].step >= step - W; u--) low = Math.min(low, snapshots[u].induction[k])
      const rise = snapshots[t].induction[k] - low
      if (rise > PHASE_RISE && (!best || rise > best.rise)) best = { step, head: k, rise, lossDrop, previousDrop }
    }
    if (best) return best
  }
  return undefined
}
