// Byte-level BPE: merges on small texts worked out by hand, exact round trips on any Unicode, GPT-2's merge
// order when encoding, streaming decode of characters split across tokens, and the refusals.
import { describe, expect, it } from 'vitest'
import { BpeTokenizer, chunks, trainBpe } from './bpe'
import { mulberry32 } from '../util/random'

describe('byte-level BPE', () => {
  it('cuts text into GPT-2 chunks: words with one leading space, digits, punctuation, white space', () => {
    expect(chunks("Hello, world! It's 2026  ok\n")).toEqual([
      'Hello',
      ',',
      ' world',
      '!',
      ' It',
      "'s",
      ' 2026',
      ' ',
      ' ok',
      '\n',
    ])
    expect(chunks('白日依山盡，黃河')).toEqual(['白日依山盡', '，', '黃河'])
  })

  it('learns the merges a hand count gives', () => {
    // "ab ab ab abc" → chunks ab, ␣ab ×2, ␣abc: (a,b) 4 times → 256; then (␣,256) 3 times → 257; then nothing twice
    expect(trainBpe('ab ab ab abc', 300)).toEqual({
      merges: [
        [97, 98],
        [32, 256],
      ],
      stoppedEarly: true,
    })
    // ties go to the lower ids: (␣,z), (x,y) and (z,w) occur twice each → (32,122) first; then (120,121) before (256,119)
    expect(trainBpe('xy xy zw zw', 300).merges).toEqual([
      [32, 122],
      [120, 121],
      [256, 119],
    ])
    expect(trainBpe('xy xy zw zw', 258).merges).toEqual([
      [32, 122],
      [120, 121],
    ]) // the target: 258 − 256 merges
  })

  it('encodes with the lowest-ranked merge first, as GPT-2 does', () => {
    const t = new BpeTokenizer([
      [97, 98],
      [32, 256],
    ])
    expect([...t.encode(' ab ab')]).toEqual([257, 257])
    expect([...t.encode('abc')]).toEqual([256, 99])
    expect(t.size).toBe(258)
    expect(t.display(257)).toBe(' ab')
  })

  it('round-trips any valid text exactly: emoji, CJK, combining marks, NUL, lone newlines', () => {
    const rand = mulberry32(5)
    const alphabet = [
      'a',
      'é',
      'e\u0301',
      '中',
      '文',
      '🙂',
      '👩‍👩‍👧',
      '\u0000',
      '\n',
      ' ',
      '\t',
      'ß',
      'ﬁ',
      '\u200d',
      '９',
      'Ω',
    ]
    const sample = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    const t = new BpeTokenizer(trainBpe(sample(3000), 400).merges)
    for (let i = 0; i < 50; i++) {
      const s = sample(200)
      expect(t.decode(t.encode(s))).toBe(s)
    }
    expect(t.decode(t.encode(''))).toBe('')
  })

  it('takes text with a lone surrogate (not valid Unicode) without failing: it becomes U+FFFD, as in any UTF-8 encoder', () => {
    const t = new BpeTokenizer(trainBpe('ab ab ab', 300).merges)
    expect(t.decode(t.encode('a\uD800b'))).toBe('a\uFFFDb')
    expect(t.decode(t.encode('x\u0000y'))).toBe('x\u0000y') // NUL is a byte like any other
  })

  it('streams text: a character split across tokens appears once its last byte arrives', () => {
    const t = new BpeTokenizer([])
    const push = t.streamDecoder()
    const ids = [...t.encode('中a')]
    expect(ids).toEqual([0xe4, 0xb8, 0xad, 0x61])
    expect(ids.map(push)).toEqual(['', '', '中', 'a'])
    expect(t.display(0xe4)).toBe('⟨e4⟩')
  })

  it('reports progress, stops when cancelled, and refuses a vocabulary no larger than the bytes', () => {
    const seen: number[] = []
    trainBpe('the cat sat on the mat with the hat '.repeat(20), 270, {
      onProgress: (p) => seen.push(p.merges),
      every: 5,
    })
    expect(seen.at(-1)).toBe(14)
    expect(seen.slice(0, 3)).toEqual([0, 5, 10])
    expect(trainBpe('the the the', 300, { cancelled: () => true }).merges).toEqual([])
    expect(() => trainBpe('abc', 256)).toThrow(/more than the 256 bytes/)
    expect(() => new BpeTokenizer([[300, 1]])).toThrow(/do not exist yet/)
  })
})
