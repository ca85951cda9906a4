// The worker side of the protocol: one run at a time, its lifecycle (ready → training ⇄ paused → stopped /
// finished), and the scheduling of everything that touches the model. Works on any Endpoint, so tests drive
// it in Node through an in-memory channel and the worker hands it `self`.
//
// Scheduling: all model work (train steps, evaluations, sampling, attention captures) goes through one serial
// queue, so a sample or an attention map is always computed between two steps on a consistent model. The
// training loop yields to the event loop after every step, so pause / stop / sample messages are handled promptly.
import * as tf from '@tensorflow/tfjs'
import type {
  AtlasProbe,
  BackendChoice,
  BackendReport,
  Endpoint,
  EvalPoint,
  FromWorker,
  MemoryReport,
  MetricPoint,
  PersistRequest,
  RestoredHistory,
  RunInfo,
  RunState,
  SampleSettings,
  ToWorker,
} from '../shared/protocol'
import { assertNever, canMove, PROTOCOL_VERSION } from '../shared/protocol'
import type { Problem } from '../shared/config'
import { Run } from '../train/run'
import { retuned } from '../shared/config'
import { CheckpointError, decodeCheckpoint } from '../model/checkpoint'
import { datasetFolder, runBundle } from './nanogptBundle'
import { MAX_BEAM_WIDTH } from '../shared/beam'
import { nowMs } from '../shared/clock'
import { StoredRecordError } from '../storage/schema'
import {
  RunGoneError,
  StorageFullError,
  textDigest,
  textSource,
  type RunStore,
  type StoredHistory,
  type StoredRun,
  type StoredStatus,
} from '../storage/runStore'
import { BPE_VOCAB, makeTokenizer, type TokenizerSpec } from '../shared/tokenizer'
import { headScores, quantizeCausal, quantizeRows, triangleSize } from '../shared/heads'
import { nearest, pca2 } from '../shared/pca'
import { BpeTrainer } from '../shared/bpe'
import { checkDivergence, lowerLearningRate, RECENT_STEPS } from '../shared/divergence'
import { cutAt, TextStatsCounter } from '../shared/text'

export interface HostDeps {
  initBackend(choice: BackendChoice): Promise<BackendReport>
  now?: () => number
  memory?: () => MemoryReport
  /** Ends the worker at once, as if it were killed (the test.crash hook); absent in tests in Node. */
  exit?: () => void
  /** Calls back once when the backend's GPU device is lost (WebGPU); see backend.ts. */
  watchDeviceLoss?: (onLost: (message: string) => void) => void
  /** The test.loseDevice hook: destroys the GPU device. */
  loseDevice?: () => boolean
  /** The browser's run store (IndexedDB), opened once when first needed; none where storage is unavailable. */
  openStore?: () => Promise<RunStore | undefined>
}

/** A stored run's tokenizer: its spec, or (runs stored before BPE existed) its characters. */
function storedTokenizer(r: StoredRun): TokenizerSpec {
  return r.tokenizer ?? { kind: 'char', vocab: r.vocab }
}

/** While training, a stored run gets a checkpoint at most this often (ms), at an evaluation; and at every pause, stop and finish. */
export const CHECKPOINT_EVERY_MS = 15_000

/** The current run's place in the run store, and the history its next checkpoint stores with it. */
interface Persisted {
  runId: string
  storedId: string
  request: PersistRequest
  pairs?: boolean
  origin?: RunInfo['origin']
  text?: string // until the run record is written
  created: boolean
  lastSaveAt: number
  writes: Promise<void> // one write at a time, in order
  history: Omit<StoredHistory, 'runId'>
  bestValLoss?: number
  lastSavedStep?: number // the step of the stored checkpoint
}

/** tfjs's tensor count and bytes, and the JS heap where the browser exposes it (Chromium: performance.memory). */
export function memoryReport(): MemoryReport {
  const m = tf.memory()
  const heap = (globalThis.performance as { memory?: { usedJSHeapSize?: number } } | undefined)?.memory?.usedJSHeapSize
  return { numTensors: m.numTensors, numBytes: m.numBytes, ...(typeof heap === 'number' ? { jsHeapBytes: heap } : {}) }
}

/** Metrics go out at most this often (ms); state changes and evaluations flush at once. */
const METRICS_EVERY_MS = 100
/** While training, the watched attention map is refreshed at most this often (ms) and after every evaluation. */
const ATTENTION_EVERY_MS = 1000
/**
 * While the page is hidden, metrics go out at most this often (ms) and the views that only show the latest
 * state (attention map, embedding, positions) not at all: a hidden or frozen tab queues messages it cannot
 * read, so they are coalesced here; on return the page gets the latest of everything at once.
 */
export const HIDDEN_FLUSH_MS = 2000

/** A long text is measured this many UTF-16 units at a time (about 40 ms each), with a progress message after each. */
const TEXT_SLICE = 1_000_000

/** While generating, the worker looks at its messages (a cancel) at least this often (ms). */
const YIELD_EVERY_MS = 8

/** Yield to the event loop: lets queued messages run between steps. A MessageChannel hop is not clamped like setTimeout. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => {
      ch.port1.close()
      resolve()
    }
    ch.port2.postMessage(null)
  })
}

export function validateSample(s: SampleSettings): Problem[] {
  const out: Problem[] = []
  if (!(Number.isInteger(s.maxNewTokens) && s.maxNewTokens >= 1 && s.maxNewTokens <= 10_000))
    out.push({
      field: 'sample',
      message: `Max new tokens must be a whole number from 1 to 10000 (got ${s.maxNewTokens})`,
    })
  if (!(Number.isFinite(s.temperature) && s.temperature >= 0 && s.temperature <= 10))
    out.push({ field: 'sample', message: `Temperature must be between 0 and 10 (got ${s.temperature})` })
  if (!(Number.isInteger(s.topK) && s.topK >= 0))
    out.push({ field: 'sample', message: `Top-k must be 0 (off) or a positive whole number (got ${s.topK})` })
  if (s.topP !== undefined && !(s.topP > 0 && s.topP <= 1))
    out.push({ field: 'sample', message: `Top-p must be above 0 and at most 1 (got ${s.topP})` })
  if (s.strategy !== undefined && s.strategy !== 'sample' && s.strategy !== 'beam')
    out.push({ field: 'sample', message: `Unknown decoding strategy “${String(s.strategy)}”` })
  if (
    s.beamWidth !== undefined &&
    !(Number.isInteger(s.beamWidth) && s.beamWidth >= 1 && s.beamWidth <= MAX_BEAM_WIDTH)
  )
    out.push({
      field: 'sample',
      message: `Beam width must be a whole number from 1 to ${MAX_BEAM_WIDTH} (got ${s.beamWidth})`,
    })
  if (
    s.lengthPenalty !== undefined &&
    !(Number.isFinite(s.lengthPenalty) && s.lengthPenalty >= 0 && s.lengthPenalty <= 5)
  )
    out.push({ field: 'sample', message: `Length penalty must be between 0 and 5 (got ${s.lengthPenalty})` })
  if (s.stop !== undefined && !(typeof s.stop === 'string' && s.stop.length <= 100))
    out.push({ field: 'sample', message: 'The stop text must be at most 100 characters' })
  if (typeof s.prompt !== 'string') out.push({ field: 'prompt', message: 'The prompt is missing' })
  return out
}

/** A budget may only lower the limits (a test's, or a cautious user's): a larger value is ignored. */
function lowerOnly(
  limits: BackendReport['limits'],
  budget: Partial<BackendReport['limits']>,
): Partial<BackendReport['limits']> {
  const out: Partial<BackendReport['limits']> = {}
  for (const k of ['maxTensorBytes', 'maxTotalBytes'] as const) {
    const v = budget[k]
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < limits[k]) out[k] = v
  }
  return out
}

export function createTrainerHost(endpoint: Endpoint<ToWorker, FromWorker>, deps: HostDeps): { dispose(): void } {
  const now = deps.now ?? nowMs
  let report: BackendReport | undefined
  let testHooks = false
  let deviceLost = false
  let run: Run | undefined
  let runId: string | undefined
  let state: RunState = 'ready'
  let looping: Run | undefined // the run whose training loop is running, if any
  let queue: Promise<unknown> = Promise.resolve()
  const cancelled = new Set<string>()
  let watch: { runId: string; probe: string; layer: number; head: number } | undefined
  let positionsWatched: string | undefined // the run whose positional encoding the page shows
  let atlasWatched: { runId: string; probe: AtlasProbe } | undefined
  let embeddingWatched: string | undefined
  const latestProbe = new Map<string, string>() // kind → the newest request id
  let pinned: { runId: string; prompt: string; every: number; settings: Omit<SampleSettings, 'prompt'> } | undefined
  let lastLoss = Number.NaN
  let lastVal: number | undefined
  let lastAttentionAt = -Infinity
  let recentLosses: number[] = [] // the latest RECENT_STEPS finite training losses, for the divergence check
  let pendingPoints: MetricPoint[] = []
  let pendingEvals: EvalPoint[] = []
  let lastFlush = -Infinity
  let pageHidden = false
  let persisted: Persisted | undefined
  let storeOpening: Promise<RunStore | undefined> | undefined
  const getStore = () => (storeOpening ??= (deps.openStore?.() ?? Promise.resolve(undefined)).catch(() => undefined))

  const post = (m: FromWorker, transfer?: ArrayBuffer[]) => endpoint.postMessage(m, transfer)
  const fail = (e: unknown, ids: { runId?: string; requestId?: string } = {}) => {
    if (deviceLost) return // the device took every tensor with it: the page already knows (device.lost)
    const err = e instanceof Error ? e : new Error(String(e))
    post({ type: 'error', ...ids, name: err.name, message: err.message, stack: err.stack })
  }

  /** Run `job` after every job queued before it. A failed job does not stop the queue. */
  function exclusive<T>(job: () => Promise<T>): Promise<T> {
    const next = queue.then(job)
    queue = next.catch(() => undefined)
    return next
  }

  /** Moves the run along RUN_TRANSITIONS (anything else is a bug here, and throws), says so, and saves. */
  function setState(s: RunState, o: { save?: boolean } = {}) {
    if (!canMove(state, s)) throw new Error(`a run cannot go from ${state} to ${s}`)
    state = s
    flush(true)
    if (run && runId) {
      post({ type: 'run.state', runId, state: s, step: run.step })
      if (s === 'paused' || s === 'stopped' || s === 'finished') {
        if (o.save === false) storeWrite(runId, async (store, p) => store.setStatus(p.storedId, s))
        else checkpoint(run, runId, s)
      } else if (s === 'training') storeWrite(runId, async (store, p) => store.setStatus(p.storedId, 'training'))
    }
  }

  /** Queues a write for the current stored run, after the ones before it; failures are reported, never thrown. */
  function storeWrite(id: string, write: (store: RunStore, p: Persisted) => Promise<unknown>) {
    const p = persisted
    if (!p || p.runId !== id || !p.created) return
    p.writes = p.writes
      .then(async () => {
        const store = await getStore()
        if (store && persisted === p) await write(store, p)
      })
      .catch((e) => {
        if (persisted !== p) return
        if (e instanceof RunGoneError) {
          persisted = undefined // deleted from storage: the run goes on unsaved, and is not written back
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

  function newPersist(
    id: string,
    request: PersistRequest | undefined,
    text: string,
    pairs?: boolean,
    origin?: RunInfo['origin'],
  ): Persisted | undefined {
    if (!request) return undefined
    return {
      runId: id,
      storedId: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      request,
      pairs,
      origin,
      text,
      created: false,
      lastSaveAt: now(),
      writes: Promise.resolve(),
      history: { points: [], evals: [], watch: null },
    }
  }

  /** Pair mode: each held-out pair's generation beside its reference, between training steps. */
  async function evaluatePairs(r: Run, id: string, requestId: string) {
    if (run !== r) return
    const reason = await r.generator.evaluatePairs(
      (row) => post({ type: 'pairs.row', runId: id, requestId, step: r.step, ...row }),
      () => run !== r || cancelled.has(requestId),
      async () => {},
    )
    cancelled.delete(requestId)
    post({ type: 'pairs.done', runId: id, requestId, step: r.step, reason })
  }

  /**
   * A view's request about a probe text: checked, then served on the model queue — coalesced, so a newer
   * request of the same kind replaces one still waiting (dragging a slider sends many; only the last counts).
   */
  function probeRequest(
    kind: string,
    msg: { runId: string; requestId: string; probe: string },
    job: (r: Run) => Promise<FromWorker | [FromWorker, ArrayBuffer[]]>,
  ) {
    const r = current(msg.runId)
    const ids = { runId: msg.runId, requestId: msg.requestId }
    if (!r) return
    const problems = r.checkText(msg.probe, 'probe')
    if (problems.length) return post({ type: 'invalid', ...ids, problems })
    latestProbe.set(kind, msg.requestId)
    void exclusive(async () => {
      if (latestProbe.get(kind) !== msg.requestId || run !== r) return
      const out = await job(r)
      if (Array.isArray(out)) post(out[0], out[1])
      else post(out)
    }).catch((e) => fail(e, ids))
  }

  /** A long text measured in slices, with progress after each and a cancel looked for before each. */
  async function analyzeText(requestId: string, text: string) {
    const counter = new TextStatsCounter()
    const total = text.length
    for (let at = 0; at < total;) {
      await yieldToEvents()
      if (cancelled.delete(requestId)) return post({ type: 'text.stats', requestId, cancelled: true })
      const end = cutAt(text, Math.min(total, at + TEXT_SLICE))
      counter.add(text.slice(at, end))
      at = end
      post({ type: 'text.progress', requestId, done: at, total })
    }
    cancelled.delete(requestId)
    post({ type: 'text.stats', requestId, cancelled: false, ...counter.finish() })
  }

  /** Stores the run's record the first time it trains. */
  function persistStart(r: Run, id: string) {
    const p = persisted
    if (!p || p.runId !== id || p.created) return
    p.created = true
    const text = p.text ?? ''
    p.text = undefined
    storeWrite(id, async (store) => {
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
        ...(p.origin ? { origin: p.origin } : {}),
      })
    })
  }

  /** A checkpoint of the run as it is after the current step: weights, optimizer, generators, history. */
  function checkpoint(r: Run, id: string, status: StoredStatus) {
    const p = persisted
    if (!p || p.runId !== id || !p.created) return
    p.lastSaveAt = now()
    storeWrite(id, async (store) => {
      const t0 = now()
      const { weights, resume } = await exclusive(() => r.capture())
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
      if (persisted === p)
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

  function flush(force = false) {
    if (!runId || (!pendingPoints.length && !pendingEvals.length)) return
    if (!force && now() - lastFlush < (pageHidden ? HIDDEN_FLUSH_MS : METRICS_EVERY_MS)) return
    post({
      type: 'metrics',
      runId,
      points: pendingPoints,
      evals: pendingEvals,
      memory: (deps.memory ?? memoryReport)(),
    })
    pendingPoints = []
    pendingEvals = []
    lastFlush = now()
  }

  async function sendAttention(r: Run, id: string) {
    const w = watch
    if (!w || w.runId !== id || run !== r || pageHidden) return // hidden: the latest is sent on return
    const problems = r.checkText(w.probe, 'probe')
    if (problems.length) return post({ type: 'invalid', runId: id, problems })
    lastAttentionAt = now()
    const { tokens, weights } = await r.probes.attention(w.probe, w.layer, w.head)
    post({ type: 'attention', runId: id, step: r.step, layer: w.layer, head: w.head, tokens, weights }, [
      weights.buffer as ArrayBuffer,
    ])
  }

  /** The pinned prompt's continuation now (between steps, on the serial queue). */
  async function sendWatched(r: Run, id: string) {
    const p = pinned
    if (!p || p.runId !== id || run !== r) return
    let text = ''
    await r.generator.generate(
      { ...p.settings, prompt: p.prompt },
      (t) => (text += t.text),
      () => run !== r || pinned !== p,
      async () => {},
    )
    if (run !== r || pinned !== p) return
    post({ type: 'watch.entry', runId: id, step: r.step, loss: lastLoss, valLoss: lastVal, prompt: p.prompt, text })
    if (persisted?.runId === id) {
      const h = persisted.history
      if (h.watch?.prompt !== p.prompt) h.watch = { prompt: p.prompt, entries: [] }
      h.watch.entries.push({ step: r.step, loss: lastLoss, valLoss: lastVal, text })
    }
  }

  async function sendPositions(r: Run, id: string) {
    if (positionsWatched !== id || run !== r || pageHidden) return
    const table = await r.probes.positionTable()
    post(
      {
        type: 'positions',
        runId: id,
        step: r.step,
        kind: r.model.posEncoding === 'sinusoidal' ? 'sinusoidal' : 'learned',
        T: r.model.blockSize,
        C: r.model.nEmbd,
        table,
      },
      [table.buffer as ArrayBuffer],
    )
  }

  /** The attention atlas of the watched probe: one forward pass, one readback, then bytes and scores on the CPU. */
  async function sendAtlas(r: Run, id: string) {
    const w = atlasWatched
    if (!w || w.runId !== id || run !== r) return
    let ids: number[]
    let period: number | undefined
    if (w.probe.kind === 'repeated') ({ ids, period } = r.probes.repeatedProbe(w.probe.seed))
    else {
      const text = w.probe.kind === 'text' ? w.probe.text : ''
      const problems = r.checkText(text, 'probe')
      if (problems.length) return post({ type: 'invalid', runId: id, problems })
      ids = r.probes.probeIds(text)
    }
    const all = await r.probes.attentionAll(ids)
    const { nLayer: L, nHead: H } = r.model
    const T = ids.length
    const full = r.model.causal === false // no mask: the whole matrix, so the learner sees the future filled in
    const tri = triangleSize(T)
    const weights = full ? quantizeRows(all, L * H * T, T) : new Uint8Array(L * H * tri)
    const scores = new Float32Array(L * H * 5)
    for (let k = 0; k < L * H; k++) {
      const m = all.subarray(k * T * T, (k + 1) * T * T)
      if (!full) quantizeCausal(m, T, weights, k * tri)
      const s = headScores((i, j) => (j > i ? 0 : m[i * T + j]), T, period)
      scores.set([s.previous, s.self, s.first, s.induction, s.entropy], k * 5)
    }
    const tokens = ids.map((i) => r.tokenizer.vocab[i])
    post(
      {
        type: 'atlas',
        runId: id,
        step: r.step,
        valLoss: lastVal,
        tokens,
        period,
        layers: L,
        heads: H,
        T,
        weights,
        scores,
        ...(full && { full }),
      },
      [weights.buffer as ArrayBuffer, scores.buffer as ArrayBuffer],
    )
  }

  /** wte by PCA in two dimensions (the page aligns frames and filters tokens). */
  async function sendEmbedding(r: Run, id: string) {
    if (embeddingWatched !== id || run !== r || pageHidden) return
    const wte = await r.probes.embedding()
    const { nEmbd: C, vocabSize: V } = r.model
    const p = pca2(wte, V, C)
    const components = Float32Array.from(p.components)
    const counts = r.probes.tokenCounts()
    post(
      {
        type: 'embedding',
        runId: id,
        step: r.step,
        tokens: [...r.tokenizer.vocab],
        counts,
        coords: p.coords,
        components,
        explained: p.explained,
        C,
      },
      [p.coords.buffer as ArrayBuffer, components.buffer as ArrayBuffer, counts.buffer as ArrayBuffer],
    )
  }

  async function evaluate(r: Run, id: string) {
    const e = await r.evaluate()
    if (run !== r) return
    lastVal = e.valLoss
    pendingEvals.push(e)
    if (persisted?.runId === id) {
      persisted.history.evals.push(e)
      if (!(persisted.bestValLoss! <= e.valLoss)) persisted.bestValLoss = e.valLoss
    }
    flush(!pageHidden)
    await sendAtlas(r, id) // a snapshot for the scrubber: kept even while the page is hidden
    if (pageHidden) return // the latest of the others is sent when the page is back
    await sendAttention(r, id)
    await sendPositions(r, id)
    await sendEmbedding(r, id)
  }

  async function trainLoop(r: Run, id: string) {
    if (looping === r) return
    looping = r
    try {
      if (r.step === 0) await exclusive(() => evaluate(r, id)) // the loss before any training: ≈ ln(V)
      while (run === r && state === 'training') {
        if (r.step >= r.train.maxIters) {
          setState('finished')
          if (r.pairs) await exclusive(() => evaluatePairs(r, id, `auto-${r.step}`)) // the held-out pairs, once training ends
          break
        }
        const p = await exclusive(() => r.trainStep())
        if (run !== r) break
        const diverged = checkDivergence({
          loss: p.loss,
          gradNorm: p.gradNorm,
          step: p.step - 1,
          recent: recentLosses,
          warmupIters: r.train.warmupIters,
          vocabSize: r.model.vocabSize,
        })
        if (!p.skipped) {
          pendingPoints.push(p)
          if (persisted?.runId === id) persisted.history.points.push(p)
          lastLoss = p.loss
          recentLosses.push(p.loss)
          if (recentLosses.length > RECENT_STEPS) recentLosses.shift()
        }
        if (diverged) {
          // Paused, not saved: the stored checkpoint stays the last good one (a spike's weights are finite but
          // worse; a non-finite step changed nothing). The page marks the step and offers a lower learning rate.
          flush(true)
          const savedStep = persisted?.runId === id && persisted.created ? persisted.lastSavedStep : undefined
          post({
            type: 'diverged',
            runId: id,
            step: p.step,
            loss: p.loss,
            gradNorm: p.gradNorm,
            kind: diverged.kind,
            reference: diverged.reference,
            learningRate: r.train.learningRate,
            suggested: lowerLearningRate(r.train.learningRate),
            savedStep,
          })
          recentLosses = [] // a fresh average after the user's change
          setState('paused', { save: false })
          break
        }
        if (r.step % r.train.evalInterval === 0 || r.step === r.train.maxIters) {
          await exclusive(() => evaluate(r, id))
          if (
            persisted?.runId === id &&
            now() - persisted.lastSaveAt >= CHECKPOINT_EVERY_MS &&
            r.step < r.train.maxIters
          )
            checkpoint(r, id, 'training')
        } else if (!pageHidden && now() - lastAttentionAt >= ATTENTION_EVERY_MS)
          await exclusive(() => sendAttention(r, id))
        if (pinned && r.step % pinned.every === 0) await exclusive(() => sendWatched(r, id))
        flush()
        await yieldToEvents()
      }
    } catch (e) {
      // a lost GPU device first shows as a failed readback; its own message follows within moments
      if ((report?.backend === 'webgpu' || report?.backend === 'webgl') && !deviceLost)
        await new Promise((resolve) => setTimeout(resolve, 200))
      if (run === r && !deviceLost) {
        fail(e, { runId: id })
        if (canMove(state, 'stopped')) setState('stopped')
      }
    } finally {
      if (looping === r) looping = undefined
      flush(true)
    }
  }

  /** Swap in a new run (built once the old one is disposed, on the model queue) and announce it. */
  async function replaceRun(
    id: string,
    build: () => Run,
    o: { origin?: RunInfo['origin']; persist?: Persisted; restored?: RestoredHistory; state?: RunState } = {},
  ) {
    const old = run
    run = undefined // stops the old loop after its current step
    runId = id
    persisted = o.persist
    pendingPoints = []
    pendingEvals = []
    lastAttentionAt = -Infinity
    recentLosses = (o.restored?.points ?? []).slice(-RECENT_STEPS).map((p) => p.loss)
    await exclusive(async () => {
      old?.dispose()
      run = build()
    })
    const r = run!
    post({
      type: 'run.created',
      runId: id,
      ...r.info(),
      ...(o.origin ? { origin: o.origin } : {}),
      ...(o.restored ? { restored: o.restored } : {}),
    })
    if (o.restored) {
      lastVal = o.restored.evals.at(-1)?.valLoss
      lastLoss = o.restored.points.at(-1)?.loss ?? Number.NaN
    }
    state = o.state ?? 'ready'
    flush(true)
    post({ type: 'run.state', runId: id, state, step: r.step })
    if (watch?.runId === id) await exclusive(() => sendAttention(r, id))
  }

  function current(id: string): Run | undefined {
    return id === runId ? run : undefined
  }

  async function handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init': {
        testHooks = msg.testHooks === true
        report = await deps.initBackend(msg.backend)
        if (msg.budget) report = { ...report, limits: { ...report.limits, ...lowerOnly(report.limits, msg.budget) } }
        const backend = report.backend
        deps.watchDeviceLoss?.((message) => {
          // Everything on the device is gone: nothing more is computed or reported here (the failed readbacks
          // that follow are expected, not news); the page starts a new worker and reopens the run from its checkpoint.
          deviceLost = true
          state = 'paused'
          post({ type: 'device.lost', backend, message })
        })
        post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, report })
        return
      }
      case 'test.loseDevice':
        if (testHooks) deps.loseDevice?.()
        return
      case 'ping':
        return post({ type: 'alive' })
      case 'text.analyze':
        // not awaited: messages after it (a cancel, a ping) are handled between its slices
        void analyzeText(msg.requestId, msg.text).catch((e) => fail(e, { requestId: msg.requestId }))
        return
      case 'text.cancel':
        cancelled.add(msg.requestId)
        return
      case 'page.visibility': {
        const was = pageHidden
        pageHidden = msg.hidden
        if (!was || pageHidden) return
        // back: everything the page missed, at once — the metrics so far, then the latest views
        flush(true)
        const r = run
        const id = runId
        if (r && id)
          void exclusive(async () => {
            await sendAttention(r, id)
            await sendPositions(r, id)
            await sendEmbedding(r, id)
          }).catch((e) => fail(e, { runId: id }))
        return
      }
      case 'test.crash': {
        if (!testHooks) return
        if (msg.how === 'exit') return deps.exit?.()
        setTimeout(() => {
          throw new Error('test.crash: an exception that escapes the worker')
        })
        return
      }
      case 'run.create': {
        const prepared = Run.prepare(msg.text, msg.model, msg.train, report?.limits, {
          pairs: msg.pairs,
          tokenizer: msg.tokenizer,
        })
        if (prepared.problems) return post({ type: 'invalid', runId: msg.runId, problems: prepared.problems }) // the old run stays as it was
        return replaceRun(msg.runId, prepared.build, {
          persist: newPersist(msg.runId, msg.persist, msg.text, msg.pairs),
        })
      }
      case 'run.restore': {
        const refuse = (field: Problem['field'], message: string, code: string, params: Problem['params'] = {}) =>
          post({ type: 'invalid', runId: msg.runId, problems: [{ field, message, code, params }] })
        const store = await getStore()
        if (!store)
          return refuse(
            'stored',
            'Saved runs are not available in this browser (its storage is off or blocked).',
            'storage-off',
          )
        let loaded
        try {
          loaded = await store.load(msg.storedId)
        } catch (e) {
          if (e instanceof StoredRecordError) return refuse('stored', e.message, e.code, e.params)
          throw e
        }
        if (!loaded)
          return refuse('stored', 'That run is no longer stored: it was deleted, perhaps in another tab.', 'run-gone')
        const { run: stored, checkpoint: ckpt, history } = loaded
        if (!ckpt)
          return refuse(
            'stored',
            `“${stored.name}” has no checkpoint to continue from: the page closed before its first save.`,
            'no-checkpoint',
            { name: stored.name },
          )
        const text = stored.text.kind === 'inline' ? stored.text.text : msg.text
        if (
          stored.text.kind !== 'inline' &&
          (text.length !== stored.text.length || (await textDigest(text)) !== stored.text.digest)
        ) {
          const what =
            stored.text.kind === 'dataset' ? `the built-in dataset “${stored.text.datasetId}”` : stored.text.label
          return refuse(
            'text',
            `“${stored.name}” was trained on ${what} (${stored.text.length.toLocaleString('en')} characters), and the text in panel 1 is different. Load that text, then open the run again.`,
            'other-text',
            {
              name: stored.name,
              dataset: stored.text.kind === 'dataset' ? stored.text.datasetId : '',
              label: stored.text.kind === 'dataset' ? '' : stored.text.label,
              n: stored.text.length,
            },
          )
        }
        // going back after a divergence: the same checkpoint with a new peak learning rate (checked with the rest)
        const trainAs = msg.learningRate === undefined ? stored.train : retuned(stored.train, msg.learningRate)
        const prepared = Run.prepareFrom(
          { model: stored.model, tokenizer: storedTokenizer(stored), weights: ckpt.weights },
          text,
          trainAs,
          {
            limits: report?.limits,
            pairs: stored.pairs,
            resume: { step: ckpt.step, elapsedMs: ckpt.elapsedMs, optimizer: ckpt.optimizer, sampler: ckpt.sampler },
          },
        )
        if (prepared.problems) return post({ type: 'invalid', runId: msg.runId, problems: prepared.problems })
        const persist: Persisted = {
          runId: msg.runId,
          storedId: stored.id,
          request: { name: stored.name },
          pairs: stored.pairs,
          origin: stored.origin,
          created: true,
          lastSaveAt: now(),
          writes: Promise.resolve(),
          history: { points: [...history.points], evals: [...history.evals], watch: history.watch },
          bestValLoss: stored.bestValLoss,
          lastSavedStep: ckpt.step,
        }
        const restored: RestoredHistory = {
          storedId: stored.id,
          name: stored.name,
          points: history.points,
          evals: history.evals,
          watch: history.watch,
        }
        const at = ckpt.step >= stored.train.maxIters ? 'finished' : ckpt.step > 0 ? 'paused' : 'ready'
        await replaceRun(msg.runId, prepared.build, { persist, restored, origin: stored.origin, state: at })
        if (trainAs !== stored.train) storeWrite(msg.runId, (s, p) => s.setTrain(p.storedId, trainAs))
        return
      }
      case 'run.import': {
        // Everything is checked on the CPU before tfjs sees a number; a bad file leaves the current run as it was.
        let checkpoint
        try {
          checkpoint = decodeCheckpoint(new Uint8Array(msg.file))
        } catch (e) {
          if (!(e instanceof CheckpointError)) throw e
          return post({
            type: 'invalid',
            runId: msg.runId,
            problems: [
              {
                field: 'file',
                code: e.code,
                params: { ...e.params, file: msg.fileName },
                message: `${msg.fileName}: ${e.message}`,
              },
            ],
          })
        }
        const prepared = Run.prepareFrom(checkpoint, msg.text, msg.train, {
          limits: report?.limits,
          extendVocab: msg.extendVocab,
          pairs: msg.pairs,
        })
        if (prepared.problems) return post({ type: 'invalid', runId: msg.runId, problems: prepared.problems })
        const origin = { from: 'file' as const, name: msg.fileName, step: checkpoint.step, added: prepared.added }
        return replaceRun(msg.runId, prepared.build, {
          origin,
          persist: newPersist(msg.runId, msg.persist, msg.text, msg.pairs, origin),
        })
      }
      case 'run.finetune': {
        const refuse = (message: string, code: string, params: Problem['params'] = {}) =>
          post({ type: 'invalid', runId: msg.runId, problems: [{ field: 'stored', message, code, params }] })
        const store = await getStore()
        let loaded
        try {
          loaded = store && (await store.load(msg.storedId))
        } catch (e) {
          if (e instanceof StoredRecordError) return refuse(e.message, e.code, e.params)
          throw e
        }
        if (!loaded) return refuse('That run is no longer stored: it was deleted, perhaps in another tab.', 'run-gone')
        if (!loaded.checkpoint)
          return refuse(`“${loaded.run.name}” has no checkpoint to fine-tune from.`, 'no-checkpoint', {
            name: loaded.run.name,
          })
        const source = {
          model: loaded.run.model,
          tokenizer: storedTokenizer(loaded.run),
          weights: loaded.checkpoint.weights,
        }
        const prepared = Run.prepareFrom(source, msg.text, msg.train, {
          limits: report?.limits,
          extendVocab: msg.extendVocab,
          pairs: msg.pairs,
        })
        if (prepared.problems) return post({ type: 'invalid', runId: msg.runId, problems: prepared.problems })
        const origin = {
          from: 'run' as const,
          name: loaded.run.name,
          step: loaded.checkpoint.step,
          added: prepared.added,
        }
        return replaceRun(msg.runId, prepared.build, {
          origin,
          persist: newPersist(msg.runId, msg.persist, msg.text, msg.pairs, origin),
        })
      }
      case 'run.export': {
        const r = current(msg.runId)
        const ids = { runId: msg.runId, requestId: msg.requestId }
        if (!r)
          return post({
            type: 'invalid',
            ...ids,
            problems: [{ field: 'file', code: 'no-model', message: 'There is no model to export yet' }],
          })
        const format = msg.format ?? 'safetensors'
        const name = datasetFolder(msg.name ?? 'playground')
        if (format === 'nanogpt' && r.model.causal === false)
          return post({
            type: 'invalid',
            ...ids,
            problems: [
              {
                field: 'file',
                code: 'export-no-mask',
                message:
                  'This model was trained without the causal mask; nanoGPT always masks, so it would run a different model. Export it as .safetensors instead.',
              },
            ],
          })
        if (format === 'nanogpt' && r.model.vocabSize > 65536)
          return post({
            type: 'invalid',
            ...ids,
            problems: [
              {
                field: 'file',
                code: 'export-vocab',
                params: { n: r.model.vocabSize },
                message: `nanoGPT stores tokens as 16-bit numbers: a vocabulary of ${r.model.vocabSize} tokens does not fit.`,
              },
            ],
          })
        void exclusive(async () => {
          let bytes: Uint8Array
          if (format === 'safetensors') bytes = await r.exportFile()
          else bytes = await runBundle(r, name, persisted?.runId === msg.runId ? persisted.bestValLoss : lastVal)
          post({ type: 'run.exported', ...ids, bytes: bytes.buffer as ArrayBuffer, step: r.step, format, name }, [
            bytes.buffer as ArrayBuffer,
          ])
        }).catch((e) => fail(e, ids))
        return
      }
      case 'train.start':
      case 'train.resume': {
        const r = current(msg.runId)
        if (!r || !canMove(state, 'training')) return // ready, paused or stopped runs can (re)start
        persistStart(r, msg.runId)
        setState('training')
        void trainLoop(r, msg.runId)
        return
      }
      case 'run.retune': {
        const r = current(msg.runId)
        if (!r) return
        if (state === 'training')
          return post({
            type: 'invalid',
            runId: msg.runId,
            requestId: msg.requestId,
            problems: [
              {
                field: 'learningRate',
                code: 'retune-training',
                message: 'Pause training before changing the learning rate',
              },
            ],
          })
        const problems = r.retune(msg.learningRate)
        if (problems.length) return post({ type: 'invalid', runId: msg.runId, requestId: msg.requestId, problems })
        storeWrite(msg.runId, (store, p) => store.setTrain(p.storedId, r.train))
        return post({ type: 'run.train', runId: msg.runId, train: r.train })
      }
      case 'train.pause': {
        if (current(msg.runId) && canMove(state, 'paused')) setState('paused')
        return
      }
      case 'train.stop': {
        if (current(msg.runId) && canMove(state, 'stopped')) setState('stopped')
        return
      }
      case 'sample.request': {
        const r = current(msg.runId)
        const ids = { runId: msg.runId, requestId: msg.requestId }
        if (!r)
          return post({
            type: 'invalid',
            ...ids,
            problems: [
              { field: 'sample', code: 'no-model', message: 'There is no model yet: pick a text and settings first' },
            ],
          })
        const problems = [...validateSample(msg.settings), ...r.checkText(msg.settings.prompt ?? '', 'prompt')]
        if (problems.length) return post({ type: 'invalid', ...ids, problems })
        void exclusive(async () => {
          if (run !== r)
            return post({ type: 'sample.done', ...ids, reason: 'cancelled', step: r.step, tokens: 0, elapsedMs: 0 })
          const t0 = now()
          let tokens = 0
          let lastYield = t0
          const reason = await r.generator.generate(
            msg.settings,
            (t) => (
              tokens++,
              post({ type: 'sample.token', ...ids, ...t }, t.attention && [t.attention.rows.buffer as ArrayBuffer])
            ),
            () => cancelled.has(msg.requestId) || run !== r,
            // a cancel (or any message) is looked at every YIELD_EVERY_MS, not after every token: a token takes
            // ~1–2 ms with the KV cache, and a hop through the event loop costs about as much again
            async () => {
              if (now() - lastYield < YIELD_EVERY_MS) return
              await yieldToEvents()
              lastYield = now()
            },
            {
              onBeams: (beams, tree) => post({ type: 'sample.beams', ...ids, beams, tree }),
              trace: (context) => post({ type: 'sample.context', ...ids, tokens: context }),
            },
          )
          cancelled.delete(msg.requestId)
          post({ type: 'sample.done', ...ids, reason, step: r.step, tokens, elapsedMs: now() - t0 })
        }).catch((e) => fail(e, ids))
        return
      }
      case 'watch.prompt': {
        if (msg.watch === null) {
          pinned = undefined
          return
        }
        const r = current(msg.runId)
        const problems = [
          ...validateSample({ ...msg.watch.settings, prompt: msg.watch.prompt }),
          ...(r ? r.checkText(msg.watch.prompt, 'prompt') : []),
        ]
        if (!(Number.isInteger(msg.watch.every) && msg.watch.every >= 1))
          problems.push({
            field: 'sample',
            code: 'watch-every',
            params: { got: String(msg.watch.every) },
            message: `Watch every must be a whole number of steps, 1 or more (got ${msg.watch.every})`,
          })
        if (problems.length) return post({ type: 'invalid', runId: msg.runId, requestId: msg.requestId, problems })
        pinned = { runId: msg.runId, ...msg.watch }
        if (r) void exclusive(() => sendWatched(r, msg.runId)).catch((e) => fail(e, { runId: msg.runId }))
        return
      }
      case 'score.request': {
        const r = current(msg.runId)
        const ids = { runId: msg.runId, requestId: msg.requestId }
        if (!r)
          return post({
            type: 'invalid',
            ...ids,
            problems: [
              { field: 'score', code: 'no-model', message: 'There is no model yet: pick a text and settings first' },
            ],
          })
        if (typeof msg.text !== 'string' || [...msg.text].length < 2)
          return post({
            type: 'invalid',
            ...ids,
            problems: [{ field: 'score', code: 'score-short', message: 'Type at least two characters to score' }],
          })
        const problems = r.checkText(msg.text, 'score')
        if (problems.length) return post({ type: 'invalid', ...ids, problems })
        void exclusive(async () => {
          if (run !== r) return
          post({ type: 'score.result', ...ids, step: r.step, ...(await r.generator.score(msg.text)) })
        }).catch((e) => fail(e, ids))
        return
      }
      case 'tokenizer.train': {
        // beside the model queue: it does not touch the model; slices of merges with a yield between them
        const problem = !(
          Number.isInteger(msg.vocabSize) &&
          msg.vocabSize >= BPE_VOCAB.min &&
          msg.vocabSize <= BPE_VOCAB.max
        )
          ? `The BPE vocabulary size must be a whole number from ${BPE_VOCAB.min} (the 256 bytes and one merge) to ${BPE_VOCAB.max} (got ${msg.vocabSize})`
          : typeof msg.text !== 'string' || msg.text.length === 0
            ? 'There is no text to train the tokenizer on'
            : undefined
        if (problem)
          return post({ type: 'invalid', requestId: msg.requestId, problems: [{ field: 'text', message: problem }] })
        void (async () => {
          const t0 = now()
          const trainer = new BpeTrainer(msg.text, msg.vocabSize)
          let lastPost = -Infinity
          while (!trainer.done && !cancelled.has(msg.requestId)) {
            trainer.step(25)
            if (now() - lastPost > 100) {
              post({
                type: 'tokenizer.progress',
                requestId: msg.requestId,
                merges: trainer.merges.length,
                target: trainer.target,
              })
              lastPost = now()
            }
            await yieldToEvents()
          }
          const wasCancelled = cancelled.delete(msg.requestId)
          const ms = now() - t0
          const tokens = makeTokenizer({ kind: 'bpe', merges: trainer.merges }).encode(msg.text).length // for the page's numbers
          post({
            type: 'tokenizer.trained',
            requestId: msg.requestId,
            spec: { kind: 'bpe', merges: trainer.merges },
            ms,
            stoppedEarly: trainer.stoppedEarly,
            cancelled: wasCancelled,
            tokens,
          })
        })().catch((e) => fail(e, { requestId: msg.requestId }))
        return
      }
      case 'tokenizer.cancel': {
        cancelled.add(msg.requestId)
        return
      }
      case 'pairs.evaluate': {
        const r = current(msg.runId)
        if (!r?.pairs)
          return post({
            type: 'invalid',
            runId: msg.runId,
            requestId: msg.requestId,
            problems: [
              {
                field: 'sample',
                code: 'not-pairs',
                message: 'This model was not trained in pair mode: it has no held-out pairs to evaluate',
              },
            ],
          })
        void exclusive(() => evaluatePairs(r, msg.runId, msg.requestId)).catch((e) =>
          fail(e, { runId: msg.runId, requestId: msg.requestId }),
        )
        return
      }
      case 'sample.cancel': {
        cancelled.add(msg.requestId)
        return
      }
      case 'atlas.watch': {
        atlasWatched = msg.probe ? { runId: msg.runId, probe: msg.probe } : undefined
        const r = current(msg.runId)
        if (r && msg.probe) await exclusive(() => sendAtlas(r, msg.runId))
        return
      }
      case 'embedding.watch': {
        embeddingWatched = msg.on ? msg.runId : undefined
        const r = current(msg.runId)
        if (r && msg.on) await exclusive(() => sendEmbedding(r, msg.runId))
        return
      }
      case 'qkv.request':
        return probeRequest('qkv', msg, async (r) => ({
          type: 'qkv.result',
          runId: msg.runId,
          requestId: msg.requestId,
          step: r.step,
          ...(await r.probes.qkv(msg.probe, msg.layer, msg.head, msg.query)),
        }))
      case 'lens.request':
        return probeRequest('lens', msg, async (r) => {
          const { ids: tokenIds, logits } = await r.probes.lens(msg.probe, msg.position)
          const position = Math.min(Math.max(0, msg.position), tokenIds.length - 1)
          return [
            {
              type: 'lens.result',
              runId: msg.runId,
              requestId: msg.requestId,
              step: r.step,
              tokens: tokenIds.map((i) => r.tokenizer.vocab[i]),
              ids: tokenIds,
              position,
              layers: r.model.nLayer + 1,
              logits,
            },
            [logits.buffer as ArrayBuffer],
          ]
        })
      case 'embedding.neighbours': {
        const r = current(msg.runId)
        if (!r || !(Number.isInteger(msg.id) && msg.id >= 0 && msg.id < r.model.vocabSize)) return
        void exclusive(async () => {
          const wte = await r.probes.embedding()
          const neighbours = nearest(wte, r.model.vocabSize, r.model.nEmbd, msg.id, 5).map((n) => ({
            id: n.row,
            cos: n.cos,
          }))
          post({
            type: 'embedding.neighbours.result',
            runId: msg.runId,
            requestId: msg.requestId,
            id: msg.id,
            neighbours,
          })
        }).catch((e) => fail(e, { runId: msg.runId, requestId: msg.requestId }))
        return
      }
      case 'positions.watch': {
        positionsWatched = msg.on ? msg.runId : undefined
        const r = current(msg.runId)
        if (r && msg.on) await exclusive(() => sendPositions(r, msg.runId))
        return
      }
      case 'attention.watch': {
        watch = { runId: msg.runId, probe: msg.probe, layer: msg.layer, head: msg.head }
        const r = current(msg.runId)
        if (r) await exclusive(() => sendAttention(r, msg.runId))
        return
      }
      default:
        assertNever(msg)
    }
  }

  // Messages are handled in order; long work (the training loop, sampling) runs beside this chain, not in it.
  let inbox: Promise<void> = Promise.resolve()
  const onMessage = (ev: { data: ToWorker }) => {
    const msg = ev.data
    inbox = inbox
      .then(() => handle(msg))
      .catch((e) =>
        fail(e, {
          runId: 'runId' in msg ? msg.runId : undefined,
          requestId: 'requestId' in msg ? msg.requestId : undefined,
        }),
      )
  }
  endpoint.addEventListener('message', onMessage)
  return {
    dispose() {
      endpoint.removeEventListener('message', onMessage)
      run?.dispose()
      run = undefined
    },
  }
}
