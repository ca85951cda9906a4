// The atlas's maths on synthetic attention: exact row sums after byte encoding, head scores of perfect
// patterns worked out by hand, badges only when clear ("unclear" for random rows), and the reference entropies.
import { describe, expect, it } from 'vitest'
import {
  badgeOf,
  cell,
  headScores,
  PHASE_RISE,
  phaseChange,
  inductionProbes,
  prefixMatchingScore,
  probePeriods,
  quantizeCausal,
  quantizeRows,
  referenceEntropies,
  rowStart,
  triangleSize,
} from './heads'
import { mulberry32 } from '../util/random'

/** A causal matrix from a row function. */
function matrix(T: number, row: (i: number) => number[]): Float64Array {
  const m = new Float64Array(T * T)
  for (let i = 0; i < T; i++) row(i).forEach((v, j) => (m[i * T + j] = v))
  return m
}
const w = (m: ArrayLike<number>, T: number) => (i: number, j: number) => (j > i ? 0 : m[i * T + j])

describe('attention transport', () => {
  it('every row sums to exactly 255 after rounding (largest remainder), the upper triangle is not sent', () => {
    const rand = mulberry32(2)
    const T = 17
    const m = matrix(T, (i) => {
      const r = Array.from({ length: i + 1 }, () => rand() ** 3)
      const s = r.reduce((a, b) => a + b, 0)
      return r.map((x) => x / s)
    })
    const out = new Uint8Array(3 + triangleSize(T))
    quantizeCausal(m, T, out, 3)
    for (let i = 0; i < T; i++) {
      let sum = 0
      for (let j = 0; j <= i; j++) {
        sum += out[3 + rowStart(i) + j]
        expect(Math.abs(out[3 + rowStart(i) + j] / 255 - m[i * T + j])).toBeLessThanOrEqual(1 / 255)
      }
      expect(sum).toBe(255)
    }
    expect(cell(out, 3, 0, 0)).toBe(1) // A[0][0] = 1
    expect(cell(out, 3, 2, 5)).toBe(0) // above the diagonal: masked
    // thirds: 85 each — and 1/3, 1/3, 1/3 of 255 is exact; sevenths round with the remainder to the earliest
    const third = new Uint8Array(6)
    quantizeCausal(
      matrix(3, (i) => Array(i + 1).fill(1 / (i + 1))),
      3,
      third,
    )
    expect([...third]).toEqual([255, 128, 127, 85, 85, 85])
  })

  it('full rows (a trace, or attention without the mask) keep every cell and sum to 255 each; an all-zero row stays zero', () => {
    const rand = mulberry32(5)
    const rows = 6
    const n = 13
    const a = new Float32Array(rows * n)
    for (let r = 0; r < rows - 1; r++) {
      const x = Array.from({ length: n }, () => rand() ** 2)
      const s = x.reduce((p, q) => p + q, 0)
      x.forEach((v, j) => (a[r * n + j] = v / s))
    }
    const out = quantizeRows(a, rows, n)
    for (let r = 0; r < rows - 1; r++) {
      let sum = 0
      for (let j = 0; j < n; j++) {
        sum += out[r * n + j]
        expect(Math.abs(out[r * n + j] / 255 - a[r * n + j])).toBeLessThanOrEqual(1 / 255)
      }
      expect(sum).toBe(255)
    }
    expect([...out.subarray((rows - 1) * n)]).toEqual(Array(n).fill(0))
    expect([...quantizeRows([0.5, 0.5, 0, 1], 2, 2)]).toEqual([128, 127, 0, 255])
  })
})

describe('head scores and badges', () => {
  const T = 32
  it('a previous-token stripe: previous 1, induction 0, entropy 0', () => {
    const m = matrix(T, (i) => Array.from({ length: i + 1 }, (_, j) => (i === 0 ? 1 : j === i - 1 ? 1 : 0)))
    const s = headScores(w(m, T), T, 16)
    expect(s.previous).toBe(1)
    expect(s.induction).toBe(0)
    expect(s.entropy).toBe(0)
    expect(badgeOf(s, T)).toEqual({ badge: 'previous-token', score: 1 })
  })

  it('an induction stripe on a probe of period 16: induction 1', () => {
    const m = matrix(T, (i) =>
      Array.from({ length: i + 1 }, (_, j) => (i >= 16 ? (j === i - 15 ? 1 : 0) : j === i ? 1 : 0)),
    )
    const s = headScores(w(m, T), T, 16)
    expect(s.induction).toBe(1)
    expect(badgeOf(s, T).badge).toBe('induction')
  })

  it('uniform causal attention: first-token and self are the mean of 1/(i+1), and the badge is diffuse', () => {
    const m = matrix(T, (i) => Array(i + 1).fill(1 / (i + 1)))
    const s = headScores(w(m, T), T)
    let mean = 0
    for (let i = 1; i < T; i++) mean += 1 / (i + 1)
    expect(s.first).toBeCloseTo(mean / (T - 1), 12)
    let selfMean = 0
    for (let i = 0; i < T; i++) selfMean += 1 / (i + 1)
    expect(s.self).toBeCloseTo(selfMean / T, 12)
    expect(badgeOf(s, T).badge).toBe('diffuse')
  })

  it('a first-token sink, and random rows called unclear', () => {
    const sink = matrix(T, (i) => Array.from({ length: i + 1 }, (_, j) => (j === 0 ? 1 : 0)))
    expect(badgeOf(headScores(w(sink, T), T), T).badge).toBe('first-token')
    const rand = mulberry32(8)
    const noisy = matrix(T, (i) => {
      const r = Array.from({ length: i + 1 }, () => (-Math.log(1 - rand())) ** 4) // peaky Dirichlet-like rows
      const s = r.reduce((a, b) => a + b, 0)
      return r.map((x) => x / s)
    })
    expect(badgeOf(headScores(w(noisy, T), T, 16), T).badge).toBe('unclear')
  })
})

describe('reference entropies', () => {
  it('one repeated character: 0; uniform random text: ≈ ln V; the bigram entropy never above the unigram', () => {
    expect(referenceEntropies(new Int32Array(100).fill(3), 5)).toEqual({ uniform: Math.log(5), unigram: 0, bigram: 0 })
    const rand = mulberry32(1)
    const ids = Int32Array.from({ length: 200_000 }, () => Math.floor(rand() * 20))
    const r = referenceEntropies(ids, 20)
    expect(Math.abs(r.unigram - Math.log(20)) / Math.log(20)).toBeLessThan(0.01)
    expect(r.bigram).toBeLessThanOrEqual(r.unigram + 1e-9)
    // alternating a, b: unigram ln 2, bigram 0 (each token fixes the next)
    const ab = referenceEntropies(
      Int32Array.from({ length: 1000 }, (_, i) => i % 2),
      2,
    )
    expect(ab.unigram).toBeCloseTo(Math.log(2), 12)
    expect(ab.bigram).toBeCloseTo(0, 12)
  })
})

describe('the phase-change marker', () => {
  // 41 snapshots over 2,000 steps (every 50); the window is a quarter of the steps so far (at 900: 225 steps)
  const steps = Array.from({ length: 41 }, (_, i) => i * 50)
  /** A plateau then a drop at `at` (loss), an induction score that jumps at `jump`; four heads, head 2 the one. */
  const run = (at: number, jump: number, size = 0.6) =>
    steps.map((step) => ({
      step,
      valLoss: step < at ? 3.3 - 0.0001 * step : 3.3 - 0.0001 * at - 0.004 * (step - at),
      induction: [
        0.02,
        0.03,
        step < jump ? 0.03 : Math.min(0.03 + size, 0.03 + (size * (step - jump + 50)) / 150),
        0.05,
      ],
    }))

  it('marks the step where an induction score jumps while the loss steepens', () => {
    const p = phaseChange(run(800, 800))!
    expect(p.head).toBe(2)
    expect(p.step).toBeGreaterThanOrEqual(800)
    expect(p.step).toBeLessThanOrEqual(1000)
    expect(p.rise).toBeGreaterThan(PHASE_RISE)
    expect(p.lossDrop).toBeGreaterThan(p.previousDrop)
  })

  it('stays silent when the score rises but the loss keeps its ordinary decelerating fall', () => {
    const smooth = run(800, 800).map((s) => ({ ...s, valLoss: 1 + 2.3 * Math.exp(-s.step / 400) }))
    expect(phaseChange(smooth)).toBeUndefined()
  })

  it('stays silent when the loss bends but no head’s score rises by more than the threshold', () => {
    expect(phaseChange(run(800, 800, 0.15))).toBeUndefined()
    expect(phaseChange(run(800, 5000))).toBeUndefined() // the jump never comes
  })

  it('stays silent when the rise is slow (more than a window long)', () => {
    const slow = run(800, 800).map((s) => ({ ...s, induction: [0.02, 0.03, 0.03 + (0.6 * s.step) / 2000, 0.05] })) // 0.06 per 200 steps
    expect(phaseChange(slow)).toBeUndefined()
  })

  it('never moves once made: the marker over the first k snapshots is the marker over all of them', () => {
    const all = run(800, 800)
    const final = phaseChange(all)!
    for (let k = 3; k <= all.length; k++) {
      const p = phaseChange(all.slice(0, k))
      if (all[k - 1].step < final.step) expect(p).toBeUndefined()
      else expect(p).toEqual(final)
    }
  })

  it('marks an early phase change in a long run (the induction experiment: formed by step 300 of 3,000)', () => {
    // snapshots every 50 steps; the loss on the repeated tokens and the best head's score as in the PyTorch recipe's
    // seed 1 (docs/induction-recipe.md: 3.53, 2.80, 0.99, 0.54 and 0.09, 0.23, 0.79, 0.84 at 100 … 400)
    const rep = [4.2, 3.9, 3.53, 3.2, 2.8, 1.6, 0.99, 0.7, 0.54]
    const pm = [0.06, 0.08, 0.09, 0.14, 0.23, 0.55, 0.79, 0.82, 0.84]
    const snaps = Array.from({ length: 61 }, (_, i) => ({
      step: i * 50,
      valLoss: i < rep.length ? rep[i] : 0.54 - 0.28 * (1 - Math.exp(-(i - 8) / 10)),
      induction: [0.05, 0.04, i < pm.length ? pm[i] : 0.84 + 0.0008 * (i - 8), 0.07],
    }))
    const p = phaseChange(snaps)!
    expect(p.head).toBe(2)
    expect(p.step).toBeGreaterThanOrEqual(250)
    expect(p.step).toBeLessThanOrEqual(350)
  })

  it('needs three snapshots and a window before the rise', () => {
    expect(phaseChange(run(800, 800).slice(0, 2))).toBeUndefined()
    expect(phaseChange([])).toBeUndefined()
  })
})

describe('the varying-period probe set', () => {
  it('spreads 8 periods from 4 to T/2, each once (fewer, from 2, in short contexts)', () => {
    expect(probePeriods(32)).toEqual([4, 6, 7, 9, 11, 13, 14, 16]) // PyTorch's round(linspace(4, 16, 8))
    expect(probePeriods(64)).toEqual([4, 8, 12, 16, 20, 24, 28, 32])
    expect(probePeriods(8)).toEqual([4])
    expect(probePeriods(5)).toEqual([2])
    expect(probePeriods(3)).toEqual([])
  })

  it('repeats p distinct tokens along each row, all rows one length; with too few tokens, draws with replacement', () => {
    const tokens = Array.from({ length: 20 }, (_, i) => i * 3)
    const { rows, periods, length } = inductionProbes(tokens, 33, 7)
    expect(length).toBe(32)
    expect(rows.length).toBe(periods.length)
    expect(new Set(periods)).toEqual(new Set(probePeriods(33)))
    rows.forEach((r, b) => {
      const p = periods[b]
      expect(r.length).toBe(32)
      expect(new Set(r.slice(0, p)).size).toBe(p) // distinct
      for (let t = p; t < 32; t++) expect(r[t]).toBe(r[t - p])
      for (const id of r) expect(tokens).toContain(id)
    })
    expect(inductionProbes(tokens, 33, 7)).toEqual(inductionProbes(tokens, 33, 7)) // seeded
    expect(inductionProbes(tokens, 33, 8).rows).not.toEqual(rows)
    const few = inductionProbes([1, 2], 16, 1)
    expect(few.rows.every((r) => r.every((id) => id === 1 || id === 2))).toBe(true)
  })

  it('scores 1 for a perfect induction head, 0 for a previous-token head, the closed form for uniform rows', () => {
    const periods = [4, 6, 8]
    expect(prefixMatchingScore((b, i, j) => (j === i - periods[b] + 1 ? 1 : 0), periods)).toBe(1)
    expect(prefixMatchingScore((_, i, j) => (j === i - 1 ? 1 : 0), periods)).toBe(0)
    // uniform over keys 0 … i: the mean over p ≤ i < 2p of 1 / (i + 1), then over the rows
    const closed = periods.map((p) => Array.from({ length: p }, (_, k) => 1 / (p + k + 1)).reduce((a, x) => a + x) / p)
    expect(prefixMatchingScore((_, i) => 1 / (i + 1), periods)).toBeCloseTo(closed.reduce((a, x) => a + x) / 3, 12)
  })
})
