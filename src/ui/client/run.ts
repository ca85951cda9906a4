// Asking the worker for a run: a fresh model for the current text and settings (kept ready while untrained),
// a stored run reopened at its checkpoint, and — for the other modules — the one way a run request is sent
// and answered (by its runId: run.created, or invalid said where it was asked).
import type { Problem } from '../../shared/config'
import { StoredRecordError } from '../../storage/schema'
import {
  hasTrainedModel,
  isStepping,
  isTraining,
  runMatchesSettings,
  settingsKey,
  tokenizerKey,
  useStore,
  type AppState,
  type BuiltFrom,
} from '../store'
import { DATASETS } from '../datasets'
import { pageStore, refreshRuns } from '../runs'
import { engineUp, send } from './engine'
import { repin } from './generation'
import * as requests from './requests'
import { localProblems } from './validation'
import { rewatch } from './views'

const get = useStore.getState

/** The run request waiting for its answer, and what it was built from (startTraining reads it). */
let building: { runId: string; from: BuiltFrom } | undefined

/** What the run being built describes, while it is the one the page waits for. */
export function pendingBuild(): BuiltFrom | undefined {
  return building && building.runId === get().pendingRunId ? building.from : undefined
}

/**
 * Registers run request `runId` (it replaces any run request still waiting): its run.created makes it the
 * page's run — then `then` runs (train it on) and the open views and the pinned prompt are asked for again —
 * and its refusal is said where it was asked (`where`). Call before sending the request.
 */
export function requestRun(runId: string, from: BuiltFrom, where: 'run' | 'restore' | 'file', then?: () => void): void {
  building = { runId, from }
  requests.register(
    runId,
    {
      'run.created': (msg) => {
        building = undefined
        get().runCreated(msg, from)
        then?.()
        rewatch(msg.runId)
        repin(msg.runId)
      },
      invalid: (msg) => {
        building = undefined
        get().runRefused(msg.problems, where)
      },
    },
    'run',
  )
  get().runRequested(runId)
}

/** A fresh model for the current text and settings; its runId, or undefined after saying why not. */
export function createRun(): string | undefined {
  const s = get()
  if (!s.report || !engineUp()) return undefined
  const problems = localProblems(s)
  if (problems.length) {
    s.setRunProblems(problems)
    return undefined
  }
  const runId = requests.nextId('run')
  requestRun(
    runId,
    { textVersion: s.textVersion, settingsKey: settingsKey(s.model, s.train), tokenizerKey: tokenizerKey(s) },
    'run',
  )
  send({
    type: 'run.create',
    runId,
    text: s.text,
    model: s.model,
    train: s.train,
    persist: persistRequest(s),
    pairs: s.pairMode,
    tokenizer: s.tokenizerChoice === 'bpe' ? s.bpe?.spec : undefined,
    ...(s.synthetic && { synthetic: s.synthetic }),
  })
  return runId
}

/** What a time estimate depends on: the settings, the text, the tokenizer and the backend in use. */
export function estimateKey(s: AppState): string {
  return `${settingsKey(s.model, s.train)}|${s.textVersion}|${tokenizerKey(s)}|${s.report?.backend ?? ''}`
}

/**
 * Before Start: asks the worker to time a throwaway model of these settings (run.estimate) and keeps the answer
 * under estimateKey, so a change of settings, text or backend hides it again.
 */
export function estimateRunTime(): void {
  const s = get()
  if (!s.report || !engineUp() || s.runState === 'training') return
  const problems = localProblems(s)
  const key = estimateKey(s)
  if (problems.length) return s.setTimeEstimate({ key, state: 'failed', problems })
  const requestId = requests.nextId('estimate')
  s.setTimeEstimate({ key, state: 'measuring' })
  requests.register(
    requestId,
    {
      'run.estimated': (m) => get().setTimeEstimate({ key, state: 'done', totalMs: m.totalMs, stepMs: m.stepMs }),
      invalid: (m) => get().setTimeEstimate({ key, state: 'failed', problems: m.problems }),
      error: (m) => get().setTimeEstimate({ key, state: 'failed', problems: [{ field: 'model', message: m.message }] }),
      stopped: () => get().setTimeEstimate(undefined),
    },
    'estimate',
  )
  send({
    type: 'run.estimate',
    requestId,
    text: s.text,
    model: s.model,
    train: s.train,
    pairs: s.pairMode,
    tokenizer: s.tokenizerChoice === 'bpe' ? s.bpe?.spec : undefined,
    ...(s.synthetic && { synthetic: s.synthetic }),
  })
}

/** How a new run is named and where its text comes from, for the run store. */
export function persistRequest(s: AppState, prefix?: string) {
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

export const runGone: Problem = { field: 'stored', code: 'run-gone', message: 'That run is no longer stored.' }

/** A stored run's record (undefined: no longer stored); null (after saying why) when it does not read as one: damaged, or from a newer version. */
export async function storedRecord(storedId: string) {
  try {
    return await (await pageStore())?.get(storedId)
  } catch (e) {
    if (!(e instanceof StoredRecordError)) throw e
    get().setRestoreProblems([{ field: 'stored', code: e.code, params: e.params, message: e.message }])
    return null
  }
}

/**
 * Reopens a stored run where its last checkpoint left it (`then`: once it is the page's run). Its text comes
 * back too: stored with the run, or the built-in dataset it names; a run stored by its text's digest needs
 * that text in panel 1 (the worker checks).
 */
export async function openStoredRun(storedId: string, o: { learningRate?: number; then?: () => void } = {}) {
  const s = get()
  if (!engineUp() || !s.report || isStepping(s)) return
  s.keepText()
  const record = await storedRecord(storedId)
  if (record === null) return
  if (!record) {
    get().setRestoreProblems([runGone])
    return void refreshRuns()
  }
  // taken at once (a stored text is at most MAX_INLINE_TEXT_CHARS): the restore below sends it right away
  if (record.text.kind === 'inline' && record.text.text !== s.text) s.takeText(record.text.text, 'custom')
  if (record.text.kind === 'dataset' && s.datasetId !== record.text.datasetId) {
    const d = DATASETS.find((x) => x.id === (record.text as { datasetId: string }).datasetId)
    if (d) get().takeText(await d.load(), d.id, { synthetic: d.synthetic }) // the generator's sample is flagged as one
  }
  const text = get().text
  const runId = requests.nextId('run')
  requestRun(runId, { textVersion: get().textVersion }, 'restore', o.then)
  get().setRestoreProblems([])
  send({
    type: 'run.restore',
    runId,
    storedId,
    text: record.text.kind === 'inline' ? '' : text,
    ...(o.learningRate !== undefined && { learningRate: o.learningRate }),
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
