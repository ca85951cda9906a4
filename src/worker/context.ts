// What every part of the worker shares: its dependencies, the way out to the page, the cancelled request ids,
// and the backend it runs on. One object, made by host.ts and handed to each part.
import * as tf from '@tensorflow/tfjs'
import type { BackendChoice, BackendReport, FromWorker, MemoryReport } from '../shared/protocol'
import type { RunStore } from '../storage/runStore'
import { nowMs } from '../util/clock'

export interface HostDeps {
  initBackend(choice: BackendChoice): Promise<BackendReport>
  now?: () => number
  memory?: () => MemoryReport
  /** Ends the worker at once, as if it were killed (the test.crash hook); absent in tests in Node. */
  exit?: () => void
  /** Calls back once when the backend's GPU device is lost (WebGPU); see backend.ts. */
  watchDeviceLoss?: (onLost: (message: string) => void) => void
  /** The test.loseDevice hook: destroys the GPU device. */
  loseDevice?: () => boolean
  /** The browser's run store (IndexedDB), opened once when first needed; none where storage is unavailable. */
  openStore?: () => Promise<RunStore | undefined>
}

export interface Ids {
  runId?: string
  requestId?: string
}

export interface WorkerContext {
  readonly deps: HostDeps
  readonly now: () => number
  post(m: FromWorker, transfer?: ArrayBuffer[]): void
  /** Reports an exception to the page as an `error` for the request (or run) it belongs to. */
  fail(e: unknown, ids?: Ids): void
  /** Request ids the page cancelled (sampling, text analysis, tokenizer training, pair evaluation). */
  readonly cancelled: Set<string>
  report?: BackendReport
  /** The GPU device is gone, and every tensor with it: nothing more is computed or reported. */
  deviceLost: boolean
  testHooks: boolean
  /** The test.holdText hook: while set, a text being measured waits here after each slice. */
  textHold?: { until: Promise<void>; release: () => void }
}

export function createContext(post: WorkerContext['post'], deps: HostDeps): WorkerContext {
  const ctx: WorkerContext = {
    deps,
    now: deps.now ?? nowMs,
    post,
    fail(e, ids = {}) {
      if (ctx.deviceLost) return // the device took every tensor with it: the page already knows (device.lost)
      const err = e instanceof Error ? e : new Error(String(e))
      post({ type: 'error', ...ids, name: err.name, message: err.message, stack: err.stack })
    },
    cancelled: new Set(),
    deviceLost: false,
    testHooks: false,
  }
  return ctx
}

/** tfjs's tensor count and bytes, and the JS heap where the browser exposes it (Chromium: performance.memory). */
export function memoryReport(): MemoryReport {
  const m = tf.memory()
  const heap = (globalThis.performance as { memory?: { usedJSHeapSize?: number } } | undefined)?.memory?.usedJSHeapSize
  return { numTensors: m.numTensors, numBytes: m.numBytes, ...(typeof heap === 'number' ? { jsHeapBytes: heap } : {}) }
}

/** Yield to the event loop: lets queued messages run between steps. A MessageChannel hop is not clamped like setTimeout. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => {
      ch.port1.close()
      resolve()
    }
    ch.port2.postMessage(null)
  })
}
