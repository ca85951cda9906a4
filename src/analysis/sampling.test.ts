import { describe, expect, it } from 'vitest'
import { argmax, beliefAt, drawFrom, entropy, rankByProb, sampleNext, softmax, topK, topP } from './sampling'
import { mulberry32 } from '../util/random'

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
    expect(sampleNext([0, Math.log(3)], 1, 0, mulberry32(1)).prob).toBeOneOf(
      [0.25, 0.75].map((x) => expect.closeTo(x, 12)),
    )
  })

  it('is reproducible for a seed', () => {
    const run = (seed: number) => {
      const rng = mulberry32(seed)
      return Array.from({ length: 30 }, () => sampleNext(logits, 1, 0, rng).id)
    }
    expect(run(9)).toEqual(run(9))
    expect(run(9)).not.toEqual(run(10))
  })

  it('top-p keeps the smallest most-likely set whose mass reaches p, renormalised', () => {
    const probs = Float64Array.from([0.1, 0.4, 0.2, 0.3]) // ranked: 1 (0.4), 3 (0.3), 2 (0.2), 0 (0.1)
    expect(Array.from(topP(probs, 0.4))).toEqual([0, 1, 0, 0]) // 0.4 reaches 0.4 exactly: one token
    expect(Array.from(topP(probs, 0.41))).toEqual([0, 4 / 7, 0, 3 / 7].map((x) => expect.closeTo(x, 12))) // needs two
    expect(Array.from(topP(probs, 0.7))).toEqual([0, 4 / 7, 0, 3 / 7].map((x) => expect.closeTo(x, 12))) // 0.4 + 0.3 = 0.7 exactly
    expect(Array.from(topP(probs, 0.85))).toEqual([0, 0.4, 0.2, 0.3].map((x) => expect.closeTo(x / 0.9, 12))) // three: 0.9
    expect(Array.from(topP(probs, 0.95))).toEqual([0.1, 0.4, 0.2, 0.3].map((x) => expect.closeTo(x, 12))) // all four
    expect(Array.from(topP(probs, 1))).toEqual([0.1, 0.4, 0.2, 0.3].map((x) => expect.closeTo(x, 12)))
    expect(topP(Float64Array.from([0.5, 0, 0.5]), 1)[1]).toBe(0) // never revives a zero
  })

  it('top-p breaks ties towards the lower id, and refuses p outside (0, 1]', () => {
    expect(Array.from(topP(Float64Array.from([0.25, 0.25, 0.25, 0.25]), 0.5))).toEqual([0.5, 0.5, 0, 0])
    expect(rankByProb([0.2, 0.4, 0.2, 0.2])).toEqual([1, 0, 2, 3])
    for (const bad of [0, -0.1, 1.01, Number.NaN])
      expect(() => topP(Float64Array.from([1]), bad)).toThrow(/top-p must be in/)
  })

  it('entropy: 0 for a certain outcome, ln n for a uniform one, and the closed form for a coin', () => {
    expect(entropy([0, 1, 0])).toBe(0)
    expect(entropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(Math.log(4), 12)
    expect(entropy([0.9, 0.1])).toBeCloseTo(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)), 12)
  })

  it('a position’s belief: the top alternatives, most likely first, and the entropy at temperature 1', () => {
    const b = beliefAt([Math.log(1), Math.log(5), Math.log(2), Math.log(2)], 3) // probabilities 0.1, 0.5, 0.2, 0.2
    expect(b.top.map((t) => t.id)).toEqual([1, 2, 3])
    expect(b.top.map((t) => t.prob)).toEqual([0.5, 0.2, 0.2].map((x) => expect.closeTo(x, 12)))
    expect(b.entropy).toBeCloseTo(entropy([0.1, 0.5, 0.2, 0.2]), 12)
  })
})
