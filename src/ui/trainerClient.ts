// The page's side of the protocol: owns the Worker, sends typed commands, and folds every event into the
// store. Never touches tfjs. A dead worker is noticed and reported; changing the backend recreates it.
import { cutAt, LARGE_TEXT_CHARS, MAX_TEXT_CHARS, textStats, type TextStats } from '../shared/text'
import {
  fineTuneDefaults,
  formatBytes,
  retuned,
  validateConfig,
  type ModelSettings,
  type Problem,
  type TrainConfig,
} from '../shared/config'
import { parsePairs, pairText } from '../shared/pairs'
import { alignTo } from '../shared/pca'
import {
  assertNever,
  type AtlasProbe,
  type AtlasSnapshot,
  type BackendChoice,
  type FromWorker,
  type SampleSettings,
  type ToWorker,
} from '../shared/protocol'
import {
  hasTrainedModel,
  isTraining,
  runMatchesSettings,
  settingsKey,
  tokenizerKey,
  useStore,
  type AppState,
} from './store'
import { DATASETS } from './datasets'
import { messagesFor } from './i18n'
import { pageStore, refreshRuns } from './runs'
import { StoredRecordError } from '../storage/schema'

let worker: Worker | undefined
let runCounter = 0
let sampleCounter = 0
const get = useStore.getState
const set = useStore.setState

function send(msg: ToWorker, transfer: Transferable[] = []) {
  if (!worker) return // the engine stopped: the banner says so and offers Restart; nothing is queued for a dead worker
  worker.postMessage(msg, transfer)
}

/** Silence from the worker while it works, beyond which the page asks whether it is still there (ms). */
export const SILENCE_MS = 8000
/** After asking, how long the page waits for an answer before it counts the worker as stopped (ms). */
export const PING_WAIT_MS = 4000

let lastHeard = 0
let deviceLosses: number[] = [] // when the GPU device was lost (performance.now()), within the last minute
let pingAt: number | undefined
let watchdog: ReturnType<typeof setInterval> | undefined
/** After a restart: the stored run to reopen once the new worker is ready, and whether to train it on. */
let restoreAfterReady: { storedId: string; resume: boolean } | undefined

/** ?test-hooks turns on the worker's failure injection (end-to-end tests); ?test-budget=BYTES lowers its memory limit. */
function testOptions(): { testHooks?: boolean; budget?: { maxTotalBytes: number } } {
  if (typeof location === 'undefined') return {}
  const q = new URLSearchParams(location.search)
  const budget = Number(q.get('test-budget'))
  return { ...(q.has('test-hooks') && { testHooks: true }), ...(budget > 0 && { budget: { maxTotalBytes: budget } }) }
}

/** With ?test-hooks: what the workers said, in order and across restarts, in brief (end-to-end tests read it). */
export type TestEvent =
  | { kind: 'ready'; backend: string }
  | { kind: 'created'; runId: string; learningRate: number; minLr: number; restored?: { steps: number[] } }
  | { kind: 'state'; runId: string; state: string; step: number }
  | { kind: 'point'; runId: string; step: number; loss: number }
  | { kind: 'eval'; runId: string; step: number; trainLoss: number; valLoss: number }
  | { kind: 'saved'; runId: string; step: number }
  | { kind: 'lost'; backend: string }
  | { kind: 'text'; done: number; total: number }
const testLog: TestEvent[] = []
function record(msg: FromWorker): void {
  if (msg.type === 'ready') testLog.push({ kind: 'ready', backend: msg.report.backend })
  else if (msg.type === 'run.created')
    testLog.push({
      kind: 'created',
      runId: msg.runId,
      learningRate: msg.train.learningRate,
      minLr: msg.train.minLr,
      ...(msg.restored && { restored: { steps: msg.restored.points.map((p) => p.step) } }),
    })
  else if (msg.type === 'run.state') testLog.push({ kind: 'state', runId: msg.runId, state: msg.state, step: msg.step })
  else if (msg.type === 'metrics') {
    for (const p of msg.points) testLog.push({ kind: 'point', runId: msg.runId, step: p.step, loss: p.loss })
    for (const e of msg.evals)
      testLog.push({ kind: 'eval', runId: msg.runId, step: e.step, trainLoss: e.trainLoss, valLoss: e.valLoss })
  } else if (msg.type === 'run.saved') testLog.push({ kind: 'saved', runId: msg.runId, step: msg.step })
  else if (msg.type === 'device.lost') testLog.push({ kind: 'lost', backend: msg.backend })
  else if (msg.type === 'text.progress') testLog.push({ kind: 'text', done: msg.done, total: msg.total })
}

export function startWorker(choice: BackendChoice = get().backendChoice): void {
  worker?.terminate()
  clearInterval(watchdog)
  pendingText = undefined // a text being measured by the old worker: its answer will not come
  set({
    textLoading: undefined,
    report: undefined,
    workerError: undefined,
    engineStopped: undefined,
    run: undefined,
    runState: undefined,
    pendingRunId: undefined,
    points: [],
    evals: [],
    memory: undefined,
    attention: undefined,
    sampleStatus: 'idle',
  })
  const w = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module', name: 'gpt-trainer' })
  worker = w
  lastHeard = performance.now()
  pingAt = undefined
  const test = testOptions()
  w.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
    if (worker !== w) return
    lastHeard = performance.now()
    pingAt = undefined
    if (test.testHooks) record(ev.data)
    handle(ev.data)
  })
  w.addEventListener('error', (ev) => {
    if (worker !== w) return
    ev.preventDefault()
    // an exception escaped the worker: whatever it was doing is in an unknown state, so it is not trusted further
    engineStopped(get().report ? 'crashed' : 'failed-to-start', ev.message || '')
  })
  w.addEventListener('messageerror', () =>
    set({ workerError: 'A message from the training worker could not be read.' }),
  )
  send({ type: 'init', backend: choice, ...test })
  if (test.testHooks)
    (globalThis as { __playgroundTest?: unknown }).__playgroundTest = {
      crash: (how: 'throw' | 'exit') => send({ type: 'test.crash', how }),
      loseDevice: () => send({ type: 'test.loseDevice' }),
      log: () => testLog.slice(),
    }
  watchdog = setInterval(checkAlive, 1000)
  if (typeof document !== 'undefined') {
    if (document.visibilityState === 'hidden') send({ type: 'page.visibility', hidden: true })
    if (!visibilityListening) {
      visibilityListening = true
      const say = () => send({ type: 'page.visibility', hidden: document.visibilityState === 'hidden' })
      document.addEventListener('visibilitychange', say)
      document.addEventListener('resume', say) // back from frozen (Page Lifecycle)
    }
  }
}

let visibilityListening = false

/**
 * The heartbeat's other end. While the worker trains or generates, silence longer than SILENCE_MS (or three of
 * its slowest recent steps, for a slow backend) sends a ping; no answer within PING_WAIT_MS means it is gone —
 * killed, or stuck. The ping keeps a page that was frozen in the background from mistaking its own pause for
 * the worker's: the messages that queued up meanwhile arrive before the answer is due.
 */
function checkAlive() {
  const s = get()
  if (!worker || !(s.runState === 'training' || s.sampleStatus === 'running')) {
    pingAt = undefined
    return
  }
  const now = performance.now()
  // The worker cannot speak during one long synchronous computation: a slow step, or an evaluation (2·evalIters
  // forward passes, each about half a step). Before two steps are timed, a first compile may be slow: 30 s.
  const slowest = s.points.slice(-20).reduce((a, p) => Math.max(a, p.stepMs), 0)
  const evaluation = slowest * (s.run?.train.evalIters ?? 1)
  if (now - lastHeard < Math.max(s.points.length < 2 ? 30_000 : SILENCE_MS, 3 * slowest, 1.5 * evaluation)) return
  if (pingAt === undefined) {
    pingAt = now
    return send({ type: 'ping' })
  }
  if (now - pingAt > PING_WAIT_MS) engineStopped('silent', String(Math.round((now - lastHeard) / 1000)))
}

/** The worker is gone: every pending request is answered here, and the last checkpoint is what Restart resumes. */
function engineStopped(why: 'crashed' | 'silent' | 'failed-to-start', detail: string) {
  const s = get()
  worker?.terminate()
  worker = undefined
  clearInterval(watchdog)
  releaseTrainingLock()
  pendingText = undefined
  const stopped = {
    field: 'sample' as const,
    code: 'engine-stopped',
    message: 'The training engine stopped before answering.',
  }
  set({
    engineStopped: {
      why,
      detail,
      storedId: s.saved?.storedId,
      step: s.saved?.step,
      name: s.saved ? s.storedRuns.find((r) => r.id === s.saved!.storedId)?.name : undefined,
      wasTraining: s.runState === 'training',
    },
    report: undefined,
    runState: undefined,
    pendingRunId: undefined,
    ...(s.sampleStatus === 'running' && { sampleStatus: 'idle', sampleProblems: [stopped] }),
    sampleRequestId: undefined,
    ...(s.scoreRequestId && { scoreRequestId: undefined, scoreProblems: [{ ...stopped, field: 'score' }] }),
    ...(s.exportRequestId && {
      exportRequestId: undefined,
      importStatus: { kind: 'error', problems: [{ ...stopped, field: 'file' }] },
    }),
    ...(s.bpeTraining && { bpeTraining: undefined, bpeProblems: [{ ...stopped, field: 'text' }] }),
    qkvRequestId: undefined,
    lensRequestId: undefined,
    textLoading: undefined, // the current text stays
  })
}

/** Restart after the engine stopped: a new worker, and the run reopened at its last checkpoint (trained on if it was training). */
export function restartEngine(): void {
  const e = get().engineStopped
  restoreAfterReady = e?.storedId ? { storedId: e.storedId, resume: e.wasTraining } : undefined
  startWorker()
}

export function setBackendChoice(choice: BackendChoice): void {
  set({ backendChoice: choice })
  const url = new URL(location.href)
  if (choice === 'auto') url.searchParams.delete('backend')
  else url.searchParams.set('backend', choice)
  history.replaceState(null, '', url)
  startWorker(choice)
}

function handle(msg: FromWorker): void {
  const s = get()
  switch (msg.type) {
    case 'ready': {
      set({ report: msg.report })
      const restore = restoreAfterReady
      restoreAfterReady = undefined
      if (restore) void openStoredRun(restore.storedId, { resume: restore.resume })
      else maybePrepareRun()
      void refreshRuns()
      return
    }
    case 'alive':
      return
    case 'device.lost': {
      // A new worker is a clean start for tfjs; the run comes back from its last checkpoint. Twice within a
      // minute means the GPU is not dependable now: the new worker gets another backend.
      const at = performance.now()
      deviceLosses = [...deviceLosses.filter((x) => at - x < 60_000), at]
      const fallback =
        deviceLosses.length >= 2
          ? msg.backend === 'webgpu' && s.report?.webgl === 'hardware'
            ? 'webgl'
            : 'wasm'
          : undefined
      set({ deviceLoss: { backend: msg.backend, message: msg.message, step: s.saved?.step, fallback } })
      restoreAfterReady = s.saved?.storedId
        ? { storedId: s.saved.storedId, resume: s.runState === 'training' }
        : undefined
      releaseTrainingLock()
      if (fallback) setBackendChoice(fallback)
      else startWorker()
      return
    }
    case 'text.progress':
      if (msg.requestId === s.textLoading?.requestId)
        set({ textLoading: { requestId: msg.requestId, done: msg.done, total: msg.total } })
      return
    case 'text.stats': {
      const p = pendingText
      if (!p || p.requestId !== msg.requestId || msg.cancelled) return
      pendingText = undefined
      const { type: _t, requestId: _r, cancelled: _c, ...stats } = msg
      rememberStats(p.text, stats) // measured in the worker: the page never counts it again
      takeText(p.text, p.datasetId, p)
      return
    }
    case 'run.created': {
      if (msg.runId !== s.pendingRunId) return
      const {
        runId,
        model,
        train,
        paramCount,
        vocab,
        tokenizerKind,
        trainTokens,
        valTokens,
        tokensPerStep,
        origin,
        restored,
        pairs,
        reference,
      } = msg
      let key = pendingFrom?.settingsKey ?? settingsKey(s.model, s.train)
      if (origin || restored) {
        // the settings panel now describes the opened model, so nothing replaces it until the user asks
        const { vocabSize: _v, ...settings } = model
        set({ model: settings, train, presetId: 'custom' })
        if (origin?.from === 'file' && !restored)
          set({ importStatus: { kind: 'done', fileName: origin.name, step: origin.step, added: origin.added } })
        if (!restored) set({ pairEval: undefined })
        key = settingsKey(settings, train)
      }
      set({
        run: {
          runId,
          model,
          train,
          paramCount,
          vocab,
          tokenizerKind,
          reference,
          trainTokens,
          valTokens,
          tokensPerStep,
          origin,
          pairs,
          textVersion: pendingFrom?.textVersion ?? s.textVersion,
          settingsKey: key,
          tokenizerKey: origin || restored ? tokenizerKey(s) : (pendingFrom?.tokenizerKey ?? tokenizerKey(s)),
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
        saved: restored
          ? { storedId: restored.storedId, step: restored.points.at(-1)?.step ?? 0, bytes: 0 }
          : undefined,
        storageProblem: undefined,
        memory: undefined,
        attention: undefined,
        sampleTokens: [],
        sampleStatus: 'idle',
      })
      pendingFrom = undefined
      if (resumeOnCreate === runId) {
        resumeOnCreate = undefined
        void resumeTraining()
      }
      watchAttention()
      set({ positions: undefined, atlasSnapshots: [], viewStep: 'live', embedding: undefined, neighbours: undefined })
      if (get().embeddingOpen) send({ type: 'embedding.watch', runId, on: true })
      if (get().positionsOpen) send({ type: 'positions.watch', runId, on: true })
      if (get().atlasOpen) send({ type: 'atlas.watch', runId, probe: get().atlasProbe })
      const pinned = get().watchPinned
      set({
        watchTimeline:
          restored?.watch && pinned && restored.watch.prompt === pinned.prompt ? restored.watch.entries : [],
      })
      if (pinned)
        send({ type: 'watch.prompt', runId, requestId: (watchRequestId = `watch-${++watchCounter}`), watch: pinned }) // a new model: its own timeline
      return
    }
    case 'run.state':
      if (msg.runId !== s.run?.runId) return
      set({ runState: msg.state })
      if (msg.state === 'paused' || msg.state === 'stopped' || msg.state === 'finished') releaseTrainingLock()
      return
    case 'diverged': {
      if (msg.runId !== s.run?.runId) return
      const { type: _t, runId: _r, ...d } = msg
      set({ divergence: d, divergedAt: [...s.divergedAt, msg.step] })
      return
    }
    case 'run.train': {
      if (msg.runId !== s.run?.runId) return
      // the settings panel follows when it described this run, so the run still matches its settings
      const matched = runMatchesSettings(s)
      set({
        run: { ...s.run, train: msg.train, settingsKey: settingsKey(s.model, matched ? msg.train : s.train) },
        ...(matched ? { train: msg.train } : {}),
        retuneProblems: [],
      })
      return
    }
    case 'run.saved':
      if (msg.runId !== s.run?.runId) return
      set({
        saved: {
          storedId: msg.storedId,
          step: msg.step,
          bytes: msg.bytes,
          ms: msg.ms,
          count: (s.saved?.storedId === msg.storedId ? (s.saved.count ?? 0) : 0) + 1,
        },
        storageProblem: undefined,
      })
      void refreshRuns()
      return
    case 'pairs.row': {
      if (msg.runId !== s.run?.runId) return
      const current =
        s.pairEval?.requestId === msg.requestId
          ? s.pairEval
          : { requestId: msg.requestId, step: msg.step, total: msg.total, rows: [], done: false }
      set({
        pairEval: {
          ...current,
          rows: [
            ...current.rows,
            { index: msg.index, prompt: msg.prompt, reference: msg.reference, generation: msg.generation },
          ],
        },
      })
      return
    }
    case 'pairs.done':
      if (msg.runId === s.run?.runId && s.pairEval?.requestId === msg.requestId)
        set({ pairEval: { ...s.pairEval, done: true } })
      else if (msg.runId === s.run?.runId)
        set({ pairEval: { requestId: msg.requestId, step: msg.step, total: 0, rows: [], done: true } })
      return
    case 'tokenizer.progress':
      if (msg.requestId === s.bpeTraining?.requestId)
        set({ bpeTraining: { requestId: msg.requestId, merges: msg.merges, target: msg.target } })
      return
    case 'tokenizer.trained': {
      if (msg.requestId !== s.bpeTraining?.requestId) return
      const from = bpeTextVersion
      if (msg.cancelled || msg.spec.kind !== 'bpe') return set({ bpeTraining: undefined })
      set({
        bpeTraining: undefined,
        bpeProblems: [],
        bpe: {
          spec: { kind: 'bpe', merges: msg.spec.merges.map(([a, b]) => [a, b]) },
          textVersion: from,
          ms: msg.ms,
          stoppedEarly: msg.stoppedEarly,
          tokens: msg.tokens,
          chars: bpeChars,
          id: ++bpeCounter,
        },
      })
      return
    }
    case 'storage.problem':
      if (msg.runId === s.run?.runId)
        set({ storageProblem: { full: msg.full, reason: msg.reason, message: msg.message } })
      return
    case 'run.exported':
      if (msg.requestId !== s.exportRequestId) return
      set({ exportRequestId: undefined })
      download(
        new Blob([msg.bytes], { type: msg.format === 'nanogpt' ? 'application/x-tar' : 'application/octet-stream' }),
        msg.format === 'nanogpt' ? `nanogpt-${msg.name}-step${msg.step}.tar` : exportFileName(msg.step),
      )
      return
    case 'metrics':
      if (msg.runId !== s.run?.runId) return
      set({
        points: msg.points.length ? s.points.concat(msg.points) : s.points,
        evals: msg.evals.length ? s.evals.concat(msg.evals) : s.evals,
        memory: msg.memory,
      })
      return
    case 'atlas': {
      if (msg.runId !== s.run?.runId) return
      const { type: _t, runId: _r, ...snap } = msg
      set({ atlasSnapshots: keepSnapshot(s.atlasSnapshots, snap) })
      return
    }
    case 'embedding': {
      if (msg.runId !== s.run?.runId) return
      const { type: _t, runId: _r, ...next } = msg
      const aligned = alignTo(
        s.embedding && s.embedding.C === next.C ? { components: Float64Array.from(s.embedding.components) } : undefined,
        { components: Float64Array.from(next.components), coords: next.coords, explained: next.explained },
        next.C,
      )
      set({ embedding: { ...next, coords: aligned.coords, components: Float32Array.from(aligned.components) } })
      return
    }
    case 'qkv.result': {
      if (msg.requestId !== s.qkvRequestId) return
      const { type: _t, runId: _r, ...qkv } = msg
      set({ qkv })
      return
    }
    case 'lens.result': {
      if (msg.requestId !== s.lensRequestId) return
      const { type: _t, runId: _r, ...lens } = msg
      set({ lens })
      return
    }
    case 'embedding.neighbours.result':
      if (msg.runId === s.run?.runId) set({ neighbours: { id: msg.id, list: msg.neighbours } })
      return
    case 'positions':
      if (msg.runId !== s.run?.runId) return
      set({ positions: { step: msg.step, kind: msg.kind, T: msg.T, C: msg.C, table: msg.table } })
      return
    case 'attention':
      if (msg.runId !== s.run?.runId) return
      set({
        attention: { step: msg.step, layer: msg.layer, head: msg.head, tokens: msg.tokens, weights: msg.weights },
        attentionProblems: [],
      })
      return
    case 'sample.token':
      if (msg.requestId !== s.sampleRequestId) return
      set({
        sampleTokens: [
          ...s.sampleTokens,
          {
            text: msg.text,
            token: msg.token,
            prob: msg.prob,
            top: msg.top,
            entropy: msg.entropy,
            attention: msg.attention,
          },
        ],
      })
      return
    case 'sample.context':
      if (msg.requestId === s.sampleRequestId) set({ sampleContext: msg.tokens })
      return
    case 'sample.done':
      if (msg.requestId !== s.sampleRequestId) return
      set({
        sampleStatus: msg.reason === 'cancelled' ? 'cancelled' : 'done',
        sampleStep: msg.step,
        sampleElapsedMs: msg.elapsedMs,
        sampleReason: msg.reason,
      })
      return
    case 'watch.entry':
      if (msg.runId !== s.run?.runId || !s.watchPinned || msg.prompt !== s.watchPinned.prompt) return
      set({
        watchTimeline: [...s.watchTimeline, { step: msg.step, loss: msg.loss, valLoss: msg.valLoss, text: msg.text }],
      })
      return
    case 'score.result': {
      if (msg.requestId !== s.scoreRequestId) return
      const { type: _t, runId: _r, requestId: _q, ...score } = msg
      set({ score, scoreProblems: [] })
      return
    }
    case 'sample.beams':
      if (msg.requestId !== s.sampleRequestId) return
      set({ sampleBeams: msg.beams, sampleTree: msg.tree })
      return
    case 'invalid':
      if (msg.requestId) {
        if (msg.requestId === s.sampleRequestId) set({ sampleProblems: msg.problems, sampleStatus: 'idle' })
        if (msg.requestId === s.scoreRequestId) set({ scoreProblems: msg.problems })
        if (msg.requestId === watchRequestId) set({ sampleProblems: msg.problems, watchPinned: undefined })
        if (msg.requestId === s.exportRequestId)
          set({ exportRequestId: undefined, importStatus: { kind: 'error', problems: msg.problems } })
        if (msg.requestId === s.bpeTraining?.requestId) set({ bpeTraining: undefined, bpeProblems: msg.problems })
        if (msg.requestId === retuneRequestId) set({ retuneProblems: msg.problems })
      } else if (msg.runId && msg.runId === s.pendingRunId) {
        if (msg.runId === importingRunId)
          set({ importStatus: { kind: 'error', problems: msg.problems }, pendingRunId: undefined })
        else if (msg.runId === restoringRunId) set({ restoreProblems: msg.problems, pendingRunId: undefined })
        else set({ runProblems: msg.problems, pendingRunId: undefined })
        pendingFrom = undefined
      } else if (msg.problems.some((p) => p.field === 'probe')) {
        set({ attentionProblems: msg.problems })
      }
      return
    case 'error': {
      const text = `${msg.name}: ${msg.message}`
      if (msg.requestId && msg.requestId === s.sampleRequestId)
        set({ sampleProblems: [{ field: 'sample', message: text }], sampleStatus: 'idle' })
      else if (msg.requestId && msg.requestId === s.exportRequestId)
        set({
          exportRequestId: undefined,
          importStatus: { kind: 'error', problems: [{ field: 'file', message: text }] },
        })
      else if (msg.requestId && msg.requestId === s.scoreRequestId)
        set({ scoreProblems: [{ field: 'score', message: text }] })
      else set({ runError: text })
      console.error('[worker]', msg.name, msg.message, msg.stack)
      return
    }
    default:
      assertNever(msg)
  }
}

// ---- runs ---------------------------------------------------------------------------------------------

let pendingFrom: { textVersion: number; settingsKey: string; tokenizerKey?: string } | undefined

/**
 * textStats of the texts the page shows, computed once per text (a megabyte takes tens of milliseconds; a long
 * text's come from the worker). A few are kept, not one: while React defers a render, the old text and the new
 * are both asked for, and one slot would recount them in turn.
 */
const statsMemo = new Map<string, TextStats>()
export function currentTextStats(text: string): TextStats {
  let stats = statsMemo.get(text)
  if (!stats) {
    stats = textStats(text)
    rememberStats(text, stats)
  }
  return stats
}
function rememberStats(text: string, stats: TextStats) {
  statsMemo.set(text, stats)
  if (statsMemo.size > 4) statsMemo.delete(statsMemo.keys().next().value!)
}

let pairsMemo: { text: string; result: ReturnType<typeof parsePairs>; written: string } | undefined
/** The pairs of the current text (pair mode), parsed once per text, and the text they are written as. */
export function currentPairs(text: string) {
  if (pairsMemo?.text !== text) {
    const result = parsePairs(text)
    pairsMemo = { text, result, written: 'pairs' in result ? result.pairs.map(pairText).join('') : '' }
  }
  return pairsMemo
}

/** Problems with the current text and settings, checked on the page before anything is sent. */
export function localProblems(
  s: Pick<AppState, 'text' | 'model' | 'train' | 'report' | 'pairMode' | 'tokenizerChoice' | 'bpe'>,
): Problem[] {
  if (s.tokenizerChoice === 'bpe') {
    if (!s.bpe)
      return [
        {
          field: 'text',
          code: 'bpe-first',
          message: 'Train the BPE tokenizer first (panel 1, Tokens), or choose characters',
        },
      ]
    // sequence lengths depend on the tokenizer: the worker checks the split; the sizes are checked here
    return validateConfig({ ...s.model, vocabSize: 256 + s.bpe.spec.merges.length }, s.train, {
      limits: s.report?.limits,
    })
  }
  if (s.pairMode) {
    const p = currentPairs(s.text)
    if ('problems' in p.result) return p.result.problems.map((message) => ({ field: 'text', message }))
    // the held-out pairs' length is checked by the worker, which splits them
    return validateConfig({ ...s.model, vocabSize: currentTextStats(p.written).vocabSize }, s.train, {
      limits: s.report?.limits,
    })
  }
  const stats = currentTextStats(s.text)
  return validateConfig({ ...s.model, vocabSize: stats.vocabSize }, s.train, {
    trainTokens: stats.trainTokens,
    valTokens: stats.valTokens,
    limits: s.report?.limits,
  })
}

function createRun(): string | undefined {
  const s = get()
  if (!s.report || !worker) return undefined
  const problems = localProblems(s)
  if (problems.length) {
    set({ runProblems: problems })
    return undefined
  }
  const runId = `run-${++runCounter}`
  pendingFrom = {
    textVersion: s.textVersion,
    settingsKey: settingsKey(s.model, s.train),
    tokenizerKey: tokenizerKey(s),
  }
  set({ pendingRunId: runId, runProblems: [] })
  const tokenizer = s.tokenizerChoice === 'bpe' ? s.bpe?.spec : undefined
  send({
    type: 'run.create',
    runId,
    text: s.text,
    model: s.model,
    train: s.train,
    persist: persistRequest(s),
    pairs: s.pairMode,
    tokenizer,
  })
  return runId
}

/** How a new run is named and where its text comes from, for the run store. */
function persistRequest(s: AppState, prefix?: string) {
  const dataset = DATASETS.find((d) => d.id === s.datasetId)
  const when = new Date().toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  })
  const what = dataset?.label ?? (s.pairMode ? 'Own pairs' : 'Own text')
  return {
    name: prefix ? `${prefix} → ${what} · ${when}` : `${what} · ${s.model.nLayer}×${s.model.nEmbd} · ${when}`,
    datasetId: dataset?.id,
    textLabel: 'the text you trained it on',
  }
}

/** A stored run's record; null (after saying why) when it does not read as one: damaged, or from a newer version. */
async function storedRecord(storedId: string) {
  try {
    return await (await pageStore())?.get(storedId)
  } catch (e) {
    if (!(e instanceof StoredRecordError)) throw e
    set({ restoreProblems: [{ field: 'stored', code: e.code, params: e.params, message: e.message }] })
    return null
  }
}

let restoringRunId: string | undefined
let resumeOnCreate: string | undefined // a restored run to train as soon as it is created (going back after a divergence)

/**
 * Reopens a stored run where its last checkpoint left it. Its text comes back too: stored with the run, or
 * the built-in dataset it names; a run stored by its text's digest needs that text in panel 1 (the worker checks).
 */
export async function openStoredRun(
  storedId: string,
  o: { learningRate?: number; resume?: boolean } = {},
): Promise<void> {
  const s = get()
  if (!worker || !s.report || isTraining(s)) return
  const record = await storedRecord(storedId)
  if (record === null) return
  if (!record) {
    set({ restoreProblems: [{ field: 'stored', code: 'run-gone', message: 'That run is no longer stored.' }] })
    return void refreshRuns()
  }
  // taken at once (a stored text is at most MAX_INLINE_TEXT_CHARS): the restore below sends it right away
  if (record.text.kind === 'inline' && record.text.text !== s.text) takeText(record.text.text, 'custom', {})
  if (record.text.kind === 'dataset' && s.datasetId !== record.text.datasetId) {
    const d = DATASETS.find((x) => x.id === (record.text as { datasetId: string }).datasetId)
    if (d) takeText(await d.load(), d.id, {})
  }
  const text = get().text
  const runId = `run-${++runCounter}`
  restoringRunId = runId
  pendingFrom = { textVersion: get().textVersion, settingsKey: '' }
  set({ pendingRunId: runId, runProblems: [], restoreProblems: [] })
  resumeOnCreate = o.resume ? runId : undefined
  send({
    type: 'run.restore',
    runId,
    storedId,
    text: record.text.kind === 'inline' ? '' : text,
    ...(o.learningRate !== undefined && { learningRate: o.learningRate }),
  })
}

type TextNotice = AppState['textNotice']
let textCounter = 0
/** The long text being measured, and what to do with it once it is. */
let pendingText:
  { requestId: string; text: string; datasetId: string; notice?: TextNotice; pairs?: boolean } | undefined

/**
 * Takes a new training text. Up to LARGE_TEXT_CHARS at once; a longer one is first measured in the worker —
 * in slices, with progress and Cancel — so the page never counts fifty million characters itself, and is taken
 * (with its measurements) only when that is done: until then, and after a Cancel, the current text stays.
 * A text over MAX_TEXT_CHARS is not taken: its start is offered instead.
 */
export function offerText(
  text: string,
  datasetId: string,
  o: { notice?: TextNotice; pairs?: boolean; name?: string } = {},
): void {
  cancelTextLoading(false)
  if (text.length > MAX_TEXT_CHARS) {
    const cut = cutAt(text, MAX_TEXT_CHARS)
    set({
      textOffer: {
        what: 'text',
        name: o.name ?? '',
        size: new Intl.NumberFormat('en').format(text.length),
        limit: new Intl.NumberFormat('en').format(MAX_TEXT_CHARS),
        take: () => offerText(text.slice(0, cut), datasetId, o),
      },
    })
    return
  }
  set({ textOffer: undefined })
  if (text.length <= LARGE_TEXT_CHARS || !worker) return takeText(text, datasetId, o)
  const requestId = `text-${++textCounter}`
  pendingText = { requestId, text, datasetId, ...o }
  set({ textLoading: { requestId, done: 0, total: text.length } })
  send({ type: 'text.analyze', requestId, text })
}

function takeText(text: string, datasetId: string, o: { notice?: TextNotice; pairs?: boolean }) {
  set((st) => ({
    text,
    datasetId,
    textVersion: st.textVersion + 1,
    textNotice: o.notice,
    textLoading: undefined,
    ...(o.pairs !== undefined && st.pairMode !== o.pairs && { pairMode: o.pairs }),
  }))
}

/** Stops measuring a long text: the current text stays as it was. */
export function cancelTextLoading(say = true): void {
  const p = pendingText
  if (!p) return
  pendingText = undefined
  send({ type: 'text.cancel', requestId: p.requestId })
  const lang = get().lang
  set({
    textLoading: undefined,
    ...(say && { textNotice: { kind: 'info', message: messagesFor(lang).textLoadCancelled } }),
  })
}

let prepareTimer: ReturnType<typeof setTimeout> | undefined
/**
 * Keeps an untrained model matching the current settings ready, so Generate and the attention view work
 * before training. Never replaces a model that has been trained: that happens only on "Start training".
 */
export function maybePrepareRun(delayMs = 250): void {
  clearTimeout(prepareTimer)
  prepareTimer = setTimeout(() => {
    const s = get()
    if (!s.report || isTraining(s) || hasTrainedModel(s) || runMatchesSettings(s) || s.pendingRunId) return
    createRun()
  }, delayMs)
}

// ---- one tab trains at a time (Web Locks) -------------------------------------------------------------------

const TRAINING_LOCK = 'gpt-playground:training'
let releaseLock: (() => void) | undefined

/**
 * Takes the training lock: at once if no other tab holds it, or from the tab that does (`steal`), which is then
 * told and pauses. Where Web Locks are missing there is nothing to coordinate.
 */
function acquireTrainingLock(steal = false): Promise<boolean> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks || releaseLock) return Promise.resolve(true)
  return new Promise((resolve) => {
    locks
      .request(TRAINING_LOCK, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(false)
        resolve(true)
        set({ lock: 'held' })
        return new Promise<void>((release) => (releaseLock = release))
      })
      .catch(() => {
        // another tab took the lock over: this one pauses (a checkpoint is stored) and says so
        releaseLock = undefined
        set({ lock: 'taken' })
        pauseTraining()
      })
  })
}

function releaseTrainingLock() {
  const release = releaseLock
  releaseLock = undefined
  release?.()
  if (get().lock === 'held') set({ lock: undefined })
}

/** Starts (or resumes) training in this tab even though another tab is training: that tab pauses. */
export async function takeOverTraining(): Promise<void> {
  if (!(await acquireTrainingLock(true))) return
  set({ lock: 'held' })
  if (get().runState === 'paused') resumeTraining()
  else startTraining()
}

/** Starts training: the model built for these settings, or a fresh one (a paused run is replaced, not resumed). */
export async function startTraining(): Promise<void> {
  if (get().runState === 'training') return
  if (!(await acquireTrainingLock())) return set({ lock: 'other' })
  const s = get()
  if (s.run && runMatchesSettings(s) && s.runState === 'ready') {
    send({ type: 'train.start', runId: s.run.runId })
    return
  }
  if (
    s.pendingRunId &&
    pendingFrom &&
    pendingFrom.textVersion === s.textVersion &&
    pendingFrom.settingsKey === settingsKey(s.model, s.train)
  ) {
    // the model for these settings is being built: the worker handles messages in order, so start it next
    send({ type: 'train.start', runId: s.pendingRunId })
    return
  }
  if (s.run?.origin && s.fineTuneSource && sameShape(s.run.model, s.model)) {
    // a model that started from other weights, and a new text, new settings or a finished run: fine-tune the
    // same starting weights again rather than start from scratch
    const id = sendFineTune()
    if (id) send({ type: 'train.start', runId: id })
    return
  }
  const id = createRun() // a fresh model: settings changed, or the last run was stopped or finished
  if (id) send({ type: 'train.start', runId: id })
}

/**
 * "Break it to learn it" (V11): a twin of the current settings, text and seed without the causal mask, trained
 * at once. The run before it pauses (and so is saved) and its validation curve stays on the loss chart to
 * compare with; the settings panel keeps describing the masked model, so Start training afterwards trains that.
 */
export async function trainNoMaskTwin(): Promise<void> {
  const s = get()
  if (!s.report || !worker || s.pendingRunId || s.run?.model.causal === false) return
  const problems = localProblems(s)
  if (problems.length) return set({ runProblems: problems })
  if (s.runState === 'training') pauseTraining()
  if (!(await acquireTrainingLock())) return set({ lock: 'other' })
  const model = { ...s.model, causal: false }
  const runId = `run-${++runCounter}`
  pendingFrom = { textVersion: s.textVersion, settingsKey: settingsKey(model, s.train), tokenizerKey: tokenizerKey(s) }
  const masked =
    s.run && s.evals.length
      ? [{ id: `masked-${s.run.runId}`, name: messagesFor(s.lang).maskedCompare(s.evals.at(-1)!.step), evals: s.evals }]
      : []
  set({
    pendingRunId: runId,
    runProblems: [],
    twinOf: hasTrainedModel(s) ? { storedId: s.saved?.storedId, step: s.points.at(-1)?.step ?? 0 } : undefined,
    compare: [...s.compare.filter((c) => !c.id.startsWith('masked-')), ...masked],
  })
  const persist = persistRequest(s)
  send({
    type: 'run.create',
    runId,
    text: s.text,
    model,
    train: s.train,
    persist: { ...persist, name: `No causal mask · ${persist.name}` },
    pairs: s.pairMode,
    tokenizer: s.tokenizerChoice === 'bpe' ? s.bpe?.spec : undefined,
  })
  send({ type: 'train.start', runId })
}

export function pauseTraining(): void {
  const r = get().run
  if (r) send({ type: 'train.pause', runId: r.runId })
}

export async function resumeTraining(): Promise<void> {
  const r = get().run
  if (!r) return
  if (!(await acquireTrainingLock())) return set({ lock: 'other' })
  set({ divergence: undefined })
  send({ type: 'train.resume', runId: r.runId })
}

/**
 * `train` at a new peak learning rate, as the worker will make it (shared `retuned`, the minimum scaled with it),
 * or undefined after saying why it cannot be: a refused rate must never go on training at the old one.
 */
function retunedOrSay(model: ModelSettings, train: TrainConfig, learningRate: number): TrainConfig | undefined {
  const next = retuned(train, learningRate)
  const problems = validateConfig(model, next)
  if (!problems.length) return next
  set({ retuneProblems: problems })
  return undefined
}

/** After a divergence: back to the run's stored checkpoint (the last good one), training on at a lower peak learning rate. */
export async function rewindWithLearningRate(learningRate: number): Promise<void> {
  const s = get()
  const storedId = s.saved?.storedId
  if (!s.run || !storedId) return
  if (!retunedOrSay(s.run.model, s.run.train, learningRate)) return
  await openStoredRun(storedId, { learningRate, resume: true })
}

/** After an early divergence, before any checkpoint: a new run of the same settings with a lower peak learning rate. */
export async function restartWithLearningRate(learningRate: number): Promise<void> {
  const s = get()
  const train = retunedOrSay(s.model, s.train, learningRate)
  if (!train) return
  set({ train, presetId: 'custom', divergence: undefined })
  await startTraining() // the settings no longer match the run: a fresh model replaces the paused, diverged one
}

/** After a divergence: the run goes on from where it paused with a lower peak learning rate (the worker checks it). */
export async function resumeWithLearningRate(learningRate: number): Promise<void> {
  const r = get().run
  if (!r) return
  if (!retunedOrSay(r.model, r.train, learningRate)) return
  retuneRequestId = `retune-${++retuneCounter}`
  send({ type: 'run.retune', runId: r.runId, requestId: retuneRequestId, learningRate })
  await resumeTraining() // the worker handles the two in order: the new rate applies from the first step
}

export function stopTraining(): void {
  const r = get().run
  if (r) send({ type: 'train.stop', runId: r.runId })
}

// ---- model files ----------------------------------------------------------------------------------------

let importingRunId: string | undefined
let exportCounter = 0

/** A largest file worth reading: weights for far more parameters than a tab can train. */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3

/**
 * Opens a model file: the worker checks it and the current text completely, then builds a run from it that
 * trains on the text in panel 1. The current model stays until the new one is ready, and stays if the file is bad.
 */
export async function importModel(file: File, extendVocab: boolean): Promise<void> {
  const s = get()
  if (!worker || !s.report) return
  if (isTraining(s))
    return set({
      importStatus: {
        kind: 'error',
        problems: [
          {
            field: 'file',
            code: 'import-while-training',
            message: 'Pause or stop training before opening a model file.',
          },
        ],
      },
    })
  if (file.size > MAX_MODEL_FILE_BYTES)
    return set({
      importStatus: {
        kind: 'error',
        problems: [
          {
            field: 'file',
            code: 'model-file-big',
            params: { name: file.name, size: formatBytes(file.size), limit: formatBytes(MAX_MODEL_FILE_BYTES) },
            message: `${file.name} is ${formatBytes(file.size)}; files above ${formatBytes(MAX_MODEL_FILE_BYTES)} are not read.`,
          },
        ],
      },
    })
  set({ importStatus: { kind: 'loading', fileName: file.name } })
  let bytes: ArrayBuffer
  try {
    bytes = await file.arrayBuffer()
  } catch (e) {
    return set({
      importStatus: {
        kind: 'error',
        problems: [
          {
            field: 'file',
            code: 'file-unreadable',
            params: { name: file.name, detail: (e as Error).message },
            message: `${file.name} could not be read: ${(e as Error).message}`,
          },
        ],
      },
    })
  }
  set({ fineTuneSource: { kind: 'file', name: file.name, bytes: bytes.slice(0) }, extendVocab })
  sendFineTune(fineTuneDefaults(s.train))
}

/**
 * Builds a run from the fine-tune source (a model file, or a stored run) on the current text with `train`;
 * the current model stays until the new one is ready. Returns the new run's id.
 */
function sendFineTune(train = get().train): string | undefined {
  const s = get()
  const src = s.fineTuneSource
  if (!src || !worker) return undefined
  const runId = `run-${++runCounter}`
  importingRunId = runId
  pendingFrom = { textVersion: s.textVersion, settingsKey: '' }
  set({ pendingRunId: runId, runProblems: [] })
  const common = {
    runId,
    text: s.text,
    train,
    extendVocab: s.extendVocab,
    pairs: s.pairMode,
    persist: persistRequest(s, src.name.replace(/ · \d+ \w+, [\d:]+$/, '')),
  }
  if (src.kind === 'file') {
    const file = src.bytes.slice(0)
    send({ type: 'run.import', ...common, file, fileName: src.name }, [file])
  } else send({ type: 'run.finetune', ...common, storedId: src.storedId })
  return runId
}

/** Fine-tune a stored run: its weights, the text in panel 1, a ten times lower learning rate. */
export async function fineTuneFrom(storedId: string): Promise<void> {
  const s = get()
  if (!worker || !s.report || isTraining(s)) return
  const record = await storedRecord(storedId)
  if (record === null) return
  if (!record)
    return set({ restoreProblems: [{ field: 'stored', code: 'run-gone', message: 'That run is no longer stored.' }] })
  set({ fineTuneSource: { kind: 'run', storedId, name: record.name }, importStatus: undefined, restoreProblems: [] })
  sendFineTune(fineTuneDefaults(record.train))
}

/** Whether two model shapes are the same (the weights of one fit the other). */
function sameShape(a: ModelSettings, b: ModelSettings): boolean {
  return (
    a.nLayer === b.nLayer &&
    a.nHead === b.nHead &&
    a.nEmbd === b.nEmbd &&
    a.blockSize === b.blockSize &&
    a.bias === b.bias
  )
}

/**
 * Asks the worker for the current model as a safetensors file, or for a bundle to continue the run with
 * nanoGPT (its data, config, weights and optimizer state); it arrives as a download.
 */
export function exportModel(format: 'safetensors' | 'nanogpt' = 'safetensors'): void {
  const s = get()
  if (!s.run) return
  const requestId = `export-${++exportCounter}`
  set({ exportRequestId: requestId })
  send({
    type: 'run.export',
    runId: s.run.runId,
    requestId,
    format,
    name: DATASETS.find((d) => d.id === s.datasetId)?.id ?? 'mytext',
  })
}

function exportFileName(step: number): string {
  const s = get()
  const m = s.run?.model
  const shape = m ? `${m.nLayer}x${m.nEmbd}` : 'gpt'
  return `${s.datasetId}-${shape}-step${step}.safetensors`
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000) // the download has long started by then
}

let pairCounter = 0
let bpeCounter = 0
let bpeTextVersion = 0
let bpeChars = 0

/** Trains a byte-level BPE tokenizer on the current text in the worker (progress and cancel in the store). */
export function trainTokenizer(): void {
  const s = get()
  if (!worker || s.bpeTraining) return
  const requestId = `bpe-${++bpeCounter}`
  bpeTextVersion = s.textVersion
  bpeChars = s.text.length
  set({ bpeTraining: { requestId, merges: 0, target: s.bpeVocabSize - 256 }, bpeProblems: [] })
  send({ type: 'tokenizer.train', requestId, text: s.text, vocabSize: s.bpeVocabSize })
}

export function cancelTokenizer(): void {
  const training = get().bpeTraining
  if (training) send({ type: 'tokenizer.cancel', requestId: training.requestId })
}

/** Pair mode: generate every held-out pair's completion now, with the model as it is. */
export function evaluatePairsNow(): void {
  const s = get()
  if (!s.run?.pairs) return
  const requestId = `pairs-${++pairCounter}`
  set({
    pairEval: {
      requestId,
      step: s.points.at(-1)?.step ?? 0,
      total: Math.min(50, s.run.pairs.heldOut),
      rows: [],
      done: false,
    },
  })
  send({ type: 'pairs.evaluate', runId: s.run.runId, requestId })
}

// ---- sampling and attention ---------------------------------------------------------------------------

export function generate(settings: Omit<SampleSettings, 'prompt'>): void {
  const s = get()
  if (!s.run) return
  if (s.sampleRequestId && s.sampleStatus === 'running') send({ type: 'sample.cancel', requestId: s.sampleRequestId })
  const requestId = `sample-${++sampleCounter}`
  set({
    sampleRequestId: requestId,
    sampleTokens: [],
    sampleContext: [],
    sampleBeams: [],
    sampleTree: undefined,
    sampleStatus: 'running',
    sampleProblems: [],
    sampleStep: undefined,
    sampleReason: undefined,
  })
  send({ type: 'sample.request', runId: s.run.runId, requestId, settings: { prompt: s.samplePrompt, ...settings } })
}

/** Pins the current prompt: the worker generates its continuation every `every` steps while training. */
export function pinPrompt(every: number, settings: Omit<SampleSettings, 'prompt'>): void {
  const s = get()
  const watch = { prompt: s.samplePrompt, every, settings }
  set({ watchPinned: watch, watchTimeline: [] })
  watchRequestId = `watch-${++watchCounter}`
  if (s.run) send({ type: 'watch.prompt', runId: s.run.runId, requestId: watchRequestId, watch })
}

export function unpinPrompt(): void {
  const s = get()
  set({ watchPinned: undefined })
  watchRequestId = `watch-${++watchCounter}`
  if (s.run) send({ type: 'watch.prompt', runId: s.run.runId, requestId: watchRequestId, watch: null })
}

let scoreCounter = 0
/** The last watch.prompt and run.retune sent: a refusal answers one of them by its id. */
let watchCounter = 0
let watchRequestId: string | undefined
let retuneCounter = 0
let retuneRequestId: string | undefined

/** Asks the model how likely it finds the text in the score box. */
export function scoreText(): void {
  const s = get()
  if (!s.run) return
  const requestId = `score-${++scoreCounter}`
  set({ scoreRequestId: requestId, score: undefined, scoreProblems: [] })
  send({ type: 'score.request', runId: s.run.runId, requestId, text: s.scoreText })
}

export function cancelGenerate(): void {
  const id = get().sampleRequestId
  if (id) send({ type: 'sample.cancel', requestId: id })
}

/** At most this many atlas snapshots are kept; when full, every other older one goes (dense early, sparse late). */
export const MAX_SNAPSHOTS = 40

/** Adds a snapshot (replacing one of the same step), thinning the buffer when it is full. */
export function keepSnapshot(list: AtlasSnapshot[], snap: AtlasSnapshot): AtlasSnapshot[] {
  let out = list
    .filter((s) => s.step !== snap.step)
    .concat(snap)
    .sort((a, b) => a.step - b.step)
  if (out.length > MAX_SNAPSHOTS) out = out.filter((_, i) => i % 2 === 0 || i === out.length - 1)
  return out
}

/** Opens or closes the attention atlas, or changes its probe (a new probe starts a new history). */
export function watchAtlas(open: boolean, probe: AtlasProbe = get().atlasProbe): void {
  const changed = JSON.stringify(probe) !== JSON.stringify(get().atlasProbe)
  set({ atlasOpen: open, atlasProbe: probe, ...(changed ? { atlasSnapshots: [], viewStep: 'live' as const } : {}) })
  const r = get().run
  if (r && worker) send({ type: 'atlas.watch', runId: r.runId, probe: open ? probe : null })
}

/** Opens or closes the embedding map: while open, the worker sends it after each evaluation. */
export function watchEmbedding(on: boolean): void {
  set({ embeddingOpen: on })
  const r = get().run
  if (r && worker) send({ type: 'embedding.watch', runId: r.runId, on })
}

let qkvCounter = 0
/** Asks for one head's computation for one query of a probe text. */
export function askQkv(probe: string, layer: number, head: number, query: number): void {
  const r = get().run
  if (!r || !worker) return
  const requestId = `qkv-${++qkvCounter}`
  set({ qkvRequestId: requestId })
  send({ type: 'qkv.request', runId: r.runId, requestId, probe, layer, head, query })
}

let lensCounter = 0
/** Asks for the next-token lens at one position of a probe text ('' = the validation slice). */
export function askLens(probe: string, position: number): void {
  const r = get().run
  if (!r || !worker) return
  const requestId = `lens-${++lensCounter}`
  set({ lensRequestId: requestId })
  send({ type: 'lens.request', runId: r.runId, requestId, probe, position })
}

let neighbourCounter = 0
/** Asks for a token's nearest neighbours in the full embedding space. */
export function askNeighbours(id: number): void {
  const r = get().run
  if (r && worker) send({ type: 'embedding.neighbours', runId: r.runId, requestId: `nb-${++neighbourCounter}`, id })
}

/** Opens or closes the positional-encoding view: while open, the worker sends the encoding after each evaluation. */
export function watchPositions(on: boolean): void {
  set({ positionsOpen: on })
  const r = get().run
  if (r && worker) send({ type: 'positions.watch', runId: r.runId, on })
}

/** Tells the worker which attention map to show; it answers now and refreshes it during training. */
export function watchAttention(): void {
  const s = get()
  if (!s.run || !worker) return
  const layer = Math.min(s.layer, s.run.model.nLayer - 1)
  const head = Math.min(s.head, s.run.model.nHead - 1)
  const probe = s.probeSource === 'prompt' ? s.samplePrompt : ''
  send({ type: 'attention.watch', runId: s.run.runId, probe, layer, head })
}

// keep the untrained model in step with the settings
useStore.subscribe((s, prev) => {
  if (
    s.text !== prev.text ||
    s.model !== prev.model ||
    s.train !== prev.train ||
    s.pairMode !== prev.pairMode ||
    s.tokenizerChoice !== prev.tokenizerChoice ||
    s.bpe !== prev.bpe
  ) {
    // the worker's refusal was about the text and settings as they were: it no longer applies (the page's own
    // checks of the new ones show at once, and the next model request is checked again)
    if (s.runProblems.length) useStore.setState({ runProblems: [] })
    maybePrepareRun()
  }
})
