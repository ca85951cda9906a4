// run.estimate: how long a run of given settings would take on this backend, measured on a throwaway model of
// those settings rather than guessed from sizes (the cost of a step is products, element-wise passes and
// per-kernel overhead in proportions that differ by backend and size). The run the page holds is untouched.
import type { ToWorker } from '../shared/protocol'
import { Run } from '../train/run'
import type { WorkerContext } from './context'
import type { RunController } from './runController'

/**
 * Steps timed after the warm-up: at least ESTIMATE_STEPS and at least TIMED_MS of them (at most MAX_STEPS), so a
 * tiny model is timed over dozens of steps, past the engine's warm-up, and the 10 M model over three (seconds).
 * The warm-up is at least one step and WARMUP_MS.
 */
export const ESTIMATE_STEPS = 3
const TIMED_MS = 300
const WARMUP_MS = 150
const MAX_STEPS = 60

type EstimateMsg = Extract<ToWorker, { type: 'run.estimate' }>

/** How many evaluations a run of maxIters steps makes: at step 0, every evalInterval, and at the end. */
export function evaluationsIn(maxIters: number, evalInterval: number): number {
  return 1 + Math.floor(maxIters / evalInterval) + (maxIters % evalInterval === 0 ? 0 : 1)
}

export async function estimateRun(ctx: WorkerContext, runs: RunController, msg: EstimateMsg): Promise<void> {
  const { requestId, train } = msg
  if (runs.isTraining()) {
    return ctx.post({
      type: 'invalid',
      requestId,
      problems: [
        {
          field: 'model',
          code: 'estimate-busy',
          params: {},
          message: 'Pause training first: an estimate made while a run trains would time the two together.',
        },
      ],
    })
  }
  // one evaluation batch of each split, not evalIters of them: their cost is per pass
  const prepared = Run.prepare(msg.text, msg.model, { ...train, evalIters: 1 }, ctx.report?.limits, {
    pairs: msg.pairs,
    tokenizer: msg.tokenizer,
    synthetic: msg.synthetic,
  })
  if (prepared.problems) return ctx.post({ type: 'invalid', requestId, problems: prepared.problems })
  const timed = await runs.exclusive(async () => {
    const t0 = ctx.now()
    const run = prepared.build()
    try {
      await run.trainStep() // the first step allocates and compiles: what a real run pays once
      const t1 = ctx.now()
      // the engine's own warm-up (JIT, kernels' first calls), which a long run pays once, then the timed steps
      for (let i = 0; i < MAX_STEPS && ctx.now() - t1 < WARMUP_MS; i++) await run.trainStep()
      const tw = ctx.now()
      let n = 0
      while (n < MAX_STEPS && (n < ESTIMATE_STEPS || ctx.now() - tw < TIMED_MS)) {
        await run.trainStep()
        n++
      }
      const t2 = ctx.now()
      await run.evaluate() // one batch of each split: two forward passes
      const t3 = ctx.now()
      return { startMs: t1 - t0, stepMs: (t2 - tw) / n, evalPassMs: (t3 - t2) / 2 }
    } finally {
      run.dispose()
    }
  })
  const evaluations = evaluationsIn(train.maxIters, train.evalInterval)
  const totalMs =
    timed.startMs + (train.maxIters - 1) * timed.stepMs + evaluations * 2 * train.evalIters * timed.evalPassMs
  ctx.post({ type: 'run.estimated', requestId, ...timed, evaluations, totalMs })
}
