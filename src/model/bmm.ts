// The batched product of bmm.wat, instantiated once (synchronously: the module is 743 bytes) and fed through
// its own memory: inputs are copied in, the product runs, the result is copied out. Null where the engine
// has no WebAssembly SIMD (then tfjs's own kernel is used).
import { BMM_WASM_BASE64 } from './bmmWasm'

// The model code is compiled without DOM types; these are the parts of the WebAssembly and base64 APIs used
// (present in browsers, workers and Node).
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
const env = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (s: string) => string }

export type BatchMatMul = (
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  N: number,
  M: number,
  K: number,
  P: number,
) => void

let cached: BatchMatMul | null | undefined

export function simdBatchMatMul(): BatchMatMul | null {
  if (cached !== undefined) return cached
  cached = null
  const wasm = env.WebAssembly
  if (!wasm || !env.atob) return null
  const bytes = Uint8Array.from(env.atob(BMM_WASM_BASE64), (c) => c.charCodeAt(0))
  if (!wasm.validate(bytes)) return null // no SIMD
  const instance = new wasm.Instance(new wasm.Module(bytes), {})
  const memory = instance.exports.memory as WasmMemory
  const run = instance.exports.bmm as (
    a: number,
    b: number,
    c: number,
    N: number,
    M: number,
    K: number,
    P: number,
  ) => void
  cached = (a, b, out, N, M, K, P) => {
    if (a.length !== N * M * K || b.length !== N * K * P || out.length !== N * M * P)
      throw new Error(`batched matmul: sizes do not match (${N}, ${M}, ${K}) × (${N}, ${K}, ${P})`)
    const bytesNeeded = 4 * (a.length + b.length + out.length)
    if (memory.buffer.byteLength < bytesNeeded) memory.grow(Math.ceil((bytesNeeded - memory.buffer.byteLength) / 65536))
    const heap = new Float32Array(memory.buffer)
    heap.set(a, 0)
    heap.set(b, a.length)
    const c = a.length + b.length
    run(0, 4 * a.length, 4 * c, N, M, K, P)
    out.set(heap.subarray(c, c + out.length))
  }
  return cached
}
