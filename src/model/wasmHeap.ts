// tfjs-wasm's heap as a shared WebAssembly memory, so that our kernels' threads can work on the tensors in place.
//
// tfjs-wasm 4.22 ships a threaded build whose memory is shared, but it starts eight Emscripten pthread workers
// that cannot load from a module worker (see src/worker/backend.ts), so the app runs its single-threaded SIMD
// build, whose memory is its own and unshared: our matrix products' threads (./gemm.ts) then had to copy every
// operand into a memory of their own and every result back (~6 ms a Baby step), and the element-wise kernels
// (./fusedSimd.ts) could not be shared out at all. The single-threaded build never needs atomics, so nothing in
// it cares whether its memory is shared: `shareHeap` rewrites its binary so that the memory it defines becomes
// one it imports (same limits, marked shared), and `setWasmBackendShared` hands it a shared memory while tfjs
// instantiates it. The JavaScript glue is tfjs's own and unchanged (it takes the memory from the instance's
// exports, which still name it), so the backend behaves as before; only its heap is now a SharedArrayBuffer.
import * as tf from '@tensorflow/tfjs'

/** The parts of the WebAssembly API used here (the model code has no DOM types). */
interface WasmMemoryLike {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemoryLike
  instantiate(source: unknown, imports?: unknown): Promise<unknown>
  instantiateStreaming?: (source: unknown, imports?: unknown) => Promise<unknown>
}
const env = globalThis as unknown as { WebAssembly?: WasmApi; SharedArrayBuffer?: unknown }

function readLeb(b: Uint8Array, at: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  for (;;) {
    const byte = b[at++]
    if (byte === undefined) throw new Error('truncated LEB128')
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (!(byte & 0x80)) return [value, at]
  }
}

function leb(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const utf8 = (s: string) => [...s].map((c) => c.charCodeAt(0))

/**
 * The module `bytes` with its one defined memory turned into an import `env.memory`, shared, with the same
 * initial and maximum sizes (in 64 KiB pages); null when the module is not of that shape (no memory of its
 * own, more than one, one without a maximum, or one that is imported already).
 */
export function shareHeap(
  bytes: Uint8Array,
): { bytes: Uint8Array<ArrayBuffer>; initial: number; maximum: number } | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null
  const sections: { id: number; body: Uint8Array }[] = []
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at]
    const [size, start] = readLeb(bytes, at + 1)
    sections.push({ id, body: bytes.subarray(start, start + size) })
    at = start + size
  }
  const memory = sections.find((s) => s.id === 5)
  const imports = sections.find((s) => s.id === 2)
  if (!memory || !imports) return null
  const [count, p0] = readLeb(memory.body, 0)
  const flags = memory.body[p0]
  if (count !== 1 || flags !== 1) return null // one memory, unshared, with a maximum
  const [initial, p1] = readLeb(memory.body, p0 + 1)
  const [maximum] = readLeb(memory.body, p1)
  const [nImports, i0] = readLeb(imports.body, 0)
  const memoryImport = [
    ...leb(3),
    ...utf8('env'),
    ...leb(6),
    ...utf8('memory'),
    0x02,
    0x03,
    ...leb(initial),
    ...leb(maximum),
  ]
  const importBody = concat([
    Uint8Array.from(leb(nImports + 1)),
    imports.body.subarray(i0),
    Uint8Array.from(memoryImport),
  ])
  const parts: Uint8Array[] = [bytes.subarray(0, 8)]
  for (const s of sections) {
    if (s.id === 5) continue // the memory is the import now (index 0 either way: imports come first)
    const body = s === imports ? importBody : s.body
    parts.push(Uint8Array.from([s.id, ...leb(body.length)]), body)
  }
  return { bytes: concat(parts), initial, maximum }
}

/** Whether a backend has been made already (tf.findBackend would make it). */
function started(name: string): boolean {
  return Boolean((tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name])
}

/** Emscripten's imports: one object under both names (tfjs-wasm's glue: `{ env: lib, wasi_snapshot_preview1: lib }`). */
function isEmscriptenImports(imports: unknown): imports is { env: Record<string, unknown> } {
  const i = imports as { env?: unknown; wasi_snapshot_preview1?: unknown } | undefined
  return typeof i?.env === 'object' && i.env !== null && i.env === i.wasi_snapshot_preview1
}

function toBytes(source: unknown): Uint8Array | null {
  if (source instanceof Uint8Array) return source
  if (source instanceof ArrayBuffer) return new Uint8Array(source)
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
  return null
}

/**
 * Switches to tfjs's wasm backend with its heap in a shared memory where the engine has SharedArrayBuffer (a
 * cross-origin-isolated page, its workers, Node); elsewhere, or if the binary is not of the expected shape, the
 * backend starts exactly as tfjs starts it. For the duration of the switch, WebAssembly.instantiate and
 * instantiateStreaming are wrapped so that an Emscripten module (tfjs's) gets the shared memory; every other
 * call passes through. Resolves as tf.setBackend does.
 */
export async function setWasmBackendShared(): Promise<boolean> {
  const wasm = env.WebAssembly
  if (!wasm || typeof env.SharedArrayBuffer !== 'function' || started('wasm')) return tf.setBackend('wasm')
  const { instantiate, instantiateStreaming } = wasm
  const withHeap = (bytes: Uint8Array | null, imports: unknown): Promise<unknown> | null => {
    if (!bytes || !isEmscriptenImports(imports)) return null
    const shared = shareHeap(bytes)
    if (!shared) return null
    let memory: WasmMemoryLike
    try {
      memory = new wasm.Memory({ initial: shared.initial, maximum: shared.maximum, shared: true })
    } catch {
      return null // a shared memory that large cannot be had here: the backend's own, unshared
    }
    imports.env.memory = memory
    return instantiate.call(wasm, shared.bytes, imports)
  }
  wasm.instantiate = (source: unknown, imports?: unknown) =>
    withHeap(toBytes(source), imports) ?? instantiate.call(wasm, source, imports)
  if (instantiateStreaming)
    wasm.instantiateStreaming = async (source: unknown, imports?: unknown) => {
      if (!isEmscriptenImports(imports)) return instantiateStreaming.call(wasm, source, imports)
      const response = (await source) as { arrayBuffer(): Promise<ArrayBuffer> }
      const bytes = new Uint8Array(await response.arrayBuffer())
      return withHeap(bytes, imports) ?? instantiate.call(wasm, bytes, imports)
    }
  try {
    return await tf.setBackend('wasm')
  } finally {
    wasm.instantiate = instantiate
    if (instantiateStreaming) wasm.instantiateStreaming = instantiateStreaming
  }
}

/** The memory of tfjs's wasm backend, if it has started; `shared` when its buffer is a SharedArrayBuffer. */
export function wasmHeapOf(backend: unknown): { memory: WasmMemoryLike; shared: boolean } | null {
  const w = (backend as { wasm?: { asm?: { memory?: WasmMemoryLike }; wasmMemory?: WasmMemoryLike } } | undefined)?.wasm
  const memory = w?.asm?.memory ?? w?.wasmMemory
  if (!memory) return null
  const shared = typeof env.SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer
  return { memory, shared }
}
