// Beam search on small hand-built models, checked by brute force over every sequence.
import { describe, expect, it } from 'vitest'
import { beamSearch, lengthPenalty, type BeamNode, type NextLogProbs } from './beam'
import { mulberry32 } from '../util/random'

/** A "model" whose next-token distribution is a fixed pseudo-random function of the whole prefix. */
function tableModel(V: number, seed: number): (prefix: number[]) => number[] {
  const memo = new Map<string, number[]>()
  return (prefix) => {
    const key = prefix.join(',')
    let lp = memo.get(key)
    if (!lp) {
      let h = seed
      for (const t of prefix) h = Math.imul(h ^ (t + 0x9e37), 0x85ebca6b) >>> 0
      const rng = mulberry32(h)
      const w = Array.from({ length: V }, () => rng() ** 3 + 1e-3)
      const z = w.reduce((a, b) => a + b, 0)
      lp = w.map((x) => Math.log(x / z))
      memo.set(key, lp)
    }
    return lp
  }
}

const batched =
  (model: (prefix: number[]) => number[]): NextLogProbs =>
  async (prefixes) =>
    prefixes.map(model)

/** Every sequence of length L (over the model's whole vocabulary), with its total log-probability, best first. */
function bruteForce(
  model: (prefix: number[]) => number[],
  prompt: number[],
  L: number,
): { tokens: number[]; logProb: number }[] {
  let seqs = [{ tokens: [] as number[], logProb: 0 }]
  for (let t = 0; t < L; t++)
    seqs = seqs.flatMap((s) =>
      model([...prompt, ...s.tokens]).map((lp, id) => ({ tokens: [...s.tokens, id], logProb: s.logProb + lp })),
    )
  return seqs.sort((a, b) => b.logProb - a.logProb)
}

function greedy(model: (prefix: number[]) => number[], prompt: number[], L: number): number[] {
  const out: number[] = []
  for (let t = 0; t < L; t++) {
    const lp = model([...prompt, ...out])
    out.push(lp.indexOf(Math.max(...lp)))
  }
  return out
}

describe('beam search', () => {
  it('with width 1 is greedy decoding', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const model = tableModel(5, seed)
      const [best] = await beamSearch([0], batched(model), { width: 1, maxNewTokens: 6 })
      expect(best.tokens).toEqual(greedy(model, [0], 6))
    }
  })

  it('wide enough, finds the sequence with the highest total log-probability (brute force over all 4^4)', async () => {
    for (const seed of [11, 12, 13]) {
      const model = tableModel(4, seed)
      const all = bruteForce(model, [1, 2], 4)
      const beams = await beamSearch([1, 2], batched(model), { width: 16, maxNewTokens: 4 }) // ≥ 4^(4−2): exhaustive
      expect(beams[0].tokens).toEqual(all[0].tokens)
      expect(beams[0].logProb).toBeCloseTo(all[0].logProb, 10)
      expect(beams.map((b) => b.tokens)).toEqual(all.slice(0, 16).map((s) => s.tokens)) // and the runners-up, in order
    }
  })

  it('records the search tree: each node extends its parent by its token’s log-probability, the width best are kept, the next best pruned', async () => {
    for (const seed of [21, 22, 23]) {
      const model = tableModel(6, seed)
      const tree: BeamNode[] = []
      const width = 3
      const beams = await beamSearch([4], batched(model), { width, maxNewTokens: 5, tree })
      const path = (n: number): number[] => (n < 0 ? [] : [...path(tree[n].parent), tree[n].token])
      for (let d = 1; d <= 5; d++) {
        const level = tree.map((n, i) => ({ n, i })).filter(({ n }) => n.depth === d)
        expect(level.filter(({ n }) => n.kept)).toHaveLength(width)
        expect(level.filter(({ n }) => !n.kept)).toHaveLength(width)
        const worstKept = Math.min(...level.filter(({ n }) => n.kept).map(({ n }) => n.logProb))
        for (const { n, i } of level) {
          const tokens = path(i)
          expect(tokens).toHaveLength(d)
          // independent: the sum of the model's log-probabilities along the path
          const sum = tokens.reduce((acc, tok, k) => acc + model([4, ...tokens.slice(0, k)])[tok], 0)
          expect(n.logProb).toBeCloseTo(sum, 10)
          if (n.parent >= 0) expect(tree[n.parent].kept).toBe(true) // only kept beams have children
          if (!n.kept) expect(n.logProb).toBeLessThanOrEqual(worstKept)
        }
        // the kept nodes are exactly the width best extensions of the previous level's kept beams (brute force)
        const parents =
          d === 1
            ? [[] as number[]]
            : tree
                .map((n, i) => ({ n, i }))
                .filter(({ n }) => n.depth === d - 1 && n.kept)
                .map(({ i }) => path(i))
        const all = parents.flatMap((p) =>
          model([4, ...p]).map((lp, tok) => ({
            tokens: [...p, tok],
            logProb: p.reduce((acc, t, k) => acc + model([4, ...p.slice(0, k)])[t], 0) + lp,
          })),
        )
        all.sort((a, b) => b.logProb - a.logProb)
        expect(level.filter(({ n }) => n.kept).map(({ i }) => path(i))).toEqual(
          all.slice(0, width).map((x) => x.tokens),
        )
      }
      // the answer is a kept path of the tree
      const last = tree.findIndex(
        (n) => n.depth === 5 && n.kept && path(tree.indexOf(n)).join() === beams[0].tokens.join(),
      )
      expect(last).toBeGreaterThanOrEqual(0)
    }
  })

  it('records the tree for its first treeSteps steps only', async () => {
    const tree: BeamNode[] = []
    await beamSearch([0], batched(tableModel(4, 3)), { width: 2, maxNewTokens: 8, tree, treeSteps: 3 })
    expect(Math.max(...tree.map((n) => n.depth))).toBe(3)
    expect(tree).toHaveLength(3 * 2 * 2)
  })

  it('beats greedy where the greedy first choice leads nowhere', async () => {
    // token 0 first is likelier (0.6 vs 0.4), but after it everything is flat; after 1 one token is near-certain
    const model = (prefix: number[]): number[] => {
      if (prefix.length === 1) return [Math.log(0.6), Math.log(0.4), -Infinity]
      if (prefix[1] === 0) return [Math.log(1 / 3), Math.log(1 / 3), Math.log(1 / 3)]
      return [Math.log(0.01), Math.log(0.98), Math.log(0.01)]
    }
    const [g] = await beamSearch([2], batched(model), { width: 1, maxNewTokens: 2 })
    const [b] = await beamSearch([2], batched(model), { width: 2, maxNewTokens: 2 })
    expect(g.tokens[0]).toBe(0) // greedy: 0.6 · 1/3 = 0.2
    expect(b.tokens).toEqual([1, 1]) // beam: 0.4 · 0.98 = 0.392
    expect(b.logProb).toBeCloseTo(Math.log(0.4 * 0.98), 12)
    expect(bruteForce(model, [2], 2)[0].tokens).toEqual([1, 1])
  })

  it('moves beams that end (a stop) to the finished set, and ranks them with the length penalty', async () => {
    // token 2 ends a sequence. Ending at once: p = 0.5. Token 0 then the end: 0.45 · 0.9 = 0.405.
    const model = (prefix: number[]): number[] =>
      prefix.length === 1
        ? [Math.log(0.45), Math.log(0.05), Math.log(0.5)]
        : [Math.log(0.05), Math.log(0.05), Math.log(0.9)]
    const isDone = (t: number[]) => t.at(-1) === 2
    const raw = await beamSearch([0], batched(model), { width: 3, maxNewTokens: 3, isDone })
    expect(raw[0].done).toBe(true)
    expect(raw[0].tokens).toEqual([2]) // α = 0: log 0.5 > log 0.405
    for (const b of raw) expect(b.score).toBe(b.logProb)
    const long = await beamSearch([0], batched(model), { width: 3, maxNewTokens: 3, isDone, lengthPenalty: 2 })
    expect(long[0].tokens).toEqual([0, 2]) // α = 2: log 0.405 / (7/6)² = −0.664 > log 0.5 / 1 = −0.693
    for (const b of long) expect(b.score).toBeCloseTo(b.logProb / lengthPenalty(b.tokens.length, 2), 12)
    for (let i = 1; i < long.length; i++) expect(long[i - 1].score).toBeGreaterThanOrEqual(long[i].score)
  })

  it('refuses impossible settings with a message', async () => {
    const m = batched(tableModel(3, 1))
    await expect(beamSearch([0], m, { width: 0, maxNewTokens: 3 })).rejects.toThrow(/beam width must be/)
    await expect(beamSearch([0], m, { width: 17, maxNewTokens: 3 })).rejects.toThrow(/from 1 to 16/)
    await expect(beamSearch([0], m, { width: 2, maxNewTokens: 0 })).rejects.toThrow(/max new tokens/)
  })
})
