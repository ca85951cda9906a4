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
import { describe, expect, it } from 'vitest'
import { brevityPenalty, closestRefLength, corpusBleu, lcsLength, modifiedPrecision, rougeL, sentenceBleu } from './metrics'

const hypothesis1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'which', 'ensures', 'that', 'the', 'military', 'always', 'obeys', 'the', 'commands', 'of', 'the', 'party']
const hypothesis2 = ['It', 'is', 'to', 'insure', 'the', 'troops', 'forever', 'hearing', 'the', 'activity', 'guidebook', 'that', 'party', 'direct']
const reference1 = ['It', 'is', 'a', 'guide', 'to', 'action', 'that', 'ensures', 'that', 'the', 'military', 'will', 'forever', 'heed', 'Party', 'commands']
const reference2 = ['It', 'is', 'the', 'guiding', 'principle', 'which', 'guarantees', 'the', 'military', 'forces', 'always', 'being', 'under', 'the', 'command', 'of', 'the', 'Party']
const reference3 = ['It', 'is', 'the', 'practical', 'guide', 'for', 'the', 'army', 'always', 'to', 'heed', 'the', 'directions', 'of', 'the', 'party']
const refs = [reference1, reference2, reference3]
const a = (n: number) => Array.from({ length: n }, () => 'a')
const frac = (p: { matches: number; total: number }) => p.matches / p.total
/** NLTK prints these with a doctest ellipsis ("0.5045..."): the value must begin with those digits. */
const startsAs = (v: number, printed: string) => expect(v.toFixed(12).slice(0, printed.length)).toBe(printed)

describe('BLEU (NLTK reference values)', () => {
  it('modified n-gram precision clips each n-gram by its count in any one reference', () => {
    startsAs(frac(modifiedPrecision(['the cat is on the mat'.split(' '), 'there is a cat on the mat'.split(' ')], 'the the the the the the the'.split(' '), 1)), '0.2857')
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
