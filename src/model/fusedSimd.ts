// fused.wat's SIMD passes over tfjs-wasm's own heap: the module imports the backend's WebAssembly.Memory, so the
// kernels of ./kernels.ts run them in place, by the byte offsets tfjs gives its tensors (no copy in or out).
// One instance per memory; null where the engine lacks SIMD or the backend does not show its memory (then the
// kernels run fused.ts's scalar loops).
import { FUSED_SHARED, FUSED_UNSHARED } from './fusedWasm'

/** The parts of the WebAssembly API used (present in browsers, workers and Node; the model code has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const env = globalThis as unknown as {
  WebAssembly?: WasmApi
  atob?: (s: string) => string
  SharedArrayBuffer?: unknown
}

export interface FusedSimd {
  /** fused.ts's geluForward over n values (a multiple of 4) at byte offsets x, y, d. */
  gelu(x: number, y: number, d: number, n: number): void
  /** fused.ts's causalSoftmax over R rows of T scores at s, into p. */
  softmax(s: number, p: number, R: number, T: number, scale: number, causal: number): void
  /** The softmax of N rows of V logits into p, each row's max and Σ (two float32) at stats + 8·row. */
  softmaxStats(s: number, p: number, N: number, V: number, stats: number): void
  /** layerNormForward for C a multiple of 4 (bias 0: none). */
  lnForward(x: number, w: number, b: number, N: number, C: number, y: number, mean: number, rstd: number): void
  /** layerNormBackward for C a multiple of 4 (db 0: none). */
  lnBackward(
    dy: number,
    x: number,
    w: number,
    mean: number,
    rstd: number,
    N: number,
    C: number,
    dx: number,
    dw: number,
    db: number,
  ): void
  /** softmaxBackward over R rows of T. */
  softmaxBackward(dp: number, p: number, R: number, T: number, scale: number, ds: number): void
  /** out = a ⊙ b over n values (a multiple of 4). */
  mul(a: number, b: number, out: number, n: number): void
  /** out[c] = Σ over N rows of x[r, c], C a multiple of 4. */
  columnSum(x: number, N: number, C: number, out: number): void
  /** out = a + b over n values (a multiple of 4). */
  add(a: number, b: number, out: number, n: number): void
  /** `rows` runs of `bytes` bytes from src to dst, the rows srcStride and dstStride bytes apart. */
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, bytes: number): void
  /** y[o] = b[o] + Σ x[i]·w[o·nIn + i] for nOut outputs, w stored [out, in], nIn a multiple of 4 (b 0: none). */
  matvec(x: number, w: number, b: number, nIn: number, nOut: number, y: number): void
  /** Σ x² over n values (a multiple of 4), in float64. */
  sumSquares(x: number, n: number): number
  /** adamwUpdate over n values (a multiple of 4), float32; m, v, mOut, vOut point at this parameter's part. */
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    keep: number,
    step: number,
    beta1: number,
    beta2: number,
    eps: number,
    rootBc2: number,
    gradScale: number,
    pOut: number,
    mOut: number,
    vOut: number,
  ): void
}

const made = new WeakMap<object, { simd: FusedSimd; module: object } | null>()

/** The compiled module of each build (compiled once: a decoder makes a memory, and an instance, per generation). */
const compiled = new Map<boolean, object | null>()

function moduleOf(shared: boolean): object | null {
  if (!compiled.has(shared)) {
    const wasm = env.WebAssembly!
    const bytes = Uint8Array.from(env.atob!(shared ? FUSED_SHARED : FUSED_UNSHARED), (c) => c.charCodeAt(0))
    compiled.set(shared, wasm.validate(bytes) ? new wasm.Module(bytes) : null)
  }
  return compiled.get(shared)!
}

function make(memory: { buffer: ArrayBuffer | SharedArrayBuffer }): { simd: FusedSimd; module: object } | null {
  const wasm = env.WebAssembly!
  const shared = typeof env.SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer
  const module = moduleOf(shared)
  if (!module) return null
  try {
    return { simd: new wasm.Instance(module, { env: { memory } }).exports as unknown as FusedSimd, module }
  } catch {
    return null // the memory's limits do not fit the import: keep the scalar loops
  }
}

function madeFor(memory: { buffer: ArrayBuffer | SharedArrayBuffer } | undefined) {
  if (!memory || !env.WebAssembly || !env.atob) return null
  if (!made.has(memory)) made.set(memory, make(memory))
  return made.get(memory)!
}

/** The SIMD passes over `memory` (a WebAssembly.Memory), made once per memory. */
export function fusedSimdFor(memory: { buffer: ArrayBuffer | SharedArrayBuffer } | undefined): FusedSimd | null {
  return madeFor(memory)?.simd ?? null
}

/** The compiled module behind fusedSimdFor(memory), for threads that run its passes over the same memory. */
export function fusedModuleFor(memory: { buffer: ArrayBuffer | SharedArrayBuffer } | undefined): object | null {
  return madeFor(memory)?.module ?? null
}
