// When training has gone wrong and should stop on its own: the loss or the gradient norm is not a number, the
// loss is far worse than guessing every token uniformly, or (after warmup) it jumps far above its recent
// average. Pure: the host keeps the recent losses and asks after every step.

export type DivergenceKind = 'non-finite' | 'worse-than-guessing' | 'spike'

export interface Divergence {
  kind: DivergenceKind
  /** the mean of the recent losses the spike is measured against (spike), or ln V (worse than guessing) */
  reference?: number
}

/** How many of the latest losses make the "recent average". */
export const RECENT_STEPS = 50
/** A spike is judged only once this many recent losses are known. */
const MIN_RECENT = 20

/**
 * `loss` and `gradNorm` of the step just taken (`step` steps taken before it), the recent finite losses (oldest
 * first, at most RECENT_STEPS), the warmup length and the vocabulary size.
 *
 * - non-finite: NaN or ±∞ in the loss or the gradient norm.
 * - worse than guessing: a model that spreads its bets evenly over V tokens scores ln V; a loss above
 *   2·ln V + 1 means the model is confidently wrong, which only an exploding update does.
 * - spike (after warmup, with ≥ 20 recent losses): more than twice the recent mean and more than 1 nat above it.
 *   Both: a small loss may double by chance on one batch; a large one cannot rise by a nat without a cause.
 */
export function checkDivergence(o: {
  loss: number
  gradNorm?: number
  step: number
  recent: readonly number[]
  warmupIters: number
  vocabSize: number
}): Divergence | undefined {
  if (!Number.isFinite(o.loss) || (o.gradNorm !== undefined && !Number.isFinite(o.gradNorm)))
    return { kind: 'non-finite' }
  const uniform = Math.log(o.vocabSize)
  if (o.loss > 2 * uniform + 1) return { kind: 'worse-than-guessing', reference: uniform }
  if (o.step >= o.warmupIters && o.recent.length >= MIN_RECENT) {
    const mean = o.recent.reduce((a, b) => a + b, 0) / o.recent.length
    if (o.loss > 2 * mean && o.loss - mean > 1) return { kind: 'spike', reference: mean }
  }
  return undefined
}

/** The learning rate to suggest after a divergence: a tenth, as one significant figure. */
export function lowerLearningRate(lr: number): number {
  return Number((lr / 10).toPrecision(1))
}
