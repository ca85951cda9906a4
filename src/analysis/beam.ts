// Beam search over a language model, as plain bookkeeping: the model is a function that gives the next-token
// log-probabilities for a batch of prefixes (in the worker, one tfjs forward pass for all beams). Pure and
// unit-tested against brute force on small hand-built models.
//
// Each step extends every live beam by every token, keeps the `width` best by total log-probability, and
// moves beams that `isDone` to the finished set. Finished beams are ranked by total log-probability divided by
// the GNMT length penalty ((5 + length) / 6)^α (Wu et al. 2016): α = 0 ranks by raw log-probability, α > 0
// favours longer finished sequences. Ties go to the beam found first, then the lower token id.

export interface Beam {
  tokens: number[] // generated tokens (the prompt excluded)
  logProb: number // total log-probability of the tokens given the prompt
  score: number // logProb / lengthPenalty(tokens.length)
  done: boolean // ended by isDone (e.g. a stop string), rather than by the length limit
}

export interface BeamOptions {
  width: number
  maxNewTokens: number
  lengthPenalty?: number // α, default 0
  isDone?: (tokens: number[]) => boolean
  /** Record the search tree here (for its first `treeSteps` steps, default TREE_STEPS): see BeamNode. */
  tree?: BeamNode[]
  treeSteps?: number
}

/**
 * One node of the recorded search tree: a token added to a beam at step `depth` (1 = the first new token).
 * At each step the `width` best extensions are kept; the next `width` best (the runners-up the cut removed)
 * are recorded as pruned, so the picture shows what beam search threw away and by how little.
 */
export interface BeamNode {
  parent: number // index of the parent node in the tree, −1 for a child of the prompt
  depth: number
  token: number
  logProb: number // total log-probability of the path from the prompt to this node
  kept: boolean // false: pruned at this step
  done: boolean // kept, and ended by isDone (it leaves the search finished)
}

export const TREE_STEPS = 24

export type NextLogProbs = (prefixes: number[][]) => Promise<ArrayLike<number>[]>

export const MAX_BEAM_WIDTH = 16

export function lengthPenalty(length: number, alpha: number): number {
  return alpha === 0 ? 1 : ((5 + length) / 6) ** alpha
}

/** All beams at the end, best first (beams[0] is the answer). Runs maxNewTokens model calls at most. */
export async function beamSearch(prompt: number[], next: NextLogProbs, o: BeamOptions): Promise<Beam[]> {
  if (!(Number.isInteger(o.width) && o.width >= 1 && o.width <= MAX_BEAM_WIDTH))
    throw new Error(`beam width must be a whole number from 1 to ${MAX_BEAM_WIDTH} (got ${o.width})`)
  if (!(Number.isInteger(o.maxNewTokens) && o.maxNewTokens >= 1))
    throw new Error(`max new tokens must be a positive whole number (got ${o.maxNewTokens})`)
  const alpha = o.lengthPenalty ?? 0
  const make = (tokens: number[], logProb: number, done: boolean): Beam => ({
    tokens,
    logProb,
    score: logProb / lengthPenalty(tokens.length, alpha),
    done,
  })
  let live: Beam[] = [make([], 0, false)]
  let nodeOf: number[] = [-1] // each live beam's node in the tree
  const finished: Beam[] = []
  const treeSteps = o.treeSteps ?? TREE_STEPS
  for (let t = 0; t < o.maxNewTokens && live.length; t++) {
    const dists = await next(live.map((b) => [...prompt, ...b.tokens]))
    const candidates: { beam: number; id: number; logProb: number }[] = []
    live.forEach((b, i) => {
      const lp = dists[i]
      for (let id = 0; id < lp.length; id++)
        if (lp[id] > -Infinity) candidates.push({ beam: i, id, logProb: b.logProb + lp[id] })
    })
    candidates.sort((a, b) => b.logProb - a.logProb || a.beam - b.beam || a.id - b.id)
    const kept = candidates.slice(0, o.width).map((c) => {
      const tokens = [...live[c.beam].tokens, c.id]
      return make(tokens, c.logProb, o.isDone?.(tokens) ?? false)
    })
    if (o.tree && t < treeSteps) {
      const tree = o.tree
      const at = candidates.slice(0, 2 * o.width).map((c, k) => {
        const keep = k < o.width
        tree.push({
          parent: nodeOf[c.beam],
          depth: t + 1,
          token: c.id,
          logProb: c.logProb,
          kept: keep,
          done: keep && kept[k].done,
        })
        return tree.length - 1
      })
      nodeOf = kept.map((_, k) => at[k]).filter((_, k) => !kept[k].done)
    }
    finished.push(...kept.filter((b) => b.done))
    live = kept.filter((b) => !b.done)
  }
  return [...finished, ...live].sort((a, b) => b.score - a.score)
}
