// The typed contract between the page and the training worker. Plain data only: tensors never cross.
// Commands go page → worker (ToWorker), events come back (FromWorker). Both are discriminated unions on
// `type`; both sides `switch` on it and end with assertNever, so a new message is a compile error until handled.
import type { ModelConfig, ModelSettings, Problem, TrainConfig, DeviceLimits } from './config'
import type { TokenizerSpec } from './tokenizer'
import type { BeamNode } from './beam'
import type { DivergenceKind } from './divergence'
import type { TextStats } from './text'

export const PROTOCOL_VERSION = 1

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu'
export type BackendChoice = 'auto' | BackendName

/** A run is one model trained on one text. Every run-scoped message names it; stale ones are dropped. */
export type RunState = 'ready' | 'training' | 'paused' | 'stopped' | 'finished'

/**
 * The state machine of a run: the states each state may move to (a state is never announced twice in a row).
 * The host moves only along these (worker/host.ts setState refuses anything else); the stress test holds every
 * sequence of `run.state` messages it sees to the same table. A new run starts `ready`, or `paused` when it is
 * reopened from a checkpoint.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  ready: ['training'],
  training: ['paused', 'stopped', 'finished'],
  paused: ['training', 'stopped'],
  stopped: ['training'],
  finished: [],
}

export const canMove = (from: RunState, to: RunState): boolean => RUN_TRANSITIONS[from].includes(to)

export type DecodeStrategy = 'sample' | 'beam'

export interface SampleSettings {
  prompt: string
  maxNewTokens: number
  /** 'sample' (default): temperature, top-k, top-p and a draw; temperature 0 is greedy. 'beam': beam search. */
  strategy?: DecodeStrategy
  temperature: number // 0 = greedy (argmax)
  topK: number // 0 = no cut-off; above the vocabulary size it keeps everything
  topP?: number // nucleus: keep the smallest set of tokens whose mass reaches topP; 1 (default) = off
  beamWidth?: number // beam search: beams kept (1 = greedy), default 4
  lengthPenalty?: number // beam search: α of ((5 + length) / 6)^α, default 0
  stop?: string // stop once the generated text ends with this (e.g. "\n\n"); empty = never
  seed?: number // reproducible sampling when set
}

/** One final beam of a beam search, as the page shows it. */
export interface BeamSummary {
  text: string
  logProb: number // total log-probability of the generated tokens
  score: number // logProb divided by the length penalty: what beams are ranked by
  done: boolean // ended at the stop text
}

/**
 * A beam search's tree over its first TREE_STEPS steps (src/shared/beam.ts BeamNode: token ids, total
 * log-probabilities, kept or pruned) and the greedy path over the same steps, to overlay on it.
 */
export interface BeamTree {
  nodes: BeamNode[]
  greedy: number[]
  best: number[] // the nodes along the best beam (its first TREE_STEPS tokens)
}

/** One generated token and what the model believed at its position (temperature 1, before any cut-off). */
export interface SampledToken {
  text: string // what this token adds to the text (BPE: '' while a character's bytes are incomplete)
  token: string // the token itself as it shows alone (BPE: ⟨hex⟩ for bytes of a partial character)
  id: number
  prob: number // probability of this token under the distribution it was drawn from
  top: { text: string; prob: number }[] // the 5 most likely tokens at this position
  entropy: number // of the model's distribution at this position, in nats
  /**
   * "Why this token?": the attention rows that produced this token's logits (the query is the token before
   * it), every layer and head: (nLayer·nHead, keys) uint8 rows, row layer·nHead + head, each summing to 255.
   * Key j is token `start + j` of the context (the prompt's tokens, then the generated ones). Sampled
   * generations only; beam search has none.
   */
  attention?: { start: number; rows: Uint8Array }
}

/** The worker says it is alive this often (ms), from its entry (train.worker.ts). */
export const HEARTBEAT_MS = 1000

export type ToWorker =
  /**
   * `testHooks` turns on the test.* messages (end-to-end tests inject failures with them: the page sends it only
   * with ?test-hooks in its address); `budget` lowers the memory limits the backend reports, so "too large" is
   * reached deterministically in a test.
   */
  | { type: 'init'; backend: BackendChoice; testHooks?: boolean; budget?: Partial<DeviceLimits> }
  /** Is the worker still there? It answers `alive` (the page asks when it has heard nothing for a while). */
  | { type: 'ping' }
  /** Measure a long text (code points, distinct characters, split) in slices → text.progress …, text.stats */
  | { type: 'text.analyze'; requestId: string; text: string }
  | { type: 'text.cancel'; requestId: string }
  /** The page was hidden (or frozen) or is visible again: the worker coalesces what it sends meanwhile. */
  | { type: 'page.visibility'; hidden: boolean }
  /** Test hooks (init.testHooks): an exception that escapes the worker, or the worker closing itself as if killed. */
  | { type: 'test.crash'; how: 'throw' | 'exit' }
  /** Test hook (init.testHooks): destroy the GPU device under the backend, as a driver reset would. */
  | { type: 'test.loseDevice' }
  /**
   * Build a model on this text (tokenize, split, initialise weights). Replaces the previous run. `persist`: keep
   * the run in the browser's storage once it starts training (name, and the built-in dataset the text is, if any).
   */
  | {
      type: 'run.create'
      runId: string
      text: string
      model: ModelSettings
      train: TrainConfig
      persist?: PersistRequest
      pairs?: boolean
      tokenizer?: TokenizerSpec
    }
  /** Train a byte-level BPE tokenizer on `text` → tokenizer.progress… → tokenizer.trained; tokenizer.cancel stops it. */
  | { type: 'tokenizer.train'; requestId: string; text: string; vocabSize: number }
  | { type: 'tokenizer.cancel'; requestId: string }
  /**
   * Fine-tune: a new run from a stored run's weights (its last checkpoint; not its optimizer) on `text`, with
   * this training configuration. Like run.import, `extendVocab` lets new characters in.
   */
  | {
      type: 'run.finetune'
      runId: string
      storedId: string
      text: string
      train: TrainConfig
      extendVocab?: boolean
      pairs?: boolean
      persist?: PersistRequest
    }
  /** Pair mode: generate each held-out pair's completion → pairs.row for each, then pairs.done. */
  | { type: 'pairs.evaluate'; runId: string; requestId: string }
  /**
   * Rebuild a stored run from its last checkpoint, exactly where it was (weights, optimizer, batch generators).
   * `text` is the text the page has; a run that stored its text inline uses its own, others must match its digest.
   */
  | { type: 'run.restore'; runId: string; storedId: string; text: string; learningRate?: number }
  /**
   * Build a run from a model file (safetensors, nanoGPT's layout) that trains on `text` from here; replaces the
   * previous run only once the file and the text have passed every check. `extendVocab`: characters of the
   * text the model lacks get new embedding rows instead of being refused.
   */
  | {
      type: 'run.import'
      runId: string
      file: ArrayBuffer
      fileName: string
      text: string
      train: TrainConfig
      extendVocab?: boolean
      pairs?: boolean
      persist?: PersistRequest
    }
  /**
   * The current model as a safetensors file, or ('nanogpt') a tar to continue the run with nanoGPT: its data
   * as train.bin / val.bin / meta.pkl in data/<name>/, a config, the weights and AdamW state → run.exported.
   */
  | { type: 'run.export'; runId: string; requestId: string; format?: 'safetensors' | 'nanogpt'; name?: string }
  | { type: 'train.start'; runId: string }
  | { type: 'train.pause'; runId: string }
  | { type: 'train.resume'; runId: string }
  | { type: 'train.stop'; runId: string }
  /** A new peak learning rate for a run that is not training (minLr scales with it): after a divergence → run.train. */
  | { type: 'run.retune'; runId: string; requestId: string; learningRate: number }
  | { type: 'sample.request'; runId: string; requestId: string; settings: SampleSettings }
  | { type: 'sample.cancel'; requestId: string }
  /**
   * Pin a prompt (or unpin: null): every `every` steps while training, and at once, the worker generates its
   * continuation with these settings (a fixed seed) and sends a watch.entry, so the page can keep a timeline.
   */
  | {
      type: 'watch.prompt'
      runId: string
      requestId: string
      watch: { prompt: string; every: number; settings: Omit<SampleSettings, 'prompt'> } | null
    }
  /** How likely the model finds a text: every token's probability given the tokens before it. */
  | { type: 'score.request'; runId: string; requestId: string; text: string }
  /** Which attention map the page shows: the worker sends it now and refreshes it while training. */
  | { type: 'attention.watch'; runId: string; probe: string; layer: number; head: number }
  /**
   * The attention atlas: every layer and head on a probe — the validation slice, a text, or random tokens repeated
   * once (for induction) — sent now and after every evaluation while watched; null stops it.
   */
  | { type: 'atlas.watch'; runId: string; probe: AtlasProbe | null }
  /** The embedding map: the worker sends wte's top two principal components now and after each evaluation. */
  | { type: 'embedding.watch'; runId: string; on: boolean }
  /** The tokens closest to one token in the full embedding space (cosine). */
  | { type: 'embedding.neighbours'; runId: string; requestId: string; id: number }
  /** One head's computation for one query of a probe → qkv.result. */
  | { type: 'qkv.request'; runId: string; requestId: string; probe: string; layer: number; head: number; query: number }
  /** The next-token lens at one position of a probe text ('' = the validation slice). */
  | { type: 'lens.request'; runId: string; requestId: string; probe: string; position: number }
  /** Show the positional encoding: the worker sends it now and after every evaluation while training. */
  | { type: 'positions.watch'; runId: string; on: boolean }

export type AtlasProbe = { kind: 'validation' } | { kind: 'text'; text: string } | { kind: 'repeated'; seed: number }

/** One snapshot of the atlas at a step: every head's attention (packed uint8 lower triangles) and its scores. */
export interface AtlasSnapshot {
  step: number
  valLoss?: number
  tokens: string[] // the probe as the model saw it
  period?: number // the repeated probe's period (induction scores need it)
  layers: number
  heads: number
  T: number
  /**
   * (L·H) packed lower triangles, head h of layer l at (l·H + h)·T(T+1)/2; every row sums to 255. With `full`
   * (a model without the causal mask): (L·H) whole T × T matrices instead, at (l·H + h)·T², rows summing to 255.
   */
  weights: Uint8Array
  full?: boolean
  /** per head, in the same order: previous, self, first, induction, entropy (bits) */
  scores: Float32Array
}

/** One head, one query, as the model computed it (see Run.qkv): every input and every intermediate number. */
export interface QkvData {
  tokens: string[]
  layer: number
  head: number
  query: number
  headSize: number
  x: number[][] // block input rows 0…query
  xhat: number[][] // after LayerNorm (ln_1)
  lnWeight: number[]
  lnBias?: number[]
  wq: number[][] // (C, hs)
  wk: number[][]
  wv: number[][]
  bq?: number[]
  bk?: number[]
  bv?: number[]
  q: number[]
  k: number[][]
  v: number[][]
  weights: number[] // the attention row
  out: number[] // the head's output for the query
}

export interface PersistRequest {
  name: string
  datasetId?: string // the text is this built-in dataset: stored by id, not inline
  textLabel?: string // how to name the text to the user if it has to be loaded again (a file name)
}

/** What a restored run brings back with it: its history up to the checkpoint, and its pinned prompt's timeline. */
export interface RestoredHistory {
  storedId: string
  name: string
  points: MetricPoint[]
  evals: EvalPoint[]
  watch: { prompt: string; entries: { step: number; loss: number; valLoss?: number; text: string }[] } | null
}

export interface BackendAttempt {
  backend: BackendName
  ok: boolean
  note: string
}

export interface BackendReport {
  backend: BackendName
  requested: BackendChoice
  /** one sentence: why this backend runs (e.g. "auto: the WebGPU adapter is a software fallback (SwiftShader)") */
  reason: string
  adapter?: { description: string; software: boolean }
  attempts: BackendAttempt[]
  limits: DeviceLimits
  /** whether this browser exposes a usable WebGPU adapter at all */
  webgpu: 'hardware' | 'software' | 'none'
  /** the same for WebGL 2 (with `webgpu`, `requested` and `backend`, enough for the page to say `reason` in another language) */
  webgl: 'hardware' | 'software' | 'none'
}

export interface MetricPoint {
  step: number // 1-based: the number of optimizer steps taken
  loss: number // training loss of this step's batch
  /** the gradients' global L2 norm before clipping */
  gradNorm?: number
  lr: number
  stepMs: number
  elapsedMs: number // training time so far, pauses excluded
  /** the loss or the gradient norm was not finite: the update was not applied, and the run is still at step − 1 */
  skipped?: true
}

/** The worker's memory, sent with every metrics batch: tensors should stay flat from step to step. */
export interface MemoryReport {
  numTensors: number // live tfjs tensors (tf.memory().numTensors)
  numBytes: number // bytes those tensors hold
  jsHeapBytes?: number // the worker's used JS heap, where the browser reports it (Chromium's performance.memory)
}

export interface EvalPoint {
  step: number
  valLoss: number
  trainLoss: number // averaged over the same number of batches as valLoss
  /** Validation loss at each position 0…T−1 of the context (their mean is valLoss); not in pair mode. */
  valByPosition?: number[]
}

/** What a run is: its full configuration and the facts of its text. */
export interface RunInfo {
  model: ModelConfig
  train: TrainConfig
  paramCount: number
  vocab: string[] // token id → text (BPE: as the token shows alone)
  tokenizerKind: 'char' | 'bpe'
  /**
   * A run that started from existing weights: a model file or a stored run (fine-tuning), how long that had
   * trained, and the characters added to its vocabulary.
   */
  origin?: { from: 'file' | 'run'; name: string; step?: number; added: string[] }
  trainTokens: number
  valTokens: number
  /** Reference losses for the chart, in nats per token: uniform guessing (ln V), by frequency, by the token before. */
  reference: { uniform: number; unigram: number; bigram: number }
  /** Pair mode: how many pairs train, how many are held out for evaluation, and how they were written. */
  pairs?: { train: number; heldOut: number; format: 'tsv' | 'jsonl' }
  tokensPerStep: number
}

/** A text scored by the model: tokens[i] is token i + 1 of the text, predicted from the ones before it. */
export interface TextScore {
  first: string // the first token, which nothing predicts
  tokens: SampledToken[]
  logLikelihood: number // Σ ln p over tokens, in nats
  perplexity: number // exp(−logLikelihood / tokens.length)
  truncated: boolean // the text was longer than the scoring limit and only its start was scored
}

export type FromWorker =
  | { type: 'ready'; protocolVersion: number; report: BackendReport }
  /** The heartbeat: every second from the worker's entry, and in answer to a ping. */
  | { type: 'alive' }
  /** The GPU device was lost: every tensor with it. The worker stops; the page starts a new one and reopens the run. */
  | { type: 'device.lost'; backend: BackendName; message: string }
  | { type: 'text.progress'; requestId: string; done: number; total: number }
  /** `cancelled`: stopped by text.cancel, no stats */
  | ({ type: 'text.stats'; requestId: string; cancelled: false } & TextStats)
  | { type: 'text.stats'; requestId: string; cancelled: true }
  | ({ type: 'run.created'; runId: string; restored?: RestoredHistory } & RunInfo)
  | { type: 'run.state'; runId: string; state: RunState; step: number }
  /** Training paused itself (see shared/divergence.ts); the model is the one after `step − 1` for `non-finite`. */
  | {
      type: 'diverged'
      runId: string
      step: number
      loss: number
      gradNorm?: number
      kind: DivergenceKind
      reference?: number
      learningRate: number
      suggested: number
      savedStep?: number
    }
  /** The run's training settings changed (run.retune) */
  | { type: 'run.train'; runId: string; train: TrainConfig }
  | {
      type: 'run.exported'
      runId: string
      requestId: string
      bytes: ArrayBuffer
      step: number
      format: 'safetensors' | 'nanogpt'
      name: string
    }
  | { type: 'tokenizer.progress'; requestId: string; merges: number; target: number }
  /** The trained tokenizer; `stoppedEarly` when the text ran out of pairs that occur twice before the target. */
  | {
      type: 'tokenizer.trained'
      requestId: string
      spec: TokenizerSpec
      ms: number
      stoppedEarly: boolean
      cancelled: boolean
      tokens: number
    }
  /** Pair mode: one held-out pair, its reference completion and what the model generated for it. */
  | {
      type: 'pairs.row'
      runId: string
      requestId: string
      step: number
      index: number
      total: number
      prompt: string
      reference: string
      generation: string
    }
  | { type: 'pairs.done'; runId: string; requestId: string; step: number; reason: 'done' | 'cancelled' }
  /** A checkpoint of the run is safely stored (the transaction completed); ms: reading it back and writing it. */
  | { type: 'run.saved'; runId: string; storedId: string; step: number; bytes: number; ms: number }
  /** The run could not be stored: `full` when the browser's storage is full. Training goes on in memory. */
  /** `reason` lets the page say it in another language; `message` is English */
  | { type: 'storage.problem'; runId: string; full: boolean; reason: 'deleted' | 'full' | 'failed'; message: string }
  | { type: 'metrics'; runId: string; points: MetricPoint[]; evals: EvalPoint[]; memory: MemoryReport }
  | {
      type: 'attention'
      runId: string
      step: number
      layer: number
      head: number
      tokens: string[] // the probe as the model saw it (cropped to the context)
      weights: Float32Array // (T, T) row-major: row = query position, column = key position; masked cells are 0
    }
  | ({ type: 'atlas'; runId: string } & AtlasSnapshot)
  /** wte in two dimensions: coords (V, 2), the components (2, C), their shares of the variance, token counts. */
  | {
      type: 'embedding'
      runId: string
      step: number
      tokens: string[]
      counts: Uint32Array
      coords: Float32Array
      components: Float32Array
      explained: [number, number]
      C: number
    }
  | ({ type: 'qkv.result'; runId: string; requestId: string; step: number } & QkvData)
  /** (layers, V) logits at `position`: the logit lens, its last row the model's own prediction. */
  | {
      type: 'lens.result'
      runId: string
      requestId: string
      step: number
      tokens: string[]
      ids: number[]
      position: number
      layers: number
      logits: Float32Array
    }
  | {
      type: 'embedding.neighbours.result'
      runId: string
      requestId: string
      id: number
      neighbours: { id: number; cos: number }[]
    }
  /** The positional encoding in use: the learned table (wpe) or the fixed sinusoid, (T, C) row-major. */
  | {
      type: 'positions'
      runId: string
      step: number
      kind: 'learned' | 'sinusoidal'
      T: number
      C: number
      table: Float32Array
    }
  | ({ type: 'sample.token'; runId: string; requestId: string } & SampledToken)
  /** Beam search: every final beam, best first (the best one's tokens also arrive as sample.token). */
  | { type: 'sample.beams'; runId: string; requestId: string; beams: BeamSummary[]; tree: BeamTree }
  /** Before a sampled generation's first token: the prompt's tokens the model sees (keys of the attention trace). */
  | { type: 'sample.context'; runId: string; requestId: string; tokens: string[] }
  | {
      type: 'sample.done'
      runId: string
      requestId: string
      reason: 'length' | 'stop' | 'cancelled'
      step: number
      tokens: number
      elapsedMs: number
    }
  | ({ type: 'score.result'; runId: string; requestId: string; step: number } & TextScore)
  /** The pinned prompt's continuation at this step (loss: the last training loss, NaN before training). */
  | { type: 'watch.entry'; runId: string; step: number; loss: number; valLoss?: number; prompt: string; text: string }
  /** A problem the user can fix (config, text, prompt). Nothing was allocated and nothing was lost. */
  | { type: 'invalid'; runId?: string; requestId?: string; problems: Problem[] }
  /** Something went wrong in the worker. */
  | { type: 'error'; runId?: string; requestId?: string; name: string; message: string; stack?: string }

export function assertNever(x: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(x)}`)
}

/** The part of a Worker (or of `self` inside one) that the host and the client need: comlink's Endpoint idea. */
export interface Endpoint<In, Out> {
  postMessage(message: Out, transfer?: ArrayBuffer[]): void
  addEventListener(type: 'message', listener: (ev: { data: In }) => void): void
  removeEventListener(type: 'message', listener: (ev: { data: In }) => void): void
}
