// The Dedicated Web Worker's entry: it owns tfjs, and forwards every failure to the page.
/// <reference lib="webworker" />
import type { Endpoint, FromWorker, ToWorker } from '../shared/protocol'
import { initBackend } from './backend'
import { createTrainerHost } from './host'
import { RunStore } from '../storage/runStore'

declare const self: DedicatedWorkerGlobalScope

const endpoint = self as unknown as Endpoint<ToWorker, FromWorker>
// Runs are kept in IndexedDB; where it is unavailable (storage blocked), training works, unsaved.
createTrainerHost(endpoint, { initBackend, openStore: () => (typeof indexedDB === 'undefined' ? Promise.resolve(undefined) : RunStore.open()) })

const report = (name: string, message: string, stack?: string) => endpoint.postMessage({ type: 'error', name, message, stack })
self.addEventListener('error', (e) => report('WorkerError', e.message, (e.error as Error | undefined)?.stack))
self.addEventListener('unhandledrejection', (e) => {
  const err = e.reason instanceof Error ? e.reason : new Error(String(e.reason))
  report(err.name, err.message, err.stack)
})
