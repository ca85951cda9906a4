import { describe, expect, it } from 'vitest'
import { shuffled, shuffleLines } from './shuffle'

const items = Array.from({ length: 200 }, (_, i) => `item${i}`)

describe('seeded shuffle', () => {
  it('gives the same order for the same seed', () => {
    expect(shuffled(items, 1337)).toEqual(shuffled(items, 1337))
  })
  it('keeps every item exactly once', () => {
    const out = shuffled(items, 1337)
    expect(out).toHaveLength(items.length)
    expect([...out].sort()).toEqual([...items].sort())
    expect(new Set(out).size).toBe(items.length)
  })
  it('gives a different order for a different seed, and not the original one', () => {
    expect(shuffled(items, 1)).not.toEqual(shuffled(items, 2))
    expect(shuffled(items, 1337)).not.toEqual(items)
  })
  it('leaves its input alone', () => {
    const copy = items.slice()
    shuffled(items, 7)
    expect(items).toEqual(copy)
  })
  it('shuffles a text by whole lines, dropping blank ones and keeping the final newline', () => {
    const text = 'Ann\nBea\n\nCara\nDora\nEve\n'
    const out = shuffleLines(text, 3)
    expect(out.endsWith('\n')).toBe(true)
    expect(out.split('\n').slice(0, -1).sort()).toEqual(['Ann', 'Bea', 'Cara', 'Dora', 'Eve'])
    expect(shuffleLines(text, 3)).toBe(out)
    expect(shuffleLines('b\na', 3).endsWith('\n')).toBe(false)
  })
})
