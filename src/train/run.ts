// One training run: a tokenizer and its token stream, a GPT's variables, AdamW's state and the step count, and
// the trainer's operations (a step, an evaluation, capture and resume, retune, export). What reads the model
// without training it lives beside it over the same handle: `run.generator` (generator.ts) and `run.probes`
// (probes.ts). No worker globals, no DOM: runs the same in Node (tests) and in the worker.
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
import type { EvalPoint, MetricPoint, RunInfo, SyntheticData } from '../shared/protocol'
import { nowMs } from '../util/clock'
import { MAX_TEXT_CHARS } from '../text/text'
import { referenceEntropies } from '../analysis/heads'
import { CharTokenizer } from '../text/charTokenizer'
import { makeTokenizer, type TextTokenizer, type TokenizerSpec } from '../text/tokenizer'
import { BatchSampler, type Batch, type Split } from '../data/dataset'
import { PeriodicSampler, periodicSplit } from '../data/periodic'
import { PERIODIC_ALPHABET } from '../text/periodic'
import { PAIR_END, PAIR_SEPARATOR } from '../text/pairs'
import {
  disposeParams,
  gptParams,
  initParams,
  isDecayed,
  loss,
  paramsFromArrays,
  readParams,
  tokenLosses,
  type GptParams,
  type Params,
} from '../model/gpt'
import { encodeCheckpoint, type Checkpoint } from '../model/checkpoint'
import type { Weights } from '../model/decoder'
import { AdamW, gradTensors } from './adamw'
import { Callbacks, type TrainerCallback, type TrainerEvent } from './callbacks'
import { Generator } from './generator'
import type { ModelHandle } from './handle'
import { Probes } from './probes'
import { readRunText, syntheticProblems } from '../shared/runText'
import { extendRows, newCharsProblem, splitData, unknownCharsProblem, type RunPairs } from './runData'

export { MAX_TEXT_CHARS }
export { MAX_EVAL_PAIRS, MAX_SCORE_TOKENS } from './generator'

/** The training state beyond the weights that a checkpoint keeps (see Run.capture). */
export interface ResumeState {
  step: number
  elapsedMs: number
  optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }
  sampler: number[]
}

/** A step's gradients end to end and its (loss, gradient norm), as the optimizer's flatGrads gives them. */
type Grads = { flat: ReturnType<AdamW['flatGrads']>; both: tf.Tensor1D }

/** (loss, norm) being read back, and when the values arrived (set as they arrive). */
type Reading = { values: Promise<Float32Array>; at?: number }

/** A step's gradients queued ahead, their read-back requested with them. */
type Queued = Grads & { read: Reading }

function reading(both: tf.Tensor1D): Reading {
  const r: Reading = { values: both.data() as Promise<Float32Array> } // queues the copy to read back now, behind what is queued so far
  // awaited later; should something throw first, its rejection is not left unheld
  r.values.then(
    () => (r.at = nowMs()),
    () => undefined,
  )
  return r
}

function disposeGrads(g: Grads | undefined): void {
  if (g) tf.dispose([...gradTensors(g.flat), g.both])
}

export class Run implements ModelHandle {
  /** Sampling, beam search, scoring and pair evaluation from this run's model. */
  readonly generator: Generator = new Generator(this)
  /** What the teaching views show: lens, Q/K/V, attention, embedding, positions. */
  readonly probes: Probes = new Probes(this)
  step = 0 // optimizer steps taken
  elapsedMs = 0 // time spent in training steps
  private readonly sampler: BatchSampler | PeriodicSampler
  private readonly optimizer: AdamW
  disposed = false
  /** The same variables as `params`, as the model's typed tree (p.h[i].attn.cAttn.weight). */
  readonly gpt: GptParams
  private snapshot?: { step: number; weights: Weights }
  /**
   * webgpu and webgl: the next step's batch and its forward and backward pass, queued by a step before it read
   * its own loss (issue 22, item 3): `it` the step index it was made for, `weights` the parameters' dataIds it read,
   * `trainState` the training stream's generator from before the batch was drawn (what a checkpoint keeps: the
   * first of the sampler's states, evaluation's streams after it are untouched by this). Dropped gradients
   * (`grads` undefined) keep the batch.
   */
  private ahead?: { batch: Batch; trainState: number; it: number; weights: object[]; grads?: Queued }
  /** When the last step's values arrived (the step clock of a step queued ahead runs from there). */
  private lastReadAt?: number
  /** Queue the next step ahead on the GPU backends (the GPU bench turns it off to measure what it saves). */
  lookAhead = true
  private reference?: { uniform: number; unigram: number; bigram: number }
  private readonly callbacks = new Callbacks()

  private constructor(
    readonly model: ModelConfig,
    public train: TrainConfig, // replaced only by retune
    readonly tokenizer: TextTokenizer,
    readonly split: Split,
    /** Every variable by its dotted path (the checkpoint's names): what gradients and AdamW see. */
    readonly params: Params,
    samplerStates?: readonly number[],
    /** Pair mode: the pairs trained on and those held out for evaluation. */
    readonly pairs?: RunPairs,
    /** Batches generated fresh every step (the split is then only a sample, for the probes and reference losses). */
    readonly synthetic?: SyntheticData,
  ) {
    this.gpt = gptParams(params)
    this.sampler = synthetic
      ? new PeriodicSampler(train.batchSize, model.blockSize, model.vocabSize, train.seed, samplerStates)
      : new BatchSampler(split, train.batchSize, model.blockSize, train.seed, samplerStates)
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
    o: { pairs?: boolean; tokenizer?: TokenizerSpec; synthetic?: SyntheticData } = {},
  ): { problems: Problem[]; build?: never } | { problems?: never; build: () => Run } {
    if (o.synthetic) {
      // generated batches: the generator's alphabet is the vocabulary, and the text is not read
      const tokenizer = CharTokenizer.fromVocab(PERIODIC_ALPHABET)
      const model: ModelConfig = { ...settings, vocabSize: tokenizer.size }
      const problems = [...syntheticProblems(model.blockSize), ...validateConfig(model, train, { limits })]
      if (problems.length) return { problems }
      const split = periodicSplit(model.blockSize, model.vocabSize, train.seed)
      return {
        build: () =>
          new Run(model, train, tokenizer, split, initParams(model, train.seed), undefined, undefined, o.synthetic),
      }
    }
    const data = readRunText(text, o.pairs)
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
    o: {
      limits?: DeviceLimits
      extendVocab?: boolean
      dropout?: number
      resume?: ResumeState
      pairs?: boolean
      synthetic?: SyntheticData
    } = {},
  ): { problems: Problem[]; build?: never; added?: never } | { problems?: never; build: () => Run; added: string[] } {
    if (o.synthetic) return Run.prepareSynthetic(source, train, { ...o, synthetic: o.synthetic })
    const data = readRunText(text, o.pairs)
    if ('problems' in data) return { problems: data.problems }
    const base = makeTokenizer(source.tokenizer)
    const added = base.unknown(data.text).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!) // BPE: none
    // pair mode's tab and line break are its format, not the user's text: they join the vocabulary unasked
    const refused = added.filter((c) => !(data.pairs && (c === PAIR_SEPARATOR || c === PAIR_END)))
    if (refused.length && !o.extendVocab) return { problems: [newCharsProblem(refused)] }
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
        return run.resumedAt(o.resume)
      },
    }
  }

  /** prepareFrom for a generated run (a stored one restored): its vocabulary must be the generator's alphabet. */
  private static prepareSynthetic(
    source: Pick<Checkpoint, 'model' | 'tokenizer' | 'weights'>,
    train: TrainConfig,
    o: { limits?: DeviceLimits; dropout?: number; resume?: ResumeState; synthetic: SyntheticData },
  ): { problems: Problem[] } | { build: () => Run; added: string[] } {
    const tokenizer = makeTokenizer(source.tokenizer)
    if (tokenizer.kind !== 'char' || tokenizer.vocab.join('') !== PERIODIC_ALPHABET.join(''))
      return {
        problems: [
          { field: 'text', message: 'This model was not trained on the generated sequences: its vocabulary differs.' },
        ],
      }
    const model: ModelConfig = { ...source.model, dropout: o.dropout ?? source.model.dropout }
    const problems = validateConfig(model, train, { limits: o.limits })
    if (problems.length) return { problems }
    const split = periodicSplit(model.blockSize, model.vocabSize, train.seed)
    return {
      added: [],
      build: () => {
        const run = new Run(
          model,
          train,
          tokenizer,
          split,
          paramsFromArrays(model, source.weights),
          o.resume?.sampler,
          undefined,
          o.synthetic,
        )
        return run.resumedAt(o.resume)
      },
    }
  }

  /** With a captured state: AdamW's moments and step count, the step and the training time put back. */
  private resumedAt(resume: ResumeState | undefined): Run {
    if (resume) {
      this.optimizer.load(resume.optimizer)
      this.step = resume.step
      this.elapsedMs = resume.elapsedMs
    }
    return this
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
      ...(this.synthetic && { synthetic: this.synthetic }),
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

  /**
   * One optimizer step on the next training batch. Reads back the loss and the gradient norm (one GPU sync).
   * On the GPU backends the next step's forward and backward pass is queued before this step's values are read
   * (see `lookAhead`), so this takes that step's gradients when they are still good.
   */
  trainStep(): Promise<MetricPoint> {
    this.assertAlive()
    const ahead = this.ahead
    this.ahead = undefined
    // taken when they were made for this step index (a skipped step leaves the index, the dropout seed, where
    // it was) from these very weights (a parameter assigned since, by anything but the update they were queued
    // behind, has another dataId); else the batch is kept and its gradients made again
    const fresh = ahead?.grads && ahead.it === this.step && this.sameWeights(ahead.weights)
    const grads = fresh ? ahead.grads : undefined
    if (ahead && !grads) disposeGrads(ahead.grads)
    return this.takeStep(ahead?.batch ?? this.sampler.next('train'), grads, this.lookAhead)
  }

  /**
   * One optimizer step on a given batch — the step training takes (trainStep is this on the sampler's next
   * batch): loss and gradients of every parameter, their global norm, clipping, AdamW at this step's learning
   * rate. The PyTorch golden step (exactness.test.ts) holds this method to float64. Gradients trainStep queued
   * ahead are dropped (their batch is kept for the next trainStep): this step changes the weights they read.
   */
  stepOn(batch: Batch): Promise<MetricPoint> {
    this.assertAlive()
    if (this.ahead) {
      disposeGrads(this.ahead.grads)
      this.ahead.grads = undefined
    }
    return this.takeStep(batch, undefined, false)
  }

  private sameWeights(ids: object[]): boolean {
    return Object.values(this.params).every((v, i) => v.dataId === ids[i])
  }

  /** The forward and backward pass of step index `it` on `batch`: the flat gradients and (loss, norm), queued. */
  private gradsOf(batch: Batch, it: number): Grads {
    return tf.tidy(() => {
      const [x, y, weights] = this.batchTensors(batch)
      const f = () =>
        loss(this.gpt, this.model, x, y, { training: true, seed: this.train.seed * 100_003 + it, weights })
      const { value, grads } = tf.variableGrads(f, Object.values(this.params))
      const named: Record<string, tf.Tensor> = {}
      for (const [name, p] of Object.entries(this.params)) named[name] = grads[p.name]
      const flat = this.optimizer.flatGrads(named)
      return { flat, both: tf.stack<tf.Scalar>([value, flat.norm]) as tf.Tensor1D }
    })
  }

  private async takeStep(batch: Batch, queued: Queued | undefined, lookAhead: boolean): Promise<MetricPoint> {
    const t0 = nowMs()
    const lr = learningRateAt(this.step, this.train)
    // The loss and the gradients' norm are read back before the update is applied (the step's one readback): a
    // step whose loss or norm is not finite is not applied at all, so NaN never reaches the weights or AdamW's
    // moments. On wasm and cpu the values are read first (a `where` on every parameter cost 18 % of a step on
    // wasm); on webgpu and webgl the fused update decides on the device, so nothing waits for JavaScript (below).
    const { flat, both } = queued ?? this.gradsOf(batch, this.step)
    let lossValue: number
    let gradNorm: number
    let read: Reading | undefined
    try {
      // On the GPU backends the update is queued right behind the read-back's copy, guarded (it changes nothing
      // if the loss or the norm is not finite), and then the next step's forward and backward pass behind it —
      // they write no weight, so whatever runs between two steps (an evaluation, a checkpoint, the views,
      // sampling) sees the model after this step — all before the values arrive: the GPU has the next step's
      // work while JavaScript waits for this one's loss. A skipped step hands back the step count its update took.
      const onDevice = AdamW.guardsOnDevice()
      // the copy to read back queued behind the backward pass only (a step queued ahead queued its own then)
      read = queued?.read ?? reading(both)
      if (onDevice) {
        tf.tidy(() => this.optimizer.applyFlat(flat, lr, this.train.gradClip, undefined, both))
        if (lookAhead && this.step + 1 < this.train.maxIters) {
          const trainState = this.sampler.state()[0]
          const next = this.sampler.next('train')
          const weights = Object.values(this.params).map((v) => v.dataId)
          const grads = this.gradsOf(next, this.step + 1)
          this.ahead = {
            batch: next,
            trainState,
            it: this.step + 1,
            weights,
            grads: { ...grads, read: reading(grads.both) },
          }
        }
      }
      ;[lossValue, gradNorm] = await read.values
      const finite = Number.isFinite(lossValue) && Number.isFinite(gradNorm)
      if (onDevice && !finite) this.optimizer.unstep()
      if (!onDevice && finite) tf.tidy(() => this.optimizer.applyFlat(flat, lr, this.train.gradClip, gradNorm))
    } finally {
      disposeGrads({ flat, both })
    }
    // A step's clock: from its start to its values. A step queued ahead ran on the GPU from the moment the step
    // before it was read (the GPU runs the queue in order): from then to its own values, each moment as the
    // worker's event loop saw the values arrive, whatever it did between (sampling, the views, a pause).
    const now = nowMs()
    const end = read?.at ?? now
    const stepMs = queued && this.lastReadAt !== undefined ? Math.max(0, end - this.lastReadAt) : now - t0
    this.lastReadAt = end
    let point: MetricPoint
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
      // not applied: the model is still the one after step `this.step`
      point = { step: this.step + 1, loss: lossValue, gradNorm, lr, stepMs, elapsedMs: this.elapsedMs, skipped: true }
    } else {
      this.step += 1
      this.elapsedMs += stepMs
      point = { step: this.step, loss: lossValue, gradNorm, lr, stepMs, elapsedMs: this.elapsedMs }
    }
    this.callbacks.trigger('onStepEnd', point)
    return point
  }

  /**
   * Calls `fn` at the end of every step ('onStepEnd': the point stepOn and trainStep return, a skipped step's
   * too) or evaluation ('onEvalEnd': evaluate's point), after it is computed and before it is returned; callbacks
   * run in the order they were added. Returns a function that removes `fn`.
   */
  addCallback<E extends TrainerEvent>(event: E, fn: TrainerCallback<E>): () => void {
    return this.callbacks.add(event, fn)
  }

  /** Mean loss over evalIters batches of each split, without dropout; one readback. */
  async evaluate(): Promise<EvalPoint> {
    this.assertAlive()
    const point = await this.measure()
    this.callbacks.trigger('onEvalEnd', point)
    return point
  }

  private async measure(): Promise<EvalPoint> {
    const n = this.train.evalIters
    // One tidy per batch, keeping only the running sums: a single tidy around all 2·n forward passes held every
    // pass's activations until the end (measured: 12.5 s instead of 5 s for the baby model's 40 passes on wasm).
    const T = this.model.blockSize
    const sums = { evalTrain: tf.scalar(0), evalVal: tf.scalar(0), rep: tf.scalar(0) }
    const sampler = this.sampler
    const generated = sampler instanceof PeriodicSampler ? sampler : undefined
    // validation loss by position (the mean over batches of the loss at each of the T positions), when every
    // target counts (not in pair mode): the scalar is then their mean, from the same forward passes
    let byPosition: tf.Tensor1D | undefined = this.pairs ? undefined : tf.zeros([T])
    try {
      for (let i = 0; i < n; i++) {
        for (const stream of ['evalTrain', 'evalVal'] as const) {
          const batch = this.sampler.next(stream)
          if (stream === 'evalVal' && byPosition) {
            const [nextSum, nextPos] = tf.tidy((): [tf.Scalar, tf.Tensor1D] => {
              const [x, y] = this.batchTensors(batch)
              const each = tf.reshape(tokenLosses(this.gpt, this.model, x, y), [batch.batchSize, T])
              return [tf.add(sums.evalVal, tf.mean(each)), tf.add(byPosition!, tf.mean(each, 0))]
            })
            tf.dispose([sums.evalVal, byPosition])
            sums.evalVal = nextSum
            byPosition = nextPos
            continue
          }
          const next = tf.tidy((): tf.Scalar => {
            const [x, y, weights] = this.batchTensors(batch)
            return tf.add(sums[stream], loss(this.gpt, this.model, x, y, { training: false, weights }))
          })
          sums[stream].dispose()
          sums[stream] = next
        }
        if (generated) {
          // the loss on the repeated tokens (periods ≥ 3), on a batch of its own
          const next = tf.tidy((): tf.Scalar => {
            const [x, y, weights] = this.batchTensors(generated.repeated())
            return tf.add(sums.rep, loss(this.gpt, this.model, x, y, { training: false, weights }))
          })
          sums.rep.dispose()
          sums.rep = next
        }
      }
      const parts = [sums.evalTrain, sums.evalVal, sums.rep]
      const all = tf.tidy(() =>
        tf.concat([...parts.map((p) => tf.reshape(p, [1])), ...(byPosition ? [byPosition] : [])]),
      )
      try {
        const values = await all.data() // one readback
        const point: EvalPoint = { step: this.step, trainLoss: values[0] / n, valLoss: values[1] / n }
        if (generated) point.repLoss = values[2] / n
        if (byPosition) point.valByPosition = Array.from(values.subarray(3), (v) => v / n)
        return point
      } finally {
        all.dispose()
      }
    } finally {
      tf.dispose([sums.evalTrain, sums.evalVal, sums.rep, ...(byPosition ? [byPosition] : [])])
    }
  }

  /** Problems with a prompt, in words: characters the tokenizer has no token for. */
  checkText(text: string, field: 'prompt' | 'probe' | 'score'): Problem[] {
    const unknown = this.tokenizer.unknown(text)
    return unknown.length ? [unknownCharsProblem(unknown, field)] : []
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
    // the batch queued ahead is not taken yet: the training stream as it was before that batch was drawn
    const sampler = this.sampler.state()
    if (this.ahead) sampler[0] = this.ahead.trainState
    return { weights, resume: { step: this.step, elapsedMs: this.elapsedMs, optimizer, sampler } }
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

  assertAlive(): void {
    if (this.disposed) throw new Error('this run has been disposed')
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.snapshot = undefined
    disposeGrads(this.ahead?.grads)
    this.ahead = undefined
    disposeParams(this.params)
    this.optimizer.dispose()
  }
}
