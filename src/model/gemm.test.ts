// The matrix products of gemm.wat (through gemm.ts) against a float64 triple loop, over random shapes with odd
// sizes (1, 3, 17, 127, 129) and every transpose combination, batched and not; the same products on 1 and on
// 4 threads (Node worker_threads over the same shared memory) bit for bit; and the shipped bytes against the
// .wat source. Node 20 has no relaxed SIMD without a flag, so here the plain variant runs (and the relaxed
// one where the engine validates it: `npx vitest run src/model/gemm.test.ts --execArgv=--experimental-wasm-relaxed-simd`
// runs it in Node 20; scripts/gemm-bench.mjs checks it in Chromium).
import { afterAll, describe, expect, it } from 'vitest'
import { claimItemsForTests as claimItems, createGemm, retiredClaim, type Gemm } from './gemm'
import * as generated from './gemmWasm'
import { mulberry32 } from '../util/random'
import { spawnNode } from '../testing/nodeThreads'
import { gemmModuleText, gemmVariants } from '../../scripts/build-wasm.mjs'

type Shape = { batch: number; M: number; N: number; K: number; transA: boolean; transB: boolean }

function operands({ batch, M, N, K }: Shape, seed: number) {
  const rng = mulberry32(seed)
  const a = Float32Array.from({ length: batch * M * K }, () => rng() * 2 - 1)
  const b = Float32Array.from({ length: batch * K * N }, () => rng() * 2 - 1)
  return { a, b }
}

/** C = op(A)·op(B) in float64, reading A and B by the layouts gemm.ts documents. */
function reference(a: Float32Array, b: Float32Array, { batch, M, N, K, transA, transB }: Shape): Float64Array {
  const c = new Float64Array(batch * M * N)
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) {
          const av = a[n * M * K + (transA ? k * M + i : i * K + k)]
          const bv = b[n * K * N + (transB ? j * K + k : k * N + j)]
          s += av * bv
        }
        c[(n * M + i) * N + j] = s
      }
  return c
}

function worst(got: Float32Array, want: Float64Array): number {
  let w = 0
  for (let i = 0; i < want.length; i++) w = Math.max(w, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])))
  return w
}

const SIZES = [1, 3, 17, 127, 129]
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]

/** Shapes: every size in every position at least once, with the other two sizes varied, and a few batched. */
function shapes(): Shape[] {
  const out: Shape[] = []
  const rng = mulberry32(19)
  const pick = () => SIZES[Math.floor(rng() * SIZES.length)]
  for (const [transA, transB] of FLAGS) {
    for (const s of SIZES) {
      out.push({ batch: 1, M: s, N: pick(), K: pick(), transA, transB })
      out.push({ batch: 1, M: pick(), N: s, K: pick(), transA, transB })
      out.push({ batch: 1, M: pick(), N: pick(), K: s, transA, transB })
    }
    out.push({ batch: 3, M: 17, N: 33, K: 9, transA, transB })
    out.push({ batch: 48, M: 64, N: 64, K: 32, transA, transB }) // attention's q·kᵀ and its gradients
    // rows of A 1 and 2 KiB apart: Aᵀ is read through a padded copy (gemm.ts, padsA)
    out.push({ batch: 1, M: 256, N: 17, K: 129, transA, transB })
    out.push({ batch: 1, M: 512, N: 9, K: 64, transA, transB })
  }
  return out
}

function check(engine: Gemm, label: string) {
  for (const [i, shape] of shapes().entries()) {
    const { a, b } = operands(shape, 100 + i)
    // every other product with a bias added to each row
    const bias = i % 2 ? Float32Array.from({ length: shape.N }, (_, j) => Math.cos(j + i)) : undefined
    const out = new Float32Array(shape.batch * shape.M * shape.N).fill(Number.NaN)
    engine.matMul(a, b, out, shape, bias)
    const want = reference(a, b, shape)
    if (bias) want.forEach((v, e) => (want[e] = v + bias[e % shape.N]))
    const tol = 1e-5 * Math.sqrt(Math.max(1, shape.K)) // float32 rounding grows like √K for random signs
    expect(worst(out, want), `${label} ${JSON.stringify(shape)}${bias ? ' + bias' : ''}`).toBeLessThan(tol)
  }
}

describe('gemm', () => {
  const plain = createGemm({ relaxed: false })!
  afterAll(() => plain.stopThreads())

  it('uses a shared memory in Node (threads are possible)', () => {
    expect(plain).not.toBeNull()
    expect(plain.shared).toBe(true)
  })

  it('matches a float64 product over odd shapes and every transpose combination (plain SIMD)', () => {
    check(plain, 'plain')
  })

  it('matches it over an unshared memory too (the page that is not cross-origin isolated)', () => {
    const local = createGemm({ relaxed: false, shared: false })!
    expect(local.shared).toBe(false)
    check(local, 'unshared')
  })

  it('matches it with relaxed SIMD where this engine validates it', () => {
    const relaxed = createGemm()!
    if (!relaxed.relaxed) return // Node 20 without --experimental-wasm-relaxed-simd: covered in the browser
    check(relaxed, 'relaxed')
  })

  it('gives the same bits on 1 and on 4 threads', async () => {
    const list = shapes().filter((s) => s.batch * s.M * s.N * s.K >= 1 << 17)
    expect(list.length).toBeGreaterThan(8) // enough products are large enough to be split
    const one = list.map((shape, i) => {
      const { a, b } = operands(shape, 500 + i)
      const out = new Float32Array(shape.batch * shape.M * shape.N)
      plain.matMul(a, b, out, shape)
      return out
    })
    await plain.startThreads(3, spawnNode)
    expect(plain.threads).toBe(4)
    const before = plain.itemsByThread()
    list.forEach((shape, i) => {
      const { a, b } = operands(shape, 500 + i)
      const out = new Float32Array(shape.batch * shape.M * shape.N).fill(Number.NaN)
      plain.matMul(a, b, out, shape)
      expect(out, JSON.stringify(shape)).toEqual(one[i])
    })
    // the other threads did take items (the calling thread could otherwise have done them all)
    const done = plain.itemsByThread().map((n, t) => n - (before[t] ?? 0))
    expect(done.length).toBe(4)
    expect(done.reduce((s, n) => s + n, 0)).toBe(list.reduce((s, x) => s + x.batch * Math.ceil(x.N / 8), 0))
    expect(done.slice(1).reduce((s, n) => s + n, 0)).toBeGreaterThan(0)
    check(plain, 'plain, 4 threads')
  }, 60_000)

  it("works in a heap it is given (tfjs-wasm's, shared), in place and on threads, with the same bits", async () => {
    // a shared memory with a bump allocator standing in for tfjs-wasm's heap and its malloc
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true })
    let top = 1024
    const live = new Set<number>()
    const heap = {
      memory,
      malloc(bytes: number) {
        const at = top
        top = Math.ceil((top + bytes) / 16) * 16
        if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536))
        live.add(at)
        return at
      },
      free(at: number) {
        expect(live.delete(at)).toBe(true)
      },
    }
    const inHeap = createGemm({ relaxed: false, heap })!
    expect(inHeap.inPlace).toBe(true)
    expect(createGemm({ heap: { ...heap, memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }) } })).toBeNull()
    check(inHeap, 'in a given heap, copied') // matMul copies into a block of the heap and frees it
    await inHeap.startThreads(1, spawnNode)
    try {
      const list = shapes().filter((x) => x.batch * x.M * x.N * x.K >= 1 << 17)
      list.forEach((shape, i) => {
        const { a, b } = operands(shape, 900 + i)
        const bias = Float32Array.from({ length: shape.N }, (_, j) => j / 7 - 1)
        const want = new Float32Array(shape.batch * shape.M * shape.N)
        plain.matMul(a, b, want, shape, bias)
        const [aAt, bAt, cAt, biasAt] = [a.length, b.length, want.length, bias.length].map((n) => heap.malloc(4 * n))
        new Float32Array(memory.buffer, aAt, a.length).set(a)
        new Float32Array(memory.buffer, bAt, b.length).set(b)
        new Float32Array(memory.buffer, biasAt, bias.length).set(bias)
        inHeap.matMulAt(aAt, bAt, cAt, shape, biasAt)
        expect(new Float32Array(memory.buffer, cAt, want.length), JSON.stringify(shape)).toEqual(want)
      })
      expect(inHeap.itemsByThread()[1]).toBeGreaterThan(0)
    } finally {
      inHeap.stopThreads()
    }
    expect(() => plain.matMulAt(0, 0, 0, { batch: 1, M: 1, N: 1, K: 1, transA: false, transB: false }, 0)).toThrow(
      /memory of its own/,
    )
  }, 60_000)

  it('refuses arrays whose sizes do not match the shape', () => {
    const shape = { batch: 1, M: 2, N: 3, K: 3, transA: false, transB: false }
    expect(() => plain.matMul(new Float32Array(6), new Float32Array(9), new Float32Array(4), shape)).toThrow(
      /sizes do not match/,
    )
    const [a, b, c] = [new Float32Array(6), new Float32Array(9), new Float32Array(6)]
    expect(() => plain.matMul(a, b, c, shape, new Float32Array(2))).toThrow(/sizes do not match/)
  })

  it('ships the bytes that gemm.wat compiles to (regenerate with node scripts/build-wasm.mjs)', async () => {
    const variants = await gemmVariants(new URL('./gemm.wat', import.meta.url).pathname)
    expect(gemmModuleText(variants).split('\n').slice(1)).toEqual(
      Object.entries(generated)
        .flatMap(([k, v]) => [`export const ${k} =`, `  '${v}'`])
        .concat(['']),
    )
  })
})

describe('the threads’ job protocol', () => {
  // control words as gemm.ts lays them out: 1 the claim word (tag << 20 | next item), 2 items done, 32 + id per thread
  const fresh = () => new Int32Array(new SharedArrayBuffer(64 * 4))

  it('a thread that wakes late for a finished job claims nothing, even when it reads the next job’s larger total', () => {
    const ctl = fresh()
    const done: number[] = []
    // job 1 (tag 1) had 3 items, all done; the caller has retired its claim word and written job 2's total, 10
    ctl[1] = retiredClaim(1)
    claimItems((item) => done.push(item), ctl, 10, 1, 1)
    expect(done).toEqual([])
    expect(ctl[2]).toBe(0) // nothing counted into the next job's done items
    // the claim word as it was left before the fix (job 1 exhausted at item 3): the late thread took item 3 of a
    // job that had not begun, and counted it — which let the caller return with an item still being written
    ctl[1] = (1 << 20) | 3
    claimItems((item) => done.push(item), ctl, 10, 1, 1)
    expect(done).toEqual([3, 4, 5, 6, 7, 8, 9])
  })

  it('a thread of the current job takes each item once, and one of another tag takes none', () => {
    const ctl = fresh()
    ctl[1] = 7 << 20
    const seen: number[] = []
    claimItems((item) => seen.push(item), ctl, 5, 6, 1) // another tag: nothing
    expect(seen).toEqual([])
    claimItems((item) => seen.push(item), ctl, 5, 7, 1)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(ctl[2]).toBe(5)
    expect(ctl[33]).toBe(5) // this thread's count
  })
})
