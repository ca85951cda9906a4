// The atlas's maths on synthetic attention: exact row sums after byte encoding, head scores of perfect
// patterns worked out by hand, badges only when clear ("unclear" for random rows), and the reference entropies.
import { describe, expect, it } from 'vitest'
import {
  badgeOf,
  cell,
  headScores,
  PHASE_RISE,
  phaseChange,
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
  // 41 snapshots over 2,000 steps (every 50); the window is 10% of the run: 200 steps
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

  it('needs three snapshots and a window before the rise', () => {
    expect(phaseChange(run(800, 800).slice(0, 2))).toBeUndefined()
    expect(phaseChange([])).toBeUndefined()
  })
})
