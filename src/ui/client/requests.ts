// The request registry: every request the page sends that the worker answers is registered by its id — its
// requestId, or for run.create / restore / import / finetune its runId — with a handler for each kind of reply,
// `invalid` and `error` included, and for the engine stopping before the answer. So every answer reaches the
// code that asked. A kind of request whose newer one replaces the older (a second sample, the next Q/K/V
// query) takes a slot: registering in it forgets the one before, whose late replies are then dropped.
import type { FromWorker } from '../../shared/protocol'

type Of<K extends FromWorker['type']> = Extract<FromWorker, { type: K }>

export type Handlers = { [K in FromWorker['type']]?: (msg: Of<K>) => void } & {
  /** The engine stopped (crashed, fell silent) before the answer came: say so where the request was made. */
  stopped?: () => void
}

/** Replies after which more may come; any other reply (a result, `invalid`, `error`) is the last. */
const PROGRESS: ReadonlySet<FromWorker['type']> = new Set([
  'text.progress',
  'tokenizer.progress',
  'sample.context',
  'sample.token',
  'sample.beams',
  'pairs.row',
])

const waiting = new Map<string, { handlers: Handlers; slot?: string }>()
const slots = new Map<string, string>() // slot → the id waiting in it
const counters = new Map<string, number>()

/** A new id for a request: `prefix-N`, never reused in this page (not across workers either). */
export function nextId(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1
  counters.set(prefix, n)
  return `${prefix}-${n}`
}

/** Waits for the replies to request `id`; in `slot`, the request waiting there before is forgotten. */
export function register(id: string, handlers: Handlers, slot?: string): void {
  if (slot) forget(slots.get(slot))
  waiting.set(id, { handlers, slot })
  if (slot) slots.set(slot, id)
}

/** Stops waiting for request `id` (its late replies are dropped). */
export function forget(id: string | undefined): void {
  const w = id === undefined ? undefined : waiting.get(id)
  if (!w) return
  waiting.delete(id!)
  if (w.slot && slots.get(w.slot) === id) slots.delete(w.slot)
}

/** The id waiting in `slot`, if any. */
export function inSlot(slot: string): string | undefined {
  return slots.get(slot)
}

/** The id a message answers: its requestId, or the runId of a run request's answer (created, invalid, error). */
function answers(msg: FromWorker): string | undefined {
  if ('requestId' in msg && msg.requestId) return msg.requestId
  if (msg.type === 'run.created' || msg.type === 'invalid' || msg.type === 'error') return msg.runId
  return undefined
}

/**
 * Hands `msg` to the request it answers. True when a handler took it; false when it answers no request that
 * waits for this kind of reply (the caller routes it by type: a run's stream, or a reply nobody waits for).
 */
export function deliver(msg: FromWorker): boolean {
  const id = answers(msg)
  const w = id === undefined ? undefined : waiting.get(id)
  if (!w) return false
  const handler = w.handlers[msg.type] as ((m: FromWorker) => void) | undefined
  if (!PROGRESS.has(msg.type)) forget(id)
  if (!handler) return false
  handler(msg)
  return true
}

/** The engine stopped: every request still waiting is answered (`stopped`), and none waits any more. */
export function stopAll(): void {
  const all = [...waiting.values()]
  dropAll()
  for (const w of all) w.handlers.stopped?.()
}

/** A new worker: the old one's answers will never come, and nothing waits for them. */
export function dropAll(): void {
  waiting.clear()
  slots.clear()
}
