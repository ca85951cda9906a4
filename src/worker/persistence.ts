// The current run's place in the browser's run store: its record (written the first time it trains), its
// checkpoints (weights, optimizer, batch generators and history, at most every CHECKPOINT_EVERY_MS while
// training and at every pause, stop and finish), and the writes queued one after another. A failed write is
// said to the page and never stops training.
import type { EvalPoint, MetricPoint, PersistRequest, RunInfo, RunState, SyntheticData } from '../shared/protocol'
import type { Coded } from '../shared/problems'
import type { Run } from '../train/run'
import { StoredRecordError } from '../storage/schema'
import {
  RunGoneError,
  StorageFullError,
  textSource,
  type RunStore,
  type StoredHistory,
  type StoredRun,
  type StoredStatus,
} from '../storage/runStore'
import type { TokenizerSpec } from '../text/tokenizer'
import type { WorkerContext } from './context'
import type { RunController } from './runController'

/** While training, a stored run gets a checkpoint at most this often (ms), at an evaluation; and at every pause, stop and finish. */
export const CHECKPOINT_EVERY_MS = 15_000

/** The current run's place in the run store, and the history its next checkpoint stores with it. */
export interface Persisted {
  runId: string
  storedId: string
  request: PersistRequest
  pairs?: boolean
  synthetic?: SyntheticData
  origin?: RunInfo['origin']
  text?: string // until the run record is written
  created: boolean
  lastSaveAt: number
  writes: Promise<void> // one write at a time, in order
  history: Omit<StoredHistory, 'runId'>
  bestValLoss?: number
  lastSavedStep?: number // the step of the stored checkpoint
}

/** A stored run's tokenizer: its spec, or (runs stored before BPE existed) its characters. */
export function storedTokenizer(r: StoredRun): TokenizerSpec {
  return r.tokenizer ?? { kind: 'char', vocab: r.vocab }
}

type Loaded = NonNullable<Awaited<ReturnType<RunStore['load']>>>

export class Persistence {
  current: Persisted | undefined
  private storeOpening: Promise<RunStore | undefined> | undefined

  constructor(
    private readonly ctx: WorkerContext,
    private readonly runs: RunController,
  ) {}

  /** The run store, opened once when first needed; undefined where the browser has none. */
  store(): Promise<RunStore | undefined> {
    return (this.storeOpening ??= (this.ctx.deps.openStore?.() ?? Promise.resolve(undefined)).catch(() => undefined))
  }

  /**
   * A stored run with its checkpoint, or undefined after refusing `runId`'s request with the reason (no storage,
   * gone, unreadable, or — when `needs` is set — no checkpoint to start from).
   */
  async load(
    storedId: string,
    refuse: (
      message: string,
      coded: Coded<'storage-off' | 'run-gone' | 'no-checkpoint' | StoredRecordError['code']>,
    ) => void,
    noCheckpoint: (name: string) => string,
  ): Promise<(Loaded & { checkpoint: NonNullable<Loaded['checkpoint']> }) | undefined> {
    const store = await this.store()
    if (!store) {
      refuse('Saved runs are not available in this browser (its storage is off or blocked).', { code: 'storage-off' })
      return
    }
    let loaded
    try {
      loaded = await store.load(storedId)
    } catch (e) {
      if (e instanceof StoredRecordError) return void refuse(e.message, e.coded())
      throw e
    }
    if (!loaded)
      return void refuse('That run is no longer stored: it was deleted, perhaps in another tab.', { code: 'run-gone' })
    const { checkpoint } = loaded
    if (!checkpoint)
      return void refuse(noCheckpoint(loaded.run.name), { code: 'no-checkpoint', params: { name: loaded.run.name } })
    return { ...loaded, checkpoint }
  }

  /** A place in the store for a new run, if the page asked to keep it; written when it first trains. */
  plan(
    id: string,
    request: PersistRequest | undefined,
    text: string,
    { pairs, origin, synthetic }: { pairs?: boolean; origin?: RunInfo['origin']; synthetic?: SyntheticData } = {},
  ): Persisted | undefined {
    if (!request) return undefined
    return {
      runId: id,
      storedId: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      request,
      pairs,
      synthetic,
      origin,
      text,
      created: false,
      lastSaveAt: this.ctx.now(),
      writes: Promise.resolve(),
      history: { points: [], evals: [], watch: null },
    }
  }

  /** The current stored run, if `id` is it and its record exists. */
  private of(id: string): Persisted | undefined {
    const p = this.current
    return p && p.runId === id && p.created ? p : undefined
  }

  /** Queues a write for the current stored run, after the ones before it; failures are reported, never thrown. */
  write(id: string, write: (store: RunStore, p: Persisted) => Promise<unknown>) {
    const p = this.of(id)
    if (!p) return
    const { post } = this.ctx
    p.writes = p.writes
      .then(async () => {
        const store = await this.store()
        if (store && this.current === p) await write(store, p)
      })
      .catch((e) => {
        if (this.current !== p) return
        if (e instanceof RunGoneError) {
          this.current = undefined // deleted from storage: the run goes on unsaved, and is not written back
          return post({
            type: 'storage.problem',
            runId: id,
            full: false,
            reason: 'deleted',
            message: 'This run was deleted from the browser’s storage: it goes on in memory, unsaved.',
          })
        }
        const full = e instanceof StorageFullError
        post({
          type: 'storage.problem',
          runId: id,
          full,
          reason: full ? 'full' : 'failed',
          message: full
            ? e.message
            : `The run could not be saved: ${e instanceof Error ? e.message : String(e)}. Training goes on in memory.`,
        })
      })
  }

  /** Stores the run's record the first time it trains. */
  start(r: Run, id: string) {
    const p = this.current
    if (!p || p.runId !== id || p.created) return
    p.created = true
    const text = p.text ?? ''
    p.text = undefined
    this.write(id, async (store) => {
      const now = Date.now()
      const info = r.info()
      const source = await textSource(text, { datasetId: p.request.datasetId, label: p.request.textLabel })
      await store.create({
        id: p.storedId,
        name: p.request.name,
        createdAt: now,
        updatedAt: now,
        model: info.model,
        train: info.train,
        vocab: info.vocab,
        tokenizer: r.tokenizer.spec(),
        text: source,
        status: 'training',
        step: 0,
        ...(p.pairs ? { pairs: true } : {}),
        ...(p.synthetic ? { synthetic: p.synthetic } : {}),
        ...(p.origin ? { origin: p.origin } : {}),
      })
    })
  }

  /** The run changed state: a checkpoint at a pause, stop or finish (or only the status, if not `save`). */
  onState(r: Run, id: string, s: RunState, save: boolean) {
    if (s === 'paused' || s === 'stopped' || s === 'finished') {
      if (!save) this.write(id, async (store, p) => store.setStatus(p.storedId, s))
      else this.checkpoint(r, id, s)
    } else if (s === 'training') this.write(id, async (store, p) => store.setStatus(p.storedId, 'training'))
  }

  recordPoint(id: string, point: MetricPoint) {
    if (this.current?.runId === id) this.current.history.points.push(point)
  }

  recordEval(id: string, e: EvalPoint) {
    const p = this.current
    if (p?.runId !== id) return
    p.history.evals.push(e)
    if (!(p.bestValLoss! <= e.valLoss)) p.bestValLoss = e.valLoss
  }

  recordWatch(id: string, prompt: string, entry: NonNullable<StoredHistory['watch']>['entries'][number]) {
    const p = this.current
    if (p?.runId !== id) return
    if (p.history.watch?.prompt !== prompt) p.history.watch = { prompt, entries: [] }
    p.history.watch.entries.push(entry)
  }

  /** The step of the stored checkpoint, if the run is stored. */
  savedStep(id: string): number | undefined {
    return this.of(id)?.lastSavedStep
  }

  checkpointDue(id: string): boolean {
    const p = this.current
    return p?.runId === id && this.ctx.now() - p.lastSaveAt >= CHECKPOINT_EVERY_MS
  }

  /** A checkpoint of the run as it is after the current step: weights, optimizer, generators, history. */
  checkpoint(r: Run, id: string, status: StoredStatus) {
    const p = this.of(id)
    if (!p) return
    const { now, post } = this.ctx
    p.lastSaveAt = now()
    this.write(id, async (store) => {
      const t0 = now()
      const { weights, resume } = await this.runs.exclusive(() => r.capture())
      const upTo = resume.step
      const history = {
        points: p.history.points.filter((x) => x.step <= upTo),
        evals: p.history.evals.filter((e) => e.step <= upTo),
        watch: p.history.watch,
      }
      const saved = await store.saveCheckpoint(
        p.storedId,
        { step: upTo, elapsedMs: resume.elapsedMs, weights, optimizer: resume.optimizer, sampler: resume.sampler },
        history,
        { status, bestValLoss: p.bestValLoss },
      )
      p.lastSavedStep = upTo
      if (this.current === p)
        post({
          type: 'run.saved',
          runId: id,
          storedId: p.storedId,
          step: upTo,
          bytes: saved.checkpoint?.bytes ?? 0,
          ms: now() - t0,
        })
    })
  }
}
