import { describe, expect, it } from 'vitest'
import { CharTokenizer } from './charTokenizer'
import { BatchSampler, sampleBatch, splitTokens } from '../data/dataset'
import { mulberry32 } from '../util/random'
import { textStats } from './text'

describe('CharTokenizer', () => {
  const cases = {
    emoji: 'hi 👋🏽 family: 👨‍👩‍👧 flags 🇫🇷',
    cjk: '床前明月光，疑是地上霜。举头望明月，低头思故乡。',
    combining: 'e\u0301 vs é, n\u0303, Z\u0351\u0307\u033f', // decomposed marks stay separate code points
    astral: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐐷 \u{10FFFF}',
    controls: 'tab\there\r\nline\u0000nul',
  }
  for (const [name, s] of Object.entries(cases)) {
    it(`round-trips ${name} exactly`, () => {
      const t = CharTokenizer.fromText(s)
      expect(t.decode(t.encode(s))).toBe(s)
    })
  }

  it('makes one token per code point: an emoji or a CJK character is one token, never two UTF-16 halves', () => {
    const t = CharTokenizer.fromText('a👋床')
    expect(t.vocab).toEqual(['a', '床', '👋']) // sorted by code point: U+0061, U+5E8A, U+1F44B
    expect(Array.from(t.encode('👋👋床a'))).toEqual([2, 2, 1, 0])
    for (const tok of t.vocab) expect([...tok]).toHaveLength(1)
    const combining = CharTokenizer.fromText('e\u0301')
    expect(combining.vocab).toEqual(['e', '\u0301'])
  })

  it('agrees with the page-side text statistics', () => {
    const s = cases.emoji + cases.cjk
    const t = CharTokenizer.fromText(s)
    const stats = textStats(s)
    expect(t.vocab.length).toBe(stats.vocabSize)
    expect(t.encode(s).length).toBe(stats.chars)
    const split = splitTokens(t.encode(s))
    expect([split.train.length, split.val.length]).toEqual([stats.trainTokens, stats.valTokens])
  })

  it('names unknown characters and refuses to encode them (no out-of-range id ever reaches a tensor)', () => {
    const t = CharTokenizer.fromText('abc')
    expect(t.unknown('abzz🙂')).toEqual(['z', '🙂'])
    expect(() => t.encode('abz')).toThrow(/"z" \(U\+007A\) is not in the vocabulary/)
    expect(() => t.decode([0, 3])).toThrow(/token id 3 is outside the vocabulary of 3/)
  })
})

describe('batches', () => {
  const data = Int32Array.from({ length: 100 }, (_, i) => i)

  it('splits 90/10 with the first 90% for training', () => {
    const { train, val } = splitTokens(data)
    expect(train.length).toBe(90)
    expect(val[0]).toBe(90)
  })

  it('draws contiguous windows whose targets are the inputs shifted by one', () => {
    const b = sampleBatch(data, 4, 8, mulberry32(1))
    for (let r = 0; r < 4; r++) {
      const x = b.x.subarray(r * 8, r * 8 + 8)
      const y = b.y.subarray(r * 8, r * 8 + 8)
      for (let t = 0; t < 8; t++) {
        expect(y[t]).toBe(x[t] + 1)
        if (t) expect(x[t]).toBe(x[t - 1] + 1)
      }
      expect(x[0] + 8).toBeLessThanOrEqual(99) // the window's target stays inside the data
    }
  })

  it('reaches every start position, including the last one', () => {
    const small = Int32Array.from({ length: 10 }, (_, i) => i)
    const starts = new Set<number>()
    const rng = mulberry32(3)
    for (let i = 0; i < 500; i++) starts.add(sampleBatch(small, 1, 4, rng).x[0])
    expect([...starts].sort()).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('keeps the training batch sequence independent of evaluation', () => {
    const split = splitTokens(Int32Array.from({ length: 1000 }, (_, i) => i))
    const a = new BatchSampler(split, 2, 8, 42)
    const b = new BatchSampler(split, 2, 8, 42)
    const first = a.next('train').x
    b.next('evalVal')
    b.next('evalTrain')
    expect(Array.from(b.next('train').x)).toEqual(Array.from(first))
  })
})
