// One training run: a tokenizer and its token stream, a GPT's variables, AdamW's state and the step count,
// with the operations the worker schedules between steps (train step, evaluation, sampling, attention
// capture). No worker globals, no DOM: runs the same in Node (tests) and in the worker.
//
// Memory discipline: every synchronous tensor computation is one tf.tidy that returns only what is read back;
// readbacks are `await t.data()` outside the tidy, followed by dispose. Nothing is awaited inside a tidy.
import * as tf from '@tensorflow/tfjs'
import {
  paramCount,
  retuned,
  validateConfig,
  learningRateAt,
  type DeviceLimits,
  type ModelConfig,
  type ModelSettings,
  type Problem,
  type TrainConfig,
} from '../shared/config'
import type {
  BeamSummary,
  BeamTree,
  EvalPoint,
  MetricPoint,
  QkvData,
  RunInfo,
  SampledToken,
  SampleSettings,
  TextScore,
} from '../shared/protocol'
import { mulberry32 } from '../shared/random'
import { nowMs } from '../shared/clock'
import { MAX_TEXT_CHARS, visibleChar } from '../shared/text'
import { argmax, beliefAt, sampleNext, softmax } from '../shared/sampling'
import { quantizeRows, referenceEntropies } from '../shared/heads'
import { beamSearch, TREE_STEPS, type Beam, type BeamNode, type NextLogProbs } from '../shared/beam'
import { CharTokenizer } from '../shared/charTokenizer'
import { makeTokenizer, type TextTokenizer, type TokenizerSpec } from '../shared/tokenizer'
import { BatchSampler, splitTokens, type Batch, type Split } from '../data/dataset'
import { pairSplit, pairsText } from '../data/pairs'
import { PAIR_END, PAIR_SEPARATOR, parsePairs, type Pair } from '../shared/pairs'
import {
  disposeParams,
  forward,
  initParams,
  isDecayed,
  layerNorm,
  linear,
  logitLens,
  loss,
  paramsFromArrays,
  readParams,
  tokenLosses,
  type Params,
} from '../model/gpt'
import { encodeCheckpoint, type Checkpoint } from '../model/checkpoint'
import { KVDecoder, type Weights } from '../model/decoder'
import { sinusoidTable, usesSinusoid } from '../model/positions'
import { AdamW } from './adamw'

export { MAX_TEXT_CHARS }
/** Pair mode evaluates at most this many held-out pairs at a time. */
export const MAX_EVAL_PAIRS = 50
/** Scoring a text stops after this many tokens (and says so). */
export const MAX_SCORE_TOKENS = 4096

/** The training state beyond the weights that a checkpoint keeps (see Run.capture). */
export interface ResumeState {
  step: number
  elapsedMs: number
  optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }
  sampler: number[]
}

/** The text a run trains on: as it is, or (pair mode) its pairs written out. */
function readData(
  text: string,
  pairs?: boolean,
): { text: string; pairs?: { list: Pair[]; format: 'tsv' | 'jsonl' } } | { problems: Problem[] } {
  if (typeof text !== 'string') return { problems: [{ field: 'text', message: 'The training text is missing' }] }
  if (text.length > MAX_TEXT_CHARS)
    return {
      problems: [
        {
          field: 'text',
          code: 'text-huge',
          params: { n: text.length, limit: MAX_TEXT_CHARS },
          message: `The text has ${text.length.toLocaleString('en')} characters; the limit is ${MAX_TEXT_CHARS.toLocaleString('en')}. Use a shorter text.`,
        },
      ],
    }
  if (!pairs) return { text }
  const parsed = parsePairs(text)
  if ('problems' in parsed) return { problems: parsed.problems.map((message) => ({ field: 'text' as const, message })) }
  return { text: pairsText(parsed.pairs), pairs: { list: parsed.pairs, format: parsed.format } }
}

/** Tokens for training and validation: a 90/10 split of the text, or (pair mode) training and held-out pairs. */
function splitData(
  data: { text: string; pairs?: { list: Pair[]; format: 'tsv' | 'jsonl' } },
  tokenizer: TextTokenizer,
  blockSize: number,
  seed: number,
):
  | {
      split: Split
      counts: { trainTokens?: number; valTokens?: number }
      pairs?: { train: Pair[]; heldOut: Pair[]; format: 'tsv' | 'jsonl' }
    }
  | { problems: Problem[] } {
  if (!data.pairs) {
    const split = splitTokens(tokenizer.encode(data.text))
    return { split, counts: { trainTokens: split.train.length, valTokens: split.val.length } }
  }
  const p = pairSplit(data.pairs.list, (s) => tokenizer.encode(s), seed)
  const need = blockSize + 1
  for (const [name, stream, n] of [
    ['training', p.split.train, p.trainPairs.length],
    ['held-out', p.split.val, p.heldOut.length],
  ] as const) {
    if (stream.length < need) {
      return {
        problems: [
          {
            field: 'text',
            code: 'pairs-short',
            params: { n, heldOut: name === 'held-out' ? 1 : 0, tokens: stream.length, T: blockSize },
            message: `The ${n} ${name} pair${n === 1 ? ' holds' : 's hold'} ${stream.length} tokens, fewer than one window of the context (${blockSize}) + 1: add pairs or use a shorter context.`,
          },
        ],
      }
    }
  }
  return { split: p.split, counts: {}, pairs: { train: p.trainPairs, heldOut: p.heldOut, format: data.pairs.format } }
}

/** `rows` more rows of width `width` after `matrix`, drawn from N(0, 0.02) (GPT-2's embedding init), seeded. */
function extendRows(matrix: Float32Array, width: number, rows: number, seed: number): Float32Array {
  const out = new Float32Array(matrix.length + rows * width)
  out.set(matrix)
  const rng = mulberry32(seed ^ 0x2545f491)
  for (let i = matrix.length; i < out.length; i++)
    out[i] = 0.02 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()) // Box–Muller
  return out
}

export class Run {
  step = 0 // optimizer steps taken
  elapsedMs = 0 // time spent in training steps
  private readonly sampler: BatchSampler
  private readonly optimizer: AdamW
  disposed = false
  private snapshot?: { step: number; weights: Weights }
  private reference?: { uniform: number; unigram: number; bigram: number }

  private constructor(
    readonly model: ModelConfig,
    public train: TrainConfig, // replaced only by retune
    readonly tokenizer: TextTokenizer,
    readonly split: Split,
    readonly params: Params,
    samplerStates?: readonly number[],
    /** Pair mode: the pairs trained on and those held out for evaluation. */
    readonly pairs?: { train: Pair[]; heldOut: Pair[]; format: 'tsv' | 'jsonl' },
  ) {
    this.sampler = new BatchSampler(split, train.batchSize, model.blockSize, train.seed, samplerStates)
    this.optimizer = new AdamW(
      params,
      { beta1: train.beta1, beta2: train.beta2, eps: 1e-8, weightDecay: train.weightDecay },
      (_, shape) => isDecayed(shape),
    )
  }

  /**
   * Validates everything on the CPU first (text, sizes, device limits) and allocates nothing. Returns the
   * problems, or a `build` that allocates the run's tensors: call it once the previous run is disposed.
   */
  static prepare(
    text: string,
    settings: ModelSettings,
    train: TrainConfig,
    limits?: DeviceLimits,
    o: { pairs?: boolean; tokenizer?: TokenizerSpec } = {},
  ): { problems: Problem[]; build?: never } | { problems?: never; build: () => Run } {
    const data = readData(text, o.pairs)
    if ('problems' in data) return { problems: data.problems }
    // characters by default (the text's own); a BPE spec as given (it encodes any text)
    const tokenizer = o.tokenizer?.kind === 'bpe' ? makeTokenizer(o.tokenizer) : CharTokenizer.fromText(data.text)
    const prepared = splitData(data, tokenizer, settings.blockSize, train.seed)
    if ('problems' in prepared) return { problems: prepared.problems }
    const model: ModelConfig = { ...settings, vocabSize: tokenizer.size }
    const problems = validateConfig(model, train, { ...prepared.counts, limits })
    if (problems.length) return { problems }
    return {
      build: () =>
        new Run(model, train, tokenizer, prepared.split, initParams(model, train.seed), undefined, prepared.pairs),
    }
  }

  /**
   * Like prepare, for a model that already has weights (an imported file, a stored checkpoint): its
   * architecture and vocabulary come from the checkpoint and the text is what it trains on from here. Text
   * characters outside the vocabulary are a problem, unless `extendVocab`: then they are added at the end of
   * the vocabulary with fresh embedding rows (N(0, 0.02), seeded), every existing row kept.
   */
  static prepareFrom(
    source: Pick<Checkpoint, 'model' | 'tokenizer' | 'weights'>,
    text: string,
    train: TrainConfig,
    o: { limits?: DeviceLimits; extendVocab?: boolean; dropout?: number; resume?: ResumeState; pairs?: boolean } = {},
  ): { problems: Problem[]; build?: never; added?: never } | { problems?: never; build: () => Run; added: string[] } {
    const data = readData(text, o.pairs)
    if ('problems' in data) return { problems: data.problems }
    const base = makeTokenizer(source.tokenizer)
    const added = base.unknown(data.text).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!) // BPE: none
    // pair mode's tab and line break are its format, not the user's text: they join the vocabulary unasked
    const refused = added.filter((c) => !(data.pairs && (c === PAIR_SEPARATOR || c === PAIR_END)))
    if (refused.length && !o.extendVocab) {
      const shown = refused
        .slice(0, 12)
        .map((c) => `“${visibleChar(c)}”`)
        .join(' ')
      return {
        problems: [
          {
            field: 'text',
            code: 'new-chars',
            params: { n: refused.length, shown, more: Math.max(0, refused.length - 12) },
            message: `The text has ${refused.length} character${refused.length === 1 ? '' : 's'} the model has never seen: ${shown}${refused.length > 12 ? ` and ${refused.length - 12} more` : ''}. Add ${refused.length === 1 ? 'it' : 'them'} to the vocabulary (new embedding rows, the existing ones kept), or use a text without ${refused.length === 1 ? 'it' : 'them'}.`,
          },
        ],
      }
    }
    const tokenizer =
      added.length && source.tokenizer.kind === 'char'
        ? CharTokenizer.fromVocab([...source.tokenizer.vocab, ...added])
        : base
    const prepared = splitData(data, tokenizer, source.model.blockSize, train.seed)
    if ('problems' in prepared) return { problems: prepared.problems }
    const { split } = prepared
    const model: ModelConfig = {
      ...source.model,
      vocabSize: tokenizer.size,
      dropout: o.dropout ?? source.model.dropout,
    }
    const problems = validateConfig(model, train, { ...prepared.counts, limits: o.limits })
    if (problems.length) return { problems }
    return {
      added,
      build: () => {
        const weights = { ...source.weights }
        if (added.length)
          weights['wte.weight'] = extendRows(source.weights['wte.weight'], source.model.nEmbd, added.length, train.seed)
        const run = new Run(
          model,
          train,
          tokenizer,
          split,
          paramsFromArrays(model, weights),
          o.resume?.sampler,
          prepared.pairs,
        )
        if (o.resume) {
          run.optimizer.load(o.resume.optimizer)
          run.step = o.resume.step
          run.elapsedMs = o.resume.elapsedMs
        }
        return run
      },
    }
  }

  /** prepare + build in one go (tests); throws on problems. */
  static create(text: string, settings: ModelSettings, train: TrainConfig, limits?: DeviceLimits): Run {
    const p = Run.prepare(text, settings, train, limits)
    if (p.problems) throw new Error(p.problems.map((x) => x.message).join('; '))
    return p.build()
  }

  info(): RunInfo {
    return {
      model: this.model,
      train: this.train,
      paramCount: paramCount(this.model),
      vocab: [...this.tokenizer.vocab],
      tokenizerKind: this.tokenizer.kind,
      trainTokens: this.split.train.length,
      valTokens: this.split.val.length,
      tokensPerStep: this.train.batchSize * this.model.blockSize,
      ...(this.pairs
        ? { pairs: { train: this.pairs.train.length, heldOut: this.pairs.heldOut.length, format: this.pairs.format } }
        : {}),
      reference: (this.reference ??= referenceEntropies(this.split.train, this.model.vocabSize)),
    }
  }

  private batchTensors(b: Batch): [tf.Tensor2D, tf.Tensor2D, { w: tf.Tensor2D; total: number } | undefined] {
    const w = b.w ? { w: tf.tensor2d(b.w, [b.batchSize, b.blockSize]), total: b.wTotal ?? 0 } : undefined
    return [
      tf.tensor2d(b.x, [b.batchSize, b.blockSize], 'int32'),
      tf.tensor2d(b.y, [b.batchSize, b.blockSize], 'int32'),
      w,
    ]
  }

  /**
   * A new peak learning rate from the next step on; the minimum scales with it, so the schedule keeps its shape.
   * Returns the problems (the same checks as a new run's), changing nothing if there are any.
   */
  retune(learningRate: number): Problem[] {
    const train = retuned(this.train, learningRate)
    const problems = validateConfig(this.model, train)
    if (!problems.length) this.train = train
    return problems
  }

  /** One optimizer step on the next training batch. Reads back the loss and the gradient norm (one GPU sync). */
  trainStep(): Promise<MetricPoint> {
    this.assertAlive()
    return this.stepOn(this.sampler.next('train'))
  }

  /**
   * One optimizer step on a given batch — the step training takes (trainStep is this on the sampler's next
   * batch): loss and gradients of every parameter, their global norm, clipping, AdamW at this step's learning
   * rate. The PyTorch golden step (exactness.test.ts) holds this method to float64.
   */
  async stepOn(batch: Batch): Promise<MetricPoint> {
    this.assertAlive()
    const t0 = nowMs()
    const lr = learningRateAt(this.step, this.train)
    const it = this.step
    // The loss and the gradients' norm are read back before the update (the step's one readback, moved from its
    // end): a step whose loss or norm is not finite is not applied at all, so NaN never reaches the weights or
    // AdamW's moments. Deciding on the device instead (a `where` on every parameter) cost 18 % of a step on wasm.
    const { flat, norm, both } = tf.tidy(() => {
      const [x, y, weights] = this.batchTensors(batch)
      const f = () =>
        loss(this.params, this.model, x, y, { training: true, seed: this.train.seed * 100_003 + it, weights })
      const { value, grads } = tf.variableGrads(f, Object.values(this.params))
      const named: Record<string, tf.Tensor> = {}
      for (const [name, p] of Object.entries(this.params)) named[name] = grads[p.name]
      const { flat, norm } = this.optimizer.flatGrads(named)
      return { flat, norm, both: tf.stack([value, norm]) }
    })
    let lossValue: number
    let gradNorm: number
    try {
      ;[lossValue, gradNorm] = await both.data()
      if (Number.isFinite(lossValue) && Number.isFinite(gradNorm))
        tf.tidy(() => this.optimizer.applyFlat({ flat, norm }, lr, this.train.gradClip))
    } finally {
      tf.dispose([flat, norm, both])
    }
    const stepMs = nowMs() - t0
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
      // not applied: the model is still the one after step `this.step`
      return { step: this.step + 1, loss: lossValue, gradNorm, lr, stepMs, elapsedMs: this.elapsedMs, skipped: true }
    }
    this.step += 1
    this.elapsedMs += stepMs
    return { step: this.step, loss: lossValue, gradNorm, lr, stepMs, elapsedMs: this.elapsedMs }
  }

  /** Mean loss over evalIters batches of each split, without dropout; one readback. */
  async evaluate(): Promise<EvalPoint> {
    this.assertAlive()
    const n = this.train.evalIters
    // One tidy per batch, keeping only the running sums: a single tidy around all 2·n forward passes held every
    // pass's activations until the end (measured: 12.5 s instead of 5 s for the baby model's 40 passes on wasm).
    const T = this.model.blockSize
    const sums = { evalTrain: tf.scalar(0), evalVal: tf.scalar(0) }
    // validation loss by position (the mean over batches of the loss at each of the T positions), when every
    // target counts (not in pair mode): the scalar is then their mean, from the same forward passes
    let byPosition: tf.Tensor1D | undefined = this.pairs ? undefined : tf.zeros([T])
    try {
      for (let i = 0; i < n; i++) {
        for (const stream of ['evalTrain', 'evalVal'] as const) {
          const batch = this.sampler.next(stream)
          if (stream === 'evalVal' && byPosition) {
            const [nextSum, nextPos] = tf.tidy(() => {
              const [x, y] = this.batchTensors(batch)
              const each = tf.reshape(tokenLosses(this.params, this.model, x, y), [batch.batchSize, T])
              return [
                tf.add(sums.evalVal, tf.mean(each)) as tf.Scalar,
                tf.add(byPosition!, tf.mean(each, 0)) as tf.Tensor1D,
              ]
            })
            tf.dispose([sums.evalVal, byPosition])
            sums.evalVal = nextSum
            byPosition = nextPos
            continue
          }
          const next = tf.tidy(() => {
            const [x, y, weights] = this.batchTensors(batch)
            return tf.add(sums[stream], loss(this.params, this.model, x, y, { training: false, weights })) as tf.Scalar
          })
          sums[stream].dispose()
          sums[stream] = next
        }
      }
      const parts = [sums.evalTrain, sums.evalVal]
      const all = tf.tidy(() =>
        tf.concat([...parts.map((p) => tf.reshape(p, [1])), ...(byPosition ? [byPosition] : [])]),
      )
      try {
        const values = await all.data() // one readback
        const point: EvalPoint = { step: this.step, trainLoss: values[0] / n, valLoss: values[1] / n }
        if (byPosition) point.valByPosition = Array.from(values.subarray(2), (v) => v / n)
        return point
      } finally {
        all.dispose()
      }
    } finally {
      tf.dispose([sums.evalTrain, sums.evalVal, ...(byPosition ? [byPosition] : [])])
    }
  }

  /** Problems with a prompt, in words: characters the tokenizer has no token for. */
  checkText(text: string, field: 'prompt' | 'probe' | 'score'): Problem[] {
    const unknown = this.tokenizer.unknown(text)
    if (!unknown.length) return []
    const shown = unknown.slice(0, 8).map((c) => `“${visibleChar(c)}”`)
    const more = unknown.length > 8 ? ` and ${unknown.length - 8} more` : ''
    const what = { prompt: 'The prompt', probe: 'The probe text', score: 'The text to score' }[field]
    return [
      {
        field,
        code: 'unknown-chars',
        params: { field, n: unknown.length, shown: shown.join(' '), more: Math.max(0, unknown.length - 8) },
        message: `${what} has ${unknown.length === 1 ? 'a character' : 'characters'} the model has never seen: ${shown.join(' ')}${more}. Remove ${unknown.length === 1 ? 'it' : 'them'}, or add ${unknown.length === 1 ? 'it' : 'them'} to the training text.`,
      },
    ]
  }

  /** The token the model starts from when the prompt is empty: a newline when the text has one, else the text's first token. */
  private startId(): number {
    const nl = this.tokenizer.vocab.indexOf('\n')
    return nl >= 0 ? nl : this.split.train[0]
  }

  /**
   * Autoregressive generation, decided on the CPU from the final logits (temperature / top-k / top-p / draw,
   * or beam search, in plain TS). While the context fits in the block, each sampled token costs one step of the
   * KV-cache decoder (src/model/decoder.ts) on a snapshot of the weights: O(T) work, no tfjs kernels. Once the
   * context is a whole block, the window slides and every position changes, so each further token is one tfjs
   * forward pass over the last blockSize tokens — exactly nanoGPT's generate. `cache: false` uses that forward
   * pass for every token (the reference path the cache is tested against). Beam search runs all beams as one
   * batch through the tfjs forward pass per step.
   * Stops after maxNewTokens, when the generated text ends with `stop`, or when `cancelled()` turns true
   * (checked between tokens).
   */
  async generate(
    s: SampleSettings,
    onToken: (t: SampledToken) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
    opts: {
      cache?: boolean
      onBeams?: (beams: BeamSummary[], tree: BeamTree) => void
      trace?: (context: string[]) => void
    } = {},
  ): Promise<'length' | 'stop' | 'cancelled'> {
    this.assertAlive()
    const T = this.model.blockSize
    const ctx = s.prompt.length ? Array.from(this.tokenizer.encode(s.prompt)) : [this.startId()]
    if (s.strategy === 'beam') return this.generateBeam(ctx, s, onToken, cancelled, between, opts.onBeams)
    const rng = mulberry32(s.seed ?? Math.floor(Math.random() * 2 ** 31))
    const trace = !!opts.trace
    const start = Math.max(0, ctx.length - T) // the prompt's first token the model sees (a long prompt is cropped)
    opts.trace?.(ctx.slice(start).map((id) => this.tokenizer.vocab[id]))
    let decoder: KVDecoder | undefined
    let logits: Float32Array
    let rows: Float32Array | undefined // the last query's attention, every layer and head
    if (opts.cache !== false && ctx.length < T && this.model.causal !== false) {
      decoder = new KVDecoder(this.model, await this.weights())
      for (const id of ctx) logits = decoder.push(id)
      if (trace) rows = decoder.lastAttention()
    }
    let generated = ''
    const textOf = this.tokenizer.streamDecoder()
    for (let i = 0; i < s.maxNewTokens; i++) {
      if (cancelled()) return 'cancelled'
      if (!decoder) ({ logits, rows } = await this.nextWithAttention([ctx.slice(-T)], trace))
      const { id, prob } = sampleNext(logits!, s.temperature, s.topK, rng, s.topP ?? 1)
      const keys = Math.min(ctx.length, T)
      const attention = rows && {
        start: ctx.length - keys - start,
        rows: quantizeRows(rows, this.model.nLayer * this.model.nHead, keys),
      }
      ctx.push(id)
      const text = textOf(id)
      onToken({ ...this.sampled(id, prob, logits!, text), ...(attention && { attention }) })
      generated += text
      if (s.stop && generated.endsWith(s.stop)) return 'stop'
      if (decoder && i + 1 < s.maxNewTokens) {
        if (decoder.full)
          decoder = undefined // the window slides from here on
        else {
          logits = decoder.push(id)
          if (trace) rows = decoder.lastAttention()
        }
      }
      await between()
    }
    return 'length'
  }

  /** A token with what the model believed there; `text` is what it adds to the text (BPE: maybe part of a character). */
  private sampled(id: number, prob: number, logits: ArrayLike<number>, text: string): SampledToken {
    const b = beliefAt(logits, 5)
    const vocab = this.tokenizer.vocab
    return {
      text,
      token: vocab[id],
      id,
      prob,
      top: b.top.map((t) => ({ text: vocab[t.id], prob: t.prob })),
      entropy: b.entropy,
    }
  }

  /** Beam search (src/shared/beam.ts): every step is one batched forward pass over the live beams. */
  private async generateBeam(
    ctx: number[],
    s: SampleSettings,
    onToken: (t: SampledToken) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
    onBeams?: (beams: BeamSummary[], tree: BeamTree) => void,
  ): Promise<'length' | 'stop' | 'cancelled'> {
    const T = this.model.blockSize
    const seen = new Map<string, Float32Array>() // prefix → logits after it, to report the best beam's beliefs
    const stopped = Symbol('cancelled')
    const next: NextLogProbs = async (prefixes) => {
      await between()
      if (cancelled()) throw stopped
      const all = await this.nextLogits(prefixes.map((p) => p.slice(-T)))
      const V = this.model.vocabSize
      return prefixes.map((p, i) => {
        const row = all.subarray(i * V, (i + 1) * V)
        seen.set(p.join(','), row)
        return Float64Array.from(softmax(row), Math.log)
      })
    }
    const decode = (tokens: number[]) => this.tokenizer.decode(tokens)
    let beams: Beam[]
    const tree: BeamNode[] = []
    const greedy: number[] = [] // the greedy path over the tree's steps, to overlay on it
    const isDone = s.stop ? (t: number[]) => decode(t).endsWith(s.stop!) : undefined
    try {
      beams = await beamSearch(ctx, next, {
        width: s.beamWidth ?? 4,
        maxNewTokens: s.maxNewTokens,
        lengthPenalty: s.lengthPenalty ?? 0,
        isDone,
        tree,
      })
      for (let t = 0; t < Math.min(s.maxNewTokens, TREE_STEPS) && !isDone?.(greedy); t++) {
        const prefix = [...ctx, ...greedy]
        const logits = seen.get(prefix.join(',')) ?? (await next([prefix]), seen.get(prefix.join(','))!)
        greedy.push(argmax(logits))
      }
    } catch (e) {
      if (e === stopped) return 'cancelled'
      throw e
    }
    onBeams?.(
      beams.map((b) => ({ text: decode(b.tokens), logProb: b.logProb, score: b.score, done: b.done })),
      { nodes: tree, greedy, best: pathIn(tree, beams[0].tokens) },
    )
    const best = beams[0]
    const textOf = this.tokenizer.streamDecoder()
    best.tokens.forEach((id, i) => {
      const logits = seen.get([...ctx, ...best.tokens.slice(0, i)].join(','))!
      onToken(this.sampled(id, softmax(logits)[id], logits, textOf(id)))
    })
    return best.done ? 'stop' : 'length'
  }

  /**
   * Every token's probability given the tokens before it (at most MAX_SCORE_TOKENS): the text is cut into
   * windows of blockSize + 1 tokens overlapping by one, and each window is one forward pass, so a token sees up
   * to blockSize earlier tokens of its own window (the first token of a window: those of the previous window
   * are not carried over).
   */
  async score(text: string): Promise<TextScore> {
    this.assertAlive()
    const all = Array.from(this.tokenizer.encode(text))
    const truncated = all.length > MAX_SCORE_TOKENS
    const ids = all.slice(0, MAX_SCORE_TOKENS)
    if (ids.length < 2) throw new Error('A text to score needs at least two tokens')
    const T = this.model.blockSize
    const V = this.model.vocabSize
    const tokens: SampledToken[] = []
    let logLikelihood = 0
    const textOf = this.tokenizer.streamDecoder()
    const first = textOf(ids[0])
    for (let s = 0; s < ids.length - 1; s += T) {
      const input = ids.slice(s, Math.min(s + T, ids.length - 1))
      const logitsT = tf.tidy(
        () => forward(this.params, this.model, tf.tensor2d(input, [1, input.length], 'int32')).logits,
      )
      let logits: Float32Array
      try {
        logits = (await logitsT.data()) as Float32Array
      } finally {
        logitsT.dispose()
      }
      for (let i = 0; i < input.length; i++) {
        const row = logits.subarray(i * V, (i + 1) * V)
        const target = ids[s + i + 1]
        const p = softmax(row)[target]
        logLikelihood += Math.log(p)
        tokens.push(this.sampled(target, p, row, textOf(target)))
      }
    }
    return { first, tokens, logLikelihood, perplexity: Math.exp(-logLikelihood / tokens.length), truncated }
  }

  /**
   * Logits after the last token of each window (all of one length ≤ blockSize): one batched tfjs forward pass
   * and one (B, V) readback, row-major.
   */
  private async nextLogits(windows: number[][]): Promise<Float32Array> {
    return (await this.nextWithAttention(windows, false)).logits
  }

  /**
   * Last-position logits of each window (one forward pass, one readback); with `attention`, also the last
   * query's attention rows of the first window, every layer and head: (nLayer·nHead, T).
   */
  private async nextWithAttention(
    windows: number[][],
    attention: boolean,
  ): Promise<{ logits: Float32Array; rows?: Float32Array }> {
    const T = windows[0].length
    const V = this.model.vocabSize
    const outT = tf.tidy(() => {
      const r = forward(this.params, this.model, tf.tensor2d(windows.flat(), [windows.length, T], 'int32'), {
        lastOnly: true,
        captureAttention: attention,
      })
      if (!attention) return r.logits
      const last = r.attention.map((a) => tf.reshape(tf.slice(a, [0, 0, T - 1, 0], [1, this.model.nHead, 1, T]), [-1]))
      return tf.concat([tf.reshape(r.logits, [-1]), ...last])
    })
    try {
      const all = (await outT.data()) as Float32Array
      const n = windows.length * V
      return attention ? { logits: all.slice(0, n), rows: all.slice(n) } : { logits: all }
    } finally {
      outT.dispose()
    }
  }

  /**
   * A snapshot of every weight as plain arrays, read back once per training step: generations, a watched
   * prompt and the next generation at the same step share it.
   */
  async weights(): Promise<Weights> {
    this.assertAlive()
    if (this.snapshot?.step !== this.step) this.snapshot = { step: this.step, weights: await readParams(this.params) }
    return this.snapshot.weights
  }

  /**
   * Everything that continues this run exactly: weights, AdamW's moments and step count, the batch
   * generators' states, the step and the training time. With the same text, Run.prepareFrom(…, {resume})
   * rebuilds a run whose next steps are the ones this one would have taken.
   */
  async capture(): Promise<{ weights: Record<string, Float32Array>; resume: ResumeState }> {
    this.assertAlive()
    const weights = await readParams(this.params)
    const optimizer = await this.optimizer.state()
    return { weights, resume: { step: this.step, elapsedMs: this.elapsedMs, optimizer, sampler: this.sampler.state() } }
  }

  /**
   * Pair mode's evaluation: the model continues each held-out pair's prompt (and its tab) greedily until a
   * newline, at most MAX_EVAL_PAIRS of them; `onRow` gets each generation beside its reference.
   */
  async evaluatePairs(
    onRow: (row: { index: number; total: number; prompt: string; reference: string; generation: string }) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
  ): Promise<'done' | 'cancelled'> {
    this.assertAlive()
    const pairs = (this.pairs?.heldOut ?? []).slice(0, MAX_EVAL_PAIRS)
    for (const [index, p] of pairs.entries()) {
      if (cancelled()) return 'cancelled'
      let generation = ''
      const maxNewTokens = Math.min(256, 2 * [...p.completion].length + 16)
      const reason = await this.generate(
        { prompt: p.prompt + '\t', maxNewTokens, temperature: 0, topK: 0, stop: '\n' },
        (t) => (generation += t.text),
        cancelled,
        between,
      )
      if (reason === 'cancelled') return 'cancelled'
      onRow({
        index,
        total: pairs.length,
        prompt: p.prompt,
        reference: p.completion,
        generation: generation.replace(/\n$/, ''),
      })
    }
    return 'done'
  }

  /** The model as a nanoGPT-compatible safetensors file (weights, config, tokenizer, training config, step). */
  async exportFile(): Promise<Uint8Array> {
    this.assertAlive()
    return encodeCheckpoint({
      model: this.model,
      tokenizer: this.tokenizer.spec(),
      weights: await readParams(this.params),
      train: this.train,
      step: this.step,
    })
  }

  /**
   * The next-token lens at one position of a probe: (nLayer + 1, V) logits, the residual stream after the
   * embeddings and after each block read out through the final LayerNorm and the tied head; the last row is
   * the model's own prediction. One forward pass, one readback.
   */
  async lens(probe: string, position: number): Promise<{ ids: number[]; logits: Float32Array }> {
    this.assertAlive()
    const ids = this.probeIds(probe)
    const p = Math.min(Math.max(0, position), ids.length - 1)
    const t = tf.tidy(() => logitLens(this.params, this.model, tf.tensor2d(ids, [1, ids.length], 'int32'), p))
    try {
      return { ids, logits: ((await t.data()) as Float32Array).slice() }
    } finally {
      t.dispose()
    }
  }

  /**
   * One head, one query, as the model computes it: the block's input rows 0…i, the LayerNorm'd rows, this head's
   * slices of the q/k/v projections, q, K, V (from the model's own fused projection), the attention row (from
   * the model's own attention) and the head's output. One forward pass, one readback.
   */
  async qkv(probe: string, layer: number, head: number, query: number): Promise<QkvData> {
    this.assertAlive()
    const { nEmbd: C, nHead: H, nLayer: L } = this.model
    if (!(layer >= 0 && layer < L && head >= 0 && head < H)) throw new Error(`no head ${layer}.${head}`)
    const ids = this.probeIds(probe)
    const i = Math.min(Math.max(0, query), ids.length - 1)
    const hs = C / H
    const n = this.model.causal === false ? ids.length : i + 1 // keys the query may read: 0…i, or all without the mask
    const pre = `h.${layer}`
    const parts = tf.tidy(() => {
      const p = this.params
      const { residuals, attention } = forward(p, this.model, tf.tensor2d(ids, [1, ids.length], 'int32'), {
        captureResiduals: true,
        captureAttention: true,
      })
      const x = tf.slice(residuals[layer], [0, 0], [n, C]) as tf.Tensor2D
      const xhat = layerNorm(x, p[`${pre}.ln1.weight`] as tf.Tensor1D, p[`${pre}.ln1.bias`] as tf.Tensor1D | undefined)
      const qkvAll = linear(
        xhat,
        p[`${pre}.attn.cAttn.weight`] as tf.Tensor2D,
        p[`${pre}.attn.cAttn.bias`] as tf.Tensor1D | undefined,
      ) // (n, 3C)
      const W = p[`${pre}.attn.cAttn.weight`] as tf.Tensor2D // (C, 3C)
      const B = p[`${pre}.attn.cAttn.bias`] as tf.Tensor1D | undefined
      const col = (which: number) => which * C + head * hs
      const q = tf.slice(qkvAll, [i, col(0)], [1, hs])
      const k = tf.slice(qkvAll, [0, col(1)], [n, hs])
      const v = tf.slice(qkvAll, [0, col(2)], [n, hs])
      const row = tf.reshape(tf.slice(attention[layer], [0, head, i, 0], [1, 1, 1, n]), [1, n])
      const out = tf.matMul(row, v)
      const slices = [0, 1, 2].map((w) => tf.slice(W, [0, col(w)], [C, hs]))
      const biases = B ? [0, 1, 2].map((w) => tf.slice(B, [col(w)], [hs])) : []
      const lnw = p[`${pre}.ln1.weight`]
      const lnb = p[`${pre}.ln1.bias`]
      return tf.concat(
        [x, xhat, q, k, v, row, out, ...slices, ...biases, lnw, ...(lnb ? [lnb] : [])].map((t) => tf.reshape(t, [-1])),
      )
    })
    let flat: Float32Array
    try {
      flat = (await parts.data()) as Float32Array
    } finally {
      parts.dispose()
    }
    let at = 0
    const take = (len: number) => Array.from(flat.subarray(at, (at += len)))
    const rows = (r: number, c: number) => Array.from({ length: r }, () => take(c))
    const x = rows(n, C)
    const xhat = rows(n, C)
    const q = take(hs)
    const k = rows(n, hs)
    const v = rows(n, hs)
    const weights = take(n)
    const out = take(hs)
    const [wq, wk, wv] = [rows(C, hs), rows(C, hs), rows(C, hs)]
    const [bq, bk, bv] = this.model.bias ? [take(hs), take(hs), take(hs)] : [undefined, undefined, undefined]
    const lnWeight = take(C)
    const lnBias = this.model.bias ? take(C) : undefined
    return {
      tokens: ids.map((t) => this.tokenizer.vocab[t]),
      layer,
      head,
      query: i,
      headSize: hs,
      x,
      xhat,
      lnWeight,
      lnBias,
      wq,
      wk,
      wv,
      bq,
      bk,
      bv,
      q,
      k,
      v,
      weights,
      out,
    }
  }

  /** The token embedding (V, C) as it is now (a copy). */
  async embedding(): Promise<Float32Array> {
    this.assertAlive()
    return ((await this.params['wte.weight'].data()) as Float32Array).slice()
  }

  /** How often each token occurs in the training text (for the embedding map's top-N filter). */
  tokenCounts(): Uint32Array {
    const counts = new Uint32Array(this.model.vocabSize)
    for (const id of this.split.train) counts[id]++
    return counts
  }

  /** The positional encoding in use, (blockSize, nEmbd): the learned table's current values, or the fixed sinusoid. */
  async positionTable(): Promise<Float32Array> {
    this.assertAlive()
    if (usesSinusoid(this.model)) return sinusoidTable(this.model.blockSize, this.model.nEmbd).slice()
    return ((await this.params['wpe.weight'].data()) as Float32Array).slice() // a copy: the caller may transfer it
  }

  /**
   * Every layer's and head's attention on a probe, in one forward pass and one readback: (L, H, T, T) row-major.
   */
  async attentionAll(ids: number[]): Promise<Float32Array> {
    this.assertAlive()
    const T = ids.length
    if (!T || T > this.model.blockSize)
      throw new Error(`a probe of ${T} tokens does not fit the context of ${this.model.blockSize}`)
    const all = tf.tidy(() => {
      const { attention } = forward(this.params, this.model, tf.tensor2d(ids, [1, T], 'int32'), {
        captureAttention: true,
      })
      return tf.concat(attention.map((a) => tf.reshape(a, [-1])))
    })
    try {
      return (await all.data()) as Float32Array
    } finally {
      all.dispose()
    }
  }

  /**
   * A probe of random tokens repeated once ([r₁…r_p, r₁…r_p], p = ⌊T/2⌋), drawn from the tokens of the training
   * text with a fixed seed: after the first half, an induction head can look up what came next last time.
   */
  repeatedProbe(seed = 1): { ids: number[]; period: number } {
    const present = [...new Set(this.split.train)]
    const period = Math.floor(this.model.blockSize / 2)
    const rng = mulberry32(seed)
    const half = Array.from({ length: period }, () => present[Math.floor(rng() * present.length)])
    return { ids: [...half, ...half], period }
  }

  /** The token ids of a probe text, cropped to its last blockSize tokens (the default: the validation slice). */
  probeIds(probe: string): number[] {
    return Array.from(this.tokenizer.encode(probe.length ? probe : this.defaultProbe())).slice(-this.model.blockSize)
  }

  /** The probe used when none is given: the start of the validation text, one context long. */
  defaultProbe(): string {
    return this.tokenizer.decode(this.split.val.subarray(0, this.model.blockSize))
  }

  /** Attention probabilities of one layer and head on a probe text (cropped to its last blockSize tokens). */
  async attention(probe: string, layer: number, head: number): Promise<{ tokens: string[]; weights: Float32Array }> {
    this.assertAlive()
    if (!(layer >= 0 && layer < this.model.nLayer))
      throw new Error(`layer ${layer} is outside 0..${this.model.nLayer - 1}`)
    if (!(head >= 0 && head < this.model.nHead)) throw new Error(`head ${head} is outside 0..${this.model.nHead - 1}`)
    const ids = Array.from(this.tokenizer.encode(probe.length ? probe : this.defaultProbe())).slice(
      -this.model.blockSize,
    )
    if (!ids.length) throw new Error('the probe text is empty')
    const T = ids.length
    const map = tf.tidy(() => {
      const { attention } = forward(this.params, this.model, tf.tensor2d(ids, [1, T], 'int32'), {
        captureAttention: true,
      })
      return tf.reshape(tf.slice(attention[layer], [0, head, 0, 0], [1, 1, T, T]), [T, T]) // (T, T)
    })
    try {
      const weights = (await map.data()) as Float32Array
      return { tokens: ids.map((i) => this.tokenizer.vocab[i]), weights }
    } finally {
      map.dispose()
    }
  }

  private assertAlive() {
    if (this.disposed) throw new Error('this run has been disposed')
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.snapshot = undefined
    disposeParams(this.params)
    this.optimizer.dispose()
  }
}

/** The nodes of `tree` along `tokens` from its root (as far as the tree goes): indices, one per depth. */
export function pathIn(tree: readonly BeamNode[], tokens: readonly number[]): number[] {
  const path: number[] = []
  let parent = -1
  for (let d = 1; d <= tokens.length; d++) {
    const i = tree.findIndex((n) => n.parent === parent && n.depth === d && n.token === tokens[d - 1])
    if (i < 0) break
    path.push(i)
    parent = i
  }
  return path
}
