// Trainer callbacks in minGPT's manner (Trainer.add_callback / trigger_callbacks): a run fires 'onStepEnd' with
// each step's point and 'onEvalEnd' with each evaluation's, after the method has computed what it returns, so
// whoever drives the run (the worker's host) can hook in without wrapping every call.
import type { EvalPoint, MetricPoint } from '../shared/protocol'

/** What each trainer event carries. */
export interface TrainerEvents {
  onStepEnd: MetricPoint
  onEvalEnd: EvalPoint
}
export type TrainerEvent = keyof TrainerEvents
export type TrainerCallback<E extends TrainerEvent> = (point: TrainerEvents[E]) => void

/** The callbacks registered per event, called in the order they were added. */
export class Callbacks {
  private readonly lists: { [E in TrainerEvent]: TrainerCallback<E>[] } = { onStepEnd: [], onEvalEnd: [] }

  /** Registers `fn` for `event`; returns a function that removes it again. */
  add<E extends TrainerEvent>(event: E, fn: TrainerCallback<E>): () => void {
    const list: TrainerCallback<E>[] = this.lists[event]
    list.push(fn)
    return () => {
      const i = list.indexOf(fn)
      if (i >= 0) list.splice(i, 1)
    }
  }

  /** Calls every callback of `event` with `point` (a throwing callback stops the rest and reaches the caller). */
  trigger<E extends TrainerEvent>(event: E, point: TrainerEvents[E]): void {
    const list: TrainerCallback<E>[] = this.lists[event]
    for (const fn of [...list]) fn(point)
  }
}
