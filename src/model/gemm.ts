// The matrix products of gemm.wat, over our own WebAssembly memory, on one thread or several.
//
// One engine holds one memory (shared where the engine allows it: SharedArrayBuffer, that is a
// cross-origin-isolated page, a worker of one, or Node) and one instance of the module on the calling thread.
// A product copies A and B in, runs, and copies C out (O(n²) copying against O(n³) work). Threads, when
// started (startThreads: the spawning itself is the caller's, src/worker/gemmPool.ts in the app), are other
// instances of the same module over the same memory, each parked in Atomics.wait on a control word at the
// start of the memory: a product writes its arguments there, bumps the generation, wakes them, does its own
// share and waits for the count of pending threads to reach zero. No message is posted per product.
// The variant (relaxed SIMD with fused multiply-add, or plain SIMD) is chosen once, by WebAssembly.validate.
import { GEMM_PLAIN_SHARED, GEMM_PLAIN_UNSHARED, GEMM_RELAXED_SHARED, GEMM_RELAXED_UNSHARED } from './gemmWasm'

// The model code is compiled without DOM types; these are the parts of the WebAssembly, Atomics and base64
// APIs used (present in browsers, workers and Node).
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
  Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory
}
interface AtomicsApi {
  load(a: Int32Array, i: number): number
  store(a: Int32Array, i: number, v: number): number
  add(a: Int32Array, i: number, v: number): number
  notify(a: Int32Array, i: number, count?: number): number
  wait(a: Int32Array, i: number, v: number): string
}
const env = globalThis as unknown as {
  WebAssembly?: WasmApi
  atob?: (s: string) => string
  SharedArrayBuffer?: unknown
  Atomics: AtomicsApi
}

/** Control words (Int32 indices) at the start of the memory; the data starts at DATA bytes. */
const GEN = 0
const PENDING = 1
const STOP = 2
const ARGS = 4 // 16 arguments of gemm, the last two (tid, nth) filled in by each thread
const DATA = 256
const PAGE = 65536
const MAX_PAGES = 16384 // 1 GiB; gemm.wat declares the same maximum
/** Below this many multiply-adds a product runs on the calling thread alone (waking a thread costs ~10–50 µs). */
const MIN_THREADED = 1 << 17

/**
 * What a thread runs (as source text: the spawner wraps it for its environment): instantiate the module over the
 * shared memory, say it is ready, then do its share of every product until told to stop.
 */
export const THREAD_BODY = `function gemmThread(data, ready) {
  const gemm = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports.gemm
  const ctl = new Int32Array(data.memory.buffer, 0, 64)
  let seen = Atomics.load(ctl, ${GEN})
  ready()
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen)
    const gen = Atomics.load(ctl, ${GEN})
    if (gen === seen) continue
    seen = gen
    if (Atomics.load(ctl, ${STOP})) return
    const a = ctl.subarray(${ARGS}, ${ARGS + 16})
    if (data.tid >= a[15]) continue // a product started before this thread joined: not in its count
    gemm(a[0], a[1], a[2], a[3] + data.tid * a[14], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], data.tid, a[15])
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING})
  }
}`

/** What a spawned thread gets (its id, the module and the memory: both can be posted to a worker). */
export interface ThreadInit {
  tid: number
  module: object
  memory: WasmMemory
}

/** Starts one thread running THREAD_BODY with `init`; resolves when the thread has called `ready`. */
export type SpawnThread = (body: string, init: ThreadInit) => Promise<{ terminate(): void }>

export interface GemmOptions {
  /** Force the plain-SIMD variant (false) or the relaxed one (true: throws if the engine lacks it). */
  relaxed?: boolean
  /** Force an unshared memory (no threads possible). */
  shared?: boolean
}

export interface Gemm {
  readonly relaxed: boolean
  readonly shared: boolean
  /** Threads that take a share of each product, the calling one included. */
  readonly threads: number
  /**
   * C = op(A)·op(B), batched: A (batch, M, K) or, transposed, (batch, K, M); B (batch, K, N) or (batch, N, K);
   * C (batch, M, N). All row-major and contiguous; batch 1 is a rank-2 product.
   */
  matMul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    shape: { batch: number; M: number; N: number; K: number; transA: boolean; transB: boolean },
  ): void
  startThreads(count: number, spawn: SpawnThread): Promise<void>
  stopThreads(): void
}

function bytesOf(b64: string): Uint8Array {
  return Uint8Array.from(env.atob!(b64), (c) => c.charCodeAt(0))
}

const align = (n: number) => Math.ceil(n / 64) * 64

/** A new engine; null where the engine has no WebAssembly SIMD. */
export function createGemm(options: GemmOptions = {}): Gemm | null {
  const wasm = env.WebAssembly
  if (!wasm || !env.atob) return null
  const canShare = typeof env.SharedArrayBuffer === 'function' && options.shared !== false
  const relaxedBytes = bytesOf(canShare ? GEMM_RELAXED_SHARED : GEMM_RELAXED_UNSHARED)
  const relaxed = options.relaxed ?? wasm.validate(relaxedBytes)
  const bytes = relaxed ? relaxedBytes : bytesOf(canShare ? GEMM_PLAIN_SHARED : GEMM_PLAIN_UNSHARED)
  if (!wasm.validate(bytes)) {
    if (options.relaxed) throw new Error('this engine has no relaxed SIMD')
    return null
  }
  let memory: WasmMemory
  try {
    memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: canShare })
  } catch {
    return canShare && options.shared === undefined ? createGemm({ ...options, shared: false }) : null
  }
  const module = new wasm.Module(bytes)
  const run = new wasm.Instance(module, { env: { memory } }).exports.gemm as (...args: number[]) => void
  const ctl = new Int32Array(memory.buffer, 0, 64)
  const workers: { terminate(): void }[] = []

  const engine: Gemm = {
    relaxed,
    shared: canShare,
    get threads() {
      return workers.length + 1
    },
    matMul(a, b, out, { batch, M, N, K, transA, transB }) {
      if (a.length !== batch * M * K || b.length !== batch * K * N || out.length !== batch * M * N)
        throw new Error(`matmul: sizes do not match (${batch}, ${M}, ${K}) × (${batch}, ${K}, ${N})`)
      const nth = batch * M * N * K >= MIN_THREADED ? workers.length + 1 : 1
      const offA = DATA
      const offB = align(offA + 4 * a.length)
      const offC = align(offB + 4 * b.length)
      const offS = align(offC + 4 * out.length)
      const perThread = align(32 * K + 128)
      const end = offS + perThread * nth
      if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
      const heap = new Float32Array(memory.buffer)
      heap.set(a, offA / 4)
      heap.set(b, offB / 4)
      // strides in bytes: op(A)(i, k) at i·sai + k·sak, op(B)(k, j) at k·sbk + j·sbj
      const args = [offA, offB, offC, offS, batch, M, N, K]
      args.push(4 * M * K, transA ? 4 : 4 * K, transA ? 4 * M : 4)
      args.push(4 * K * N, transB ? 4 : 4 * N, transB ? 4 * K : 4)
      if (nth > 1) {
        ctl.set(args, ARGS)
        ctl[ARGS + 14] = perThread
        ctl[ARGS + 15] = nth
        env.Atomics.store(ctl, PENDING, nth - 1)
        env.Atomics.add(ctl, GEN, 1)
        env.Atomics.notify(ctl, GEN)
      }
      run(...args, 0, nth)
      if (nth > 1)
        for (let p = env.Atomics.load(ctl, PENDING); p !== 0; p = env.Atomics.load(ctl, PENDING))
          env.Atomics.wait(ctl, PENDING, p)
      out.set(heap.subarray(offC / 4, offC / 4 + out.length))
    },
    async startThreads(count, spawn) {
      if (!canShare) throw new Error('threads need a shared memory (SharedArrayBuffer)')
      for (let i = 0; i < count; i++)
        workers.push(await spawn(THREAD_BODY, { tid: workers.length + 1, module, memory }))
    },
    stopThreads() {
      if (workers.length === 0) return
      env.Atomics.store(ctl, STOP, 1)
      env.Atomics.add(ctl, GEN, 1)
      env.Atomics.notify(ctl, GEN)
      for (const w of workers.splice(0)) w.terminate()
      env.Atomics.store(ctl, STOP, 0)
    },
  }
  return engine
}

let shared: Gemm | null | undefined

/** The engine the model's kernels use (made on first call; threads are added by the worker at start-up). */
export function gemm(): Gemm | null {
  if (shared === undefined) shared = createGemm()
  return shared
}
