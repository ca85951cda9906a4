// fused.wat's passes shared out over the threads of our matrix products (./gemm.ts, Gemm.rows), where tfjs-wasm's
// heap is shared (./wasmHeap.ts): each pass whose rows are independent is cut into row ranges that every thread
// claims, as the products' column panels are. What a row is, per pass: one value for the element-wise ones (in
// fours, for SIMD), one row of C for LayerNorm and the loss's softmax, T rows (one head's whole square) for the
// causal softmax, whose mask depends on the row's place in it. The passes that sum over rows (LayerNorm's
// backward, which sums dγ and dβ; the bias column sums; Σx²) stay on the calling thread.
import type { FusedSimd } from './fusedSimd'
import type { Gemm } from './gemm'

/** The exports of fused.wat that may run over row ranges on other threads (posted to them with the module). */
export const ROW_EXPORTS = ['gelu', 'softmax', 'softmaxStats', 'lnForward', 'softmaxBackward', 'mul', 'add', 'adamw']

/** Below this many float32 values a pass runs on the calling thread alone (waking the others costs ~10–50 µs). */
export const MIN_THREADED_VALUES = 1 << 15

/** `simd` with its row-independent passes shared out over `engine`'s threads when they are large enough. */
export function threadedSimd(simd: FusedSimd, engine: Gemm): FusedSimd {
  /** Runs `name` on every thread; false when it should run here instead (small, or no other threads). */
  const shared = (
    name: string,
    args: number[],
    strides: number[],
    countArg: number,
    rows: number,
    unit: number,
    values: number,
  ): boolean => {
    if (values < MIN_THREADED_VALUES || engine.threads < 2) return false
    const perItem = Math.max(unit, Math.ceil(rows / (4 * engine.threads) / unit) * unit) // ~4 items a thread
    return engine.rows({ name, args, strides, countArg, rows, perItem })
  }
  return {
    ...simd,
    gelu(x, y, d, n) {
      if (!shared('gelu', [x, y, d, n], [4, 4, 4, 0], 3, n, 4, n)) simd.gelu(x, y, d, n)
    },
    softmax(s, p, R, T, scale, causal) {
      const args = [s, p, R, T, scale, causal]
      if (!shared('softmax', args, [4 * T, 4 * T, 0, 0, 0, 0], 2, R, T, R * T)) simd.softmax(s, p, R, T, scale, causal)
    },
    softmaxStats(s, p, N, V, stats) {
      if (!shared('softmaxStats', [s, p, N, V, stats], [4 * V, 4 * V, 0, 0, 8], 2, N, 1, N * V))
        simd.softmaxStats(s, p, N, V, stats)
    },
    lnForward(x, w, b, N, C, y, mean, rstd) {
      const args = [x, w, b, N, C, y, mean, rstd]
      if (!shared('lnForward', args, [4 * C, 0, 0, 0, 0, 4 * C, 4, 4], 3, N, 1, N * C))
        simd.lnForward(x, w, b, N, C, y, mean, rstd)
    },
    softmaxBackward(dp, p, R, T, scale, ds) {
      const args = [dp, p, R, T, scale, ds]
      if (!shared('softmaxBackward', args, [4 * T, 4 * T, 0, 0, 0, 4 * T], 2, R, 1, R * T))
        simd.softmaxBackward(dp, p, R, T, scale, ds)
    },
    mul(a, b, out, n) {
      if (!shared('mul', [a, b, out, n], [4, 4, 4, 0], 3, n, 4, n)) simd.mul(a, b, out, n)
    },
    add(a, b, out, n) {
      if (!shared('add', [a, b, out, n], [4, 4, 4, 0], 3, n, 4, n)) simd.add(a, b, out, n)
    },
    adamw(p, g, m, v, n, keep, step, beta1, beta2, eps, rootBc2, gradScale, pOut, mOut, vOut) {
      const args = [p, g, m, v, n, keep, step, beta1, beta2, eps, rootBc2, gradScale, pOut, mOut, vOut]
      const strides = [4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4]
      if (!shared('adamw', args, strides, 4, n, 4, n))
        simd.adamw(p, g, m, v, n, keep, step, beta1, beta2, eps, rootBc2, gradScale, pOut, mOut, vOut)
    },
  }
}
