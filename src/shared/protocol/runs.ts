// Runs: a model trained on one text — how one begins (new, restored, from a file, fine-tuned), its state
// machine, its training, its metrics and its place in the browser's storage.
import type { ModelConfig, ModelSettings, TrainConfig } from '../config'
import type { DivergenceKind } from '../../analysis/divergence'
import type { TokenizerSpec } from '../../text/tokenizer'

/** A run is one model trained on one text. Every run-scoped message names it; stale ones are dropped. */
export type RunState = 'ready' | 'training' | 'paused' | 'stopped' | 'finished'

/**
 * The state machine of a run: the states each state may move to (a state is never announced twice in a row).
 * The worker moves only along these (RunController.setState in worker/runController.ts refuses anything else); the stress test holds every
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
  /**
   * A generated run ('periodic'): the loss on the repeated tokens only (periods ≥ 3, after the first period), the
   * tokens an induction head predicts; averaged over as many fresh batches as valLoss.
   */
  repLoss?: number
}

/** A run whose batches are generated fresh every step instead of read from a text: the induction experiment's. */
export type SyntheticData = 'periodic'

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
  /** Batches generated fresh every step (trainTokens and valTokens then count the sample the probes read). */
  synthetic?: SyntheticData
  tokensPerStep: number
}

export type RunToWorker =
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
      /** Train on generated batches instead of `text` (which is then ignored; the vocabulary is the generator's). */
      synthetic?: SyntheticData
    }
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
  /**
   * Before Start, how long would a run of these settings take here? A throwaway model of them (the run held, if
   * any, is untouched) takes warm-up steps, then timed steps (worker/estimate.ts) and one timed evaluation batch, on
   * the backend in use, after the work queued before it → run.estimated, or invalid (the settings' problems, or
   * a run is training: the two would be timed together).
   */
  | {
      type: 'run.estimate'
      requestId: string
      text: string
      model: ModelSettings
      train: TrainConfig
      pairs?: boolean
      tokenizer?: TokenizerSpec
      synthetic?: SyntheticData
    }
  | { type: 'train.start'; runId: string }
  /** Step once: a ready, paused or stopped run takes one optimizer step (with its evaluation, if due), then pauses. */
  | { type: 'train.step'; runId: string }
  | { type: 'train.pause'; runId: string }
  | { type: 'train.resume'; runId: string }
  | { type: 'train.stop'; runId: string }
  /** A new peak learning rate for a run that is not training (minLr scales with it): after a divergence → run.train. */
  | { type: 'run.retune'; runId: string; requestId: string; learningRate: number }

export type RunFromWorker =
  | ({ type: 'run.created'; runId: string; restored?: RestoredHistory } & RunInfo)
  /**
   * The answer to run.estimate: the measured ms of one training step and of one evaluation forward pass, and
   * the whole run from them — maxIters steps, `evaluations` evaluations of 2 × evalIters passes, and the
   * measured cost of building the model and its first step (`startMs`).
   */
  | {
      type: 'run.estimated'
      requestId: string
      stepMs: number
      evalPassMs: number
      startMs: number
      evaluations: number
      totalMs: number
    }
  | { type: 'run.state'; runId: string; state: RunState; step: number }
  /** Training paused itself (see analysis/divergence.ts); the model is the one after `step − 1` for `non-finite`. */
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
  /** A checkpoint of the run is safely stored (the transaction completed); ms: reading it back and writing it. */
  | { type: 'run.saved'; runId: string; storedId: string; step: number; bytes: number; ms: number }
  /** The run could not be stored: `full` when the browser's storage is full. Training goes on in memory. */
  /** `reason` lets the page say it in another language; `message` is English */
  | { type: 'storage.problem'; runId: string; full: boolean; reason: 'deleted' | 'full' | 'failed'; message: string }
  /**
   * The steps and evaluations since the last batch; `sentAt`: the worker's clock when it was sent, in ms since the
   * epoch (performance.timeOrigin + now, comparable across the page and its worker): the bench measures from it.
   */
  | { type: 'metrics'; runId: string; points: MetricPoint[]; evals: EvalPoint[]; memory: MemoryReport; sentAt?: number }
