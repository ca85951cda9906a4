// The rewrite that gives tfjs-wasm's single-threaded build a shared heap (./wasmHeap.ts), checked on small modules
// written here (what it must turn into an import, and what it must leave alone); tfjs's own binary is checked
// running in ./wasm.test.ts.
import { describe, expect, it } from 'vitest'
import wabtInit from 'wabt'
import { shareHeap } from './wasmHeap'

async function compile(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit()
  const m = wabt.parseWat('t.wat', text, { threads: true })
  const { buffer } = m.toBinary({})
  m.destroy()
  return buffer
}

// a module of Emscripten's shape: imports of its own, a memory it defines and exports, data written into it
const OWN = `(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (memory (export "memory") 2 10)
  (data (i32.const 64) "\\2a\\00\\00\\00")
  (func (export "get") (param i32) (result i32) (call $f (i32.load (local.get 0))))
  (func (export "put") (param i32 i32) (i32.store (local.get 0) (local.get 1))))`

describe('shareHeap', () => {
  it('turns the memory a module defines into a shared import with the same limits, keeping its data and code', async () => {
    const shared = shareHeap(await compile(OWN))!
    expect(shared).not.toBeNull()
    expect([shared.initial, shared.maximum]).toEqual([2, 10])
    const module = new WebAssembly.Module(shared.bytes)
    expect(WebAssembly.Module.imports(module)).toContainEqual({ module: 'env', name: 'memory', kind: 'memory' })
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 10, shared: true })
    const { exports } = new WebAssembly.Instance(module, { env: { f: (x: number) => x + 1, memory } })
    const e = exports as { get(p: number): number; put(p: number, v: number): void; memory: WebAssembly.Memory }
    expect(e.memory).toBe(memory) // the export names the memory we gave
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(e.get(64)).toBe(43) // the data segment was written into our memory, and the function import kept its index
    new Int32Array(memory.buffer)[32] = 7
    expect(e.get(128)).toBe(8)
    e.put(256, 99)
    expect(new Int32Array(memory.buffer)[64]).toBe(99)
    // an unshared memory does not fit the import
    expect(
      () =>
        new WebAssembly.Instance(module, {
          env: { f: () => 0, memory: new WebAssembly.Memory({ initial: 2, maximum: 10 }) },
        }),
    ).toThrow()
  })

  it('leaves alone what is not of that shape', async () => {
    expect(shareHeap(await compile('(module (func))'))).toBeNull() // no memory
    expect(shareHeap(await compile('(module (import "env" "f" (func)) (memory 1))'))).toBeNull() // no maximum
    expect(shareHeap(await compile('(module (import "env" "f" (func)) (memory 1 4 shared))'))).toBeNull() // shared already
    expect(shareHeap(await compile('(module (import "env" "memory" (memory 1 4)))'))).toBeNull() // imported already
    expect(shareHeap(await compile('(module (memory 1 4))'))).toBeNull() // no import section to add to
    expect(shareHeap(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBeNull() // not WebAssembly
  })
})
