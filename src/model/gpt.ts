/**
 * Full definition of a GPT language model in this file: nanoGPT's model.py as pure functions over explicit
 * tf.Variables, for TensorFlow.js on any backend (and in Node, for tests). The matrix products that need a
 * backend's own path to be fast live beside it in ./ops.ts.
 * References: karpathy/nanoGPT model.py, OpenAI's GPT-2, "Attention Is All You Need".
 *
 * Glossary: B batch, T time (sequence length), C channels (nEmbd), nh heads, hs head size (C / nh), V vocab.
 * Parameters are named by stable dotted paths in nanoGPT's vocabulary, camelCased:
 *   wte.weight (V, C)  wpe.weight (blockSize, C)
 *   h.{i}.ln1.{weight,bias}  h.{i}.attn.cAttn.{weight (C, 3C), bias}  h.{i}.attn.cProj.{weight (C, C), bias}
 *   h.{i}.ln2.{weight,bias}  h.{i}.mlp.cFc.{weight (C, 4C), bias}    h.{i}.mlp.cProj.{weight (4C, C), bias}
 *   lnF.{weight,bias}        the LM head is tied to wte.weight (no parameter of its own)
 * Linear weights are stored [in, out] (tfjs layout); PyTorch's nn.Linear stores [out, in].
 *
 * Speed: activations are kept rank 2, (B·T, C), for every linear layer. The products that some backends run
 * slowly (matMul with transpose flags on wasm and cpu, batched products on wasm) are in ./ops.ts, beside this
 * file: here they are plain `linear`, `batchedQK` and `batchedAV` (docs/ARCHITECTURE.md, "Backend choice").
 */
import * as tf from '@tensorflow/tfjs'
import type { ModelConfig } from '../shared/config'
import { sinusoidTable, usesSinusoid } from './positions'
import { batchedAV, batchedQK, linear, linearTransposed } from './ops'

export type Params = Record<string, tf.Variable>

let modelCounter = 0

/** Parameter shapes by path, in a fixed order (the order the closed-form count in shared/config.ts adds them). */
export function paramShapes(cfg: ModelConfig): [string, number[]][] {
  const C = cfg.nEmbd
  const out: [string, number[]][] = [['wte.weight', [cfg.vocabSize, C]]]
  if (!usesSinusoid(cfg)) out.push(['wpe.weight', [cfg.blockSize, C]]) // a fixed sinusoid is not a parameter
  const lin = (name: string, nIn: number, nOut: number) => {
    out.push([`${name}.weight`, [nIn, nOut]])
    if (cfg.bias) out.push([`${name}.bias`, [nOut]])
  }
  for (let i = 0; i < cfg.nLayer; i++) {
    out.push([`h.${i}.ln1.weight`, [C]])
    if (cfg.bias) out.push([`h.${i}.ln1.bias`, [C]])
    lin(`h.${i}.attn.cAttn`, C, 3 * C)
    lin(`h.${i}.attn.cProj`, C, C)
    out.push([`h.${i}.ln2.weight`, [C]])
    if (cfg.bias) out.push([`h.${i}.ln2.bias`, [C]])
    lin(`h.${i}.mlp.cFc`, C, 4 * C)
    lin(`h.${i}.mlp.cProj`, 4 * C, C)
  }
  out.push(['lnF.weight', [C]])
  if (cfg.bias) out.push(['lnF.bias', [C]])
  return out
}

/** Weight decay applies to 2-D tensors only (embeddings and linear weights), as in nanoGPT's configure_optimizers. */
export function isDecayed(shape: readonly number[]): boolean {
  return shape.length >= 2
}

/**
 * GPT-2 initialisation: weights N(0, 0.02), residual projections (attn.cProj, mlp.cProj) N(0, 0.02/√(2·nLayer)),
 * biases 0, LayerNorm weights 1. Deterministic for a seed on every backend (the numbers are drawn in JS).
 */
export function initParams(cfg: ModelConfig, seed: number): Params {
  const id = ++modelCounter
  const params: Params = {}
  const residualStd = 0.02 / Math.sqrt(2 * cfg.nLayer)
  let k = 0
  for (const [path, shape] of paramShapes(cfg)) {
    k++
    const init = tf.tidy(() => {
      if (path.endsWith('.bias')) return tf.zeros(shape)
      if (/ln\d?\.weight$|lnF\.weight$/.test(path)) return tf.ones(shape)
      const std = /\.cProj\.weight$/.test(path) ? residualStd : 0.02
      return tf.randomNormal(shape, 0, std, 'float32', seed * 1000 + k)
    })
    params[path] = tf.variable(init, true, `gpt${id}/${path}`)
    init.dispose()
  }
  return params
}

/** Builds a set of variables from plain arrays (tests, checkpoints). */
export function paramsFromArrays(cfg: ModelConfig, values: Record<string, Float32Array | number[]>): Params {
  const id = ++modelCounter
  const params: Params = {}
  for (const [path, shape] of paramShapes(cfg)) {
    const v = values[path]
    if (!v) throw new Error(`missing parameter ${path}`)
    const init = tf.tensor(v, shape)
    params[path] = tf.variable(init, true, `gpt${id}/${path}`)
    init.dispose()
  }
  return params
}

/** Every parameter as a plain array, by path (one readback each). */
export async function readParams(params: Params): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {}
  for (const [name, v] of Object.entries(params)) out[name] = (await v.data()) as Float32Array
  return out
}

export function disposeParams(params: Params): void {
  for (const v of Object.values(params)) v.dispose()
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks. Every function here is called inside a tf.tidy by its caller.

/**
 * Embedding lookup W[ids] → (N, C). Its gradient is one scatter-add into (V, C), UnsortedSegmentSum (on wasm,
 * which lacks that kernel, the one ./kernels.ts installs), instead of tfjs's gather gradient with its reshapes.
 */
export function embedding(w: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const V = w.shape[0]
  const f = tf.customGrad((table, save) => {
    ;(save as tf.GradSaveFunc)([ids]) // kept for the backward pass (a closure alone would see it disposed)
    return {
      value: tf.gather(table as tf.Tensor2D, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.unsortedSegmentSum(dy, saved[0] as tf.Tensor1D, V)],
    }
  })
  return f(w) as tf.Tensor2D
}

/** LayerNorm over the last axis, ε = 1e-5 as in PyTorch. */
export function layerNorm(x: tf.Tensor2D, w: tf.Tensor1D, b?: tf.Tensor1D): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true)
  const y = tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), w)
  return (b ? tf.add(y, b) : y) as tf.Tensor2D
}

/** GELU, the exact form nn.GELU() uses: 0.5·x·(1 + erf(x/√2)). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as tf.Tensor2D
}

const maskCache = new Map<number, Float32Array>()
/** (T, T) additive causal mask: 0 where key ≤ query, −1e9 above the diagonal (the future). */
function causalMask(T: number): tf.Tensor2D {
  let m = maskCache.get(T)
  if (!m) {
    m = new Float32Array(T * T)
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9
    maskCache.set(T, m)
  }
  return tf.tensor2d(m, [T, T])
}

export interface ForwardOptions {
  training?: boolean // dropout on (when cfg.dropout > 0)
  captureAttention?: boolean // also return every layer's attention probabilities
  seed?: number // dropout seed for this call (same seed → same masks)
  lastOnly?: boolean // logits for the last position of each sequence only (generation)
  captureResiduals?: boolean // also return the residual stream (B·T, C) after the embeddings and after each block
}

interface Dropper {
  (x: tf.Tensor): tf.Tensor
}

function makeDropout(rate: number, opts: ForwardOptions): Dropper {
  if (!opts.training || rate <= 0) return (x) => x
  let k = 0
  const base = opts.seed ?? 0
  return (x) => tf.dropout(x, rate, undefined, base * 7919 + ++k)
}

/**
 * Causal multi-head self-attention on x (B·T, C) → (B·T, C), and the attention probabilities (B, nh, T, T).
 * All heads at once: q, k, v come from one (C, 3C) projection and are split into heads.
 */
export function causalSelfAttention(
  params: Params,
  prefix: string,
  x: tf.Tensor2D,
  B: number,
  T: number,
  cfg: ModelConfig,
  drop: Dropper = (t) => t,
): { y: tf.Tensor2D; att: tf.Tensor4D } {
  const C = cfg.nEmbd
  const nh = cfg.nHead
  const hs = C / nh
  const qkv = linear(
    x,
    params[`${prefix}.cAttn.weight`] as tf.Tensor2D,
    params[`${prefix}.cAttn.bias`] as tf.Tensor1D | undefined,
  ) // (B·T, 3C)
  const [q, k, v] = tf.split(qkv, 3, 1) // each (B·T, C)
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]) as tf.Tensor4D // (B, nh, T, hs)
  const qh = heads(q)
  const kh = heads(k)
  const vh = heads(v)
  const scaled = tf.mul(batchedQK(qh, kh), 1 / Math.sqrt(hs)) // (B, nh, T, T)
  const scores = cfg.causal === false ? scaled : tf.add(scaled, causalMask(T)) // no mask: the "break it" experiment
  const att = tf.softmax(scores) as tf.Tensor4D // (B, nh, T, T), rows sum to 1 over keys ≤ query (over all keys without the mask)
  const yh = batchedAV(drop(att) as tf.Tensor4D, vh) // (B, nh, T, hs)
  const y = tf.reshape(tf.transpose(yh, [0, 2, 1, 3]), [B * T, C]) as tf.Tensor2D // (B, T, nh, hs) → (B·T, C)
  const out = linear(
    y,
    params[`${prefix}.cProj.weight`] as tf.Tensor2D,
    params[`${prefix}.cProj.bias`] as tf.Tensor1D | undefined,
  )
  return { y: drop(out) as tf.Tensor2D, att }
}

export type ForwardResult = {
  logits: tf.Tensor2D // (B·T, V), or (B, V) with lastOnly
  attention: tf.Tensor4D[] // per layer (B, nh, T, T) when captured, else empty
  residuals: tf.Tensor2D[] // nLayer + 1 of them (B·T, C) when captured, else empty
}

/** idx (B, T) int32 → logits. T may be shorter than blockSize, never longer. */
export function forward(params: Params, cfg: ModelConfig, idx: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
  const [B, T] = idx.shape
  if (T > cfg.blockSize) throw new Error(`Cannot forward sequence of length ${T}, block size is only ${cfg.blockSize}`)
  const C = cfg.nEmbd
  const drop = makeDropout(cfg.dropout, opts)
  const p = (name: string) => params[name] as tf.Tensor
  const b1 = (name: string) => params[name] as tf.Tensor1D | undefined
  const tokEmb = embedding(p('wte.weight') as tf.Tensor2D, tf.reshape(idx, [B * T]) as tf.Tensor1D) // (B·T, C)
  const posEmb = usesSinusoid(cfg)
    ? tf.tensor2d(sinusoidTable(T, C), [T, C]) // fixed: the first T rows of the table (T, C)
    : embedding(p('wpe.weight') as tf.Tensor2D, tf.range(0, T, 1, 'int32') as tf.Tensor1D) // (T, C)
  let x = drop(tf.reshape(tf.add(tf.reshape(tokEmb, [B, T, C]), posEmb), [B * T, C])) as tf.Tensor2D // (B·T, C)
  const attention: tf.Tensor4D[] = []
  const residuals: tf.Tensor2D[] = opts.captureResiduals ? [x] : []
  for (let i = 0; i < cfg.nLayer; i++) {
    const h = `h.${i}`
    const a = causalSelfAttention(
      params,
      `${h}.attn`,
      layerNorm(x, p(`${h}.ln1.weight`) as tf.Tensor1D, b1(`${h}.ln1.bias`)),
      B,
      T,
      cfg,
      drop,
    )
    if (opts.captureAttention) attention.push(a.att)
    x = tf.add(x, a.y) // residual
    const hid = gelu(
      linear(
        layerNorm(x, p(`${h}.ln2.weight`) as tf.Tensor1D, b1(`${h}.ln2.bias`)),
        p(`${h}.mlp.cFc.weight`) as tf.Tensor2D,
        b1(`${h}.mlp.cFc.bias`),
      ),
    ) // (B·T, 4C)
    x = tf.add(x, drop(linear(hid, p(`${h}.mlp.cProj.weight`) as tf.Tensor2D, b1(`${h}.mlp.cProj.bias`)))) // residual
    if (opts.captureResiduals) residuals.push(x)
  }
  if (opts.lastOnly) {
    x = tf.reshape(tf.slice(tf.reshape(x, [B, T, C]), [0, T - 1, 0], [B, 1, C]), [B, C]) as tf.Tensor2D // (B, C)
  }
  x = layerNorm(x, p('lnF.weight') as tf.Tensor1D, b1('lnF.bias'))
  const logits = linearTransposed(x, p('wte.weight') as tf.Tensor2D) // tied LM head: (N, V)
  return { logits, attention, residuals }
}

/**
 * The logit lens: the residual stream at one position after the embeddings and after each block, read out as
 * if it were the last layer (final LayerNorm, tied head): (nLayer + 1, V) logits, row L being the model's own.
 */
export function logitLens(params: Params, cfg: ModelConfig, idx: tf.Tensor2D, position: number): tf.Tensor2D {
  const [, T] = idx.shape
  if (!(position >= 0 && position < T)) throw new Error(`position ${position} is outside the probe of ${T}`)
  const { residuals } = forward(params, cfg, idx, { captureResiduals: true })
  const rows = tf.concat(residuals.map((r) => tf.slice(r, [position, 0], [1, cfg.nEmbd]))) as tf.Tensor2D // (L+1, C), batch 0
  const x = layerNorm(rows, params['lnF.weight'] as tf.Tensor1D, params['lnF.bias'] as tf.Tensor1D | undefined)
  return linearTransposed(x, params['wte.weight'] as tf.Tensor2D)
}

/**
 * Mean cross-entropy of logits (N, V) against integer targets (N): −mean(log softmax(logits)[i, targets[i]]).
 * With `weights` (N, 0 or 1 in pair mode): the weighted mean −Σ wᵢ·log pᵢ / Σ wᵢ, so only the positions that
 * count (a completion's tokens) are learned; `total` is Σ wᵢ, known on the CPU, so nothing is read back.
 * Forward: the target entries are gathered from the flattened log-probabilities. Backward, in closed form:
 * d/dlogits = w ⊙ (softmax(logits) − onehot(targets)) / Σw — element-wise on every backend, where autodiff
 * through the gather would scatter into N·V segments (tfjs-cpu's UnsortedSegmentSum loops over segments:
 * measured 777 ms a tiny step) and through a one-hot product costs two more passes over (N, V).
 */
export function crossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  weights?: { w: tf.Tensor1D; total: number },
): tf.Scalar {
  const [N, V] = logits.shape
  const norm = weights ? Math.max(weights.total, 1) : N // a batch without a weighted position has loss 0, not NaN
  const f = tf.customGrad((lg, save) => {
    const logp = tf.logSoftmax(lg as tf.Tensor2D) // (N, V)
    const ids = tf.cast(targets, 'int32') as tf.Tensor1D
    const at = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), ids) // flat index of (i, targets[i])
    ;(save as tf.GradSaveFunc)([logp, ids])
    const picked = tf.gather(tf.reshape(logp, [N * V]), at) // (N)
    return {
      value: tf.neg(tf.div(tf.sum(weights ? tf.mul(picked, weights.w) : picked), norm)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sLogp, sIds] = saved
        const target = tf.cast(tf.oneHot(sIds as tf.Tensor1D, V), 'float32') // not oneHot(…, 'float32'): tfjs-wasm fills it as int32
        const g = tf.mul(tf.sub(tf.exp(sLogp), target), tf.div(dy, norm))
        return [weights ? tf.mul(g, tf.reshape(weights.w, [N, 1])) : g]
      },
    }
  })
  return f(logits) as tf.Scalar
}

/** Every target's cross-entropy on a batch, (B·T), without dropout: for losses by position (evaluation only). */
export function tokenLosses(params: Params, cfg: ModelConfig, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  const { logits } = forward(params, cfg, x)
  const [N, V] = logits.shape
  const at = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), tf.cast(tf.reshape(y, [-1]), 'int32'))
  return tf.neg(tf.gather(tf.reshape(tf.logSoftmax(logits), [N * V]), at)) as tf.Tensor1D
}

/**
 * Training loss on a batch: x, y (B, T) int32. `weights` (B, T) float32 with their sum: only weighted targets
 * count (pair mode: the completions).
 */
export function loss(
  params: Params,
  cfg: ModelConfig,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  opts: ForwardOptions & { weights?: { w: tf.Tensor2D; total: number } } = {},
): tf.Scalar {
  const { logits } = forward(params, cfg, x, opts)
  const w = opts.weights && { w: tf.reshape(opts.weights.w, [-1]) as tf.Tensor1D, total: opts.weights.total }
  return crossEntropy(logits, tf.reshape(y, [-1]) as tf.Tensor1D, w)
}
