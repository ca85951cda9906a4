// The page's check reads the text the way the run does: for a character-level text, plain or pairs, the
// problems the page finds before sending are the ones Run.prepare would refuse the run with.
import { describe, expect, it } from 'vitest'
import { getPreset, type ModelSettings, type TrainConfig } from '../../shared/config'
import { Run } from '../../train/run'
import { localProblems } from './validation'

const tiny = getPreset('tiny')

function both(text: string, pairMode: boolean, model: ModelSettings = tiny.model, train: TrainConfig = tiny.train) {
  const page = localProblems({ text, model, train, pairMode, tokenizerChoice: 'char', report: undefined })
  const run = Run.prepare(text, model, train, undefined, { pairs: pairMode }).problems ?? []
  return { page, run }
}

describe('the page checks the text as the run reads it', () => {
  it('finds the same problems with pairs the run would refuse', () => {
    const { page, run } = both('hello\tworld\nno tab here\n{"prompt": "x"}\n', true)
    expect(page.length).toBeGreaterThan(0)
    expect(page).toEqual(run)
  })

  it('finds no problem with pairs the run takes (their vocabulary includes the tab and the line break)', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `question ${i} is\tanswer number ${i}, spelled out`).join('\n')
    const model = { ...tiny.model, blockSize: 16 }
    const { page, run } = both(lines, true, model)
    expect(page).toEqual([])
    expect(run).toEqual([])
  })

  it('finds the same problems with a plain text too short for the context', () => {
    const { page, run } = both('abcdefghij'.repeat(3), false, { ...tiny.model, blockSize: 64 })
    expect(page.length).toBeGreaterThan(0)
    expect(page).toEqual(run)
  })

  it('finds no problem with a plain text the run takes', () => {
    const { page, run } = both('the quick brown fox jumps over the lazy dog. '.repeat(40), false)
    expect(page).toEqual([])
    expect(run).toEqual([])
  })
})
