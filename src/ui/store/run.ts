// The run the worker holds: what it is and what it was built from, its state, its metrics, a run being built,
// why one was refused, a divergence, the held-out pairs' evaluation, the training lock and the no-mask twin.
import type { StateCreator } from 'zustand'
import type { Problem, TrainConfig } from '../../shared/config'
import type { EvalPoint, FromWorker, MemoryReport, MetricPoint, RunInfo, RunState } from '../../shared/protocol'
import { settingsKey } from './settings'
import { tokenizerKey } from './tokenizer'
import type { AppState } from '.'

export interface RunInfoView extends RunInfo {
  runId: string
  /** what the run was built from, to tell whether the current settings still describe it */
  textVersion: number
  settingsKey: string
  tokenizerKey: string
}

/** A held-out pair's generation beside its reference. */
export interface PairRow {
  index: number
  prompt: string
  reference: string
  generation: string
}

export type Divergence = Omit<Extract<FromWorker, { type: 'diverged' }>, 'type' | 'runId'>

/** What a run request was sent with: the text version and the settings and tokenizer it describes. */
export interface BuiltFrom {
  textVersion: number
  settingsKey?: string
  tokenizerKey?: string
}

type Msg<K extends FromWorker['type']> = Extract<FromWorker, { type: K }>

export interface RunSlice {
  run?: RunInfoView
  runState?: RunState
  pendingRunId?: string // a run request sent, not yet answered
  runProblems: Problem[] // why the last run.create was refused
  runError?: string
  /** Training paused itself: what happened, until the user resumes (src/analysis/divergence.ts) */
  divergence?: Divergence
  /** Steps where training diverged in this run, marked on the loss chart */
  divergedAt: number[]
  retuneProblems: Problem[]
  points: MetricPoint[]
  evals: EvalPoint[]
  memory?: MemoryReport // the worker's, as of the last metrics batch
  /** Pair mode's evaluation of the held-out pairs: the latest one, possibly in progress. */
  pairEval?: { requestId: string; step: number; total: number; rows: PairRow[]; done: boolean }
  /** Web Locks: this tab trains ('held'), or another tab does and this one waits for the user ('other'), or it was taken over. */
  lock?: 'held' | 'other' | 'taken'
  /** The "break it" experiment: the masked run the current no-mask twin was made from (its stored id, if saved). */
  twinOf?: { storedId?: string; step: number }
  runRequested(runId: string): void
  /** The worker built the run: it replaces the previous one, and an opened one's settings become the page's. */
  runCreated(msg: Msg<'run.created'>, from: BuiltFrom): void
  /** The worker refused the run request: the previous run stays, and the panel that asked says why. */
  runRefused(problems: Problem[], where: 'run' | 'restore' | 'file'): void
  setRunProblems(problems: Problem[]): void
  setRunError(message: string): void
  runStateChanged(state: RunState): void
  diverged(msg: Msg<'diverged'>): void
  clearDivergence(): void
  /** The run's training settings changed (run.retune); the settings panel follows when it described the run. */
  retrained(train: TrainConfig): void
  setRetuneProblems(problems: Problem[]): void
  metricsArrived(msg: Msg<'metrics'>): void
  pairsStarted(requestId: string): void
  pairsArrived(msg: Msg<'pairs.row'> | Msg<'pairs.done'>): void
  pairsEnded(requestId: string): void
  setLock(lock: RunSlice['lock']): void
  /** The no-mask twin is being built: what it was made from, and the masked run's curve kept to compare. */
  twinRequested(twinOf: RunSlice['twinOf'], masked: AppState['compare']): void
}

export const runSlice: StateCreator<AppState, [], [], RunSlice> = (set, get) => ({
  runProblems: [],
  divergedAt: [],
  retuneProblems: [],
  points: [],
  evals: [],
  runRequested: (pendingRunId) => set({ pendingRunId, runProblems: [] }),
  runCreated: (msg, from) => {
    const s = get()
    const { type: _t, restored, ...info } = msg
    const { model, train, origin } = info
    const pinned = s.watchPinned
    // an opened model (a file, a stored run): the settings panel now describes it, so nothing replaces it
    // until the user asks
    const { vocabSize: _v, ...opened } = model
    const isOpened = Boolean(origin || restored)
    set({
      ...(isOpened && { model: opened, train, presetId: 'custom' }),
      ...(origin?.from === 'file' &&
        !restored && { importStatus: { kind: 'done', fileName: origin.name, step: origin.step, added: origin.added } }),
      ...(isOpened && !restored && { pairEval: undefined }),
      run: {
        ...info,
        textVersion: from.textVersion,
        settingsKey: isOpened ? settingsKey(opened, train) : (from.settingsKey ?? settingsKey(s.model, s.train)),
        tokenizerKey: isOpened ? tokenizerKey(s) : (from.tokenizerKey ?? tokenizerKey(s)),
      },
      pendingRunId: undefined,
      runState: 'ready',
      runProblems: [],
      runError: undefined,
      divergence: undefined,
      divergedAt: [],
      retuneProblems: [],
      points: restored?.points ?? [],
      evals: restored?.evals ?? [],
      saved: restored ? { storedId: restored.storedId, step: restored.points.at(-1)?.step ?? 0, bytes: 0 } : undefined,
      storageProblem: undefined,
      memory: undefined,
      attention: undefined,
      sampleTokens: [],
      sampleStatus: 'idle',
      // the teaching views start again with the new model
      positions: undefined,
      atlasSnapshots: [],
      atlasMarker: undefined,
      viewStep: 'live',
      embedding: undefined,
      neighbours: undefined,
      ablation: undefined,
      patching: undefined,
      residual: undefined,
      offHeads: [], // another model: its heads are all on
      watchTimeline: restored?.watch && pinned && restored.watch.prompt === pinned.prompt ? restored.watch.entries : [],
    })
  },
  runRefused: (problems, where) =>
    set({
      pendingRunId: undefined,
      ...(where === 'run'
        ? { runProblems: problems }
        : where === 'restore'
          ? { restoreProblems: problems }
          : { importStatus: { kind: 'error', problems } }),
    }),
  setRunProblems: (runProblems) => set({ runProblems }),
  setRunError: (runError) => set({ runError }),
  runStateChanged: (runState) => set({ runState }),
  diverged: ({ type: _t, runId: _r, ...d }) => set((s) => ({ divergence: d, divergedAt: [...s.divergedAt, d.step] })),
  clearDivergence: () => set({ divergence: undefined }),
  retrained: (train) => {
    const s = get()
    if (!s.run) return
    const matched = runMatchesSettings(s)
    set({
      run: { ...s.run, train, settingsKey: settingsKey(s.model, matched ? train : s.train) },
      ...(matched ? { train } : {}),
      retuneProblems: [],
    })
  },
  setRetuneProblems: (retuneProblems) => set({ retuneProblems }),
  metricsArrived: (msg) =>
    set((s) => ({
      points: msg.points.length ? s.points.concat(msg.points) : s.points,
      evals: msg.evals.length ? s.evals.concat(msg.evals) : s.evals,
      memory: msg.memory,
    })),
  pairsStarted: (requestId) =>
    set((s) => ({
      pairEval: {
        requestId,
        step: s.points.at(-1)?.step ?? 0,
        total: Math.min(50, s.run?.pairs?.heldOut ?? 0),
        rows: [],
        done: false,
      },
    })),
  pairsArrived: (msg) =>
    set((s) => {
      const mine = s.pairEval?.requestId === msg.requestId ? s.pairEval : undefined
      if (msg.type === 'pairs.done') return { pairEval: mine ? { ...mine, done: true } : { ...blank(msg), done: true } }
      const current = mine ?? { ...blank(msg), total: msg.total }
      const { index, prompt, reference, generation } = msg
      return { pairEval: { ...current, rows: [...current.rows, { index, prompt, reference, generation }] } }
    }),
  pairsEnded: (requestId) =>
    set((s) => (s.pairEval?.requestId === requestId ? { pairEval: { ...s.pairEval, done: true } } : {})),
  setLock: (lock) => set({ lock }),
  twinRequested: (twinOf, masked) =>
    set((s) => ({ twinOf, compare: [...s.compare.filter((c) => !c.id.startsWith('masked-')), ...masked] })),
})

/** A pairs evaluation the page did not ask for (the worker's own, when a pair-mode run finishes). */
function blank(msg: { requestId: string; step: number }) {
  return { requestId: msg.requestId, step: msg.step, total: 0, rows: [] as PairRow[], done: false }
}

/** Does the run the worker holds still match what the page shows? */
export function runMatchesSettings(s: AppState): boolean {
  return Boolean(
    s.run &&
    s.run.textVersion === s.textVersion &&
    s.run.settingsKey === settingsKey(s.model, s.train) &&
    s.run.tokenizerKey === tokenizerKey(s),
  )
}

/** The model has been trained (at least one step) or came from a file — replacing it would lose work. */
export function hasTrainedModel(s: AppState): boolean {
  return Boolean(s.run && (s.points.length > 0 || s.run.origin))
}

/** A run is under way: taking steps, or paused (its text, settings and backend stay as they are until it stops). */
export function isTraining(s: AppState): boolean {
  return s.runState === 'training' || s.runState === 'paused'
}

/**
 * The run is taking steps now (not paused). Opening a model file or another stored run waits only for this: a
 * paused run has been checkpointed and stays in Runs, where it can be resumed.
 */
export function isStepping(s: AppState): boolean {
  return s.runState === 'training'
}
