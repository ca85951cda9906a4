// The SIMD batched product (bmm.wat) against a naive triple loop in float64, on shapes that take every path
// of the kernel (16-wide blocks, 4-wide blocks, single columns, K = 1, M = 1), and the compiled bytes against
// the .wat source, so that the two cannot drift apart.
import { describe, expect, it } from 'vitest'
import { simdBatchMatMul } from './bmm'
import { BMM_WASM_BASE64 } from './bmmWasm'
import { mulberry32 } from '../util/random'
import { compileWat } from '../../scripts/build-wasm.mjs'

describe('SIMD batched matmul', () => {
  const bmm = simdBatchMatMul()

  it('is available in this engine (Node and every current browser have WebAssembly SIMD)', () => {
    expect(bmm).not.toBeNull()
  })

  it.each([
    [3, 5, 7, 37], // 16 + 16 + 4 + 1 columns
    [2, 64, 32, 64], // attention's shapes
    [4, 1, 1, 3],
    [1, 6, 6, 6],
    [5, 3, 9, 16],
  ])('matches a naive float64 product for N=%i, M=%i, K=%i, P=%i', (N, M, K, P) => {
    const rng = mulberry32(N * 1000 + M * 100 + K * 10 + P)
    const a = Float32Array.from({ length: N * M * K }, () => rng() * 2 - 1)
    const b = Float32Array.from({ length: N * K * P }, () => rng() * 2 - 1)
    const out = new Float32Array(N * M * P).fill(Number.NaN)
    bmm!(a, b, out, N, M, K, P)
    for (let n = 0; n < N; n++)
      for (let i = 0; i < M; i++)
        for (let j = 0; j < P; j++) {
          let s = 0
          for (let k = 0; k < K; k++) s += a[(n * M + i) * K + k] * b[(n * K + k) * P + j]
          expect(Math.abs(out[(n * M + i) * P + j] - s), `[${n}, ${i}, ${j}]`).toBeLessThan(
            1e-5 * Math.max(1, Math.abs(s)),
          )
        }
  })

  it('refuses arrays whose sizes do not match the shape', () => {
    expect(() => bmm!(new Float32Array(6), new Float32Array(6), new Float32Array(4), 1, 2, 3, 3)).toThrow(
      /sizes do not match/,
    )
  })

  it('ships the bytes that bmm.wat compiles to (regenerate with node scripts/build-wasm.mjs)', async () => {
    expect(await compileWat(new URL('./bmm.wat', import.meta.url).pathname)).toBe(BMM_WASM_BASE64)
  })
})
