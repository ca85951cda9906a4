/**
 * Full definition of a GPT language model in this file: nanoGPT's model.py as pure functions, for
 * TensorFlow.js on any backend (and in Node, for tests). In model.py's order: LayerNorm, causal self-attention,
 * the MLP, the block, the whole GPT's forward pass; then the losses and the logit lens.
 * References: karpathy/nanoGPT model.py, OpenAI's GPT-2, "Attention Is All You Need".
 *
 * Glossary: B batch, T time (sequence length), C channels (nEmbd), nh heads, hs head size (C / nh), V vocab.
 * The parameters are a typed tree in model.py's vocabulary (`p.h[i].attn.cAttn.weight`), built once from their
 * dotted paths (`h.{i}.attn.cAttn.weight`, the names checkpoints use): ./params.ts, which also holds their
 * shapes and GPT-2's initialisation. Every function taking `params` takes either form.
 *
 * Speed: activations are kept rank 2, (B·T, C), for every linear layer: shape comments say (B, T, C) where the
 * layout is (B·T, C). The products some backends run slowly (matMul with transpose flags on wasm and cpu,
 * batched products on wasm) are in ./ops.ts, beside this file: here they are plain `linear`, `batchedQK` and
 * `batchedAV` (docs/ARCHITECTURE.md, "Backend choice").
 */
import * as tf from '@tensorflow/tfjs'
import type { ModelConfig } from '../shared/config'
import { learnsPositions, sinusoidTable, usesSinusoid } from './positions'
import {
  batchedAV,
  batchedQK,
  customGrad,
  FUSED_ATTENTION_MAX_HEAD,
  fusedAttention,
  fusedAttentionSoftmax,
  fusedCrossEntropy,
  fusedGelu,
  fusedLayerNorm,
  fusedMergeHeads,
  fusedSplitHeads,
  hasFused,
  linear,
  linearTransposed,
  type Keep,
} from './ops'
import { gptParams, headOf, type BlockParams, type GptParams, type LayerNormParams, type Params } from './params'

export {
  disposeParams,
  gptParams,
  initParams,
  isDecayed,
  paramShapes,
  paramsFromArrays,
  readParams,
  type BlockParams,
  type GptParams,
  type Params,
} from './params'

/** A model's variables: by dotted path, or as their typed tree. */
export type ModelParams = Params | GptParams

// ---------------------------------------------------------------------------------------------------------
// Building blocks. Every function here is called inside a tf.tidy by its caller.

/** LayerNorm over the last axis, ε = 1e-5 as in PyTorch: (N, C) → (N, C). (One fused kernel where the backend has it.) */
export function layerNorm(x: tf.Tensor2D, ln: LayerNormParams): tf.Tensor2D {
  if (hasFused()) return fusedLayerNorm(x, ln.weight, ln.bias)
  const { mean, variance } = tf.moments(x, -1, true)
  const y: tf.Tensor2D = tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), ln.weight)
  return ln.bias ? tf.add(y, ln.bias) : y
}

/** GELU, the exact form nn.GELU() uses: 0.5·x·(1 + erf(x/√2)). */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  if (hasFused('GptGelu')) return fusedGelu(x)
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1))
}

/**
 * Embedding lookup W[ids] → (N, C). Its gradient is one scatter-add into (V, C), UnsortedSegmentSum (on wasm,
 * which lacks that kernel, the one ./kernels.ts installs), instead of tfjs's gather gradient with its reshapes.
 */
export function embedding(w: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const V = w.shape[0]
  const f = customGrad((keep: Keep<[tf.Tensor1D]>, table: tf.Tensor2D) => {
    keep([ids]) // kept for the backward pass (a closure alone would see it disposed)
    return {
      value: tf.gather(table, ids),
      gradFunc: (dy, [segments]) => [tf.unsortedSegmentSum(dy, segments, V)],
    }
  })
  return f(w)
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
  ablate?: HeadAblation // switch heads off (evaluation and generation only)
  captureHeads?: boolean // also return every layer's head outputs (B, nh, T, hs), before the output projection
  patch?: ActivationPatch // activation patching: a clean run's activations put into this one (evaluation only)
}

/**
 * Activation patching: activations captured from a clean run (one sequence, `forward(…, { captureHeads,
 * captureResiduals })`) written into each row of this run. Row b's `heads[b]` lists [layer, head] whose output
 * (before the output projection) becomes the clean one; `resid[b]` lists [layer, position] where the residual
 * stream entering block `layer` (layer nLayer: after the last block) becomes the clean one. Rows are
 * independent, so one batched pass measures many patches.
 */
export interface ActivationPatch {
  clean: { heads: tf.Tensor4D[]; resid: tf.Tensor2D[] } // per layer (1, nh, T, hs); nLayer + 1 of (T, C)
  heads?: (readonly (readonly [layer: number, head: number])[])[]
  resid?: (readonly (readonly [layer: number, position: number])[])[]
}

/**
 * Heads switched off: each listed head's output (its attention-weighted values, before the output projection)
 * is zeroed, or replaced by its mean over the batch's sequences at each position (`mean`: what the head writes
 * on average there, without what it read from this sequence).
 */
export interface HeadAblation {
  heads: readonly (readonly [layer: number, head: number])[]
  mode: 'zero' | 'mean'
}

/** Dropout as one forward pass applies it: each call draws the next mask of the pass (seeded), or is the identity. */
type Dropout = <X extends tf.Tensor>(x: X) => X

const noDropout: Dropout = (x) => x

function makeDropout(rate: number, opts: ForwardOptions): Dropout {
  if (!opts.training || rate <= 0) return noDropout
  let k = 0
  const base = opts.seed ?? 0
  return <X extends tf.Tensor>(x: X) => tf.dropout(x, rate, undefined, base * 7919 + ++k) as X
}

/** The sizes a pass runs at: B sequences of T tokens, in a model of configuration cfg. */
interface Pass {
  B: number
  T: number
  cfg: ModelConfig
  drop: Dropout
  ablate?: HeadAblation
  patch?: ActivationPatch
  layer?: number // the block being run (for ablate and patch)
  inside?: boolean // the attention's probabilities or heads are captured (they exist only outside the fused kernel)
}

/** yh (B, nh, T, hs) with the clean run's output put in for the heads `patch` lists for this layer, row by row. */
function patchHeads(yh: tf.Tensor4D, pass: Pass): tf.Tensor4D {
  const rows = pass.patch?.heads
  if (!rows) return yh
  const nh = pass.cfg.nHead
  const m = new Float32Array(pass.B * nh)
  let any = false
  rows.forEach((list, b) => {
    for (const [l, h] of list)
      if (l === pass.layer) {
        m[b * nh + h] = 1
        any = true
      }
  })
  if (!any) return yh
  const mask = tf.tensor4d(m, [pass.B, nh, 1, 1])
  return tf.add(tf.mul(yh, tf.sub(1, mask)), tf.mul(pass.patch!.clean.heads[pass.layer!], mask))
}

/** The residual stream x (B·T, C) with the clean run's rows put in where `patch` lists [layer, position]. */
function patchResid(x: tf.Tensor2D, layer: number, pass: Pass): tf.Tensor2D {
  const rows = pass.patch?.resid
  if (!rows) return x
  const { B, T } = pass
  const m = new Float32Array(B * T)
  let any = false
  rows.forEach((list, b) => {
    for (const [l, t] of list)
      if (l === layer) {
        m[b * T + t] = 1
        any = true
      }
  })
  if (!any) return x
  const mask = tf.tensor2d(m, [B * T, 1])
  const clean = tf.tile(pass.patch!.clean.resid[layer], [B, 1]) // (B·T, C)
  return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(clean, mask))
}

/** yh (B, nh, T, hs) with the heads `ablate` lists for this layer zeroed or replaced by their batch mean. */
function ablateHeads(yh: tf.Tensor4D, pass: Pass): tf.Tensor4D {
  const off = (pass.ablate?.heads ?? []).filter(([l]) => l === pass.layer).map(([, h]) => h)
  if (off.length === 0) return yh
  const nh = pass.cfg.nHead
  const keep = tf.tensor4d(
    Array.from({ length: nh }, (_, h) => (off.includes(h) ? 0 : 1)),
    [1, nh, 1, 1],
  )
  const kept = tf.mul<tf.Tensor4D>(yh, keep)
  if (pass.ablate!.mode === 'zero') return kept
  return tf.add(kept, tf.mul(tf.mean(yh, 0, true), tf.sub(1, keep))) // (1, nh, T, hs) broadcast over the batch
}

/**
 * Causal multi-head self-attention (model.py's CausalSelfAttention): x (B, T, C) → y (B, T, C), and the
 * attention probabilities att (B, nh, T, T). All heads at once: q, k, v come from one (C, 3C) projection and
 * are split into heads.
 */
export function attention(
  p: BlockParams['attn'],
  x: tf.Tensor2D,
  pass: Pass,
): { y: tf.Tensor2D; att?: tf.Tensor4D; heads?: tf.Tensor4D } {
  const { B, T, cfg, drop } = pass
  const C = cfg.nEmbd
  const nh = cfg.nHead
  const hs = C / nh
  const qkv = linear(x, p.cAttn.weight, p.cAttn.bias) // (B, T, 3C)
  if (fusesAttention(pass, hs)) {
    // scores, mask, softmax and the weighted sum in one kernel (webgpu): no probabilities, no heads to return
    const y = fusedAttention(qkv, B, nh, cfg.causal !== false)
    return { y: linear(y, p.cProj.weight, p.cProj.bias) }
  }
  const [qh, kh, vh] = splitHeads(qkv, { B, T, cfg, drop }) // each (B, nh, T, hs)
  const att = causalSoftmax(batchedQK(qh, kh), 1 / Math.sqrt(hs), cfg.causal !== false) // (B, nh, T, T)
  const yh = patchHeads(ablateHeads(batchedAV(drop(att), vh), pass), pass) // (B, nh, T, hs)
  // (B, nh, T, hs) → (B, T, nh, hs) → (B, T, C)
  const y = hasFused('GptMergeHeads')
    ? fusedMergeHeads(yh)
    : tf.reshape<tf.Rank.R2>(tf.transpose(yh, [0, 2, 1, 3]), [B * T, C])
  return { y: drop(linear(y, p.cProj.weight, p.cProj.bias)), att, heads: yh } // output projection, residual dropout
}

/**
 * Whether this pass takes attention in one kernel: where the backend has it, the heads are narrow enough, and
 * nothing needs what the kernel never makes — the probabilities (captured for the views, or dropped out in
 * training: the kernel has no dropout) and the heads' outputs (captured, ablated or patched).
 */
function fusesAttention(pass: Pass, hs: number): boolean {
  return (
    hasFused('GptAttention') &&
    hs <= FUSED_ATTENTION_MAX_HEAD &&
    pass.drop === noDropout &&
    !pass.inside &&
    !pass.ablate &&
    !pass.patch
  )
}

/** qkv (B, T, 3C) → q, k, v, each split into heads: (B, T, C) → (B, nh, T, hs). One kernel where the backend has it. */
function splitHeads(qkv: tf.Tensor2D, { B, T, cfg }: Pass): tf.Tensor4D[] {
  const nh = cfg.nHead
  if (hasFused('GptSplitHeads')) return fusedSplitHeads(qkv, B, nh)
  const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape<tf.Rank.R4>(t, [B, T, nh, cfg.nEmbd / nh]), [0, 2, 1, 3])
  return tf.split<tf.Tensor2D>(qkv, 3, 1).map(heads)
}

/**
 * softmax(scale·scores) over the keys: rows sum to 1 over the keys ≤ the query, or over all keys without the
 * mask (the "break it" experiment). One fused kernel where the backend has it.
 */
function causalSoftmax(scores: tf.Tensor4D, scale: number, causal: boolean): tf.Tensor4D {
  if (hasFused('GptCausalSoftmax')) return fusedAttentionSoftmax(scores, scale, causal)
  const scaled: tf.Tensor4D = tf.mul(scores, scale)
  const T = scores.shape[3]
  return tf.softmax(causal ? tf.add<tf.Tensor4D>(scaled, causalMask(T)) : scaled)
}

/** The MLP (model.py's MLP): x (B, T, C) → c_fc → GELU (B, T, 4C) → c_proj → dropout (B, T, C). */
export function mlp(p: NonNullable<BlockParams['mlp']>, x: tf.Tensor2D, drop: Dropout): tf.Tensor2D {
  const hid = gelu(linear(x, p.cFc.weight, p.cFc.bias)) // (B, T, 4C)
  return drop(linear(hid, p.cProj.weight, p.cProj.bias)) // (B, T, C)
}

/**
 * One transformer block (model.py's Block): x + attn(ln_1(x)), then x + mlp(ln_2(x)); (B, T, C) → (B, T, C).
 * An attention-only block (no ln_2, no MLP) stops after the first residual add; without residual connections
 * (cfg.residual false, the "break it" twin) each output replaces the stream instead of being added to it; with
 * cfg.norm 'post' (another twin) each sum is normalised after the add, LN(x + f(x)), instead of f reading LN(x).
 */
export function block(
  p: BlockParams,
  x: tf.Tensor2D,
  pass: Pass,
): { x: tf.Tensor2D; mid: tf.Tensor2D; att?: tf.Tensor4D; heads?: tf.Tensor4D } {
  const residual = pass.cfg.residual !== false // off only in the "break it" twin: each output replaces the stream
  const post = pass.cfg.norm === 'post' // the twin with the original Transformer's LN(x + f(x))
  const a = attention(p.attn, post ? x : layerNorm(x, p.ln1), pass)
  let mid = residual ? tf.add<tf.Tensor2D>(x, a.y) : a.y // residual
  if (post) mid = layerNorm(mid, p.ln1)
  if (!p.mlp || !p.ln2) return { x: mid, mid, att: a.att, heads: a.heads }
  const m = mlp(p.mlp, post ? mid : layerNorm(mid, p.ln2), pass.drop)
  let out = residual ? tf.add<tf.Tensor2D>(mid, m) : m // residual
  if (post) out = layerNorm(out, p.ln2)
  return { x: out, mid, att: a.att, heads: a.heads }
}

export type ForwardResult = {
  logits: tf.Tensor2D // (B·T, V), or (B, V) with lastOnly
  attention: tf.Tensor4D[] // per layer (B, nh, T, T) when captured, else empty
  residuals: tf.Tensor2D[] // nLayer + 1 of them (B·T, C) when captured, else empty
  mids: tf.Tensor2D[] // with the residuals: per block the stream after its attention, before its MLP (B·T, C)
  heads: tf.Tensor4D[] // per layer (B, nh, T, hs), the heads' outputs before the projection, when captured
}

/** The GPT (model.py's GPT.forward): idx (B, T) int32 → logits. T may be shorter than blockSize, never longer. */
export function forward(
  params: ModelParams,
  cfg: ModelConfig,
  idx: tf.Tensor2D,
  opts: ForwardOptions = {},
): ForwardResult {
  const [B, T] = idx.shape
  if (T > cfg.blockSize) throw new Error(`Cannot forward sequence of length ${T}, block size is only ${cfg.blockSize}`)
  const p = gptParams(params)
  const C = cfg.nEmbd
  if (opts.ablate) checkAblation(opts.ablate, cfg)
  const pass: Pass = {
    B,
    T,
    cfg,
    drop: makeDropout(cfg.dropout, opts),
    ablate: opts.ablate,
    patch: opts.patch,
    inside: Boolean(opts.captureAttention || opts.captureHeads),
  }
  if (opts.patch) checkPatch(opts.patch, pass)
  const tokEmb = embedding(p.wte.weight, tf.reshape(idx, [B * T])) // token embeddings (B, T, C)
  const posEmb = learnsPositions(cfg)
    ? embedding(need(p.wpe, 'wpe.weight').weight, tf.range(0, T, 1, 'int32')) // position embeddings (T, C)
    : usesSinusoid(cfg)
      ? tf.tensor2d(sinusoidTable(T, C), [T, C]) // fixed: the first T rows of the table (T, C)
      : undefined // no positional encoding (a twin): the tokens alone
  const summed = posEmb ? tf.add(tf.reshape(tokEmb, [B, T, C]), posEmb) : tokEmb
  let x = pass.drop(tf.reshape<tf.Rank.R2>(summed, [B * T, C])) // (B, T, C)
  const attention: tf.Tensor4D[] = []
  const heads: tf.Tensor4D[] = []
  x = patchResid(x, 0, pass)
  const residuals: tf.Tensor2D[] = opts.captureResiduals ? [x] : []
  const mids: tf.Tensor2D[] = []
  for (let i = 0; i < cfg.nLayer; i++) {
    const out = block(need(p.h[i], `h.${i}`), x, { ...pass, layer: i })
    x = patchResid(out.x, i + 1, pass)
    // captured: the pass is `inside`, so the block ran the attention that makes both
    if (opts.captureAttention) attention.push(out.att!)
    if (opts.captureHeads) heads.push(out.heads!)
    if (opts.captureResiduals) {
      residuals.push(x)
      mids.push(out.mid)
    }
  }
  // generation: the last position only, (B, C)
  if (opts.lastOnly) x = tf.reshape(tf.slice(tf.reshape<tf.Rank.R3>(x, [B, T, C]), [0, T - 1, 0], [B, 1, C]), [B, C])
  x = layerNorm(x, p.lnF) // final LayerNorm
  const logits = linearTransposed(x, headOf(p)) // the LM head, wte when tied: (N, V)
  return { logits, attention, residuals, mids, heads }
}

function checkAblation({ heads, mode }: HeadAblation, cfg: ModelConfig): void {
  if (mode !== 'zero' && mode !== 'mean') throw new Error(`ablation: unknown mode ${String(mode)}`)
  for (const [l, h] of heads)
    if (!(Number.isInteger(l) && Number.isInteger(h) && l >= 0 && l < cfg.nLayer && h >= 0 && h < cfg.nHead))
      throw new Error(`ablation: no head ${l}.${h} in a model of ${cfg.nLayer} layers × ${cfg.nHead} heads`)
}

function checkPatch({ clean, heads, resid }: ActivationPatch, { B, T, cfg }: Pass): void {
  const say = (m: string) => {
    throw new Error(`activation patching: ${m}`)
  }
  if (clean.heads.length !== cfg.nLayer || clean.resid.length !== cfg.nLayer + 1)
    say(`the clean run has ${clean.heads.length} layers of heads and ${clean.resid.length} streams`)
  if (clean.resid[0].shape[0] !== T) say(`the clean run has ${clean.resid[0].shape[0]} positions, this one ${T}`)
  if ((heads && heads.length !== B) || (resid && resid.length !== B)) say(`a list of patches for each of the ${B} rows`)
  for (const list of heads ?? [])
    for (const [l, h] of list)
      if (!(Number.isInteger(l) && Number.isInteger(h) && l >= 0 && l < cfg.nLayer && h >= 0 && h < cfg.nHead))
        say(`no head ${l}.${h}`)
  for (const list of resid ?? [])
    for (const [l, t] of list)
      if (!(Number.isInteger(l) && Number.isInteger(t) && l >= 0 && l <= cfg.nLayer && t >= 0 && t < T))
        say(`no stream at layer ${l}, position ${t}`)
}

function need<X>(x: X | undefined, path: string): X {
  if (x === undefined) throw new Error(`missing parameter ${path}`)
  return x
}

/**
 * The logit lens: the residual stream at one position after the embeddings and after each block, read out as
 * if it were the last layer (final LayerNorm, the LM head): (nLayer + 1, V) logits, row L being the model's own.
 */
export function logitLens(params: ModelParams, cfg: ModelConfig, idx: tf.Tensor2D, position: number): tf.Tensor2D {
  const [, T] = idx.shape
  if (!(position >= 0 && position < T)) throw new Error(`position ${position} is outside the probe of ${T}`)
  const p = gptParams(params)
  const { residuals } = forward(p, cfg, idx, { captureResiduals: true })
  const rows = tf.concat(residuals.map((r) => tf.slice(r, [position, 0], [1, cfg.nEmbd]))) // (L+1, C), batch 0
  return linearTransposed(layerNorm(rows, p.lnF), headOf(p))
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
  if (hasFused('GptCrossEntropy')) return fusedCrossEntropy(logits, targets, norm, weights?.w)
  const f = customGrad((keep: Keep<[tf.Tensor2D, tf.Tensor1D]>, lg: tf.Tensor2D) => {
    const logp = tf.logSoftmax(lg) // (N, V)
    const ids = tf.cast(targets, 'int32')
    const at = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), ids) // flat index of (i, targets[i])
    keep([logp, ids])
    const picked = tf.gather(tf.reshape(logp, [N * V]), at) // (N)
    return {
      value: tf.neg(tf.div<tf.Scalar>(tf.sum(weights ? tf.mul(picked, weights.w) : picked), norm)),
      gradFunc: (dy, [sLogp, sIds]) => {
        const target = tf.cast(tf.oneHot(sIds, V), 'float32') // not oneHot(…, 'float32'): tfjs-wasm fills it as int32
        const g = tf.mul(tf.sub(tf.exp(sLogp), target), tf.div(dy, norm))
        return [weights ? tf.mul(g, tf.reshape(weights.w, [N, 1])) : g]
      },
    }
  })
  return f(logits)
}

/** Every target's cross-entropy on a batch, (B·T), without dropout: for losses by position (evaluation only). */
export function tokenLosses(params: ModelParams, cfg: ModelConfig, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  const { logits } = forward(params, cfg, x)
  const [N, V] = logits.shape
  const at = tf.add(tf.mul(tf.range(0, N, 1, 'int32'), tf.scalar(V, 'int32')), tf.cast(tf.reshape(y, [-1]), 'int32'))
  return tf.neg(tf.gather(tf.reshape<tf.Rank.R1>(tf.logSoftmax(logits), [N * V]), at))
}

/**
 * Training loss on a batch: x, y (B, T) int32. `weights` (B, T) float32 with their sum: only weighted targets
 * count (pair mode: the completions).
 */
export function loss(
  params: ModelParams,
  cfg: ModelConfig,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  opts: ForwardOptions & { weights?: { w: tf.Tensor2D; total: number } } = {},
): tf.Scalar {
  const { logits } = forward(params, cfg, x, opts)
  const w = opts.weights && { w: tf.reshape<tf.Rank.R1>(opts.weights.w, [-1]), total: opts.weights.total }
  return crossEntropy(logits, tf.reshape(y, [-1]), w)
}
