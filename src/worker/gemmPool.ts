// The thread pool of our matrix products (src/model/gemm.ts): N − 1 extra workers, N from hardwareConcurrency
// (at most MAX_THREADS), each running gemm.ts's thread body over the training worker's shared WebAssembly
// memory; the training worker itself is the N-th. They are blob-URL classic workers (the CSP allows
// `worker-src blob:`), so nothing depends on how the bundler emits nested workers. Without cross-origin
// isolation there is no SharedArrayBuffer: the products then run on the training worker alone.
import type { Gemm, SpawnThread } from '../model/gemm'

const MAX_THREADS = 8
/** A thread that has not said it is ready by then is given up (the products run on fewer threads). */
const READY_MS = 10_000

/** Starts one blob worker running `body(init, ready)`; resolves when it is ready. */
export const spawnBrowserThread: SpawnThread = (body, init) =>
  new Promise((resolve, reject) => {
    const source = `self.onmessage = (e) => { self.onmessage = null; (${body})(e.data, () => self.postMessage('ready')) }`
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
    const worker = new Worker(url)
    const timer = setTimeout(() => fail(new Error(`gemm thread ${init.tid} did not start`)), READY_MS)
    const fail = (e: Error) => {
      clearTimeout(timer)
      worker.terminate()
      URL.revokeObjectURL(url)
      reject(e)
    }
    worker.onmessage = () => {
      clearTimeout(timer)
      URL.revokeObjectURL(url)
      resolve(worker)
    }
    worker.onerror = (e) => fail(new Error(e.message || `gemm thread ${init.tid} failed`))
    worker.postMessage(init)
  })

export interface GemmStatus {
  /** Threads that share each product (1: the training worker alone). */
  threads: number
  /** Whether the page is cross-origin isolated (SharedArrayBuffer exists). */
  isolated: boolean
  /** Fused multiply-add (relaxed SIMD) or plain SIMD. */
  relaxed: boolean
  /** Why there are no extra threads, when there are none. */
  reason?: string
}

let started: Promise<GemmStatus> | undefined

/**
 * Starts the pool of `engine` (the wasm backend's: kernels.ts's wasmGemm) once; later calls get the same answer.
 * Never throws: a failure leaves one thread.
 */
export function startGemmPool(engine: Gemm | null, wanted = navigator.hardwareConcurrency || 1): Promise<GemmStatus> {
  started ??= (async () => {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
    if (!engine) return { threads: 0, isolated, relaxed: false, reason: 'no WebAssembly SIMD' }
    const status = (reason?: string): GemmStatus => ({
      threads: engine.threads,
      isolated,
      relaxed: engine.relaxed,
      reason,
    })
    if (!engine.shared || !isolated) return status('not cross-origin isolated')
    const extra = Math.max(0, Math.min(wanted, MAX_THREADS) - 1)
    if (extra === 0) return status('one core')
    try {
      await engine.startThreads(extra, spawnBrowserThread)
      return status()
    } catch (e) {
      return status((e as Error).message)
    }
  })()
  return started
}
