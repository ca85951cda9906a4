// The element-wise and row-wise work of a training step, fused: each function here is one pass (or two) over
// plain Float32Arrays where tfjs runs a chain of kernels (LayerNorm's forward is eight tfjs kernels and its
// backward about twenty; GELU's five and nine; the causal softmax three and five; the loss nine and seven;
// AdamW's update some forty over the whole parameter vector, with a concat and a split). They know nothing of
// tfjs: ./kernels.ts registers them as kernels over the wasm backend's heap, ./ops.ts wraps them in custom
// gradients, and ./fused.test.ts holds each one to a float64 reference. Sums are taken in float64 (JavaScript
// numbers) and rounded once, so a fused kernel is at least as accurate as the chain it replaces.
// Shapes: N rows of C values (LayerNorm, the loss: N rows of V logits), R rows of T scores for attention.

/** LayerNorm's ε, PyTorch's default (nn.LayerNorm, nanoGPT). */
export const LN_EPS = 1e-5

/**
 * y = (x − mean) / √(var + ε) · weight + bias over each row of C values; also writes each row's mean and
 * 1/√(var + ε) (rstd), which the backward pass reuses. `bias` may be null (a model without biases).
 */
export function layerNormForward(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  N: number,
  C: number,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  for (let r = 0, o = 0; r < N; r++, o += C) {
    let s = 0
    for (let c = 0; c < C; c++) s += x[o + c]
    const mu = s / C
    let q = 0
    for (let c = 0; c < C; c++) {
      const d = x[o + c] - mu
      q += d * d
    }
    const rs = 1 / Math.sqrt(q / C + LN_EPS)
    mean[r] = mu
    rstd[r] = rs
    if (bias) for (let c = 0; c < C; c++) y[o + c] = (x[o + c] - mu) * rs * weight[c] + bias[c]
    else for (let c = 0; c < C; c++) y[o + c] = (x[o + c] - mu) * rs * weight[c]
  }
}

/**
 * LayerNorm's backward from dy and the forward's x, mean and rstd: with x̂ = (x − mean)·rstd and g = dy·weight,
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) per row; dWeight = Σ_rows dy·x̂, dBias = Σ_rows dy (dBias may be null).
 */
export function layerNormBackward(
  dy: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
  dx: Float32Array,
  dWeight: Float32Array,
  dBias: Float32Array | null,
): void {
  const dw = new Float64Array(C)
  const db = new Float64Array(C)
  for (let r = 0, o = 0; r < N; r++, o += C) {
    const mu = mean[r]
    const rs = rstd[r]
    let sg = 0
    let sgx = 0
    for (let c = 0; c < C; c++) {
      const xh = (x[o + c] - mu) * rs
      const d = dy[o + c]
      const g = d * weight[c]
      sg += g
      sgx += g * xh
      dw[c] += d * xh
      db[c] += d
    }
    const mg = sg / C
    const mgx = sgx / C
    for (let c = 0; c < C; c++) {
      const xh = (x[o + c] - mu) * rs
      dx[o + c] = rs * (dy[o + c] * weight[c] - mg - xh * mgx)
    }
  }
  dWeight.set(dw)
  if (dBias) dBias.set(db)
}

const SQRT_HALF = Math.SQRT1_2
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)

/**
 * GELU in its exact form, y = x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2, and its derivative Φ(x) + x·φ(x)
 * (φ the normal density), written to `deriv` for the backward pass (dx = dy·deriv: one multiply, no second
 * erf). erfc is Abramowitz & Stegun's 7.1.26 (absolute error < 1.5e-7, the fit tfjs's own Erf uses), a
 * polynomial times exp(−x²/2): the one exp φ needs too.
 */
export function geluForward(x: Float32Array, y: Float32Array, deriv: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    const z = Math.abs(v) * SQRT_HALF
    const t = 1 / (1 + 0.3275911 * z)
    const e = Math.exp(-z * z) // exp(−x²/2)
    const tail = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e
    const cdf = v >= 0 ? 1 - 0.5 * tail : 0.5 * tail // Φ(x); tail = erfc(|x|/√2)
    y[i] = v * cdf
    deriv[i] = cdf + v * e * INV_SQRT_2PI
  }
}

/**
 * Attention's probabilities from raw scores s = q·kᵀ (R rows of T keys, rows grouped in T×T blocks of one
 * head, query i at row i of its block): p = softmax(scale·s) over the keys j ≤ i (causal) or all keys; the
 * future is exactly 0, as exp(−1e9) is in the masked chain it replaces.
 */
export function causalSoftmax(
  s: Float32Array,
  R: number,
  T: number,
  scale: number,
  causal: boolean,
  p: Float32Array,
): void {
  for (let r = 0, o = 0; r < R; r++, o += T) {
    const n = causal ? (r % T) + 1 : T
    let max = -Infinity
    for (let j = 0; j < n; j++) max = Math.max(max, s[o + j])
    let sum = 0
    for (let j = 0; j < n; j++) {
      const e = Math.exp((s[o + j] - max) * scale)
      p[o + j] = e
      sum += e
    }
    const inv = 1 / sum
    for (let j = 0; j < n; j++) p[o + j] *= inv
    for (let j = n; j < T; j++) p[o + j] = 0
  }
}

/** The softmax's backward to the raw scores: ds = scale · p ⊙ (dp − Σ_j dp⊙p) per row. */
export function softmaxBackward(
  dp: Float32Array,
  p: Float32Array,
  R: number,
  T: number,
  scale: number,
  ds: Float32Array,
): void {
  for (let r = 0, o = 0; r < R; r++, o += T) {
    let dot = 0
    for (let j = 0; j < T; j++) dot += dp[o + j] * p[o + j]
    for (let j = 0; j < T; j++) ds[o + j] = scale * p[o + j] * (dp[o + j] - dot)
  }
}

/** Row r's target, refused outside [0, V) (tfjs's gather would read another row's logit). */
function targetAt(targets: Int32Array, r: number, V: number): number {
  const t = targets[r]
  if (!(t >= 0 && t < V)) throw new Error(`cross-entropy: target ${t} outside the vocabulary of ${V}`)
  return t
}

/**
 * Mean cross-entropy over N rows of V logits against integer targets, weighted when `weights` is given:
 * −Σ wᵢ·log softmax(logitsᵢ)[targetᵢ] / norm. Writes softmax(logits) to `probs` for the backward pass and
 * returns the loss. A target outside [0, V) is an error (tfjs's gather would read another row's logit).
 */
export function crossEntropyForward(
  logits: Float32Array,
  targets: Int32Array,
  weights: Float32Array | null,
  N: number,
  V: number,
  norm: number,
  probs: Float32Array,
): number {
  let total = 0
  for (let r = 0, o = 0; r < N; r++, o += V) {
    const t = targetAt(targets, r, V)
    let max = -Infinity
    for (let j = 0; j < V; j++) max = Math.max(max, logits[o + j])
    let sum = 0
    for (let j = 0; j < V; j++) {
      const e = Math.exp(logits[o + j] - max)
      probs[o + j] = e
      sum += e
    }
    const inv = 1 / sum
    for (let j = 0; j < V; j++) probs[o + j] *= inv
    const nll = Math.log(sum) + max - logits[o + t]
    total += weights ? weights[r] * nll : nll
  }
  return total / norm
}

/**
 * crossEntropyForward's loss when the softmax is already done (fused.wat's softmaxStats): from each row's max and
 * Σ exp(logit − max) in `stats` (two values a row), −log p_target = log Σ + max − logit_target, in float64.
 */
export function crossEntropyFromStats(
  logits: Float32Array,
  targets: Int32Array,
  weights: Float32Array | null,
  N: number,
  V: number,
  norm: number,
  stats: Float32Array,
): number {
  let total = 0
  for (let r = 0; r < N; r++) {
    const t = targetAt(targets, r, V)
    const nll = Math.log(stats[2 * r + 1]) + stats[2 * r] - logits[r * V + t]
    total += weights ? weights[r] * nll : nll
  }
  return total / norm
}

/** The loss's gradient: dlogits = (probs − onehot(targets)) · w · dLoss / norm. */
export function crossEntropyBackward(
  probs: Float32Array,
  targets: Int32Array,
  weights: Float32Array | null,
  N: number,
  V: number,
  scale: number, // dLoss / norm
  dlogits: Float32Array,
): void {
  for (let r = 0, o = 0; r < N; r++, o += V) {
    const k = weights ? weights[r] * scale : scale
    for (let j = 0; j < V; j++) dlogits[o + j] = probs[o + j] * k
    dlogits[o + targets[r]] -= k
  }
}

/** √(Σ over every part of Σ x²): the global L2 norm of all gradients, as clip_grad_norm_ computes it. */
export function globalNorm(parts: Float32Array[]): number {
  let s = 0
  for (const x of parts) for (let i = 0; i < x.length; i++) s += x[i] * x[i]
  return Math.sqrt(s)
}

/** AdamW's constants for one update (torch.optim.AdamW's, and clip_grad_norm_'s coefficient). */
export interface AdamWStep {
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
  /** 1 − β1ᵗ and 1 − β2ᵗ at this step t */
  bc1: number
  bc2: number
  /** the gradients' factor from clipping: min(1, maxNorm / (norm + 1e-6)), or 1 */
  gradScale: number
}

/**
 * One AdamW update of one parameter, in one pass: g ← gradScale·g; p ← p·(1 − lr·wd) where `decayed`;
 * m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/bc1 · m / (√v/√bc2 + ε). Reads p, g and the
 * moments at `at` (the parameter's place in the flat moment vectors) and writes p', m', v'.
 */
export function adamwUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  at: number,
  decayed: boolean,
  s: AdamWStep,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  const keep = decayed ? 1 - s.lr * s.weightDecay : 1
  const step = s.lr / s.bc1
  const rootBc2 = Math.sqrt(s.bc2)
  const { beta1, beta2, eps, gradScale } = s
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * gradScale
    const mi = beta1 * m[at + i] + (1 - beta1) * gi
    const vi = beta2 * v[at + i] + (1 - beta2) * gi * gi
    mOut[at + i] = mi
    vOut[at + i] = vi
    pOut[i] = p[i] * keep - (step * mi) / (Math.sqrt(vi) / rootBc2 + eps)
  }
}
