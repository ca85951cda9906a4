// The training engine: the page owns one Worker and this module owns its lifecycle — starting it (again on a
// new backend), the heartbeat that notices a worker gone silent, an exception that escaped it, a lost GPU
// device (a new worker, on another backend after two losses within a minute) and Restart. Every message goes
// to the request that asked for it (requests.ts), and the rest to the run's streams (events.ts).
import type { BackendChoice, BackendName, FromWorker, ToWorker } from '../../shared/protocol'
import { useStore, type StopReason } from '../store'
import { releaseTrainingLock } from './lock'
import * as requests from './requests'
import { record, testEvents, testOptions } from './testLog'

/** Silence from the worker while it works, beyond which the page asks whether it is still there (ms). */
export const SILENCE_MS = 8000
/** After asking, how long the page waits for an answer before it counts the worker as stopped (ms). */
export const PING_WAIT_MS = 4000

/** A stored run to reopen once the new worker is ready, and whether to train it on. */
export type Reopen = { storedId: string; resume: boolean }

export interface EngineHooks {
  /** The worker is ready: reopen the run it replaces (after a restart or a device loss), or prepare one. */
  ready(reopen: Reopen | undefined): void
  /** A message no request took: the run's streams. */
  message(msg: FromWorker): void
}

const get = useStore.getState
let hooks: EngineHooks | undefined
let worker: Worker | undefined
let lastHeard = 0
let pingAt: number | undefined
let watchdog: ReturnType<typeof setInterval> | undefined
let deviceLosses: number[] = [] // when the GPU device was lost (performance.now()), within the last minute
let reopenAfterReady: Reopen | undefined
let visibilityListening = false

export function connectEngine(h: EngineHooks): void {
  hooks = h
}

/** Whether a worker is there to talk to (none after it stopped, until Restart). */
export function engineUp(): boolean {
  return worker !== undefined
}

export function send(msg: ToWorker, transfer: Transferable[] = []): void {
  if (!worker) return // the engine stopped: the banner says so and offers Restart; nothing is queued for a dead worker
  worker.postMessage(msg, transfer)
}

export function startWorker(choice: BackendChoice = get().backendChoice): void {
  worker?.terminate()
  clearInterval(watchdog)
  requests.dropAll() // what the old worker was asked will not be answered
  get().engineStarting()
  const w = new Worker(new URL('../../worker/train.worker.ts', import.meta.url), {
    type: 'module',
    name: 'gpt-trainer',
  })
  worker = w
  lastHeard = performance.now()
  pingAt = undefined
  const test = testOptions()
  w.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
    if (worker !== w) return
    lastHeard = performance.now()
    pingAt = undefined
    if (test.testHooks) record(ev.data)
    handle(ev.data)
  })
  w.addEventListener('error', (ev) => {
    if (worker !== w) return
    ev.preventDefault()
    // an exception escaped the worker: whatever it was doing is in an unknown state, so it is not trusted further
    engineStopped(get().report ? 'crashed' : 'failed-to-start', ev.message || '')
  })
  w.addEventListener('messageerror', () =>
    get().setWorkerError('A message from the training worker could not be read.'),
  )
  send({ type: 'init', backend: choice, ...test })
  if (test.testHooks)
    (globalThis as { __playgroundTest?: unknown }).__playgroundTest = {
      crash: (how: 'throw' | 'exit') => send({ type: 'test.crash', how }),
      loseDevice: () => send({ type: 'test.loseDevice' }),
      holdText: (hold: boolean) => send({ type: 'test.holdText', hold }),
      log: testEvents,
    }
  watchdog = setInterval(checkAlive, 1000)
  if (typeof document !== 'undefined') {
    if (document.visibilityState === 'hidden') send({ type: 'page.visibility', hidden: true })
    if (!visibilityListening) {
      visibilityListening = true
      const say = () => send({ type: 'page.visibility', hidden: document.visibilityState === 'hidden' })
      document.addEventListener('visibilitychange', say)
      document.addEventListener('resume', say) // back from frozen (Page Lifecycle)
    }
  }
}

function handle(msg: FromWorker): void {
  if (msg.type === 'error') console.error('[worker]', msg.name, msg.message, msg.stack)
  if (msg.type === 'ready') {
    get().engineReady(msg.report)
    const reopen = reopenAfterReady
    reopenAfterReady = undefined
    hooks?.ready(reopen)
  } else if (msg.type === 'device.lost') deviceLost(msg.backend, msg.message)
  else if (msg.type !== 'alive' && !requests.deliver(msg)) hooks?.message(msg)
}

/**
 * A new worker is a clean start for tfjs; the run comes back from its last checkpoint. Twice within a minute
 * means the GPU is not dependable now: the new worker gets another backend.
 */
function deviceLost(backend: BackendName, message: string) {
  const s = get()
  const at = performance.now()
  deviceLosses = [...deviceLosses.filter((x) => at - x < 60_000), at]
  const fallback =
    deviceLosses.length >= 2 ? (backend === 'webgpu' && s.report?.webgl === 'hardware' ? 'webgl' : 'wasm') : undefined
  s.deviceLost({ backend, message, step: s.saved?.step, fallback })
  reopenAfterReady = s.saved?.storedId ? { storedId: s.saved.storedId, resume: s.runState === 'training' } : undefined
  releaseTrainingLock()
  if (fallback) setBackendChoice(fallback)
  else startWorker()
}

/**
 * The heartbeat's other end. While the worker trains or generates, silence longer than SILENCE_MS (or three of
 * its slowest recent steps, for a slow backend) sends a ping; no answer within PING_WAIT_MS means it is gone —
 * killed, or stuck. The ping keeps a page that was frozen in the background from mistaking its own pause for
 * the worker's: the messages that queued up meanwhile arrive before the answer is due.
 */
function checkAlive() {
  const s = get()
  if (!worker || !(s.runState === 'training' || s.sampleStatus === 'running')) {
    pingAt = undefined
    return
  }
  const now = performance.now()
  // The worker cannot speak during one long synchronous computation: a slow step, or an evaluation (2·evalIters
  // forward passes, each about half a step). Before two steps are timed, a first compile may be slow: 30 s.
  const slowest = s.points.slice(-20).reduce((a, p) => Math.max(a, p.stepMs), 0)
  const evaluation = slowest * (s.run?.train.evalIters ?? 1)
  if (now - lastHeard < Math.max(s.points.length < 2 ? 30_000 : SILENCE_MS, 3 * slowest, 1.5 * evaluation)) return
  if (pingAt === undefined) {
    pingAt = now
    return send({ type: 'ping' })
  }
  if (now - pingAt > PING_WAIT_MS) engineStopped('silent', String(Math.round((now - lastHeard) / 1000)))
}

/** The worker is gone: every pending request is answered here, and the last checkpoint is what Restart resumes. */
function engineStopped(why: StopReason, detail: string) {
  worker?.terminate()
  worker = undefined
  clearInterval(watchdog)
  releaseTrainingLock()
  get().engineGone(why, detail)
  requests.stopAll()
}

/** Restart after the engine stopped: a new worker, and the run reopened at its last checkpoint (trained on if it was training). */
export function restartEngine(): void {
  const e = get().engineStopped
  reopenAfterReady = e?.storedId ? { storedId: e.storedId, resume: e.wasTraining } : undefined
  startWorker()
}

export function setBackendChoice(choice: BackendChoice): void {
  get().setBackend(choice)
  const url = new URL(location.href)
  if (choice === 'auto') url.searchParams.delete('backend')
  else url.searchParams.set('backend', choice)
  history.replaceState(null, '', url)
  startWorker(choice)
}
