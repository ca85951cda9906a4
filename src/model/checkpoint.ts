// A model as a file PyTorch understands: safetensors with nanoGPT's state-dict names and PyTorch layouts, the
// model config and the tokenizer in __metadata__. Plain TypeScript over plain arrays: no tfjs.
//
//   ours (src/model/gpt.ts)      nanoGPT (model.py)                       PyTorch shape
//   wte.weight    (V, C)         transformer.wte.weight                   (V, C)
//   wpe.weight    (T, C)         transformer.wpe.weight                   (T, C)
//   h.i.ln1.*                    transformer.h.i.ln_1.{weight,bias}       (C)
//   h.i.attn.cAttn.weight (C,3C) transformer.h.i.attn.c_attn.weight       (3C, C)   Linear: [out, in]
//   h.i.attn.cProj.weight (C,C)  transformer.h.i.attn.c_proj.weight       (C, C)
//   h.i.ln2.*                    transformer.h.i.ln_2.{weight,bias}       (C)
//   h.i.mlp.cFc.weight (C,4C)    transformer.h.i.mlp.c_fc.weight          (4C, C)
//   h.i.mlp.cProj.weight (4C,C)  transformer.h.i.mlp.c_proj.weight        (C, 4C)
//   lnF.*                        transformer.ln_f.{weight,bias}           (C)
//   (tied to wte)                lm_head.weight                           (V, C)  written from wte; on reading,
//                                                                                 optional; equal to wte: tied
//   lmHead.weight (V, C)         lm_head.weight                           (V, C)  an untied head (tied_head False)
// An attention-only model (mlp False in the metadata, or no h.0.mlp in the file) has no ln_2 and no MLP.
// Reading also accepts nanoGPT's causal-mask buffers (transformer.h.i.attn.bias, (1, 1, T, T)) and ignores them.
import { hasMlp, isTied, validateConfig, type ModelConfig, type TrainConfig } from '../shared/config'
import { paramShapes } from './gpt'
import { fixedPositions, learnsPositions } from './positions'
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors'
import type { TokenizerSpec } from '../text/tokenizer'
import { CodedError } from '../shared/codedError'
import type { ModelFileProblemCode } from '../shared/problems'

export class CheckpointError<C extends ModelFileProblemCode = ModelFileProblemCode> extends CodedError<C> {
  override name = 'CheckpointError'
}

export interface Checkpoint {
  model: ModelConfig
  tokenizer: TokenizerSpec // characters (one code point per id), or byte-level BPE merges
  weights: Record<string, Float32Array> // by our parameter path, in our layout
  /** Present in files this app wrote: how the model was trained and for how many steps. */
  train?: TrainConfig
  step?: number
  bestValLoss?: number // the lowest validation loss so far (nanoGPT's best_val_loss)
}

const BLOCK: [string, string][] = [
  ['ln1', 'ln_1'],
  ['attn.cAttn', 'attn.c_attn'],
  ['attn.cProj', 'attn.c_proj'],
  ['ln2', 'ln_2'],
  ['mlp.cFc', 'mlp.c_fc'],
  ['mlp.cProj', 'mlp.c_proj'],
]

/** nanoGPT's state-dict name of one of our parameters. */
export function nanoGptName(path: string): string {
  if (path === 'wte.weight' || path === 'wpe.weight') return `transformer.${path}`
  if (path === 'lmHead.weight') return 'lm_head.weight'
  if (path.startsWith('lnF.')) return `transformer.ln_f.${path.slice(4)}`
  const m = /^h\.(\d+)\.(.+)\.(weight|bias)$/.exec(path)
  const pair = m && BLOCK.find(([ours]) => ours === m[2])
  if (!m || !pair) throw new Error(`no nanoGPT name for ${path}`)
  return `transformer.h.${m[1]}.${pair[1]}.${m[3]}`
}

/** Linear weights are [in, out] here and [out, in] in PyTorch. */
function isLinearWeight(path: string): boolean {
  return /^h\.\d+\.(attn|mlp)\.\w+\.weight$/.test(path)
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]
  return out
}

/** The safetensors bytes of a checkpoint. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors = paramShapes(c.model).map(([path, shape]) => {
    const data = c.weights[path]
    if (!data) throw new Error(`missing parameter ${path}`)
    if (isLinearWeight(path))
      return { name: nanoGptName(path), shape: [shape[1], shape[0]], data: transpose(data, shape[0], shape[1]) }
    return { name: nanoGptName(path), shape, data }
  })
  if (!learnsPositions(c.model)) {
    // nanoGPT has no fixed encoding: it gets the sinusoid (or, for the twin without one, zeros) as its (then
    // trainable) position table
    tensors.splice(1, 0, {
      name: 'transformer.wpe.weight',
      shape: [c.model.blockSize, c.model.nEmbd],
      data: fixedPositions(c.model, c.model.blockSize, c.model.nEmbd),
    })
  }
  // tied: nanoGPT's state dict holds the shared matrix under both names
  if (isTied(c.model))
    tensors.push({ name: 'lm_head.weight', shape: [c.model.vocabSize, c.model.nEmbd], data: c.weights['wte.weight'] })
  const m = c.model
  const metadata: Record<string, string> = {
    format: 'pt',
    n_layer: String(m.nLayer),
    n_head: String(m.nHead),
    n_embd: String(m.nEmbd),
    block_size: String(m.blockSize),
    vocab_size: String(m.vocabSize),
    bias: m.bias ? 'True' : 'False',
    dropout: String(m.dropout),
    pos_encoding: m.posEncoding ?? 'learned',
    ...(m.causal === false && { causal: 'False' }), // the "break it" twin; nanoGPT itself always masks
    ...(!hasMlp(m) && { mlp: 'False' }), // attention-only
    ...(m.residual === false && { residual: 'False' }), // the "break it" twin without residual connections
    ...(m.norm === 'post' && { norm: 'post' }), // the post-LN twin
    ...(!isTied(m) && { tied_head: 'False' }),
    tokenizer: JSON.stringify(c.tokenizer),
  }
  if (c.train) metadata.train_config = JSON.stringify(c.train)
  if (c.step !== undefined) metadata.step = String(c.step)
  if (c.bestValLoss !== undefined) metadata.best_val_loss = String(c.bestValLoss)
  return writeSafetensors(tensors, metadata)
}

/**
 * AdamW's state in nanoGPT's names and PyTorch layouts, for torch.optim.AdamW's state_dict: `exp_avg.<name>`
 * and `exp_avg_sq.<name>` per parameter (the first and second moments), the step count in the metadata.
 * scripts/nanogpt/playground_to_ckpt.py puts it into the optimizer of the ckpt.pt it writes.
 */
export function encodeOptimizer(
  model: ModelConfig,
  state: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> },
): Uint8Array {
  const tensors = paramShapes(model).flatMap(([path, shape]) =>
    (['m', 'v'] as const).map((k) => {
      const data = state[k][path]
      if (!data) throw new Error(`missing optimizer state for ${path}`)
      const name = `${k === 'm' ? 'exp_avg' : 'exp_avg_sq'}.${nanoGptName(path)}`
      return isLinearWeight(path)
        ? { name, shape: [shape[1], shape[0]], data: transpose(data, shape[0], shape[1]) }
        : { name, shape, data }
    }),
  )
  return writeSafetensors(tensors, { format: 'pt', step: String(state.t) })
}

function whole(meta: Map<string, string>, key: string): number | undefined {
  const v = meta.get(key)
  if (v === undefined) return undefined
  if (!/^\d{1,9}$/.test(v.trim()))
    throw new CheckpointError(`The file's ${key} is ${JSON.stringify(v)}, not a whole number.`, 'ck-whole', {
      key,
      value: JSON.stringify(v),
    })
  return Number(v)
}

function readTokenizer(meta: Map<string, string>, vocabSize: number): TokenizerSpec {
  const raw = meta.get('tokenizer')
  if (raw === undefined) {
    throw new CheckpointError(
      'The file has no tokenizer in its metadata, so its token ids cannot be turned into text. Files this app exports carry one; for a nanoGPT checkpoint, convert it with ckpt_to_playground.py (in scripts/nanogpt/, and in every “Export for nanoGPT” bundle), which reads meta.pkl.',
      'ck-no-tokenizer',
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new CheckpointError('The tokenizer in the file’s metadata is not valid JSON.', 'ck-tokenizer-json')
  }
  const t = parsed as { kind?: unknown; vocab?: unknown; merges?: unknown }
  if (typeof parsed === 'object' && parsed !== null && t.kind === 'bpe' && Array.isArray(t.merges)) {
    const merges = t.merges as unknown[]
    if (merges.length + 256 !== vocabSize)
      throw new CheckpointError(
        `The BPE tokenizer has ${merges.length + 256} tokens (256 bytes and ${merges.length} merges) but the embedding has ${vocabSize} rows.`,
        'ck-bpe-size',
        { tokens: merges.length + 256, merges: merges.length, rows: vocabSize },
      )
    merges.forEach((m, k) => {
      const ok = Array.isArray(m) && m.length === 2 && m.every((x) => Number.isInteger(x) && x >= 0 && x < 256 + k)
      if (!ok)
        throw new CheckpointError(
          `Merge ${k} of the BPE tokenizer is ${JSON.stringify(m)}: it must join two earlier tokens.`,
          'ck-bpe-merge',
          { k, merge: JSON.stringify(m) ?? 'undefined' },
        )
    })
    return { kind: 'bpe', merges: merges as [number, number][] }
  }
  if (typeof parsed !== 'object' || parsed === null || t.kind !== 'char' || !Array.isArray(t.vocab)) {
    throw new CheckpointError(
      'The file’s tokenizer is not one this app reads: it must be {"kind": "char", "vocab": [one character per token id]} or {"kind": "bpe", "merges": [[a, b], …]}.',
      'ck-tokenizer-kind',
    )
  }
  const vocab = t.vocab as unknown[]
  if (vocab.length !== vocabSize)
    throw new CheckpointError(
      `The tokenizer has ${vocab.length} tokens but the embedding has ${vocabSize} rows.`,
      'ck-tokenizer-size',
      { tokens: vocab.length, rows: vocabSize },
    )
  const seen = new Set<string>()
  for (const [i, c] of vocab.entries()) {
    if (typeof c !== 'string' || [...c].length !== 1)
      throw new CheckpointError(
        `Token ${i} of the tokenizer is ${JSON.stringify(c)}, not one character.`,
        'ck-token-char',
        { i, value: JSON.stringify(c) ?? 'undefined' },
      )
    if (seen.has(c))
      throw new CheckpointError(`The tokenizer lists ${JSON.stringify(c)} twice.`, 'ck-token-twice', {
        value: JSON.stringify(c),
      })
    seen.add(c)
  }
  return { kind: 'char', vocab: vocab as string[] }
}

function readTrain(meta: Map<string, string>): TrainConfig | undefined {
  const raw = meta.get('train_config')
  if (raw === undefined) return undefined
  try {
    const t = JSON.parse(raw) as TrainConfig
    return typeof t === 'object' &&
      t !== null &&
      validateConfig({ blockSize: 2, nLayer: 1, nHead: 1, nEmbd: 1, dropout: 0, bias: true }, t).length === 0
      ? t
      : undefined
  } catch {
    return undefined // a training config is a convenience: a file without a usable one still loads
  }
}

/**
 * Reads a checkpoint from safetensors bytes — files this app wrote, or nanoGPT weights written by PyTorch —
 * and checks it completely before returning: the file itself (see safetensors.ts), a config that is in range,
 * exactly the tensors that config needs with exactly their shapes, finite values, and a tokenizer of the right
 * size. Config values missing from the metadata are read from the tensor shapes, except n_head, which shapes
 * cannot tell. Any problem is a CheckpointError with a message for the user.
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  let file
  try {
    file = readSafetensors(bytes)
  } catch (e) {
    if (e instanceof SafetensorsError) throw new CheckpointError(e.message, e.code, e.params)
    throw e
  }
  const { metadata: meta, tensors } = file
  const wte = tensors.get('transformer.wte.weight')
  const wpe = tensors.get('transformer.wpe.weight')
  if (!wte || !wpe || wte.shape.length !== 2 || wpe.shape.length !== 2) {
    throw new CheckpointError(
      'This is not a GPT in nanoGPT’s layout: transformer.wte.weight and transformer.wpe.weight (2-D) are missing.',
      'ck-layout',
    )
  }
  let layers = 0
  while (tensors.has(`transformer.h.${layers}.attn.c_attn.weight`)) layers++
  const nHead = whole(meta, 'n_head')
  if (nHead === undefined)
    throw new CheckpointError(
      'The file does not say how many attention heads the model has (n_head in its metadata), and the weights cannot tell.',
      'ck-no-heads',
    )
  const model: ModelConfig = {
    vocabSize: whole(meta, 'vocab_size') ?? wte.shape[0],
    blockSize: whole(meta, 'block_size') ?? wpe.shape[0],
    nLayer: whole(meta, 'n_layer') ?? layers,
    nHead,
    nEmbd: whole(meta, 'n_embd') ?? wte.shape[1],
    dropout: 0,
    bias: meta.has('bias') ? /^(true|1)$/i.test(meta.get('bias')!) : tensors.has('transformer.ln_f.bias'),
  }
  const pos = meta.get('pos_encoding')
  if (pos === 'sinusoidal' || pos === 'none') model.posEncoding = pos
  else if (pos !== undefined && pos !== 'learned')
    throw new CheckpointError(
      `The file's pos_encoding is ${JSON.stringify(pos)}; this app knows "learned", "sinusoidal" and "none".`,
      'ck-pos',
      { value: JSON.stringify(pos) },
    )
  const causal = meta.get('causal')
  if (causal !== undefined && !/^(true|false|1|0)$/i.test(causal))
    throw new CheckpointError(`The file's causal is ${JSON.stringify(causal)}; expected True or False.`, 'ck-causal', {
      value: JSON.stringify(causal),
    })
  if (causal !== undefined && /^(false|0)$/i.test(causal)) model.causal = false
  // attention-only: said in the metadata, or (a file from elsewhere) blocks without an MLP
  const mlp = readFlag(meta, 'mlp')
  if (mlp === false || (mlp === undefined && layers > 0 && !tensors.has('transformer.h.0.mlp.c_fc.weight')))
    model.mlp = false
  if (readFlag(meta, 'residual') === false) model.residual = false
  const norm = meta.get('norm')
  if (norm === 'post') model.norm = 'post'
  else if (norm !== undefined && norm !== 'pre')
    throw new CheckpointError(`The file's norm is ${JSON.stringify(norm)}; expected "pre" or "post".`, 'ck-flag', {
      key: 'norm',
      value: JSON.stringify(norm),
    })
  // untied: said in the metadata, or an lm_head.weight that differs from wte (checked below, once both are read)
  const tiedFlag = readFlag(meta, 'tied_head')
  if (tiedFlag === false) model.tiedHead = false
  const dropout = Number(meta.get('dropout') ?? 0)
  if (Number.isFinite(dropout) && dropout >= 0 && dropout < 1) model.dropout = dropout
  const problems = validateConfig(model, {
    batchSize: 1,
    maxIters: 1,
    learningRate: 1e-3,
    minLr: 0,
    warmupIters: 0,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.99,
    gradClip: 0,
    evalInterval: 1,
    evalIters: 1,
    seed: 0,
  })
  if (problems.length)
    throw new CheckpointError(
      `The model in the file cannot be used: ${problems.map((p) => p.message).join('; ')}.`,
      'ck-config',
      { detail: problems.map((p) => p.message).join('; ') },
    )
  if (model.vocabSize > 1_000_000)
    throw new CheckpointError(
      `The vocabulary of ${model.vocabSize} tokens is larger than this app handles (1,000,000).`,
      'ck-vocab-huge',
      { n: model.vocabSize },
    )

  const ignored = (name: string) =>
    /^transformer\.h\.(\d+)\.attn\.bias$/.test(name) && Number(/\d+/.exec(name)![0]) < model.nLayer
  const headTensor = tensors.get('lm_head.weight')
  if (tiedFlag === undefined && headTensor && headTensor.shape.join(',') === wte.shape.join(',')) {
    const values = file.read('lm_head.weight')
    const embedding = file.read('transformer.wte.weight')
    if (values.some((v, i) => v !== embedding[i])) model.tiedHead = false // a head of its own
  }
  const expected = new Map(
    paramShapes(model).map(([path, shape]) => [
      nanoGptName(path),
      { path, shape: isLinearWeight(path) ? [shape[1], shape[0]] : shape },
    ]),
  )
  for (const [name, t] of tensors) {
    if (name === 'lm_head.weight' && isTied(model)) continue
    if (name === 'transformer.wpe.weight' && !learnsPositions(model)) {
      if (t.shape.join(',') !== `${model.blockSize},${model.nEmbd}`)
        throw new CheckpointError(
          `transformer.wpe.weight has shape [${t.shape.join(', ')}], expected [${model.blockSize}, ${model.nEmbd}].`,
          'ck-wpe-shape',
          { shape: t.shape.join(', '), expected: `${model.blockSize}, ${model.nEmbd}` },
        )
      continue // the fixed table, written for nanoGPT's sake: recomputed, not read
    }
    if (ignored(name)) {
      const T = model.blockSize
      if (t.shape.join(',') !== `1,1,${T},${T}`)
        throw new CheckpointError(
          `The causal mask ${name} has shape [${t.shape.join(', ')}], expected [1, 1, ${T}, ${T}].`,
          'ck-mask-shape',
          { name, shape: t.shape.join(', '), expected: `1, 1, ${T}, ${T}` },
        )
      continue
    }
    if (!expected.has(name))
      throw new CheckpointError(
        `The file has a tensor this model does not: “${name}”${/^_orig_mod\./.test(name) ? ' (a torch.compile prefix: convert the checkpoint with ckpt_to_playground.py)' : ''}.`,
        'ck-extra',
        { name, compiled: /^_orig_mod\./.test(name) ? 1 : 0 },
      )
  }
  const weights: Record<string, Float32Array> = {}
  for (const [name, { path, shape }] of expected) {
    const t = tensors.get(name)
    if (!t)
      throw new CheckpointError(
        `The file lacks “${name}”, which a model with ${describe(model)} needs.`,
        'ck-missing',
        { name, ...shapeParams(model) },
      )
    if (t.shape.join(',') !== shape.join(','))
      throw new CheckpointError(
        `“${name}” has shape [${t.shape.join(', ')}]; a model with ${describe(model)} needs [${shape.join(', ')}].`,
        'ck-shape',
        { name, shape: t.shape.join(', '), expected: shape.join(', '), ...shapeParams(model) },
      )
    const data = file.read(name)
    if (!data.every(Number.isFinite))
      throw new CheckpointError(
        `“${name}” holds NaN or infinite values: the model diverged before it was saved.`,
        'ck-nan',
        { name },
      )
    weights[path] = isLinearWeight(path) ? transpose(data, shape[0], shape[1]) : data
  }
  if (headTensor && headTensor.shape.join(',') !== wte.shape.join(','))
    throw new CheckpointError(
      `lm_head.weight has shape [${headTensor.shape.join(', ')}], not that of the token embedding.`,
      'ck-head-shape',
      { shape: headTensor.shape.join(', ') },
    )
  if (headTensor && isTied(model)) {
    const values = file.read('lm_head.weight')
    const embedding = weights['wte.weight']
    if (values.some((v, i) => v !== embedding[i]))
      throw new CheckpointError(
        'lm_head.weight differs from the token embedding, yet the file says the head is tied to it (tied_head True).',
        'ck-untied',
      )
  }
  const tokenizer = readTokenizer(meta, model.vocabSize)
  const step = whole(meta, 'step')
  return { model, tokenizer, weights, train: readTrain(meta), step }
}

/** A True / False entry of the metadata (undefined when absent); anything else is a problem with the file. */
function readFlag(meta: Map<string, string>, key: 'mlp' | 'tied_head' | 'residual'): boolean | undefined {
  const v = meta.get(key)
  if (v === undefined) return undefined
  if (!/^(true|false|1|0)$/i.test(v))
    throw new CheckpointError(`The file's ${key} is ${JSON.stringify(v)}; expected True or False.`, 'ck-flag', {
      key,
      value: JSON.stringify(v),
    })
  return /^(true|1)$/i.test(v)
}

function shapeParams(m: ModelConfig) {
  return { layers: m.nLayer, width: m.nEmbd, context: m.blockSize, vocab: m.vocabSize, bias: m.bias ? 1 : 0 }
}

function describe(m: ModelConfig): string {
  return `${m.nLayer} layers, ${m.nEmbd} wide, context ${m.blockSize}, ${m.vocabSize} tokens${m.bias ? '' : ', no biases'}`
}
