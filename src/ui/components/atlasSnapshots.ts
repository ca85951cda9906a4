// The atlas's snapshots read for the views: which one is shown, one head's scores (the phase-change marker: the
// views slice, ui/store/views.ts).
import type { HeadScores } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'

/** One head's five scores in a snapshot (they are stored five per head, in this order). */
export function scoresOf(s: AtlasSnapshot, k: number): HeadScores {
  const [previous, self, first, induction, entropy] = s.scores.subarray(k * 5, k * 5 + 5)
  return { previous, self, first, induction, entropy }
}

/** The snapshot the views show: the newest (live), or the last one at or before the chosen step. */
export function snapshotAt(list: AtlasSnapshot[], step: number | 'live'): AtlasSnapshot | undefined {
  if (!list.length) return undefined
  if (step === 'live') return list[list.length - 1]
  return [...list].reverse().find((s) => s.step <= step) ?? list[0]
}
