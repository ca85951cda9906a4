import { describe, expect, it } from 'vitest'
import { CharTokenizer } from '../text/charTokenizer'
import { sampleBatch } from './dataset'
import { pairSplit, pairStream, pairsText } from './pairs'
import { mulberry32 } from '../util/random'

const pairs = Array.from({ length: 20 }, (_, i) => ({ prompt: `q${i % 10}`, completion: `a${(i * 3) % 10}` }))
const tok = CharTokenizer.fromText(pairsText(pairs))

describe('pair streams', () => {
  it('mark the completion and its newline, not the prompt or the tab', () => {
    const own = CharTokenizer.fromText('hi\tyo\n')
    const { tokens, mask } = pairStream([{ prompt: 'hi', completion: 'yo' }], (s) => own.encode(s))
    expect(own.decode(tokens)).toBe('hi\tyo\n')
    expect([...mask]).toEqual([0, 0, 0, 1, 1, 1])
  })

  it('hold out a tenth of the pairs, shuffled by the seed, every pair in exactly one split', () => {
    const a = pairSplit(pairs, (s) => tok.encode(s), 1)
    expect(a.heldOut).toHaveLength(2)
    expect(a.trainPairs).toHaveLength(18)
    expect([...a.trainPairs, ...a.heldOut].map((p) => p.prompt + p.completion).sort()).toEqual(
      pairs.map((p) => p.prompt + p.completion).sort(),
    )
    expect(pairSplit(pairs, (s) => tok.encode(s), 1).heldOut).toEqual(a.heldOut)
    expect(pairSplit(pairs, (s) => tok.encode(s), 2).heldOut).not.toEqual(a.heldOut)
    expect(tok.decode(a.split.val)).toBe(a.heldOut.map((p) => `${p.prompt}\t${p.completion}\n`).join(''))
  })

  it('batches carry the targets’ weights and their count', () => {
    const { tokens, mask } = pairStream(pairs, (s) => tok.encode(s))
    const b = sampleBatch(tokens, 3, 5, mulberry32(4), mask)
    let total = 0
    for (let i = 0; i < 15; i++) {
      const c = tok.vocab[b.y[i]]
      // a completion's characters are a digit after 'a', or the newline; prompts are 'q' + digit and the tab
      total += b.w![i]
      if (c === '\t' || c === 'q') expect(b.w![i]).toBe(0)
      if (c === '\n' || c === 'a') expect(b.w![i]).toBe(1)
    }
    expect(b.wTotal).toBe(total)
    expect(sampleBatch(tokens, 3, 5, mulberry32(4)).w).toBeUndefined()
  })
})
