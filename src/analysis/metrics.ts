// Scores for generated text against reference text, as the founding tutorial names them: BLEU (Papineni et
// al. 2002), ROUGE-L (Lin 2004) and METEOR (Banerjee & Lavie 2005, exact matching). Pure functions over token lists (words, or characters for a character
// model); tested against published values (src/analysis/metrics.test.ts says where each comes from).

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
export function modifiedPrecision(
  references: readonly Tokens[],
  hypothesis: Tokens,
  n: number,
): { matches: number; total: number } {
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
  return references
    .map((r) => r.length)
    .reduce((best, len) =>
      Math.abs(len - hypLength) < Math.abs(best - hypLength) ||
      (Math.abs(len - hypLength) === Math.abs(best - hypLength) && len < best)
        ? len
        : best,
    )
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
export function corpusBleu(
  referenceSets: readonly (readonly Tokens[])[],
  hypotheses: readonly Tokens[],
  o: BleuOptions = {},
): number {
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

export interface MeteorOptions {
  alpha?: number // default 0.9: Fmean = P·R / (α·P + (1 − α)·R), recall weighted nine times precision
  beta?: number // default 3: the fragmentation penalty's exponent
  gamma?: number // default 0.5: the largest penalty
  caseFold?: boolean // default true: compare lower-cased tokens, as METEOR and NLTK do
  exhaustiveLimit?: number // default METEOR_EXHAUSTIVE_LIMIT (see meteorAlignment)
}

export interface MeteorResult {
  score: number
  precision: number
  recall: number
  fmean: number
  matches: number
  chunks: number
  penalty: number
  /** [hypothesis index, reference index] of every match, by hypothesis index. */
  alignment: [number, number][]
  /** Whether the alignment is certainly the one with the fewest crossings (see meteorAlignment). */
  exact: boolean
}

/** Fenwick tree over positions 0…n−1: add one at a position, count positions ≤ i. */
class Counts {
  private readonly tree: Int32Array
  constructor(n: number) {
    this.tree = new Int32Array(n + 1)
  }
  add(i: number): void {
    for (let k = i + 1; k < this.tree.length; k += k & -k) this.tree[k]++
  }
  atMost(i: number): number {
    let s = 0
    for (let k = Math.min(i + 1, this.tree.length - 1); k > 0; k -= k & -k) s += this.tree[k]
    return s
  }
}

/**
 * Crossings of every candidate pair (h, r) with the given pairs, as a matrix [h index][r index]: a pair
 * (x, y) crosses (h, r) when x < h and y > r, or x > h and y < r. Positions of one token never coincide with
 * another token's, so there are no ties. One sweep over the hypothesis with a Fenwick tree over the reference:
 * O((n + |hs|·|rs|)·log n) rather than O(|hs|·|rs|·n).
 */
function crossingCosts(others: [number, number][], refLength: number, hs: number[], rs: number[]): number[][] {
  const byHyp = [...others].sort((a, b) => a[0] - b[0])
  const seen = new Counts(refLength) // reference positions of the pairs left of the current h
  const all = new Counts(refLength) // of every pair
  for (const [, y] of others) all.add(y)
  let next = 0
  return hs.map((h) => {
    while (next < byHyp.length && byHyp[next][0] < h) seen.add(byHyp[next++][1])
    return rs.map((r) => {
      const leftBelow = seen.atMost(r)
      return next - leftBelow + (all.atMost(r) - leftBelow) // left and above, plus right and below
    })
  })
}

type Pair = [number, number]

/** Crossings between two sets of matches. */
function crossingsBetween(a: readonly Pair[], b: readonly Pair[]): number {
  let c = 0
  for (const [h, r] of a) for (const [x, y] of b) if ((x - h) * (y - r) < 0) c++
  return c
}

/** Every way to match the k occurrences on a token's shorter side, in order, to k of its longer side's. */
function orderedChoices(h: readonly number[], r: readonly number[]): Pair[][] {
  const hypLonger = h.length > r.length
  const [long, short] = hypLonger ? [h, r] : [r, h]
  const out: Pair[][] = []
  const walk = (i: number, acc: Pair[]) => {
    const j = acc.length
    if (j === short.length) return void out.push(acc)
    for (let n = i; n <= long.length - (short.length - j); n++)
      walk(n + 1, [...acc, hypLonger ? [long[n], short[j]] : [short[j], long[n]]])
  }
  walk(0, [])
  return out
}

function choose(n: number, k: number): number {
  let c = 1
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1)
  return Math.round(c)
}

/** Above this many joint choices, METEOR's alignment comes from local search rather than trying them all. */
export const METEOR_EXHAUSTIVE_LIMIT = 50_000

/**
 * METEOR's exact-match alignment of a hypothesis to one reference (Banerjee & Lavie 2005, §2): as many
 * matches as possible (each token matched at most once, to an equal token), and among those the alignment
 * with the fewest crossings. A token that occurs equally often on both sides is matched in order: two crossing
 * matches of one token can always be uncrossed without crossing anything else more, so order is optimal. A
 * token that occurs more often on one side must choose which occurrences to use. When the choices of all such
 * tokens together number at most `exhaustiveLimit`, every combination is tried (branch and bound) and the
 * result is the fewest crossings (`exact`). Above it — long texts, or characters — a local search: each token
 * in turn takes the choice with the fewest crossings against everything else (a dynamic programme over its
 * occurrences; ties go to matches nearer the diagonal), repeated until no choice improves, like the beam
 * search of METEOR's own aligner a good alignment but not always the best one.
 */
export function meteorAlignment(
  reference: Tokens,
  hypothesis: Tokens,
  exhaustiveLimit = METEOR_EXHAUSTIVE_LIMIT,
): { pairs: Pair[]; exact: boolean } {
  const where = new Map<string, { h: number[]; r: number[] }>()
  const slot = (t: string) => where.get(t) ?? where.set(t, { h: [], r: [] }).get(t)!
  hypothesis.forEach((t, i) => slot(t).h.push(i))
  reference.forEach((t, j) => where.get(t)?.r.push(j))
  const fixed: Pair[] = []
  const free: { h: number[]; r: number[]; pairs: Pair[] }[] = []
  for (const { h, r } of where.values()) {
    if (!r.length) continue
    if (h.length === r.length) h.forEach((hi, k) => fixed.push([hi, r[k]]))
    else free.push({ h, r, pairs: [] })
  }
  const diagonal = (h: number, r: number) => Math.abs(h / hypothesis.length - r / reference.length) // 0…1
  const tieWeight = 1 / (hypothesis.length + 1) // the diagonal distances of all matches add up to less than 1
  const place = (token: (typeof free)[number]): number => {
    const others = fixed.concat(...free.filter((f) => f !== token).map((f) => f.pairs))
    const cost = crossingCosts(others, reference.length, token.h, token.r)
    const hypLonger = token.h.length > token.r.length
    const long = hypLonger ? token.h.length : token.r.length
    const k = Math.min(token.h.length, token.r.length)
    const pair = (i: number, j: number): Pair => (hypLonger ? [token.h[i], token.r[j]] : [token.h[j], token.r[i]]) // i: long side
    const c = (i: number, j: number) => (hypLonger ? cost[i][j] : cost[j][i]) + tieWeight * diagonal(...pair(i, j))
    // best[i][j]: cheapest matching of the first j short-side occurrences to j of the first i long-side ones
    const best = Array.from({ length: long + 1 }, () => new Array<number>(k + 1).fill(Infinity))
    for (let i = 0; i <= long; i++) best[i][0] = 0
    for (let i = 1; i <= long; i++)
      for (let j = 1; j <= Math.min(i, k); j++)
        best[i][j] = Math.min(best[i - 1][j], best[i - 1][j - 1] + c(i - 1, j - 1))
    const pairs: Pair[] = []
    for (let i = long, j = k; j > 0; i--) {
      if (best[i][j] === best[i - 1][j - 1] + c(i - 1, j - 1)) {
        pairs.push(pair(i - 1, j - 1))
        j--
      }
    }
    token.pairs = pairs.reverse()
    return Math.round(best[long][k] - tieWeight * token.pairs.reduce((s, p) => s + diagonal(...p), 0))
  }
  const crossingsOf = (token: (typeof free)[number]) =>
    crossingsBetween(token.pairs, fixed.concat(...free.filter((f) => f !== token).map((f) => f.pairs)))
  for (const token of free) place(token)
  for (let round = 0, improved = true; improved && round < 50; round++) {
    improved = false
    for (const token of free) {
      const before = token.pairs
      const was = crossingsOf(token)
      if (place(token) < was) improved = true
      else token.pairs = before
    }
  }
  const combinations = free.reduce(
    (n, f) => n * choose(Math.max(f.h.length, f.r.length), Math.min(f.h.length, f.r.length)),
    1,
  )
  const exact = combinations <= exhaustiveLimit
  if (exact && free.length) {
    // Branch and bound over every combination, the local search's answer as the one to beat.
    const options = free.map((f) =>
      orderedChoices(f.h, f.r).map((pairs) => ({ pairs, withFixed: crossingsBetween(pairs, fixed) })),
    )
    let bestCost = free.reduce(
      (s, f, i) =>
        s +
        crossingsBetween(f.pairs, fixed) +
        free.slice(0, i).reduce((t, g) => t + crossingsBetween(f.pairs, g.pairs), 0),
      0,
    )
    let bestPick: Pair[][] = free.map((f) => f.pairs)
    const picked: Pair[][] = []
    const search = (t: number, cost: number) => {
      if (cost >= bestCost) return
      if (t === free.length) {
        bestCost = cost
        bestPick = [...picked]
        return
      }
      for (const o of options[t]) {
        picked.push(o.pairs)
        search(t + 1, cost + o.withFixed + picked.slice(0, -1).reduce((s, p) => s + crossingsBetween(o.pairs, p), 0))
        picked.pop()
      }
    }
    search(0, 0)
    free.forEach((f, i) => (f.pairs = bestPick[i]))
  }
  return { pairs: fixed.concat(...free.map((f) => f.pairs)).sort((a, b) => a[0] - b[0]), exact }
}

/** Chunks: the fewest runs of matches adjacent and in the same order in both texts. */
export function countChunks(alignment: readonly (readonly [number, number])[]): number {
  let chunks = alignment.length ? 1 : 0
  for (let i = 1; i < alignment.length; i++) {
    if (alignment[i][0] !== alignment[i - 1][0] + 1 || alignment[i][1] !== alignment[i - 1][1] + 1) chunks++
  }
  return chunks
}

/**
 * METEOR of a hypothesis against one or more references, the best reference counting (as NLTK does):
 * unigram precision P and recall R over an exact-match alignment, Fmean = P·R / (α·P + (1 − α)·R), and a
 * penalty γ·(chunks / matches)^β for matches scattered out of order; score = Fmean · (1 − penalty). No match
 * scores 0. Stemming and synonym stages of the full metric are left out: they need English resources.
 */
export function meteor(references: readonly Tokens[], hypothesis: Tokens, o: MeteorOptions = {}): MeteorResult {
  if (!references.length) throw new Error('METEOR needs at least one reference')
  const { alpha = 0.9, beta = 3, gamma = 0.5, caseFold = true } = o
  const fold = (t: Tokens) => (caseFold ? t.map((x) => x.toLowerCase()) : t)
  const hyp = fold(hypothesis)
  let bestResult: MeteorResult | undefined
  for (const reference of references) {
    const ref = fold(reference)
    const { pairs: alignment, exact } = meteorAlignment(ref, hyp, o.exhaustiveLimit)
    const matches = alignment.length
    let result: MeteorResult = {
      score: 0,
      precision: 0,
      recall: 0,
      fmean: 0,
      matches,
      chunks: 0,
      penalty: 0,
      alignment,
      exact,
    }
    if (matches > 0) {
      const precision = matches / hyp.length
      const recall = matches / ref.length
      const fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall)
      const chunks = countChunks(alignment)
      const penalty = gamma * (chunks / matches) ** beta
      result = { score: fmean * (1 - penalty), precision, recall, fmean, matches, chunks, penalty, alignment, exact }
    }
    if (!bestResult || result.score > bestResult.score) bestResult = result
  }
  return bestResult!
}
