import { describe, expect, it } from 'vitest'
import { argmax, drawFrom, sampleNext, softmax, topK } from './sampling'
import { mulberry32 } from './random'

describe('sampling maths', () => {
  const logits = [1.0, 3.0, 2.0, -1.0, 3.0 - 1e-9]

  it('softmax is a distribution proportional to exp(logit / T), stable for huge logits', () => {
    const p = softmax([0, Math.log(2), Math.log(3)])
    expect(Array.from(p)).toEqual([1 / 6, 2 / 6, 3 / 6].map((x) => expect.closeTo(x, 12)))
    const big = softmax([1000, 1000])
    expect(Array.from(big)).toEqual([0.5, 0.5])
    const hot = softmax([0, 1], 0.5) // e^0 : e^2
    expect(hot[1]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2)), 12)
  })

  it('temperature → 0 becomes argmax', () => {
    expect(sampleNext(logits, 0, 0, mulberry32(1)).id).toBe(1)
    const rng = mulberry32(2)
    for (let i = 0; i < 200; i++) expect([1, 4]).toContain(sampleNext(logits, 1e-3, 0, rng).id) // only the two near-ties survive
    const sharp = softmax(logits, 1e-3)
    expect(sharp[1] + sharp[4]).toBeCloseTo(1, 9)
  })

  it('argmax breaks ties towards the lower index', () => {
    expect(argmax([2, 5, 5, 1])).toBe(1)
  })

  it('top-k keeps exactly the k most likely tokens, renormalised, and never samples the rest', () => {
    const p = topK(softmax(logits), 2)
    expect(p[0]).toBe(0)
    expect(p[2]).toBe(0)
    expect(p[3]).toBe(0)
    expect(p[1] + p[4]).toBeCloseTo(1, 12)
    const rng = mulberry32(5)
    const seen = new Set<number>()
    for (let i = 0; i < 500; i++) seen.add(sampleNext(logits, 1, 2, rng).id)
    expect([...seen].sort()).toEqual([1, 4])
  })

  it('top-k resolves ties deterministically (lower id first)', () => {
    const p = topK(Float64Array.from([0.25, 0.25, 0.25, 0.25]), 2)
    expect(Array.from(p)).toEqual([0.5, 0.5, 0, 0])
  })

  it('draws with the right frequencies and reports the probability it drew from', () => {
    const probs = [0.1, 0.6, 0.3]
    const rng = mulberry32(11)
    const counts = [0, 0, 0]
    const n = 20000
    for (let i = 0; i < n; i++) counts[drawFrom(probs, rng)]++
    counts.forEach((c, i) => expect(Math.abs(c / n - probs[i])).toBeLessThan(0.015))
    expect(sampleNext([0, Math.log(3)], 1, 0, mulberry32(1)).prob).toBeOneOf([0.25, 0.75].map((x) => expect.closeTo(x, 12)))
  })

  it('is reproducible for a seed', () => {
    const run = (seed: number) => {
      const rng = mulberry32(seed)
      return Array.from({ length: 30 }, () => sampleNext(logits, 1, 0, rng).id)
    }
    expect(run(9)).toEqual(run(9))
    expect(run(9)).not.toEqual(run(10))
  })
})
