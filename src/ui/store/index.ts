// One zustand store, built from slices: settings (what the user chose), worker (the backend handshake),
// run (the model the worker holds), metrics (loss history), sample (the generation in progress) and viz
// (the attention map). The worker client writes it from outside React; components select narrowly.
import { BPE_VOCAB } from '../../shared/tokenizer'
import { create, type StateCreator } from 'zustand'
import { getPreset, type ModelSettings, type Problem, type TrainConfig } from '../../shared/config'
import type { SequentialMap } from '../colourMaps'
import { initialLang, type Lang } from '../i18n/lang'
import type { Hideable } from '../lessonLink'
import type {
  AtlasProbe,
  AtlasSnapshot,
  BackendChoice,
  BackendReport,
  FromWorker,
  QkvData,
  BeamSummary,
  BeamTree,
  EvalPoint,
  MemoryReport,
  MetricPoint,
  RunInfo,
  RunState,
  SampleSettings,
  TextScore,
} from '../../shared/protocol'
import { defaultText, DEFAULT_DATASET } from '../datasets'
import type { StoredRun } from '../../storage/runStore'

export const DEFAULT_PRESET = 'tiny'

export interface SettingsSlice {
  datasetId: string // 'names' | 'moby' | 'custom'
  text: string
  textVersion: number // bumps on every change of text, so a run knows which text it was built from
  textNotice?: { kind: 'error' | 'info'; message: string }
  /** A long text being measured in the worker before the page takes it (trainerClient.offerText) */
  textLoading?: { requestId: string; done: number; total: number }
  /** A text over MAX_TEXT_CHARS, or a file over MAX_UPLOAD_BYTES: its start is offered, never taken unasked */
  textOffer?: { what: 'text' | 'file'; name: string; size: string; limit: string; take: () => void }
  presetId: string // a preset id, or 'custom' once a field is edited
  model: ModelSettings
  train: TrainConfig
  backendChoice: BackendChoice
  /** Pair mode: the text is prompt → completion pairs, and the loss counts completions only. */
  pairMode: boolean
  /** Which tokenizer a new run uses, and the BPE vocabulary size to train. */
  tokenizerChoice: 'char' | 'bpe'
  bpeVocabSize: number
  /** The trained BPE tokenizer: on which text version, how long it took, how many tokens that text became. */
  bpe?: {
    spec: { kind: 'bpe'; merges: [number, number][] }
    textVersion: number
    ms: number
    stoppedEarly: boolean
    tokens: number
    chars: number
    id: number
  }
  bpeTraining?: { requestId: string; merges: number; target: number }
  bpeProblems: Problem[]
  linkProblems: Problem[] // why the settings of the link the page was opened with could not be used
}

export interface WorkerSlice {
  report?: BackendReport
  workerError?: string // a message from the worker could not be read
  /** The worker crashed, was killed or fell silent: the page says so and offers Restart (trainerClient). */
  /** The GPU device was lost: the engine restarted (on another backend after two losses in a minute) */
  deviceLoss?: { backend: string; message: string; step?: number; fallback?: string }
  engineStopped?: {
    why: 'crashed' | 'silent' | 'failed-to-start'
    detail: string
    storedId?: string
    step?: number
    name?: string
    wasTraining: boolean
  }
}

export interface RunInfoView extends RunInfo {
  runId: string
  /** what the run was built from, to tell whether the current settings still describe it */
  textVersion: number
  settingsKey: string
  tokenizerKey: string
}

/** Opening a model file, or the last export's failure. */
export type ImportStatus =
  | { kind: 'loading'; fileName: string }
  | { kind: 'done'; fileName: string; step?: number; added: string[] }
  | { kind: 'error'; problems: Problem[] }

/** A held-out pair's generation beside its reference. */
export interface PairRow {
  index: number
  prompt: string
  reference: string
  generation: string
}

/** Where the current run's weights came from, to fine-tune them again when the text or settings change. */
export type FineTuneSource =
  { kind: 'file'; name: string; bytes: ArrayBuffer } | { kind: 'run'; storedId: string; name: string }

export interface RunSlice {
  run?: RunInfoView
  fineTuneSource?: FineTuneSource
  /** New characters of the text may join the vocabulary of an opened or fine-tuned model. */
  extendVocab: boolean
  /** Pair mode's evaluation of the held-out pairs: the latest one, possibly in progress. */
  pairEval?: { requestId: string; step: number; total: number; rows: PairRow[]; done: boolean }
  /** The stored run the current run is saved as, and the step of its last stored checkpoint. */
  saved?: { storedId: string; step: number; bytes: number; ms?: number; count?: number }
  /** The "break it" experiment: the masked run the current no-mask twin was made from (its stored id, if saved). */
  twinOf?: { storedId?: string; step: number }
  storageProblem?: { full: boolean; reason: 'deleted' | 'full' | 'failed'; message: string }
  storedRuns: StoredRun[]
  /** Stored records that do not read as runs (damaged, or from a newer version), with why */
  unreadableRuns: { id: string; code: string; params: Record<string, string | number>; message: string }[]
  storageAvailable?: boolean
  /** Stored runs whose validation curves the loss chart overlays. */
  compare: { id: string; name: string; evals: EvalPoint[] }[]
  /** Web Locks: this tab trains ('held'), or another tab does and this one waits for the user ('other'), or it was taken over. */
  lock?: 'held' | 'other' | 'taken'
  importStatus?: ImportStatus
  exportRequestId?: string // a run.export sent, not yet answered
  runState?: RunState
  pendingRunId?: string // a run.create sent, not yet answered
  runProblems: Problem[] // why the last run.create was refused
  restoreProblems: Problem[] // why the last stored run could not be reopened
  runError?: string
  /** Training paused itself: what happened, until the user resumes (src/shared/divergence.ts) */
  divergence?: Divergence
  /** Steps where training diverged in this run, marked on the loss chart */
  divergedAt: number[]
  retuneProblems: Problem[]
}

export type Divergence = Omit<Extract<FromWorker, { type: 'diverged' }>, 'type' | 'runId'>

export interface MetricsSlice {
  points: MetricPoint[]
  evals: EvalPoint[]
  memory?: MemoryReport // the worker's, as of the last metrics batch
}

export interface SampleToken {
  text: string // what the token adds to the text
  token: string // the token as it shows alone
  prob: number
  top: { text: string; prob: number }[] // the model's 5 most likely tokens at this position
  entropy: number // nats
  /** the attention rows that chose this token: see SampledToken.attention in the protocol */
  attention?: { start: number; rows: Uint8Array }
}

export interface ScoreView extends TextScore {
  step: number
}

export interface SampleSlice {
  sampleRequestId?: string
  samplePrompt: string
  sampleTokens: SampleToken[]
  sampleContext: string[] // the prompt's tokens the model saw (the first keys of each token's attention trace)
  sampleStatus: 'idle' | 'running' | 'done' | 'cancelled'
  sampleProblems: Problem[]
  sampleStep?: number // the training step of the model that wrote the sample
  sampleElapsedMs?: number // worker time for the whole generation
  sampleBeams: BeamSummary[] // beam search: every final beam, best first
  sampleTree?: BeamTree // beam search: its tree over the first steps, and the greedy path
  sampleReason?: 'length' | 'stop' | 'cancelled'
  scoreText: string
  /** "Watch this prompt": what is pinned, and its continuation at each step it was generated */
  watchPinned?: { prompt: string; every: number; settings: Omit<SampleSettings, 'prompt'> }
  watchTimeline: { step: number; loss: number; valLoss?: number; text: string }[]
  scoreRequestId?: string
  score?: ScoreView
  scoreProblems: Problem[]
}

export interface AttentionView {
  step: number
  layer: number
  head: number
  tokens: string[]
  weights: Float32Array
}

export interface PositionsView {
  step: number
  kind: 'learned' | 'sinusoidal'
  T: number
  C: number
  table: Float32Array
}

/** The embedding map at one step, aligned with the previous frame. */
export interface EmbeddingView {
  step: number
  tokens: string[]
  counts: Uint32Array
  coords: Float32Array
  components: Float32Array
  explained: [number, number]
  C: number
}

/** The next-token lens at one probe position. */
export interface LensView {
  requestId: string
  step: number
  tokens: string[]
  ids: number[]
  position: number
  layers: number
  logits: Float32Array
}

export interface VizSlice {
  qkv?: QkvData & { step: number; requestId: string }
  qkvRequestId?: string
  lens?: LensView
  lensRequestId?: string
  embeddingOpen: boolean
  embedding?: EmbeddingView
  neighbours?: { id: number; list: { id: number; cos: number }[] }
  /** The attention atlas is open, on this probe; its snapshots (one per evaluation, thinned when many). */
  atlasOpen: boolean
  /** Heatmaps: viridis, or cividis for colour-vision deficiency; attention on a linear or square-root scale. */
  colourMap: SequentialMap
  lang: Lang
  /** The guided tour's step (0-based), or undefined when no tour is running */
  tourStep?: number
  /** Panels a lesson link hides, and the link's parameters that could not be used */
  hidden: Hideable[]
  lessonRefused: string[]
  attentionScale: 'linear' | 'sqrt'
  atlasProbe: AtlasProbe
  atlasSnapshots: AtlasSnapshot[]
  /** The step every teaching view shows: the newest snapshot ('live'), or a chosen one. */
  viewStep: number | 'live'
  /** The positional-encoding view is open: the worker sends the encoding now and after each evaluation. */
  positionsOpen: boolean
  positions?: PositionsView
  layer: number
  head: number
  probeSource: 'validation' | 'prompt'
  attention?: AttentionView
  attentionProblems: Problem[]
}

export type AppState = SettingsSlice & WorkerSlice & RunSlice & MetricsSlice & SampleSlice & VizSlice

export function settingsKey(model: ModelSettings, train: TrainConfig): string {
  return JSON.stringify([model, train])
}

function initialColourMap(): SequentialMap {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem('gpt-playground:colours') === 'cividis'
      ? 'cividis'
      : 'viridis'
  } catch {
    return 'viridis' // storage blocked
  }
}

function initialBackend(): BackendChoice {
  const q = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('backend') : null
  return q === 'webgpu' || q === 'webgl' || q === 'wasm' || q === 'cpu' || q === 'auto' ? q : 'auto'
}

const settingsSlice: StateCreator<AppState, [], [], SettingsSlice> = () => {
  const preset = getPreset(DEFAULT_PRESET)
  return {
    datasetId: DEFAULT_DATASET.id,
    text: defaultText,
    textVersion: 1,
    presetId: preset.id,
    model: { ...preset.model },
    train: { ...preset.train },
    backendChoice: initialBackend(),
    pairMode: false,
    tokenizerChoice: 'char',
    bpeVocabSize: BPE_VOCAB.default,
    bpeProblems: [],
    linkProblems: [],
  }
}

export const useStore = create<AppState>()((...a) => ({
  ...settingsSlice(...a),
  runProblems: [],
  divergedAt: [],
  retuneProblems: [],
  restoreProblems: [],
  extendVocab: false,
  storedRuns: [],
  unreadableRuns: [],
  compare: [],
  points: [],
  evals: [],
  samplePrompt: '',
  sampleTokens: [],
  sampleContext: [],
  sampleBeams: [],
  scoreText: '',
  scoreProblems: [],
  watchTimeline: [],
  sampleStatus: 'idle',
  sampleProblems: [],
  positionsOpen: false,
  embeddingOpen: false,
  atlasOpen: false,
  colourMap: initialColourMap(),
  lang: initialLang(),
  hidden: [],
  lessonRefused: [],
  attentionScale: 'linear',
  atlasProbe: { kind: 'validation' },
  atlasSnapshots: [],
  viewStep: 'live',
  layer: 0,
  head: 0,
  probeSource: 'validation',
  attentionProblems: [],
}))

/** Does the run the worker holds still match what the page shows? */
export function runMatchesSettings(s: AppState): boolean {
  return Boolean(
    s.run &&
    s.run.textVersion === s.textVersion &&
    s.run.settingsKey === settingsKey(s.model, s.train) &&
    s.run.tokenizerKey === tokenizerKey(s),
  )
}

/** Which tokenizer a new run would use: characters, or one trained BPE (a new training is a new tokenizer). */
export function tokenizerKey(s: Pick<AppState, 'tokenizerChoice' | 'bpe'>): string {
  return s.tokenizerChoice === 'bpe' ? `bpe-${s.bpe?.id ?? 'none'}` : 'char'
}

/** The model has been trained (at least one step) or came from a file — replacing it would lose work. */
export function hasTrainedModel(s: AppState): boolean {
  return Boolean(s.run && (s.points.length > 0 || s.run.origin))
}

export function isTraining(s: AppState): boolean {
  return s.runState === 'training' || s.runState === 'paused'
}
