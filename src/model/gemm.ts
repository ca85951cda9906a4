// The matrix products of gemm.wat, over our own WebAssembly memory, on one thread or several.
//
// One engine holds one memory (shared where the engine allows it: SharedArrayBuffer, that is a
// cross-origin-isolated page, a worker of one, or Node) and one instance of the module on the calling thread.
// A product copies A and B in, runs, and copies C out (O(n²) copying against O(n³) work). Threads, when
// started (startThreads: the spawning itself is the caller's, src/worker/gemmPool.ts in the app), are other
// instances of the same module over the same memory, each parked in Atomics.wait on a control word at the
// start of the memory: a product writes its arguments there, bumps the generation and wakes them; then every
// thread, the caller included, claims column panels one at a time until none is left, and the caller waits for
// the count of finished panels. No message is posted per product.
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
  compareExchange(a: Int32Array, i: number, expected: number, v: number): number
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

/**
 * Control words (Int32 indices) at the start of the memory (or of a block of a given heap): a job's number, its
 * claims, its arguments; a row job's arguments as float64 at byte F64 (values, then per-row strides); the data of
 * an engine's own memory starts at DATA bytes.
 */
const GEN = 0 // the job's number: a thread wakes when it changes
const CLAIM = 1 // (GEN mod 4096) << 20 | the next unclaimed item
const DONE = 2 // items finished
const STOP = 3
const ARGS = 4 // gemm's 15 arguments, then the scratch bytes per thread (19)
const TOTAL = 20 // the number of items
const KIND = 21 // 0: a product; 1 + i: a row job of the extra module's export names[i]
const ROW = 22 // a row job's number of arguments, which one is the row count, the rows, the rows an item takes
const F64 = 256
const CTL_BYTES = 512
const DATA = CTL_BYTES
const PAGE = 65536
const MAX_PAGES = 16384 // 1 GiB for a memory of our own; gemm.wat declares 4 GiB, tfjs-wasm's maximum
const MAX_ITEMS = 1 << 20
const MAX_THREADS = 31 // one counter each at Int32 index 32 + id, within the first 256 bytes
const MAX_ROW_ARGS = 16
/** Below this many multiply-adds a product runs on the calling thread alone (waking a thread costs ~10–50 µs). */
const MIN_THREADED = 1 << 17

/** The claim word of a finished job: its tag with the next item past any job's end, so nothing more is claimed. */
const RETIRED = 0xfffff

/**
 * Claims items of the current job one at a time and does them, until none is left or the job is no longer the
 * one `tag` names (a thread that woke late must not take items of the next one). `total` is read by a thread after
 * it wakes, and a thread that wakes late may read the next job's: so a job's claim word is retired (RETIRED) once
 * its items are done, before the next job is written, and a late thread finds nothing of its tag to claim. Every thread runs it, the
 * caller included: a thread that the OS does not schedule holds up at most the one item it claimed, so an
 * oversubscribed machine costs waiting for one item, not for a fixed share. Self-contained (no outer names):
 * its source is also the threads' (THREAD_BODY).
 */
function claimItems(work: (item: number) => void, ctl: Int32Array, total: number, tag: number, tid: number) {
  for (;;) {
    const v = Atomics.load(ctl, 1)
    if (v >>> 20 !== tag) return
    const item = v & 0xfffff
    if (item >= total) return
    if (Atomics.compareExchange(ctl, 1, v, v + 1) !== v) continue
    work(item)
    Atomics.add(ctl, 32 + tid, 1) // items done by this thread (itemsByThread)
    if (Atomics.add(ctl, 2, 1) + 1 === total) Atomics.notify(ctl, 2)
  }
}

/** The claim word of job `tag` once it is over. */
export function retiredClaim(tag: number): number {
  return (tag << 20) | RETIRED
}

export { claimItems as claimItemsForTests }

/** Item `item` of a product (args: ctl's ARGS..), with this thread's packing scratch. Self-contained. */
function productItem(gemm: (...args: number[]) => void, a: Int32Array, tid: number, item: number) {
  // prettier-ignore
  gemm(a[0], a[1], a[2], a[3] + tid * a[15], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14],
    item, item + 1)
}

/**
 * Item `item` of a row job: `fn` over rows [item·perItem, …) of the whole job's arguments `f64` (values, then at
 * 16 + i the bytes argument i advances a row), with the row-count argument set to this item's rows. Self-contained.
 */
function rowItem(fn: (...args: number[]) => unknown, f64: Float64Array, row: Int32Array, item: number) {
  const [nargs, countArg, rows, perItem] = row
  const r0 = item * perItem
  const args: number[] = []
  for (let i = 0; i < nargs; i++) args.push(f64[i] + f64[16 + i] * r0)
  args[countArg] = Math.min(rows, r0 + perItem) - r0
  fn(...args)
}

/**
 * What a thread runs (as source text: the spawner wraps it for its environment): instantiate the module (and the
 * extra one, if any) over the shared memory, say it is ready, then take items of every job until told to stop.
 */
export const THREAD_BODY = `function gemmThread(data, ready) {
  const claimItems = ${claimItems.toString()}
  const productItem = ${productItem.toString()}
  const rowItem = ${rowItem.toString()}
  const imports = { env: { memory: data.memory } }
  const gemm = new WebAssembly.Instance(data.module, imports).exports.gemm
  const extra = data.extra ? new WebAssembly.Instance(data.extra.module, imports).exports : null
  const ctl = new Int32Array(data.memory.buffer, data.ctl, 64)
  const f64 = new Float64Array(data.memory.buffer, data.ctl + ${F64}, 32)
  let seen = Atomics.load(ctl, ${GEN})
  ready()
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen)
    const gen = Atomics.load(ctl, ${GEN})
    if (gen === seen) continue
    seen = gen
    if (Atomics.load(ctl, ${STOP})) return
    const kind = ctl[${KIND}]
    let work
    if (kind === 0) {
      const a = ctl.slice(${ARGS}, ${ARGS + 16})
      work = (item) => productItem(gemm, a, data.tid, item)
    } else {
      const fn = extra && extra[data.extra.names[kind - 1]]
      if (!fn) continue
      const values = f64.slice()
      const row = ctl.slice(${ROW}, ${ROW + 4})
      work = (item) => rowItem(fn, values, row, item)
    }
    claimItems(work, ctl, ctl[${TOTAL}], gen & 0xfff, data.tid)
  }
}`

/**
 * A second module over the same memory whose exports the threads can run over row ranges (Gemm.rows): fused.wat
 * (./fusedSimd.ts). `names` are the exports that may be run so; the module is posted to every thread.
 */
export interface ExtraModule {
  module: object
  names: readonly string[]
}

/** What a spawned thread gets (its id, the modules, the memory and where the control words are: all can be posted). */
export interface ThreadInit {
  tid: number
  module: object
  memory: WasmMemory
  ctl: number
  extra?: ExtraModule
}

/**
 * A row job: the extra module's export `name` over `rows` independent rows, cut into items of `perItem` rows
 * (a multiple of whatever the export needs: 4 values for SIMD, T rows for a causal softmax). `args` are its
 * arguments for all rows; `strides[i]` the bytes argument i advances per row (0 for what every row shares);
 * `countArg` the argument that says how many rows.
 */
export interface RowJob {
  name: string
  args: number[]
  strides: number[]
  countArg: number
  rows: number
  perItem: number
}

/** Starts one thread running THREAD_BODY with `init`; resolves when the thread has called `ready`. */
export type SpawnThread = (body: string, init: ThreadInit) => Promise<{ terminate(): void }>

export interface GemmOptions {
  /** Force the plain-SIMD variant (false) or the relaxed one (true: throws if the engine lacks it). */
  relaxed?: boolean
  /** Force an unshared memory (no threads possible). */
  shared?: boolean
  /**
   * Work in this memory instead of one of the engine's own: tfjs-wasm's heap when it is shared (./wasmHeap.ts).
   * Then matMulAt multiplies tensors where they lie, with no copy; the control words and the packing scratch are
   * allocated in it with `malloc`.
   */
  heap?: { memory: WasmMemory; malloc(bytes: number): number; free(ptr: number): void }
  /** A module whose exports `rows` may share out (it is instantiated over the same memory on every thread). */
  extra?: ExtraModule
}

/** A product's shape: see Gemm.matMul. */
export interface GemmShape {
  batch: number
  M: number
  N: number
  K: number
  transA: boolean
  transB: boolean
}

export interface Gemm {
  readonly relaxed: boolean
  readonly shared: boolean
  /** Threads that take a share of each product, the calling one included. */
  readonly threads: number
  /**
   * C = op(A)·op(B), batched: A (batch, M, K) or, transposed, (batch, K, M); B (batch, K, N) or (batch, N, K);
   * C (batch, M, N). All row-major and contiguous; batch 1 is a rank-2 product. With `bias` (N values), every
   * row of C is bias + its products (each sum starts from bias[j]).
   */
  matMul(a: Float32Array, b: Float32Array, out: Float32Array, shape: GemmShape, bias?: Float32Array): void
  /** Whether matMulAt can be used: the engine works in a memory it was given (options.heap). */
  readonly inPlace: boolean
  /** matMul on operands at byte offsets of the engine's memory (biasAt 0: no bias); in-place engines only. */
  matMulAt(aAt: number, bAt: number, outAt: number, shape: GemmShape, biasAt: number): void
  /**
   * Runs a row job of the extra module on every thread; false (nothing done) when there are no other threads or
   * no extra module, so that the caller runs the export itself.
   */
  rows(job: RowJob): boolean
  startThreads(count: number, spawn: SpawnThread): Promise<void>
  stopThreads(): void
  /** Items of threaded products each thread has done since the engine was made (index: thread id). */
  itemsByThread(): number[]
}

function bytesOf(b64: string): Uint8Array {
  return Uint8Array.from(env.atob!(b64), (c) => c.charCodeAt(0))
}

const align = (n: number) => Math.ceil(n / 64) * 64
/** Floats added to each row of a padded copy of A (see padsA). */
const PAD_A = 32
/** Whether a product reads A through a padded copy: Aᵀ, rank 2, rows a multiple of 1 KiB apart, enough of them. */
const padsA = ({ batch, M, K, transA }: GemmShape) =>
  transA && batch === 1 && M >= 256 && (4 * M) % 1024 === 0 && K >= 64
/** Packing scratch a thread needs for a product of inner size K (one K × 8 panel of op(B), and a margin). */
const perThreadScratch = (K: number) => align(32 * K + 160)

/** A new engine; null where the engine has no WebAssembly SIMD (or options.heap is given and not shared). */
export function createGemm(options: GemmOptions = {}): Gemm | null {
  const wasm = env.WebAssembly
  if (!wasm || !env.atob) return null
  const heap = options.heap
  const isShared = (m: WasmMemory) =>
    typeof env.SharedArrayBuffer === 'function' && m.buffer instanceof SharedArrayBuffer
  if (heap && !isShared(heap.memory)) return null
  const canShare = typeof env.SharedArrayBuffer === 'function' && options.shared !== false
  const relaxedBytes = bytesOf(canShare ? GEMM_RELAXED_SHARED : GEMM_RELAXED_UNSHARED)
  const relaxed = options.relaxed ?? wasm.validate(relaxedBytes)
  const bytes = relaxed ? relaxedBytes : bytesOf(canShare ? GEMM_PLAIN_SHARED : GEMM_PLAIN_UNSHARED)
  if (!wasm.validate(bytes)) {
    if (options.relaxed) throw new Error('this engine has no relaxed SIMD')
    return null
  }
  let memory: WasmMemory
  if (heap) memory = heap.memory
  else
    try {
      memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: canShare })
    } catch {
      return canShare && options.shared === undefined ? createGemm({ ...options, shared: false }) : null
    }
  const module = new wasm.Module(bytes)
  const run = new wasm.Instance(module, { env: { memory } }).exports.gemm as (...args: number[]) => void
  // the control words: the start of our own memory, or CTL_BYTES of the heap we were given
  const ctlAt = heap ? align(heap.malloc(CTL_BYTES + 64)) : 0
  const ctl = new Int32Array(memory.buffer, ctlAt, 64)
  const f64 = new Float64Array(memory.buffer, ctlAt + F64, 32)
  const extra = options.extra
  const extraExports = extra
    ? (new wasm.Instance(extra.module, { env: { memory } }).exports as Record<string, (...a: number[]) => unknown>)
    : null
  const rowArgs = new Int32Array(4)
  const workers: { terminate(): void }[] = []
  // one view of the memory (made again only when it grows) and one argument block, not a new one per product:
  // a step makes ~75 products, and garbage collection competes with the products' other thread for the cores
  let view = new Float32Array(memory.buffer)
  const args = new Int32Array(16) // gemm's 15 arguments, then the scratch bytes per thread
  // the packing scratch in a given heap: one block, made larger when a product needs more
  let scratchPtr = 0
  let scratchHeld = 0
  const scratchFor = (bytes: number): number => {
    if (bytes > scratchHeld) {
      if (scratchPtr) heap!.free(scratchPtr)
      scratchHeld = Math.max(bytes, 2 * scratchHeld)
      scratchPtr = heap!.malloc(scratchHeld + 64)
      if (!scratchPtr) throw new Error(`matmul: no memory for ${scratchHeld} bytes of scratch`)
    }
    return align(scratchPtr)
  }

  /** One product, its operands already in the memory at these byte offsets. */
  function multiply(offA: number, offB: number, offC: number, offS: number, shape: GemmShape, offBias: number) {
    const { batch, M, N, K, transA, transB } = shape
    const total = batch * Math.ceil(N / 8)
    const threaded = workers.length > 0 && batch * M * N * K >= MIN_THREADED && total < MAX_ITEMS
    let sak = transA ? 4 * M : 4
    if (padsA(shape)) {
      // Aᵀ whose rows lie a multiple of 1 KiB apart: its four rows of a tile, read down the columns, fall into
      // the same few cache sets (M = 512: 2 KiB apart, 23 GFLOP/s against 45). A copy with rows PAD_A floats
      // longer is read at a stride that spreads over the sets (39 GFLOP/s), for a copy a fraction of the work.
      const padAt = align(offS + perThreadScratch(K) * (threaded ? workers.length + 1 : 1))
      if (view.buffer !== memory.buffer || view.length * 4 !== memory.buffer.byteLength)
        view = new Float32Array(memory.buffer)
      const [src, dst, row] = [offA / 4, padAt / 4, M + PAD_A]
      for (let k = 0; k < K; k++) view.copyWithin(dst + k * row, src + k * M, src + k * M + M)
      offA = padAt
      sak = 4 * row
    }
    // strides in bytes: op(A)(i, k) at i·sai + k·sak, op(B)(k, j) at k·sbk + j·sbj
    args[0] = offA
    args[1] = offB
    args[2] = offC
    args[3] = offS
    args[4] = batch
    args[5] = M
    args[6] = N
    args[7] = K
    args[8] = 4 * M * K
    args[9] = transA ? 4 : 4 * K
    args[10] = sak
    args[11] = 4 * K * N
    args[12] = transB ? 4 : 4 * N
    args[13] = transB ? 4 * K : 4
    args[14] = offBias
    args[15] = perThreadScratch(K)
    if (!threaded) {
      run(
        offA,
        offB,
        offC,
        offS,
        batch,
        M,
        N,
        K,
        args[8],
        args[9],
        args[10],
        args[11],
        args[12],
        args[13],
        offBias,
        0,
        total,
      )
      return
    }
    ctl.set(args.subarray(0, 16), ARGS)
    ctl[KIND] = 0
    share(total, (item) => productItem(run, args, 0, item))
  }

  /** Publishes the job written into the control words, wakes the threads, takes items too, waits for all. */
  function share(total: number, work: (item: number) => void) {
    if (total >= RETIRED) throw new Error(`a job of ${total} items: at most ${RETIRED - 1}`)
    const gen = (env.Atomics.load(ctl, GEN) + 1) | 0
    const tag = gen & 0xfff
    ctl[TOTAL] = total
    env.Atomics.store(ctl, DONE, 0)
    env.Atomics.store(ctl, CLAIM, tag << 20)
    env.Atomics.store(ctl, GEN, gen)
    env.Atomics.notify(ctl, GEN)
    claimItems(work, ctl, total, tag, 0)
    for (let d = env.Atomics.load(ctl, DONE); d < total; d = env.Atomics.load(ctl, DONE)) env.Atomics.wait(ctl, DONE, d)
    // retired before the next job's description (and its total) is written: a thread that wakes only now, for this
    // job, would otherwise read the next job's larger total against this claim word and take one of its items
    // before that job has begun, counting it into the next job's DONE (the caller then returned with an item
    // still being written: a heap corrupted under tfjs-wasm's malloc, seen in the tab as "memory access out of bounds")
    env.Atomics.store(ctl, CLAIM, retiredClaim(tag))
  }

  const checkShape = (na: number, nb: number, nout: number, nbias: number | undefined, s: GemmShape) => {
    const { batch, M, N, K } = s
    if (na !== batch * M * K || nb !== batch * K * N || nout !== batch * M * N || (nbias !== undefined && nbias !== N))
      throw new Error(`matmul: sizes do not match (${batch}, ${M}, ${K}) × (${batch}, ${K}, ${N})`)
  }
  /** The packing scratch of every thread taking part, and room for a padded copy of A (padsA). */
  const scratchBytes = (s: GemmShape): number =>
    perThreadScratch(s.K) * threadsFor(s) + (padsA(s) ? align(4 * s.K * (s.M + PAD_A)) + 64 : 0)
  const threadsFor = (s: GemmShape) =>
    workers.length > 0 && s.batch * s.M * s.N * s.K >= MIN_THREADED ? workers.length + 1 : 1

  const engine: Gemm = {
    relaxed,
    shared: heap ? true : canShare,
    inPlace: Boolean(heap),
    get threads() {
      return workers.length + 1
    },
    matMul(a, b, out, shape, bias) {
      checkShape(a.length, b.length, out.length, bias?.length, shape)
      if (heap) {
        // operands of our own in a given heap: copy them into a block of it
        const bytes = align(4 * a.length) + align(4 * b.length) + align(4 * out.length) + align(4 * (bias?.length ?? 0))
        const block = heap.malloc(bytes + 64 + scratchBytes(shape))
        try {
          const offA = align(block)
          const offB = offA + align(4 * a.length)
          const offC = offB + align(4 * b.length)
          const offBias = offC + align(4 * out.length)
          const offS = offBias + align(4 * (bias?.length ?? 0))
          const f = new Float32Array(memory.buffer)
          f.set(a, offA / 4)
          f.set(b, offB / 4)
          if (bias) f.set(bias, offBias / 4)
          multiply(offA, offB, offC, offS, shape, bias ? offBias : 0)
          out.set(new Float32Array(memory.buffer, offC, out.length))
        } finally {
          heap.free(block)
        }
        return
      }
      const offA = DATA
      const offB = align(offA + 4 * a.length)
      const offC = align(offB + 4 * b.length)
      const offBias = align(offC + 4 * out.length)
      const offS = align(offBias + 4 * (bias?.length ?? 0))
      const end = offS + scratchBytes(shape)
      if (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
      if (view.buffer !== memory.buffer || view.length * 4 !== memory.buffer.byteLength)
        view = new Float32Array(memory.buffer)
      view.set(a, offA / 4)
      view.set(b, offB / 4)
      if (bias) view.set(bias, offBias / 4)
      multiply(offA, offB, offC, offS, shape, bias ? offBias : 0)
      out.set(view.subarray(offC / 4, offC / 4 + out.length))
    },
    matMulAt(aAt, bAt, outAt, shape, biasAt) {
      if (!heap) throw new Error('matMulAt: this engine works in a memory of its own (use matMul)')
      multiply(aAt, bAt, outAt, scratchFor(scratchBytes(shape)), shape, biasAt)
    },
    rows({ name, args: values, strides, countArg, rows, perItem }) {
      const kind = extra ? extra.names.indexOf(name) + 1 : 0
      const fn = extraExports?.[name]
      if (workers.length === 0 || kind === 0 || !fn) return false
      const nargs = values.length
      if (nargs > MAX_ROW_ARGS || strides.length !== nargs || countArg >= nargs || perItem < 1)
        throw new Error(`rows: ${name} with ${nargs} arguments and ${strides.length} strides`)
      const total = Math.ceil(rows / perItem)
      if (total >= MAX_ITEMS) throw new Error(`rows: ${total} items`)
      f64.fill(0)
      f64.set(values, 0)
      f64.set(strides, 16)
      rowArgs[0] = nargs
      rowArgs[1] = countArg
      rowArgs[2] = rows
      rowArgs[3] = perItem
      ctl.set(rowArgs, ROW)
      ctl[KIND] = kind
      const own = f64.slice() // the caller's copy, as each thread takes its own
      share(total, (item) => rowItem(fn, own, rowArgs, item))
      return true
    },
    itemsByThread() {
      return Array.from(ctl.subarray(32, 32 + workers.length + 1))
    },
    async startThreads(count, spawn) {
      if (workers.length + 1 + count > MAX_THREADS) throw new Error(`at most ${MAX_THREADS} threads`)
      if (!engine.shared) throw new Error('threads need a shared memory (SharedArrayBuffer)')
      for (let i = 0; i < count; i++)
        workers.push(await spawn(THREAD_BODY, { tid: workers.length + 1, module, memory, ctl: ctlAt, extra }))
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
