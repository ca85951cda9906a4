// The matrix products of the GPT, fast on every backend: tfjs-wasm (and cpu) run matMul with transpose flags
// ~10× slower, so there the linear layers and the tied LM head use custom gradients made of flag-free rank-2
// products with explicit transposes; and wasm sends every batched matMul to a scalar loop, so attention's two
// batched products use the SIMD kernel ./kernels.ts installs (GptBatchMatMul), behind a custom gradient.
// Elsewhere they are tfjs's own ops. Every function here is called inside a tf.tidy by its caller. Measured in
// docs/performance.md; checked against the cpu backend and a float64 reference (wasm.test.ts, gpt.test.ts).
import * as tf from '@tensorflow/tfjs'

/** Backends whose matMul is fast only without transpose flags (measured: tfjs-wasm ~10×). */
const EXPLICIT_TRANSPOSE = new Set(['wasm', 'cpu'])

/** a·b for rank-2 tensors, with a backward pass of flag-free matMuls: da = dy·bᵀ, db = aᵀ·dy. */
const matMulExplicit = tf.customGrad((a, b, save) => {
  const A = a as tf.Tensor2D
  const Bm = b as tf.Tensor2D
  ;(save as tf.GradSaveFunc)([A, Bm])
  return {
    value: tf.matMul(A, Bm),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[]
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)]
    },
  }
})

/** a·bᵀ for rank-2 tensors (the tied LM head: x·wteᵀ), backward: da = dy·b, db = dyᵀ·a. */
const matMulTransBExplicit = tf.customGrad((a, b, save) => {
  const A = a as tf.Tensor2D
  const Bm = b as tf.Tensor2D
  ;(save as tf.GradSaveFunc)([A, Bm])
  return {
    value: tf.matMul(A, tf.transpose(Bm)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[]
      return [tf.matMul(dy as tf.Tensor2D, sb), tf.matMul(tf.transpose(dy as tf.Tensor2D), sa)]
    },
  }
})

/** a (N, M, K) · b (N, K, P) with the SIMD kernel of kernels.ts; backward: da = dy·bᵀ, db = aᵀ·dy. */
const batchMatMulSimd = tf.customGrad((a, b, save) => {
  ;(save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor])
  return {
    value: simdProduct(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor3D[]
      return [
        simdProduct(dy as tf.Tensor3D, tf.transpose(sb, [0, 2, 1])),
        simdProduct(tf.transpose(sa, [0, 2, 1]), dy as tf.Tensor3D),
      ]
    },
  }
})

function simdProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel('GptBatchMatMul', { a, b }, {}) as tf.Tensor3D
}

/** Whether this backend has the SIMD batched product (wasm, once kernels.ts installed it). */
function useSimdBatch(): boolean {
  return Boolean(tf.getKernel('GptBatchMatMul', tf.getBackend()))
}

function useExplicit(): boolean {
  return EXPLICIT_TRANSPOSE.has(tf.getBackend())
}

/** x (N, in) · W (in, out) + b → (N, out) */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y: tf.Tensor2D = useExplicit() ? (matMulExplicit(x, w) as tf.Tensor2D) : tf.matMul(x, w)
  return b ? (tf.add(y, b) as tf.Tensor2D) : (y as tf.Tensor2D)
}

/** x (N, C) · Wᵀ where W is (V, C) → (N, V) */
export function linearTransposed(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return useExplicit() ? (matMulTransBExplicit(x, w) as tf.Tensor2D) : tf.matMul(x, w, false, true)
}

/** q·kᵀ per batch and head: (B, nh, T, hs) × (B, nh, T, hs) → (B, nh, T, T). */
export function batchedQK(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  if (!useSimdBatch()) return tf.matMul(q, k, false, true)
  const [B, nh, T, hs] = q.shape
  const kt = tf.reshape(tf.transpose(k, [0, 1, 3, 2]), [B * nh, hs, T]) as tf.Tensor3D
  return tf.reshape(batchMatMulSimd(tf.reshape(q, [B * nh, T, hs]) as tf.Tensor3D, kt), [B, nh, T, T]) as tf.Tensor4D
}

/** att·v per batch and head: (B, nh, T, T) × (B, nh, T, hs) → (B, nh, T, hs). */
export function batchedAV(att: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  if (!useSimdBatch()) return tf.matMul(att, v)
  const [B, nh, T, hs] = v.shape
  const y = batchMatMulSimd(
    tf.reshape(att, [B * nh, T, T]) as tf.Tensor3D,
    tf.reshape(v, [B * nh, T, hs]) as tf.Tensor3D,
  )
  return tf.reshape(y, [B, nh, T, hs]) as tf.Tensor4D
}
