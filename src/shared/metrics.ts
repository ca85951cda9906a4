// Scores for generated text against reference text, as the founding tutorial names them: BLEU (Papineni et
// al. 2002) and ROUGE-L (Lin 2004). Pure functions over token lists (words, or characters for a character
// model); tested against published values (src/shared/metrics.test.ts says where each comes from).

export type Tokens = readonly string[]

function ngramCounts(tokens: Tokens, n: number): Map<string, number> {
  const out = new Map<string, number>()
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0000')
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

/**
 * BLEU's modified n-gram precision as a fraction: hypothesis n-grams, each counted at most as often as it
 * appears in any one reference, over all hypothesis n-grams (the denominator is at least 1).
 */
export function modifiedPrecision(references: readonly Tokens[], hypothesis: Tokens, n: number): { matches: number; total: number } {
  const counts = ngramCounts(hypothesis, n)
  const refCounts = references.map((r) => ngramCounts(r, n))
  let matches = 0
  let total = 0
  for (const [gram, c] of counts) {
    total += c
    matches += Math.min(c, Math.max(0, ...refCounts.map((r) => r.get(gram) ?? 0)))
  }
  return { matches, total: Math.max(1, total) }
}

/** The reference length closest to the hypothesis length (the shorter one on a tie), as BLEU's r. */
export function closestRefLength(references: readonly Tokens[], hypLength: number): number {
  return references.map((r) => r.length).reduce((best, len) => (Math.abs(len - hypLength) < Math.abs(best - hypLength) || (Math.abs(len - hypLength) === Math.abs(best - hypLength) && len < best) ? len : best))
}

/** exp(1 − r/c) when the hypothesis (c) is shorter than the reference length (r), else 1; 0 for an empty one. */
export function brevityPenalty(refLength: number, hypLength: number): number {
  if (hypLength > refLength) return 1
  if (hypLength === 0) return 0
  return Math.exp(1 - refLength / hypLength)
}

export interface BleuOptions {
  maxN?: number // default 4: BLEU-4, uniform weights 1/maxN
  /**
   * 'none': a zero n-gram precision makes BLEU 0 (right for a corpus). 'add-one': every order's matches and
   * total get +1 (Lin & Och 2004; "method 2" of Chen & Cherry 2014), so one short sentence still scores.
   */
  smoothing?: 'none' | 'add-one'
}

/**
 * Corpus BLEU: n-gram matches and totals summed over all sentences before dividing (micro-average), one
 * brevity penalty from the summed lengths, geometric mean of the precisions with uniform weights.
 * Each hypothesis has one or more references.
 */
export function corpusBleu(referenceSets: readonly (readonly Tokens[])[], hypotheses: readonly Tokens[], o: BleuOptions = {}): number {
  if (referenceSets.length !== hypotheses.length) throw new Error('BLEU needs one set of references per hypothesis')
  const maxN = o.maxN ?? 4
  const matches = new Array<number>(maxN).fill(0)
  const totals = new Array<number>(maxN).fill(0)
  let hypLen = 0
  let refLen = 0
  hypotheses.forEach((hyp, i) => {
    const refs = referenceSets[i]
    if (!refs.length) throw new Error('BLEU needs at least one reference per hypothesis')
    for (let n = 1; n <= maxN; n++) {
      const p = modifiedPrecision(refs, hyp, n)
      matches[n - 1] += p.matches
      totals[n - 1] += p.total
    }
    hypLen += hyp.length
    refLen += closestRefLength(refs, hyp.length)
  })
  if (matches[0] === 0) return 0
  let logSum = 0
  for (let n = 0; n < maxN; n++) {
    const [m, t] = o.smoothing === 'add-one' ? [matches[n] + 1, totals[n] + 1] : [matches[n], totals[n]]
    if (m === 0) return 0
    logSum += Math.log(m / t) / maxN
  }
  return brevityPenalty(refLen, hypLen) * Math.exp(logSum)
}

/** Sentence BLEU: corpus BLEU of one hypothesis and its references. */
export function sentenceBleu(references: readonly Tokens[], hypothesis: Tokens, o: BleuOptions = {}): number {
  return corpusBleu([references], [hypothesis], o)
}

/** Length of the longest common subsequence (dynamic programming, O(|a|·|b|)). */
export function lcsLength(a: Tokens, b: Tokens): number {
  let prev = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0)
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1])
    prev = cur
  }
  return prev[b.length]
}

/** ROUGE-L of a candidate against one reference: LCS-based precision, recall and their F1 (β = 1). */
export function rougeL(reference: Tokens, candidate: Tokens): { precision: number; recall: number; f: number } {
  const lcs = lcsLength(reference, candidate)
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 }
  const precision = lcs / candidate.length
  const recall = lcs / reference.length
  return { precision, recall, f: (2 * precision * recall) / (precision + recall) }
}
