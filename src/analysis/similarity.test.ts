import { describe, expect, it } from 'vitest'
import { cosineSimilarities } from './similarity'

describe('cosine similarities', () => {
  it('of hand-picked rows: same direction 1, opposite −1, orthogonal 0, a zero row 0', () => {
    const m = [1, 0, 2, 0, -3, 0, 0, 5, 0, 0]
    const s = cosineSimilarities(m, 5, 2)
    expect([...s.slice(0, 5)].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([1, 1, -1, 0, 0])
    expect(s[3 * 5 + 3]).toBeCloseTo(1, 6)
    expect(s[4 * 5 + 4]).toBe(0)
    expect(s[1 * 5 + 3]).toBe(s[3 * 5 + 1])
    const t = cosineSimilarities([3, 4, 4, 3], 2, 2)
    expect(t[1]).toBeCloseTo(24 / 25, 6) // (12 + 12) / (5 · 5)
  })
})
