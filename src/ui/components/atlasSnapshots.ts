// The atlas's snapshots read for the views: which one is shown, one head's scores (the phase-change marker: the
// views slice, ui/store/views.ts).
import type { HeadScores } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'

/** One head's five scores in a snapshot (they are stored five per head, in this order). */
export function scoresOf(s: AtlasSnapshot, k: number): HeadScores {
  const [previous, self, first, induction, entropy] = s.scores.subarray(k * 5, k * 5 + 5)
  return { previous, self, first, induction, entropy }
}

/**
 * The head of layer ≥ 1 with the highest induction score in a snapshot of the repeated probe (the only one with
 * induction scores): k = layer · heads + head, and its name "l.h". Undefined on another probe or with one layer.
 */
export function bestInductionHead(s: AtlasSnapshot): { k: number; name: string; score: number } | undefined {
  if (!s.period) return undefined
  let best: { k: number; name: string; score: number } | undefined
  for (let k = s.heads; k < s.layers * s.heads; k++) {
    const score = s.scores[k * 5 + 3]
    if (!best || score > best.score) best = { k, name: `${Math.floor(k / s.heads)}.${k % s.heads}`, score }
  }
  return best
}

/** The snapshot the views show: the newest (live), or the last one at or before the chosen step. */
export function snapshotAt(list: AtlasSnapshot[], step: number | 'live'): AtlasSnapshot | undefined {
  if (!list.length) return undefined
  if (step === 'live') return list[list.length - 1]
  return [...list].reverse().find((s) => s.step <= step) ?? list[0]
}
