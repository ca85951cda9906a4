import { describe, expect, it } from 'vitest'
import { REPEAT_MAX, REPEAT_MIN, repeatedSequences } from './repeats'

describe('the repeated-sequence text', () => {
  it('is lines of random letters, each said twice', () => {
    const lines = repeatedSequences(2000, 7).split('\n')
    expect(lines.pop()).toBe('') // ends with a newline
    expect(lines).toHaveLength(2000)
    const lengths = new Set<number>()
    for (const line of lines) {
      const [a, b, ...rest] = line.split(' ')
      expect(rest).toEqual([])
      expect(a).toBe(b)
      expect(a).toMatch(/^[a-z]+$/)
      lengths.add(a.length)
    }
    expect(Math.min(...lengths)).toBe(REPEAT_MIN)
    expect(Math.max(...lengths)).toBe(REPEAT_MAX)
  })

  it('is the same for the same seed and differs between seeds', () => {
    expect(repeatedSequences(50, 3)).toBe(repeatedSequences(50, 3))
    expect(repeatedSequences(50, 3)).not.toBe(repeatedSequences(50, 4))
  })

  it('uses the letters about evenly (a uniform draw, not a constant)', () => {
    const counts = new Map<string, number>()
    for (const c of repeatedSequences(5000, 1).replace(/[ \n]/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(26)
    const n = [...counts.values()]
    const mean = n.reduce((a, b) => a + b) / n.length
    for (const c of n) expect(Math.abs(c - mean) / mean).toBeLessThan(0.1)
  })
})
