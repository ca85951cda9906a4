// The Dedicated Web Worker's entry: it owns tfjs, and forwards every failure to the page.
/// <reference lib="webworker" />
import type { Endpoint, FromWorker, ToWorker } from '../shared/protocol'
import { initBackend, loseDevice, watchDeviceLoss } from './backend'
import { createTrainerHost } from './host'
import { HEARTBEAT_MS } from '../shared/protocol'
import { RunStore } from '../storage/runStore'

declare const self: DedicatedWorkerGlobalScope

const endpoint = self as unknown as Endpoint<ToWorker, FromWorker>
// Runs are kept in IndexedDB; where it is unavailable (storage blocked), training works, unsaved.
createTrainerHost(endpoint, {
  initBackend,
  exit: () => self.close(),
  watchDeviceLoss,
  loseDevice,
  openStore: () => (typeof indexedDB === 'undefined' ? Promise.resolve(undefined) : RunStore.open()),
})

// The heartbeat: the page counts the worker as gone when it hears nothing for a while (and no ping is answered).
// It fires between training steps, as every message does: the loop yields to the event loop after each step.
setInterval(() => endpoint.postMessage({ type: 'alive' }), HEARTBEAT_MS)

const report = (name: string, message: string, stack?: string) =>
  endpoint.postMessage({ type: 'error', name, message, stack })
self.addEventListener('error', (e) => report('WorkerError', e.message, (e.error as Error | undefined)?.stack))
self.addEventListener('unhandledrejection', (e) => {
  const err = e.reason instanceof Error ? e.reason : new Error(String(e.reason))
  report(err.name, err.message, err.stack)
})
