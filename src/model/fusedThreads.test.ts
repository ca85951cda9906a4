// fused.wat's passes shared out over threads (./fusedThreads.ts through gemm.ts's row jobs) give the same bits as
// the same passes on one thread, over sizes that do not divide evenly among the threads' items; and the other
// threads do take a share. Threads are Node worker_threads over one shared memory, as the page's are workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGemm, type Gemm } from './gemm'
import { fusedModuleFor, fusedSimdFor, type FusedSimd } from './fusedSimd'
import { MIN_THREADED_VALUES, ROW_EXPORTS, threadedSimd } from './fusedThreads'
import { mulberry32 } from '../util/random'
import { spawnNode } from '../testing/nodeThreads'

describe('fused passes on several threads', () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true })
  let top = 4096
  const malloc = (bytes: number) => {
    const at = top
    top = Math.ceil((top + bytes) / 64) * 64
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536))
    return at
  }
  let engine: Gemm
  let one: FusedSimd
  let many: FusedSimd
  beforeAll(async () => {
    one = fusedSimdFor(memory)!
    engine = createGemm({
      heap: { memory, malloc, free: () => {} },
      extra: { module: fusedModuleFor(memory)!, names: ROW_EXPORTS },
    })!
    await engine.startThreads(2, spawnNode)
    many = threadedSimd(one, engine)
  }, 30_000)
  afterAll(() => engine.stopThreads())

  /** n random float32 values in [-scale, scale) at a new place in the memory; returns the byte offset. */
  function place(n: number, seed: number, scale = 2): number {
    const at = malloc(4 * n)
    const rng = mulberry32(seed)
    const f = new Float32Array(memory.buffer, at, n)
    for (let i = 0; i < n; i++) f[i] = (rng() * 2 - 1) * scale
    return at
  }
  const read = (at: number, n: number) => new Float32Array(memory.buffer, at, n).slice()

  /** Runs `pass` on one thread and on three into separate outputs; the outputs must be the same bits. */
  function same(label: string, outs: number[], pass: (simd: FusedSimd, out: number[]) => void) {
    const a = outs.map((n) => malloc(4 * n))
    const b = outs.map((n) => malloc(4 * n))
    pass(one, a)
    const before = engine
      .itemsByThread()
      .slice(1)
      .reduce((s, n) => s + n, 0)
    pass(many, b)
    const after = engine
      .itemsByThread()
      .slice(1)
      .reduce((s, n) => s + n, 0)
    outs.forEach((n, i) => expect(read(b[i], n), `${label}, output ${i}`).toEqual(read(a[i], n)))
    return after - before
  }

  it('GELU, products and sums of same-shaped tensors, AdamW (element-wise, in fours)', () => {
    let shared = 0 // items the other threads did (the caller may take all of one pass's items before they wake)
    for (const n of [MIN_THREADED_VALUES + 12, 393_216, 100_004]) {
      const x = place(n, n)
      const y = place(n, n + 1)
      shared += same(`gelu ${n}`, [n, n], (s, [o, d]) => s.gelu(x, o, d, n))
      shared += same(`mul ${n}`, [n], (s, [o]) => s.mul(x, y, o, n))
      same(`add ${n}`, [n], (s, [o]) => s.add(x, y, o, n))
      const m = place(n, n + 2, 0.1)
      const v = malloc(4 * n)
      new Float32Array(memory.buffer, v, n).set(read(m, n).map((q) => q * q))
      same(`adamw ${n}`, [n, n, n], (s, [p, mo, vo]) =>
        s.adamw(x, y, m, v, n, 0.999, 0.001, 0.9, 0.95, 1e-8, 0.3, 0.5, p, mo, vo),
      )
    }
    expect(shared).toBeGreaterThan(0)
  })

  it('LayerNorm forward and both softmaxes (rows; a causal softmax by whole heads)', () => {
    let shared = 0
    for (const [N, C] of [
      [768, 128],
      [333, 100],
    ]) {
      const x = place(N * C, N)
      const w = place(C, C)
      const b = place(C, C + 1)
      shared += same(`ln ${N}×${C}`, [N * C, N, N], (s, [y, mu, r]) => s.lnForward(x, w, b, N, C, y, mu, r))
      shared += same(`softmaxStats ${N}×${C}`, [N * C, 2 * N], (s, [p, st]) => s.softmaxStats(x, p, N, C, st))
    }
    for (const [R, T] of [
      [48 * 64, 64],
      [40 * 33, 33],
    ]) {
      const s0 = place(R * T, R, 4)
      const dp = place(R * T, R + 1)
      for (const causal of [1, 0]) {
        const p = malloc(4 * R * T)
        one.softmax(s0, p, R, T, 0.125, causal)
        shared += same(`softmax ${R}×${T} causal ${causal}`, [R * T], (s, [o]) => s.softmax(s0, o, R, T, 0.125, causal))
        shared += same(`softmaxBackward ${R}×${T}`, [R * T], (s, [o]) => s.softmaxBackward(dp, p, R, T, 0.125, o))
      }
    }
    expect(shared).toBeGreaterThan(0)
  })

  it('keeps small passes on the calling thread', () => {
    const n = 64
    const x = place(n, 1)
    expect(same('small gelu', [n, n], (s, [o, d]) => s.gelu(x, o, d, n))).toBe(0)
  })
})
