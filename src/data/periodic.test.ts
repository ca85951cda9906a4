// The induction experiment's generated batches, against their definition: a random prefix, then a segment
// repeated to the end; the repeated-token mask covers exactly the targets a look one period back predicts.
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../util/random'
import { PeriodicSampler, periodicBatch } from './periodic'
import { PERIODIC_ALPHABET, REPEAT_MEASURE, TRAINING_MIX, periodicExamples, periodicSequence } from '../text/periodic'

describe('periodic sequences', () => {
  it('are a prefix then one segment repeated, with the period and prefix in their ranges', () => {
    const rng = mulberry32(3)
    const T = 32
    const periods = new Map<number, number>()
    for (let n = 0; n < 4000; n++) {
      const { seq, prefix, period, repeatFrom } = periodicSequence(rng, T, 64, TRAINING_MIX)
      expect(seq.length).toBe(T + 1)
      expect(prefix).toBeGreaterThanOrEqual(0)
      expect(prefix).toBeLessThanOrEqual(8)
      expect(period === 1 || period === 2 || (period >= 3 && period <= 16)).toBe(true)
      expect(repeatFrom).toBe(prefix + period - 1)
      for (let t = prefix + period; t <= T; t++) expect(seq[t]).toBe(seq[t - period])
      for (const id of seq) expect(id >= 0 && id < 64).toBe(true)
      periods.set(period, (periods.get(period) ?? 0) + 1)
    }
    // a quarter of the sequences have period 1 or 2 (binomial sd over 4000: ~27); the rest spread over 3 … 16
    const short = (periods.get(1) ?? 0) + (periods.get(2) ?? 0)
    expect(Math.abs(short - 1000)).toBeLessThan(120)
    for (let p = 3; p <= 16; p++) expect(periods.get(p) ?? 0).toBeGreaterThan(150) // expected 3000 / 14 ≈ 214
  })

  it('mark as repeated exactly the targets equal to the token one period back, from the first period on', () => {
    const rng = mulberry32(9)
    const B = 64
    const T = 24
    const b = periodicBatch(rng, B, T, 64, REPEAT_MEASURE, true)
    let total = 0
    for (let r = 0; r < B; r++) {
      const x = b.x.subarray(r * T, (r + 1) * T)
      const y = b.y.subarray(r * T, (r + 1) * T)
      for (let t = 0; t + 1 < T; t++) expect(y[t]).toBe(x[t + 1]) // y is x shifted by one
      // recover the period from the sequence itself: the first mask position is L0 + p − 1
      const from = Array.from(b.w!.subarray(r * T, (r + 1) * T)).indexOf(1)
      expect(from).toBeGreaterThanOrEqual(2) // periods ≥ 3 here
      for (let t = 0; t < T; t++) {
        const marked = b.w![r * T + t] === 1
        expect(marked).toBe(t >= from)
        total += Number(marked)
      }
      // every marked target repeats the one p back, for the smallest such p that holds for the whole tail
      const seq = [...x, y[T - 1]]
      const p = [...Array(13).keys()]
        .map((k) => k + 3)
        .find((q) => seq.slice(from + 1).every((v, i) => v === seq[from + 1 + i - q]))
      expect(p).toBeDefined()
    }
    expect(b.wTotal).toBe(total)
  })

  it('draw training batches with no mask (every target counts), and the sampler continues from its state', () => {
    const s = new PeriodicSampler(4, 16, 64, 5)
    expect(s.next('train').w).toBeUndefined()
    s.next('evalVal')
    s.repeated()
    const copy = new PeriodicSampler(4, 16, 64, 5, s.state())
    expect(copy.next('train')).toEqual(s.next('train'))
    expect(copy.next('evalTrain')).toEqual(s.next('evalTrain'))
    expect(copy.repeated()).toEqual(s.repeated())
    // evaluation never shifts the training stream
    const a = new PeriodicSampler(4, 16, 64, 5)
    const b2 = new PeriodicSampler(4, 16, 64, 5)
    b2.next('evalVal')
    b2.repeated()
    expect(a.next('train')).toEqual(b2.next('train'))
  })

  it('are written in 64 distinct, unambiguous symbols', () => {
    expect(PERIODIC_ALPHABET.length).toBe(64)
    expect(new Set(PERIODIC_ALPHABET).size).toBe(64)
    for (const c of ['l', 'I', 'O', '0', '1', ' ', '\n']) expect(PERIODIC_ALPHABET).not.toContain(c)
    const ex = periodicExamples(1, 3, 32)
    expect(ex).toHaveLength(3)
    for (const e of ex) expect([...e.text]).toHaveLength(32)
  })
})
