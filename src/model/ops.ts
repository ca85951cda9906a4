// The matrix products of the GPT, fast on every backend: tfjs-wasm (and cpu) run matMul with transpose flags
// ~10× slower, so there the linear layers and the tied LM head use custom gradients made of flag-free rank-2
// products with explicit transposes; and wasm sends every batched matMul to a scalar loop, so attention's two
// batched products use the SIMD kernel ./kernels.ts installs (GptBatchMatMul), behind a custom gradient.
// Where our own GEMM is installed (GptMatMul: wasm, see ./gemm.ts) every product of the model — forward and
// both backward products of each linear layer, of the tied head and of attention — is one GptMatMul with
// transpose flags, so neither path above is taken and no transpose is made. Elsewhere they are tfjs's own ops. Every function here is called inside a tf.tidy by its caller. Measured in
// docs/performance.md; checked against the cpu backend and a float64 reference (wasm.test.ts, gpt.test.ts).
import * as tf from '@tensorflow/tfjs'

/** Keeps tensors of the forward pass for the backward pass (tfjs's `save`, typed by what it keeps). */
export type Keep<S extends tf.Tensor[]> = (tensors: S) => void

/**
 * tf.customGrad, typed: `f(keep, ...inputs)` returns the value and its gradient function, which gets back what
 * `keep` kept (`saved`, in order; a closure alone would see those tensors disposed). The one place tfjs's
 * untyped `(Tensor | GradSaveFunc)[]` arguments are taken apart.
 */
export function customGrad<I extends tf.Tensor[], S extends tf.Tensor[], O extends tf.Tensor>(
  f: (keep: Keep<S>, ...inputs: I) => { value: O; gradFunc: (dy: O, saved: S) => tf.Tensor[] },
): (...inputs: I) => O {
  const g = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const { value, gradFunc } = f(save, ...(args.slice(0, -1) as I))
    return { value, gradFunc: (dy: O, saved: tf.Tensor[]) => gradFunc(dy, saved as S) }
  })
  return (...inputs: I) => g(...inputs)
}

/** The GPU backends: a product and its bias in one program (tfjs's _FusedMatMul). */
const GPU_BACKENDS = new Set(['webgpu', 'webgl'])

/** Backends whose matMul is fast only without transpose flags (measured: tfjs-wasm ~10×). */
const EXPLICIT_TRANSPOSE = new Set(['wasm', 'cpu'])

type Pair2D = [tf.Tensor2D, tf.Tensor2D]

/** a·b for rank-2 tensors, with a backward pass of flag-free matMuls: da = dy·bᵀ, db = aᵀ·dy. */
const matMulExplicit = customGrad((keep: Keep<Pair2D>, a: tf.Tensor2D, b: tf.Tensor2D) => {
  keep([a, b])
  return {
    value: tf.matMul<tf.Tensor2D>(a, b),
    gradFunc: (dy, [sa, sb]) => [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)],
  }
})

/** a·bᵀ for rank-2 tensors (the tied LM head: x·wteᵀ), backward: da = dy·b, db = dyᵀ·a. */
const matMulTransBExplicit = customGrad((keep: Keep<Pair2D>, a: tf.Tensor2D, b: tf.Tensor2D) => {
  keep([a, b])
  return {
    value: tf.matMul<tf.Tensor2D>(a, tf.transpose(b)),
    gradFunc: (dy, [sa, sb]) => [tf.matMul(dy, sb), tf.matMul(tf.transpose(dy), sa)],
  }
})

/** a (N, M, K) · b (N, K, P) with the SIMD kernel of kernels.ts; backward: da = dy·bᵀ, db = aᵀ·dy. */
const batchMatMulSimd = customGrad((keep: Keep<[tf.Tensor3D, tf.Tensor3D]>, a: tf.Tensor3D, b: tf.Tensor3D) => {
  keep([a, b])
  return {
    value: simdProduct(a, b),
    gradFunc: (dy, [sa, sb]) => [
      simdProduct(dy, tf.transpose(sb, [0, 2, 1])),
      simdProduct(tf.transpose(sa, [0, 2, 1]), dy),
    ],
  }
})

function simdProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel('GptBatchMatMul', { a, b }, {}) as tf.Tensor3D
}

/** Whether this backend has the SIMD batched product (wasm, once kernels.ts installed it). */
function useSimdBatch(): boolean {
  return Boolean(tf.getKernel('GptBatchMatMul', tf.getBackend()))
}

type Mat = tf.Tensor2D | tf.Tensor3D | tf.Tensor4D

function gemmProduct<T extends Mat>(a: T, b: T, transposeA: boolean, transposeB: boolean): T {
  return tf.engine().runKernel('GptMatMul', { a, b }, { transposeA, transposeB }) as T
}

/**
 * C = op(a)·op(b) (op: transpose where the flag says), rank 2 or batched rank 3 or 4, with GptMatMul; the gradient is
 * two more products with other flags: for op(a) = a, da = dC·op(b)ᵀ, else da = op(b)·dCᵀ; for op(b) = b,
 * db = op(a)ᵀ·dC, else db = dCᵀ·op(a).
 */
function gemmWithGrad(transA: boolean, transB: boolean) {
  return customGrad(<T extends Mat>(keep: Keep<[T, T]>, a: T, b: T) => {
    keep([a, b])
    return {
      value: gemmProduct(a, b, transA, transB),
      gradFunc: (dc: T, [sa, sb]: [T, T]) => [
        transA ? gemmProduct(sb, dc, transB, true) : gemmProduct(dc, sb, false, !transB),
        transB ? gemmProduct(dc, sa, true, transA) : gemmProduct(sa, dc, !transA, false),
      ],
    }
  })
}
const gemmNN = gemmWithGrad(false, false)
const gemmNT = gemmWithGrad(false, true)

/**
 * x·W + b as one GptMatMul (each sum starts from the bias: no separate add); backward dx = dy·Wᵀ, dW = xᵀ·dy and
 * db = 1ᵀ·dy, the column sum of fused.wat (or a one-row product: tfjs-wasm's own column sum transposes dy first).
 */
const gemmLinear = customGrad(
  (keep: Keep<[tf.Tensor2D, tf.Tensor2D]>, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
    keep([x, w])
    return {
      value: tf
        .engine()
        .runKernel('GptMatMul', { a: x, b: w, bias: b }, { transposeA: false, transposeB: false }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, [sx, sw]: [tf.Tensor2D, tf.Tensor2D]) => [
        gemmProduct(dy, sw, false, true),
        gemmProduct(sx, dy, true, false),
        hasFused('GptColumnSum')
          ? runKernel<tf.Tensor1D>('GptColumnSum', { x: dy })
          : tf.reshape(gemmProduct(tf.ones([1, dy.shape[0]]) as tf.Tensor2D, dy, false, false), [dy.shape[1]]),
      ],
    }
  },
)

/**
 * webgpu and webgl: x·W + b in tfjs's _FusedMatMul (one dispatch or draw), its bias gradient in one column sum
 * (tfjs's own Sum over the rows transposes dy first: two).
 */
const gpuLinear = customGrad(
  (keep: Keep<[tf.Tensor2D, tf.Tensor2D]>, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
    keep([x, w])
    return {
      value: tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, [sx, sw]: [tf.Tensor2D, tf.Tensor2D]) => [
        tf.matMul(dy, sw, false, true),
        tf.matMul(sx, dy, true, false),
        runKernel<tf.Tensor1D>('GptColumnSum', { x: dy }),
      ],
    }
  },
)

/** Whether this backend has our GEMM (wasm, once kernels.ts installed it). */
function useGemm(): boolean {
  return Boolean(tf.getKernel('GptMatMul', tf.getBackend()))
}

function useExplicit(): boolean {
  return EXPLICIT_TRANSPOSE.has(tf.getBackend())
}

/** x (N, in) · W (in, out) + b → (N, out) */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (b && useGemm()) return gemmLinear(x, w, b)
  // webgpu and webgl add the bias in the product's own pass (tfjs's _FusedMatMul): one dispatch, not two
  if (b && GPU_BACKENDS.has(tf.getBackend()))
    return hasFused('GptColumnSum') ? gpuLinear(x, w, b) : (tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D)
  const y = useGemm() ? gemmNN(x, w) : useExplicit() ? matMulExplicit(x, w) : tf.matMul<tf.Tensor2D>(x, w)
  return b ? tf.add(y, b) : y
}

/** x (N, C) · Wᵀ where W is (V, C) → (N, V) */
export function linearTransposed(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (useGemm()) return gemmNT(x, w)
  return useExplicit() ? matMulTransBExplicit(x, w) : tf.matMul(x, w, false, true)
}

/** q·kᵀ per batch and head: (B, nh, T, hs) × (B, nh, T, hs) → (B, nh, T, T). */
export function batchedQK(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  if (useGemm()) return gemmNT(q, k) // batched over (B, nh) as it is: no reshape
  if (!useSimdBatch()) return tf.matMul(q, k, false, true)
  const [B, nh, T, hs] = q.shape
  const kt = tf.reshape<tf.Rank.R3>(tf.transpose(k, [0, 1, 3, 2]), [B * nh, hs, T])
  return tf.reshape(batchMatMulSimd(tf.reshape<tf.Rank.R3>(q, [B * nh, T, hs]), kt), [B, nh, T, T])
}

/** att·v per batch and head: (B, nh, T, T) × (B, nh, T, hs) → (B, nh, T, hs). */
export function batchedAV(att: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [B, nh, T, hs] = v.shape
  if (useGemm()) return gemmNN(att, v)
  if (!useSimdBatch()) return tf.matMul(att, v)
  const y = batchMatMulSimd(tf.reshape<tf.Rank.R3>(att, [B * nh, T, T]), tf.reshape<tf.Rank.R3>(v, [B * nh, T, hs]))
  return tf.reshape(y, [B, nh, T, hs])
}

// ---------------------------------------------------------------------------------------------------------
// The fused kernels of ./fused.ts (installed for wasm by ./kernels.ts), each behind its custom gradient. gpt.ts
// takes these where `hasFused()` and its own chains of tfjs ops elsewhere; both compute the same function
// (wasm.test.ts and fused.test.ts check it).

/**
 * Whether this backend has a fused kernel (by default LayerNorm's): wasm has all of them once kernels.ts
 * installed them, webgpu those of webgpuKernels.ts, webgl those of webglKernels.ts.
 */
export function hasFused(kernel = 'GptLayerNorm'): boolean {
  return Boolean(tf.getKernel(kernel, tf.getBackend()))
}

function runKernel<T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): T {
  return tf.engine().runKernel(name, inputs, attrs) as T
}

type LnKept = [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D]
// y, mean and rstd (wasm); or y and both statistics in one (N, 2) tensor (webgpu: a program has one output, so
// one pass writes both), which then goes to the backward kernel as its mean and its rstd
type LnOut = [tf.Tensor2D, tf.Tensor1D] | [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D]

const lnBiased = customGrad((keep: Keep<LnKept>, x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D) => {
  const [y, mean, rstd = mean] = runKernel<LnOut>('GptLayerNorm', { x, weight, bias })
  keep([x, weight, mean, rstd])
  return {
    value: y,
    gradFunc: (dy, [sx, sw, sm, sr]) =>
      runKernel('GptLayerNormGrad', { dy, x: sx, weight: sw, mean: sm, rstd: sr }, { hasBias: true }),
  }
})

const lnUnbiased = customGrad((keep: Keep<LnKept>, x: tf.Tensor2D, weight: tf.Tensor1D) => {
  const [y, mean, rstd = mean] = runKernel<LnOut>('GptLayerNorm', { x, weight })
  keep([x, weight, mean, rstd])
  return {
    value: y,
    gradFunc: (dy, [sx, sw, sm, sr]) =>
      runKernel('GptLayerNormGrad', { dy, x: sx, weight: sw, mean: sm, rstd: sr }, { hasBias: false }),
  }
})

/** LayerNorm over the last axis in one kernel, its backward in one more. */
export function fusedLayerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias?: tf.Tensor1D): tf.Tensor2D {
  return bias ? lnBiased(x, weight, bias) : lnUnbiased(x, weight)
}

/** Exact GELU in one kernel, which also gives dy/dx: the backward is one multiply. */
export const fusedGelu = customGrad((keep: Keep<[tf.Tensor2D]>, x: tf.Tensor2D) => {
  const [y, deriv] = runKernel<[tf.Tensor2D, tf.Tensor2D]>('GptGelu', { x })
  keep([deriv])
  return { value: y, gradFunc: (dy, [d]) => [runKernel<tf.Tensor2D>('GptGeluGrad', { dy, deriv: d })] }
})

/** softmax(scale·scores) over the keys, the future masked out when `causal`: (B, nh, T, T) → (B, nh, T, T). */
export function fusedAttentionSoftmax(scores: tf.Tensor4D, scale: number, causal: boolean): tf.Tensor4D {
  const f = customGrad((keep: Keep<[tf.Tensor4D]>, s: tf.Tensor4D) => {
    const p = runKernel<tf.Tensor4D>('GptCausalSoftmax', { scores: s }, { scale, causal })
    keep([p])
    return { value: p, gradFunc: (dp, [sp]) => [runKernel<tf.Tensor4D>('GptSoftmaxGrad', { dp, p: sp }, { scale })] }
  })
  return f(scores)
}

/**
 * Mean cross-entropy (weighted: Σ wᵢ·nllᵢ / norm) of logits (N, V) against int32 targets (N), in one kernel
 * that also keeps the softmax for the backward kernel.
 */
export function fusedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  norm: number,
  weights?: tf.Tensor1D,
): tf.Scalar {
  const f = customGrad((keep: Keep<tf.Tensor[]>, lg: tf.Tensor2D) => {
    const ids = tf.cast(targets, 'int32')
    const [value, probs] = runKernel<[tf.Scalar, tf.Tensor2D]>(
      'GptCrossEntropy',
      weights ? { logits: lg, targets: ids, weights } : { logits: lg, targets: ids },
      { norm },
    )
    keep(weights ? [probs, ids, weights] : [probs, ids]) // kept: the closure's tensors are disposed before the backward
    return {
      value,
      gradFunc: (dy, [sp, sIds, sw]) => [
        runKernel<tf.Tensor2D>(
          'GptCrossEntropyGrad',
          sw ? { probs: sp, targets: sIds, weights: sw, dy } : { probs: sp, targets: sIds, dy },
          { norm },
        ),
      ],
    }
  })
  return f(logits)
}

/** The widest head GptAttention takes (webgpuKernels.ts keeps a thread's rows of the head in registers). */
export const FUSED_ATTENTION_MAX_HEAD = 128

/**
 * Causal (or full) multi-head attention from the one projection's qkv (B·T, 3C) to the heads' outputs side by
 * side (B·T, C), softmax(q·kᵀ/√hs)·v, in one kernel that keeps no (B, nh, T, T) probabilities: its backward
 * recomputes them from each row's log-sum-exp (FlashAttention's way), in one more kernel giving d qkv.
 */
export function fusedAttention(qkv: tf.Tensor2D, B: number, nh: number, causal: boolean): tf.Tensor2D {
  const attrs = { batch: B, heads: nh, causal }
  const f = customGrad((keep: Keep<tf.Tensor[]>, x: tf.Tensor2D) => {
    const [y, lse] = runKernel<[tf.Tensor2D, tf.Tensor3D]>('GptAttention', { qkv: x }, attrs)
    keep([x, y, lse])
    return {
      value: y,
      gradFunc: (dy, [sx, sy, sl]) => [
        runKernel<tf.Tensor2D>('GptAttentionGrad', { dy, qkv: sx, y: sy, lse: sl }, attrs),
      ],
    }
  })
  return f(qkv)
}

/** qkv (B·T, 3C) → q, k, v, each (B, nh, T, hs), in one kernel (its gradient: GptMergeHeads). */
export function fusedSplitHeads(qkv: tf.Tensor2D, B: number, nh: number): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
  return runKernel<tf.Tensor4D[]>('GptSplitHeads', { x: qkv }, { batch: B, heads: nh, parts: 3 }) as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
  ]
}

/** y (B, nh, T, hs) → (B·T, C), the heads side by side again, in one kernel (its gradient: GptSplitHeads). */
export function fusedMergeHeads(y: tf.Tensor4D): tf.Tensor2D {
  const [B, nh] = y.shape
  return runKernel<tf.Tensor2D>('GptMergeHeads', { x0: y }, { parts: 1, batch: B, heads: nh })
}

/**
 * GptSplitHeads' input, checked: (B·T, parts·C) for B sequences and nh heads gives T and the head size (the wasm
 * and webgpu kernels share it).
 */
export function splitHeadsShape(shape: number[], B: number, nh: number, parts: number): { T: number; hs: number } {
  const [rows, width] = shape
  const T = rows / B
  const hs = width / parts / nh
  if (shape.length !== 2 || !Number.isInteger(T) || !Number.isInteger(hs))
    throw new Error(`GptSplitHeads: [${shape}] is not (B·T, ${parts}·C) for B ${B}, ${nh} heads`)
  return { T, hs }
}

/** The two head kernels' gradients: each is the other. */
export function registerHeadGradients(): void {
  if (tf.getGradient('GptSplitHeads')) return
  tf.registerGradient({
    kernelName: 'GptSplitHeads',
    gradFunc: (dy, _saved, attrs) => {
      const dys = dy as tf.Tensor[]
      const { parts, batch, heads } = attrs as { parts: number; batch: number; heads: number }
      const inputs = Object.fromEntries(dys.map((d, i) => [`x${i}`, d]))
      return { x: () => tf.engine().runKernel('GptMergeHeads', inputs, { parts, batch, heads }) as tf.Tensor }
    },
  })
  tf.registerGradient({
    kernelName: 'GptMergeHeads',
    gradFunc: (dy, _saved, attrs) => {
      const { parts, batch, heads } = attrs as { parts: number; batch: number; heads: number }
      const d = dy as tf.Tensor
      const split = () => tf.engine().runKernel('GptSplitHeads', { x: d }, { batch, heads, parts }) as tf.Tensor[]
      let cache: tf.Tensor[] | undefined
      const part = (i: number) => () => (cache ??= split())[i]
      return Object.fromEntries(Array.from({ length: parts }, (_, i) => [`x${i}`, part(i)]))
    },
  })
}
