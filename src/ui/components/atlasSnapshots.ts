// The atlas's snapshots read for the views: which one is shown, one head's scores, the phase-change marker.
import { phaseChange, type HeadScores, type PhaseChange } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'

/** One head's five scores in a snapshot (they are stored five per head, in this order). */
export function scoresOf(s: AtlasSnapshot, k: number): HeadScores {
  const [previous, self, first, induction, entropy] = s.scores.subarray(k * 5, k * 5 + 5)
  return { previous, self, first, induction, entropy }
}

/**
 * The phase-change marker over the atlas snapshots, when they are of the repeated probe (the only one with
 * induction scores); the loss it reads is a generated run's loss on the repeated tokens, else the validation loss.
 */
export function inductionMarker(snapshots: AtlasSnapshot[]): PhaseChange | undefined {
  if (!snapshots.length || !snapshots[0].period) return undefined
  return phaseChange(
    snapshots.map((s) => ({
      step: s.step,
      valLoss: s.repLoss ?? s.valLoss,
      induction: Array.from({ length: s.layers * s.heads }, (_, k) => s.scores[k * 5 + 3]),
    })),
  )
}

/** The snapshot the views show: the newest (live), or the last one at or before the chosen step. */
export function snapshotAt(list: AtlasSnapshot[], step: number | 'live'): AtlasSnapshot | undefined {
  if (!list.length) return undefined
  if (step === 'live') return list[list.length - 1]
  return [...list].reverse().find((s) => s.step <= step) ?? list[0]
}
