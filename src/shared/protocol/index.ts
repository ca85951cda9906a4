// The typed contract between the page and the training worker. Plain data only: tensors never cross.
// Commands go page → worker (ToWorker), events come back (FromWorker). Both are discriminated unions on
// `type`; both sides `switch` on it and end with assertNever, so a new message is a compile error until handled.
//
// The messages are grouped by concern, one file each: engine (handshake, heartbeat, backend), runs, text jobs,
// generation, views. Any request can be answered `invalid` or `error` (below), naming the run or request it answers.
import type { Problem } from '../config'
import type { EngineFromWorker, EngineToWorker } from './engine'
import type { RunFromWorker, RunToWorker } from './runs'
import type { TextFromWorker, TextToWorker } from './text'
import type { GenerationFromWorker, GenerationToWorker } from './generation'
import type { ViewFromWorker, ViewToWorker } from './views'

export * from './engine'
export * from './runs'
export * from './text'
export * from './generation'
export * from './views'

export const PROTOCOL_VERSION = 1

export type ToWorker = EngineToWorker | RunToWorker | TextToWorker | GenerationToWorker | ViewToWorker

/** The answers any request may get instead of its own. */
export type Answer =
  /** A problem the user can fix (config, text, prompt). Nothing was allocated and nothing was lost. */
  | { type: 'invalid'; runId?: string; requestId?: string; problems: Problem[] }
  /** Something went wrong in the worker. */
  | { type: 'error'; runId?: string; requestId?: string; name: string; message: string; stack?: string }

export type FromWorker =
  EngineFromWorker | RunFromWorker | TextFromWorker | GenerationFromWorker | ViewFromWorker | Answer

export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`)
}

/** The part of a Worker (or of `self` inside one) that the host and the client need: comlink's Endpoint idea. */
export interface Endpoint<In, Out> {
  postMessage(message: Out, transfer?: ArrayBuffer[]): void
  addEventListener(type: 'message', listener: (ev: { data: In }) => void): void
  removeEventListener(type: 'message', listener: (ev: { data: In }) => void): void
}
