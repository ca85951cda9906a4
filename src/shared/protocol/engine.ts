// The engine: the handshake, the heartbeat, the backend the worker runs on, a lost GPU, and the test hooks.
import type { DeviceLimits } from '../config'

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu'
export type BackendChoice = 'auto' | BackendName

/** The worker says it is alive this often (ms), from its entry (train.worker.ts). */
export const HEARTBEAT_MS = 1000

export interface BackendAttempt {
  backend: BackendName
  ok: boolean
  note: string
}

export interface BackendReport {
  backend: BackendName
  requested: BackendChoice
  /** one sentence: why this backend runs (e.g. "auto: the WebGPU adapter is a software fallback (SwiftShader)") */
  reason: string
  adapter?: { description: string; software: boolean }
  attempts: BackendAttempt[]
  limits: DeviceLimits
  /** whether this browser exposes a usable WebGPU adapter at all */
  webgpu: 'hardware' | 'software' | 'none'
  /** the same for WebGL 2 (with `webgpu`, `requested` and `backend`, enough for the page to say `reason` in another language) */
  webgl: 'hardware' | 'software' | 'none'
  /** whether the worker is cross-origin isolated (`crossOriginIsolated`: SharedArrayBuffer, so threads can share memory) */
  isolated: boolean
  /** how many threads train (1 unless the worker is isolated and has a pool of its own) */
  threads: number
}

export type EngineToWorker =
  /**
   * `testHooks` turns on the test.* messages (end-to-end tests inject failures with them: the page sends it only
   * with ?test-hooks in its address); `budget` lowers the memory limits the backend reports, so "too large" is
   * reached deterministically in a test.
   */
  | { type: 'init'; backend: BackendChoice; testHooks?: boolean; budget?: Partial<DeviceLimits> }
  /** Is the worker still there? It answers `alive` (the page asks when it has heard nothing for a while). */
  | { type: 'ping' }
  /** The page was hidden (or frozen) or is visible again: the worker coalesces what it sends meanwhile. */
  | { type: 'page.visibility'; hidden: boolean }
  /** Test hooks (init.testHooks): an exception that escapes the worker, or the worker closing itself as if killed. */
  | { type: 'test.crash'; how: 'throw' | 'exit' }
  /** Test hook (init.testHooks): destroy the GPU device under the backend, as a driver reset would. */
  | { type: 'test.loseDevice' }
  /**
   * Test hook (init.testHooks): hold a text being measured after its first slice until released, so a test can act
   * while the measuring is certainly under way (how long 25 MB takes depends on the machine).
   */
  | { type: 'test.holdText'; hold: boolean }

export type EngineFromWorker =
  | { type: 'ready'; protocolVersion: number; report: BackendReport }
  /** The heartbeat: every second from the worker's entry, and in answer to a ping. */
  | { type: 'alive' }
  /** The GPU device was lost: every tensor with it. The worker stops; the page starts a new one and reopens the run. */
  | { type: 'device.lost'; backend: BackendName; message: string }
