// BLEU and ROUGE-L against published values. Sources:
// - NLTK, nltk/translate/bleu_score.py docstrings (the 2016 version, NLTK Project): sentence_bleu → 0.5045…,
//   corpus_bleu → 0.5920…, the mean of two sentence scores 0.6223…, modified precisions 0.9444…,
//   0.5714…, 0.5882352941176471, 0.07692…, 0.2857…, brevity penalties 0.2635971381157267, 0.9200…, 0.8668…
//   (the last one from mteval-v13a.pl), and with one reference 0.4118… unsmoothed and 0.4489… with
//   "method2" (add one to every order's matches and total; Lin & Och 2004).
// - Lin (2004), "ROUGE: A Package for Automatic Evaluation of Summaries", §3.1: reference "police killed the
//   gunman"; "police kill the gunman" has ROUGE-L 3/4 = 0.75 and "the gunman kill police" 2/4 = 0.5 (β = 1).
// - google-research/rouge (rouge_score) tests: target "testing one two", prediction "testing": precision 1,
//   recall 1/3, F 0.5.
// - METEOR: NLTK's nltk/test/meteor.doctest, which reproduces the examples of Wikipedia's METEOR article
//   (reference "The cat sat on the mat": itself 0.9977, "on the mat sat the cat" 0.5, "The cat was sat on the
//   mat" 0.9654, no match 0.0), and NLTK's nltk/test/unit/translate/test_meteor.py ("THIS Is a tEST" against
//   "this is a test": 0.9921875 after lower-casing). All are exact matches, so stemming and synonyms play no
//   part. Banerjee & Lavie (2005), §2: "the president spoke to the audience" against "the president then
//   spoke to the audience" is two chunks.
import { describe, expect, it } from 'vitest'
import {
  brevityPenalty,
  closestRefLength,
  corpusBleu,
  countChunks,
  lcsLength,
  meteor,
  meteorAlignment,
  modifiedPrecision,
  rougeL,
  sentenceBleu,
} from './metrics'
import { mulberry32 } from '../util/random'

const hypothesis1 = [
  'It',
  'is',
  'a',
  'guide',
  'to',
  'action',
  'which',
  'ensures',
  'that',
  'the',
  'military',
  'always',
  'obeys',
  'the',
  'commands',
  'of',
  'the',
  'party',
]
const hypothesis2 = [
  'It',
  'is',
  'to',
  'insure',
  'the',
  'troops',
  'forever',
  'hearing',
  'the',
  'activity',
  'guidebook',
  'that',
  'party',
  'direct',
]
const reference1 = [
  'It',
  'is',
  'a',
  'guide',
  'to',
  'action',
  'that',
  'ensures',
  'that',
  'the',
  'military',
  'will',
  'forever',
  'heed',
  'Party',
  'commands',
]
const reference2 = [
  'It',
  'is',
  'the',
  'guiding',
  'principle',
  'which',
  'guarantees',
  'the',
  'military',
  'forces',
  'always',
  'being',
  'under',
  'the',
  'command',
  'of',
  'the',
  'Party',
]
const reference3 = [
  'It',
  'is',
  'the',
  'practical',
  'guide',
  'for',
  'the',
  'army',
  'always',
  'to',
  'heed',
  'the',
  'directions',
  'of',
  'the',
  'party',
]
const refs = [reference1, reference2, reference3]
const a = (n: number) => Array.from({ length: n }, () => 'a')
const frac = (p: { matches: number; total: number }) => p.matches / p.total
/** NLTK prints these with a doctest ellipsis ("0.5045..."): the value must begin with those digits. */
const startsAs = (v: number, printed: string) => expect(v.toFixed(12).slice(0, printed.length)).toBe(printed)

describe('BLEU (NLTK reference values)', () => {
  it('modified n-gram precision clips each n-gram by its count in any one reference', () => {
    startsAs(
      frac(
        modifiedPrecision(
          ['the cat is on the mat'.split(' '), 'there is a cat on the mat'.split(' ')],
          'the the the the the the the'.split(' '),
          1,
        ),
      ),
      '0.2857',
    )
    expect(frac(modifiedPrecision(refs, ['of', 'the'], 1))).toBe(1)
    expect(frac(modifiedPrecision(refs, ['of', 'the'], 2))).toBe(1)
    startsAs(frac(modifiedPrecision(refs, hypothesis1, 1)), '0.9444')
    startsAs(frac(modifiedPrecision(refs, hypothesis2, 1)), '0.5714')
    expect(frac(modifiedPrecision(refs, hypothesis1, 2))).toBeCloseTo(0.5882352941176471, 12)
    startsAs(frac(modifiedPrecision(refs, hypothesis2, 2)), '0.07692')
  })

  it('brevity penalty uses the closest reference length (the shorter on a tie)', () => {
    expect(brevityPenalty(closestRefLength([a(12), a(15), a(17)], 12), 12)).toBe(1)
    expect(brevityPenalty(closestRefLength([a(28), a(28)], 12), 12)).toBeCloseTo(0.2635971381157267, 12)
    startsAs(brevityPenalty(closestRefLength([a(13), a(2)], 12), 12), '0.9200')
    expect(brevityPenalty(closestRefLength([a(13), a(11)], 12), 12)).toBe(1)
    startsAs(brevityPenalty(closestRefLength([a(11), a(8)], 7), 7), '0.8668')
    expect(brevityPenalty(closestRefLength([a(11), a(8), a(6), a(7)], 7), 7)).toBe(1)
    expect(brevityPenalty(5, 0)).toBe(0)
  })

  it('sentence and corpus BLEU-4', () => {
    startsAs(sentenceBleu(refs, hypothesis1), '0.5045')
    // hypothesis2 shares no 4-gram with any reference: unsmoothed BLEU-4 is 0 (NLTK's docstring prints 0.3969…,
    // a value its own code path at the time could not return: log(0) there also gives 0); smoothing rescues it
    expect(sentenceBleu(refs, hypothesis2)).toBe(0)
    expect(sentenceBleu(refs, hypothesis2, { smoothing: 'add-one' })).toBeGreaterThan(0)
    const hyp2 = ['he', 'read', 'the', 'book', 'because', 'he', 'was', 'interested', 'in', 'world', 'history']
    const ref2a = ['he', 'was', 'interested', 'in', 'world', 'history', 'because', 'he', 'read', 'the', 'book']
    startsAs(corpusBleu([refs, [ref2a]], [hypothesis1, hyp2]), '0.5920') // micro-average …
    startsAs((sentenceBleu(refs, hypothesis1) + sentenceBleu([ref2a], hyp2)) / 2, '0.6223') // … not the mean
  })

  it('smoothing: none and add-one on one reference', () => {
    startsAs(sentenceBleu([reference1], hypothesis1), '0.4118')
    startsAs(sentenceBleu([reference1], hypothesis1, { smoothing: 'add-one' }), '0.4489')
    // no 4-gram in common: 0 without smoothing, positive with it
    expect(sentenceBleu([['a', 'b', 'c', 'd']], ['a', 'b', 'x', 'd'])).toBe(0)
    expect(sentenceBleu([['a', 'b', 'c', 'd']], ['a', 'b', 'x', 'd'], { smoothing: 'add-one' })).toBeGreaterThan(0)
    expect(sentenceBleu([['a', 'b']], ['x', 'y'], { smoothing: 'add-one' })).toBe(0) // no unigram at all: 0
  })

  it('refuses mismatched inputs', () => {
    expect(() => corpusBleu([refs], [hypothesis1, hypothesis2])).toThrow(/one set of references per hypothesis/)
    expect(() => sentenceBleu([], hypothesis1)).toThrow(/at least one reference/)
  })
})

describe('ROUGE-L', () => {
  it('Lin (2004) §3.1: 0.75 and 0.5 for the two candidates', () => {
    const ref = 'police killed the gunman'.split(' ')
    expect(rougeL(ref, 'police kill the gunman'.split(' ')).f).toBeCloseTo(0.75, 12)
    expect(rougeL(ref, 'the gunman kill police'.split(' ')).f).toBeCloseTo(0.5, 12)
  })

  it('rouge_score’s test pair: precision 1, recall 1/3, F 0.5; and the edge cases', () => {
    const r = rougeL('testing one two'.split(' '), ['testing'])
    expect(r.precision).toBe(1)
    expect(r.recall).toBeCloseTo(1 / 3, 12)
    expect(r.f).toBeCloseTo(0.5, 12)
    expect(rougeL(['a'], ['b'])).toEqual({ precision: 0, recall: 0, f: 0 })
    expect(lcsLength('ABCBDAB'.split(''), 'BDCABA'.split(''))).toBe(4) // the textbook example (CLRS §15.4)
  })
})

describe('METEOR (exact matching)', () => {
  const words = (s: string) => s.split(' ')
  const cat = [words('The cat sat on the mat')]

  it('the Wikipedia / NLTK examples', () => {
    const same = meteor(cat, words('The cat sat on the mat'))
    expect(same.score).toBeCloseTo(0.9977, 4)
    expect(same.chunks).toBe(1)
    // reordered: the alignment with the fewest crossings leaves no two matches adjacent, six chunks
    const reordered = meteor(cat, words('on the mat sat the cat'))
    expect(reordered.fmean).toBe(1)
    expect(reordered.chunks).toBe(6)
    expect(reordered.score).toBeCloseTo(0.5, 12)
    expect(meteor(cat, words('The cat was sat on the mat')).score).toBeCloseTo(0.9654, 4)
    expect(
      meteor([words('The candidate has no alignment to any of the references')], words('John loves Mary')).score,
    ).toBe(0)
  })

  it('NLTK’s unit test: case folded, best reference wins; case kept when asked', () => {
    const refs = [
      ['this', 'is', 'a', 'test'],
      ['this', 'is' + 'test'],
    ] // sic: NLTK's list misses a comma
    expect(meteor(refs, ['THIS', 'Is', 'a', 'tEST']).score).toBe(0.9921875)
    // only "a" matches: P = R = Fmean = 1/4, one chunk of one match, the full penalty 0.5
    expect(meteor(refs, ['THIS', 'Is', 'a', 'tEST'], { caseFold: false }).score).toBe(0.125)
  })

  it('Banerjee & Lavie (2005): two chunks, and the score from their formula', () => {
    const r = meteor([words('the president then spoke to the audience')], words('the president spoke to the audience'))
    expect(r.chunks).toBe(2)
    expect(r.precision).toBe(1)
    expect(r.recall).toBeCloseTo(6 / 7, 12)
    const fmean = (10 * 1 * (6 / 7)) / (6 / 7 + 9 * 1) // their Fmean = 10PR / (R + 9P)
    expect(r.score).toBeCloseTo(fmean * (1 - 0.5 * (2 / 6) ** 3), 12)
  })

  it('chunks count runs adjacent in both texts', () => {
    expect(countChunks([])).toBe(0)
    expect(
      countChunks([
        [0, 0],
        [1, 1],
        [2, 5],
        [3, 6],
        [5, 7],
      ]),
    ).toBe(3)
  })

  it('refuses no reference; an empty hypothesis scores 0', () => {
    expect(() => meteor([], ['a'])).toThrow(/at least one reference/)
    expect(meteor([['a']], []).score).toBe(0)
  })

  // Brute force: every maximal one-to-one matching of equal tokens, and the fewest crossings among them.
  function bruteMinCrossings(ref: string[], hyp: string[]): { matches: number; crossings: number } {
    const types = [...new Set(hyp)].filter((t) => ref.includes(t))
    const perType = types.map((t) => {
      const hs = hyp.flatMap((x, i) => (x === t ? [i] : []))
      const rs = ref.flatMap((x, j) => (x === t ? [j] : []))
      const out: [number, number][][] = []
      const walk = (k: number, used: Set<number>, acc: [number, number][]) => {
        const want = Math.min(hs.length, rs.length)
        if (acc.length === want) return void out.push([...acc])
        if (k === hs.length) return
        if (hs.length - k > want - acc.length) walk(k + 1, used, acc) // leave this occurrence unmatched
        for (const r of rs) {
          if (used.has(r)) continue
          used.add(r)
          walk(k + 1, used, [...acc, [hs[k], r]])
          used.delete(r)
        }
      }
      walk(0, new Set(), [])
      return out
    })
    let best = Infinity
    let matches = 0
    const combine = (i: number, acc: [number, number][]) => {
      if (i === perType.length) {
        let c = 0
        for (let a = 0; a < acc.length; a++)
          for (let b = a + 1; b < acc.length; b++) if ((acc[a][0] - acc[b][0]) * (acc[a][1] - acc[b][1]) < 0) c++
        best = Math.min(best, c)
        matches = acc.length
        return
      }
      for (const m of perType[i]) combine(i + 1, acc.concat(m))
    }
    combine(0, [])
    return { matches, crossings: best }
  }

  const crossingsIn = (alignment: [number, number][]) => {
    let c = 0
    for (let a = 0; a < alignment.length; a++)
      for (let b = a + 1; b < alignment.length; b++)
        if ((alignment[a][0] - alignment[b][0]) * (alignment[a][1] - alignment[b][1]) < 0) c++
    return c
  }
  const randomPairs = (seed: number, count: number) => {
    const rand = mulberry32(seed)
    const pick = (n: number, vocab: number) => Array.from({ length: n }, () => 'abcd'[Math.floor(rand() * vocab)])
    return Array.from({ length: count }, () => {
      const vocab = 2 + Math.floor(rand() * 3)
      return { ref: pick(1 + Math.floor(rand() * 8), vocab), hyp: pick(1 + Math.floor(rand() * 8), vocab) }
    })
  }
  const check = (ref: string[], hyp: string[], pairs: [number, number][]) => {
    expect(new Set(pairs.map((p) => p[0])).size).toBe(pairs.length) // one-to-one
    expect(new Set(pairs.map((p) => p[1])).size).toBe(pairs.length)
    for (const [h, r] of pairs) expect(hyp[h]).toBe(ref[r]) // equal tokens
    return { ref: ref.join(''), hyp: hyp.join(''), matches: pairs.length, crossings: crossingsIn(pairs) }
  }

  it('the alignment has the most matches and the fewest crossings (brute force on 3,000 small cases)', () => {
    for (const { ref, hyp } of randomPairs(7, 3000)) {
      const { pairs, exact } = meteorAlignment(ref, hyp)
      expect(exact).toBe(true)
      expect(check(ref, hyp, pairs)).toEqual({ ref: ref.join(''), hyp: hyp.join(''), ...bruteMinCrossings(ref, hyp) })
    }
  })

  it('the local search used on long texts: most matches always, fewest crossings nearly always', () => {
    let optimal = 0
    const cases = randomPairs(11, 3000)
    for (const { ref, hyp } of cases) {
      const { pairs, exact } = meteorAlignment(ref, hyp, 0)
      const brute = bruteMinCrossings(ref, hyp)
      const got = check(ref, hyp, pairs)
      expect(exact).toBe(false) // not claimed
      expect(got.matches).toBe(brute.matches)
      expect(got.crossings).toBeGreaterThanOrEqual(brute.crossings)
      if (got.crossings === brute.crossings) optimal++
    }
    expect(optimal / cases.length).toBeGreaterThan(0.99) // measured: 2,989 of these 3,000
  })

  it('2,000 characters each way: too many choices for the exhaustive search, and still every possible match', () => {
    // (its speed is held by the test timeout only; speed belongs in npm run bench)
    const rand = mulberry32(3)
    const text = (n: number) => Array.from({ length: n }, () => 'etaoin shrdlu'[Math.floor(rand() * 13)])
    const ref = text(2000)
    const hyp = text(2000)
    const r = meteor([ref], hyp, { caseFold: false })
    expect(r.exact).toBe(false)
    // the most matches any alignment can have: for each character, the fewer of its two counts
    const count = (t: string[]) => t.reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>())
    const [cr, ch] = [count(ref), count(hyp)]
    const most = [...cr].reduce((sum, [c, n]) => sum + Math.min(n, ch.get(c) ?? 0), 0)
    expect(r.matches).toBe(most)
    expect(most).toBeLessThan(2000) // the two texts differ, so this is not trivially everything
  })
})
