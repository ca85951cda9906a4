// The built-in pair tasks' generators: well-formed pairs the pair parser accepts, each completion what its rule
// says (checked character by character here, not by calling the rule again), and the same text every time.
import { describe, expect, it } from 'vitest'
import { parsePairs } from './pairs'
import { capitalisedNamePairs, ENDING_LENGTH, nameEndingPairs, nameLines, reversedNamePairs } from './pairTasks'

const names = nameLines('Abbey\n\nJo\n  Ann-Marie \nZoë\nL\n')

const parsed = (text: string) => {
  const p = parsePairs(text)
  if ('problems' in p) throw new Error(p.problems.join('; '))
  return p.pairs
}

describe('the built-in pair tasks', () => {
  it('reads the names: one a line, trimmed, blank lines dropped', () => {
    expect(names).toEqual(['Abbey', 'Jo', 'Ann-Marie', 'Zoë', 'L'])
  })

  it('the built-in task: every name longer than one letter and its last letter', () => {
    expect(ENDING_LENGTH).toBe(1)
    expect(parsed(nameEndingPairs(names))).toEqual([
      { prompt: 'Abbey', completion: 'y' },
      { prompt: 'Jo', completion: 'o' },
      { prompt: 'Ann-Marie', completion: 'e' },
      { prompt: 'Zoë', completion: 'ë' },
    ])
  })

  it('the harder endings: the last two or three letters, of names longer than that', () => {
    expect(parsed(nameEndingPairs(names, 3))).toEqual([
      { prompt: 'Abbey', completion: 'bey' },
      { prompt: 'Ann-Marie', completion: 'rie' },
    ])
    expect(parsed(nameEndingPairs(names, 2)).map((p) => p.completion)).toEqual(['ey', 'ie', 'oë'])
  })

  it('copying with a capital, and reversing', () => {
    expect(parsed(capitalisedNamePairs(names)).map((p) => `${p.prompt}|${p.completion}`)).toEqual([
      'abbey|Abbey',
      'jo|Jo',
      'ann-marie|Ann-Marie',
      'zoë|Zoë',
      'l|L',
    ])
    expect(parsed(reversedNamePairs(names)).map((p) => p.completion)).toEqual(['yebbA', 'oJ', 'eiraM-nnA', 'ëoZ', 'L'])
  })

  it('is deterministic, tab-separated, one pair a line with no trailing line break', () => {
    for (const make of [nameEndingPairs, capitalisedNamePairs, reversedNamePairs]) {
      const text = make(names)
      expect(make([...names])).toBe(text)
      expect(parsePairs(text)).toMatchObject({ format: 'tsv' })
      expect(text.endsWith('\n')).toBe(false)
      for (const line of text.split('\n')) expect(line.split('\t')).toHaveLength(2)
    }
  })
})
