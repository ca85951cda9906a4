// Model and training configuration: the types, the named presets, the closed-form sizes and the
// validation every setting passes before anything reaches tfjs. Plain TypeScript: no tfjs, no DOM.
// Names follow nanoGPT's GPTConfig and train.py in camelCase.

export interface ModelConfig {
  vocabSize: number // V: set from the tokenizer, never typed by the user
  blockSize: number // T: the longest context the model sees
  nLayer: number
  nHead: number // requirement: nEmbd % nHead === 0
  nEmbd: number // C: the width of the residual stream
  dropout: number // 0 ≤ p < 1; 0 for small data is usually better
  bias: boolean // true: bias in Linears and LayerNorms, like GPT-2. false: a bit better and faster
  /**
   * Positions: 'learned' (nanoGPT's wpe table, the default), 'sinusoidal' (fixed, Vaswani et al.; no parameters) or
   * 'none' (the twin without positional encoding: only the causal mask tells positions apart).
   */
  posEncoding?: 'learned' | 'sinusoidal' | 'none'
  /**
   * The causal mask (default true). false only for the "break it" experiment: every position may attend to
   * every other, the future included, so the model can read the very token it is asked to predict.
   */
  causal?: boolean
  /**
   * The MLP of each block (default true). false: an attention-only model, each block x + attn(ln_1(x)) with no
   * ln_2 and no MLP — the two-layer model in which induction heads were first found (Elhage et al. 2021).
   */
  mlp?: boolean
  /**
   * Residual connections (default true). false only for the "break it" twin: each block's attention output
   * replaces the stream instead of being added to it (and its MLP output replaces that), so a deep stack must pass
   * everything, information and gradients, through every layer.
   */
  residual?: boolean
  /**
   * Where each block's LayerNorms sit (default 'pre', GPT-2's and nanoGPT's: x + f(LN(x))). 'post' only for the
   * "break it" twin: the original Transformer's LN(x + f(x)), each sublayer's output added and then normalised.
   */
  norm?: 'pre' | 'post'
  /**
   * The LM head tied to the token embedding (default true, GPT-2's and nanoGPT's choice: logits = x · wteᵀ).
   * false: a (V, C) lm_head of its own, so reading a token in and writing it out are different vectors.
   */
  tiedHead?: boolean
}

/** Whether a model's blocks have their MLP (the default) or are attention-only. */
export function hasMlp(m: Pick<ModelConfig, 'mlp'>): boolean {
  return m.mlp !== false
}

/** Whether a model's LM head is wte itself (the default) or a matrix of its own. */
export function isTied(m: Pick<ModelConfig, 'tiedHead'>): boolean {
  return m.tiedHead !== false
}

export interface TrainConfig {
  batchSize: number // B: sequences per step
  maxIters: number // training stops here; also where the cosine decay ends (nanoGPT's lr_decay_iters)
  learningRate: number // peak learning rate, reached after the warmup
  minLr: number // floor of the cosine decay
  warmupIters: number // linear warmup from ~0 to learningRate
  weightDecay: number // AdamW's decoupled decay, applied to 2-D weights only
  beta1: number
  beta2: number
  gradClip: number // global-norm clipping; 0 turns it off
  evalInterval: number // validation loss every N steps
  evalIters: number // … averaged over this many batches
  seed: number // one seed for weights, batches and dropout: same seed, same run
}

/** Everything the model needs except the vocabulary, which comes from the text. */
export type ModelSettings = Omit<ModelConfig, 'vocabSize'>

/** Every training setting, in the settings panel's order (a stored record, a share link and the page read them all). */
export const TRAIN_KEYS = [
  'batchSize',
  'maxIters',
  'learningRate',
  'minLr',
  'warmupIters',
  'weightDecay',
  'beta1',
  'beta2',
  'gradClip',
  'evalInterval',
  'evalIters',
  'seed',
] as const satisfies readonly (keyof TrainConfig)[]

export { getPreset, PRESETS, type Preset } from './presets'

/**
 * Number of trainable parameters, in closed form. A tied LM head is wte itself, so it adds nothing; an untied one
 * adds V·C. Per block: ln1 + attn.cAttn (C·3C + 3C) + attn.cProj (C·C + C) = 4C² + 6C with biases (LayerNorm:
 * weight + bias), 4C² + C without (LayerNorm: weight only); with the MLP also ln2 + mlp.cFc (C·4C + 4C) +
 * mlp.cProj (4C·C + C): 12C² + 13C with biases, 12C² + 2C without.
 */
export function paramCount(m: ModelConfig): number {
  const b = paramBreakdown(m) // a fixed sinusoid has no parameters; a tied head none of its own
  return b.embeddings + b.attention + b.mlp + b.final + b.head
}

/** Where a model's parameters are, in closed form: the parts paramCount adds up, each a share of the whole. */
export interface ParamBreakdown {
  embeddings: number // wte (V·C) and the learned position table (T·C)
  attention: number // per block ln_1 + c_attn + c_proj: 4C² + …
  mlp: number // per block ln_2 + c_fc + c_proj: 8C² + …
  final: number // ln_f
  head: number // an untied LM head (V·C); 0 when tied to wte
}

export function paramBreakdown(m: ModelConfig): ParamBreakdown {
  const C = m.nEmbd
  const attn = m.bias ? 4 * C * C + 6 * C : 4 * C * C + C
  const mlp = hasMlp(m) ? (m.bias ? 8 * C * C + 7 * C : 8 * C * C + C) : 0
  return {
    embeddings: m.vocabSize * C + ((m.posEncoding ?? 'learned') === 'learned' ? m.blockSize * C : 0),
    attention: m.nLayer * attn,
    mlp: m.nLayer * mlp,
    final: m.bias ? 2 * C : C,
    head: isTied(m) ? 0 : m.vocabSize * C,
  }
}

export interface MemoryEstimate {
  /** weights + gradients + AdamW's two moments, float32 */
  paramBytes: number
  /** everything else a step holds at its peak: activations kept for the backward pass, their gradients, the update's temporaries */
  activationBytes: number
  /** the largest single tensor a step makes: GPU backends refuse buffers above their limit */
  largestTensorBytes: number
  totalBytes: number
}

/**
 * What one training step holds at its peak, so that "too large" is caught before tfjs allocates. Measured, not
 * guessed: tf.profile's peak bytes of a step on the cpu backend, over 16 shapes, fitted by least squares to
 * the sizes below (bytes per parameter, per B·T·C per layer, per attention weight, per B·T·C outside the blocks,
 * per logit), each coefficient then raised by a fifth. The fit was within −9 % / +27 % of every measured peak;
 * src/train/memoryEstimate.test.ts checks shapes the fit never saw (the estimate must cover the peak, and not
 * by more than twice). The autograd tape keeps every op's output for the backward pass: ~180 floats per
 * B·T·C in each block, far more than the dozen activations a hand count finds.
 */
export function estimateMemory(
  m: ModelConfig,
  t: Pick<TrainConfig, 'batchSize'>,
  opts: { fused?: boolean } = {},
): MemoryEstimate {
  const B = t.batchSize
  const T = m.blockSize
  const C = m.nEmbd
  const P = paramCount(m)
  const attn = B * m.nHead * T * T // one layer's attention weights
  const logits = B * T * m.vocabSize
  // `fused`: a backend with the fused kernels of src/model/fused.ts (wasm), which keep far less for the backward
  // pass (a LayerNorm its input and two floats a row, GELU one derivative, the softmax its output); webgpu's and
  // webgl's keep the same or less, their measured peaks within this fit (src/model/webgpu.test.ts,
  // e2e/webglKernels.spec.ts). The same fit on
  // tfjs-wasm in Node (scripts/gemm-bench/peak.bench-test.ts, 10 shapes up to 6 × 384 × 256, 10.8 M parameters):
  // 26.9 bytes per parameter, 197 per B·T·C per layer, 12.4 per attention weight, 107 per logit, within ±14 %;
  // raised by a fifth. (The 10 M model: 1.42 GB measured, 5.9 GB by the cpu-fitted formula, 1.75 GB by this one.)
  // With dropout, every dropped activation keeps its mask too: its two largest terms ×1.4 (fitted ratio 0.87 on the
  // one dropout shape of the fit, 0.80 on a shape it never saw, src/train/memoryEstimate.test.ts).
  const drop = m.dropout > 0 ? 1.4 : 1
  const totalBytes = opts.fused
    ? 33 * P + drop * (237 * m.nLayer * B * T * C + 15 * m.nLayer * attn) + 129 * logits
    : 75 * P + 746 * m.nLayer * B * T * C + 77 * m.nLayer * attn + 105 * B * T * C + 47 * logits
  const paramBytes = 16 * P
  const largestTensorBytes = 4 * Math.max(logits, attn, B * T * 4 * C, m.vocabSize * C, P) // P: AdamW's flat vectors
  return { paramBytes, activationBytes: totalBytes - paramBytes, largestTensorBytes, totalBytes }
}

/** What the backend can hold, from the worker's `ready` message. */
export interface DeviceLimits {
  maxTensorBytes: number
  maxTotalBytes: number
  /** the backend runs the fused kernels (wasm, webgpu, webgl): estimateMemory's leaner fit applies */
  fused?: boolean
}

import type { Problem } from './problems'
export type { Problem } from './problems'

const LIMITS = {
  nLayer: [1, 48],
  nHead: [1, 64],
  nEmbd: [1, 4096],
  blockSize: [2, 4096],
  batchSize: [1, 4096],
  maxIters: [1, 10_000_000],
  evalInterval: [1, 10_000_000],
  evalIters: [1, 1000],
} as const

function checkInt(
  out: Problem[],
  field: Problem['field'],
  v: number,
  label: string,
  [lo, hi]: readonly [number, number],
) {
  if (!Number.isFinite(v) || !Number.isInteger(v))
    out.push({
      field,
      code: 'int',
      params: { field, got: String(v) },
      message: `${label} must be a whole number (got ${v})`,
    })
  else if (v < lo)
    out.push({
      field,
      code: 'min',
      params: { field, min: lo, got: v },
      message: `${label} must be at least ${lo} (got ${v})`,
    })
  else if (v > hi)
    out.push({
      field,
      code: 'max',
      params: { field, max: hi, got: v },
      message: `${label} must be at most ${hi} (got ${v})`,
    })
}

/**
 * Every problem with a configuration, each tied to the field it is about, in words a learner can act on.
 * `tokens` (when known) checks that the text is long enough for the context; `limits` that the model fits the device.
 * An empty list means the configuration is safe to hand to tfjs.
 */
export function validateConfig(
  model: ModelSettings & { vocabSize?: number },
  train: TrainConfig,
  opts: { trainTokens?: number; valTokens?: number; limits?: DeviceLimits } = {},
): Problem[] {
  const out: Problem[] = []
  checkInt(out, 'nLayer', model.nLayer, 'Layers', LIMITS.nLayer)
  checkInt(out, 'nHead', model.nHead, 'Heads', LIMITS.nHead)
  checkInt(out, 'nEmbd', model.nEmbd, 'Embedding width', LIMITS.nEmbd)
  checkInt(out, 'blockSize', model.blockSize, 'Context length', LIMITS.blockSize)
  checkInt(out, 'batchSize', train.batchSize, 'Batch size', LIMITS.batchSize)
  checkInt(out, 'maxIters', train.maxIters, 'Steps', LIMITS.maxIters)
  checkInt(out, 'evalInterval', train.evalInterval, 'Evaluate every', LIMITS.evalInterval)
  checkInt(out, 'evalIters', train.evalIters, 'Validation batches', LIMITS.evalIters)
  checkInt(out, 'warmupIters', train.warmupIters, 'Warmup steps', [0, 10_000_000])
  checkInt(out, 'seed', train.seed, 'Seed', [0, 2 ** 31 - 1])
  if (
    Number.isInteger(model.nEmbd) &&
    Number.isInteger(model.nHead) &&
    model.nHead > 0 &&
    model.nEmbd > 0 &&
    model.nEmbd % model.nHead !== 0
  ) {
    out.push({
      field: 'nHead',
      code: 'heads-divide',
      params: { C: model.nEmbd, H: model.nHead },
      message: `Embedding width ${model.nEmbd} is not divisible by ${model.nHead} heads (each head gets nEmbd / nHead channels)`,
    })
  }
  if (model.posEncoding !== undefined && !['learned', 'sinusoidal', 'none'].includes(model.posEncoding)) {
    out.push({
      field: 'posEncoding',
      message: `Positional encoding must be “learned”, “sinusoidal” or “none” (got ${String(model.posEncoding)})`,
    })
  }
  if (model.causal !== undefined && typeof model.causal !== 'boolean') {
    out.push({ field: 'causal', message: `The causal mask is on (true) or off (false) (got ${String(model.causal)})` })
  }
  if (model.norm !== undefined && model.norm !== 'pre' && model.norm !== 'post') {
    out.push({
      field: 'norm',
      message: `LayerNorm goes before (pre) or after (post) each sublayer (got ${String(model.norm)})`,
    })
  }
  if (model.residual !== undefined && typeof model.residual !== 'boolean') {
    out.push({
      field: 'residual',
      message: `Residual connections are on (true) or off (false) (got ${String(model.residual)})`,
    })
  }
  if (model.mlp !== undefined && typeof model.mlp !== 'boolean') {
    out.push({ field: 'mlp', message: `The blocks' MLP is on (true) or off (false) (got ${String(model.mlp)})` })
  }
  if (model.tiedHead !== undefined && typeof model.tiedHead !== 'boolean') {
    out.push({
      field: 'tiedHead',
      message: `The LM head is tied to the embedding (true) or its own (false) (got ${String(model.tiedHead)})`,
    })
  }
  if (!(Number.isFinite(model.dropout) && model.dropout >= 0 && model.dropout < 1)) {
    out.push({
      field: 'dropout',
      code: 'dropout',
      params: { got: String(model.dropout) },
      message: `Dropout must be at least 0 and below 1 (got ${model.dropout})`,
    })
  }
  if (!(Number.isFinite(train.learningRate) && train.learningRate > 0 && train.learningRate <= MAX_LEARNING_RATE)) {
    out.push({
      field: 'learningRate',
      code: 'lr',
      params: { got: String(train.learningRate), max: MAX_LEARNING_RATE },
      message: `Learning rate must be a positive number no larger than ${MAX_LEARNING_RATE} (got ${train.learningRate})`,
    })
  }
  if (!(Number.isFinite(train.minLr) && train.minLr >= 0)) {
    out.push({
      field: 'minLr',
      code: 'min-lr',
      params: { got: String(train.minLr) },
      message: `Minimum learning rate must be zero or positive (got ${train.minLr})`,
    })
  } else if (Number.isFinite(train.learningRate) && train.learningRate > 0 && train.minLr > train.learningRate) {
    out.push({
      field: 'minLr',
      code: 'min-lr-above',
      params: { min: train.minLr, lr: train.learningRate },
      message: `Minimum learning rate ${train.minLr} is above the learning rate ${train.learningRate}`,
    })
  }
  if (!(Number.isFinite(train.weightDecay) && train.weightDecay >= 0 && train.weightDecay < 10)) {
    out.push({
      field: 'weightDecay',
      code: 'weight-decay',
      params: { got: String(train.weightDecay) },
      message: `Weight decay must be between 0 and 10 (got ${train.weightDecay})`,
    })
  }
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(Number.isFinite(train[k]) && train[k] >= 0 && train[k] < 1))
      out.push({
        field: k,
        code: 'beta',
        params: { field: k, got: String(train[k]) },
        message: `${k === 'beta1' ? 'β1' : 'β2'} must be at least 0 and below 1 (got ${train[k]})`,
      })
  }
  if (!(Number.isFinite(train.gradClip) && train.gradClip >= 0)) {
    out.push({
      field: 'gradClip',
      code: 'grad-clip',
      params: { got: String(train.gradClip) },
      message: `Gradient clip must be zero (off) or positive (got ${train.gradClip})`,
    })
  }
  const need = model.blockSize + 1
  if (opts.trainTokens !== undefined && Number.isInteger(model.blockSize)) {
    if (opts.trainTokens === 0)
      out.push({
        field: 'text',
        code: 'text-empty',
        message: 'The training text is empty: paste some text or pick a built-in dataset',
      })
    else if (opts.trainTokens < need || (opts.valTokens ?? need) < need) {
      const total = opts.trainTokens + (opts.valTokens ?? 0)
      const needTotal = Math.ceil(need / 0.1)
      out.push({
        field: 'text',
        code: 'text-short',
        params: { T: model.blockSize, total, need, needTotal },
        message: `The text is too short for a context of ${model.blockSize}: it has ${total} tokens, and both the training part (90%) and the validation part (10%) need at least ${need} — about ${needTotal} tokens in all. Use a longer text or a shorter context.`,
      })
    }
  }
  if (opts.limits && out.length === 0 && model.vocabSize !== undefined) {
    const est = estimateMemory(model as ModelConfig, train, { fused: opts.limits.fused })
    if (est.largestTensorBytes > opts.limits.maxTensorBytes) {
      out.push({
        field: 'model',
        code: 'tensor-too-large',
        params: { need: formatBytes(est.largestTensorBytes), limit: formatBytes(opts.limits.maxTensorBytes) },
        message: `Too large for this device: one tensor of this model needs ${formatBytes(est.largestTensorBytes)}, the backend allows ${formatBytes(opts.limits.maxTensorBytes)}. Reduce batch size, context length or width.`,
      })
    } else if (est.totalBytes > opts.limits.maxTotalBytes) {
      out.push({
        field: 'model',
        code: 'too-large',
        params: { need: formatBytes(est.totalBytes), limit: formatBytes(opts.limits.maxTotalBytes) },
        message: `Too large for this device: training needs about ${formatBytes(est.totalBytes)}, more than the ${formatBytes(opts.limits.maxTotalBytes)} this backend can safely use. Reduce layers, width, batch size or context length.`,
      })
    }
  }
  return out
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

/**
 * nanoGPT's learning-rate schedule: linear warmup, then cosine decay to minLr at maxIters, minLr after.
 * `it` is the 0-based step about to be taken.
 */
/**
 * Far above any rate that trains a GPT (nanoGPT's are 1e-3 to 6e-4), on purpose: a learner may set 10 to watch
 * training diverge, which the run catches (see Run.trainStep and the host's divergence check).
 */
export const MAX_LEARNING_RATE = 100

/** `t` with a new peak learning rate; the minimum scales with it, so the schedule keeps its shape. */
export function retuned<T extends Pick<TrainConfig, 'learningRate' | 'minLr'>>(t: T, learningRate: number): T {
  return { ...t, learningRate, minLr: Number((t.minLr * (learningRate / t.learningRate)).toPrecision(6)) }
}

export function learningRateAt(
  it: number,
  t: Pick<TrainConfig, 'learningRate' | 'minLr' | 'warmupIters' | 'maxIters'>,
): number {
  if (it < t.warmupIters) return (t.learningRate * (it + 1)) / (t.warmupIters + 1)
  if (it > t.maxIters) return t.minLr
  const span = t.maxIters - t.warmupIters
  const ratio = span > 0 ? (it - t.warmupIters) / span : 1
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio))
  return t.minLr + coeff * (t.learningRate - t.minLr)
}

/**
 * Fine-tuning starts from trained weights: a learning rate ten times lower (the decay floor too) and no
 * warmup, so the new text adjusts the model rather than overwriting it (nanoGPT's finetune_shakespeare uses
 * 3e-5 against 6e-4 for pretraining). The user can change any of it.
 */
export function fineTuneDefaults(t: TrainConfig): TrainConfig {
  const tenth = (x: number) => Number((x / 10).toPrecision(12)) // 3e-3 / 10 is 0.00030000000000000003 in floats
  return { ...t, learningRate: tenth(t.learningRate), minLr: tenth(t.minLr), warmupIters: 0 }
}
