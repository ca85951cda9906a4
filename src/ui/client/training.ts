// Training: start (the model built for these settings, or a new one), pause, resume, stop, take over from
// another tab, the no-mask twin, and the ways on after a divergence (a lower peak learning rate).
import { retuned, validateConfig, type ModelSettings, type TrainConfig } from '../../shared/config'
import { hasTrainedModel, runMatchesSettings, settingsKey, tokenizerKey, useStore } from '../store'
import { messagesFor } from '../i18n'
import { engineUp, send } from './engine'
import { acquireTrainingLock } from './lock'
import { sameShape, sendFineTune } from './modelFiles'
import * as requests from './requests'
import { createRun, openStoredRun, pendingBuild, persistRequest, requestRun } from './run'
import { localProblems } from './validation'

const get = useStore.getState
const lock = (steal = false) => acquireTrainingLock(steal, pauseTraining)

/** Starts (or resumes) training in this tab even though another tab is training: that tab pauses. */
export async function takeOverTraining(): Promise<void> {
  if (!(await lock(true))) return
  get().setLock('held')
  if (get().runState === 'paused') resumeTraining()
  else startTraining()
}

/** Starts training: the model built for these settings, or a fresh one (a paused run is replaced, not resumed). */
export function startTraining(): Promise<void> {
  return begin('train.start')
}

/**
 * Step once: one optimizer step, then the run pauses. The model on the page takes it (a ready, paused or stopped
 * run of these settings); with none, the model Start would train is built first and takes the step.
 */
export async function stepOnce(): Promise<void> {
  const s = get()
  if (s.runState === 'training') return
  if (s.run && runMatchesSettings(s) && (s.runState === 'paused' || s.runState === 'stopped')) {
    if (!(await lock())) return get().setLock('other')
    get().clearDivergence()
    send({ type: 'train.step', runId: s.run.runId })
    return
  }
  return begin('train.step')
}

/**
 * Reset: the model back to where it started, at step 0, not training — a fresh model of these settings, or, for
 * a model that started from other weights, those weights again. The run before it pauses first, so it is
 * saved and stays in Runs.
 */
export function resetRun(): void {
  const s = get()
  if (!s.report || !engineUp()) return
  if (s.runState === 'training') pauseTraining() // the worker takes messages in order: paused (and saved) first
  if (s.run?.origin && s.fineTuneSource && sameShape(s.run.model, s.model)) sendFineTune()
  else createRun()
}

async function begin(go: 'train.start' | 'train.step'): Promise<void> {
  if (get().runState === 'training') return
  if (!(await lock())) return get().setLock('other')
  const s = get()
  if (s.run && runMatchesSettings(s) && s.runState === 'ready') {
    send({ type: go, runId: s.run.runId })
    return
  }
  const pending = pendingBuild()
  if (
    s.pendingRunId &&
    pending &&
    pending.textVersion === s.textVersion &&
    pending.settingsKey === settingsKey(s.model, s.train)
  ) {
    // the model for these settings is being built: the worker handles messages in order, so start it next
    send({ type: go, runId: s.pendingRunId })
    return
  }
  if (s.run?.origin && s.fineTuneSource && sameShape(s.run.model, s.model)) {
    // a model that started from other weights, and a new text, new settings or a finished run: fine-tune the
    // same starting weights again rather than start from scratch
    const id = sendFineTune()
    if (id) send({ type: go, runId: id })
    return
  }
  const id = createRun() // a fresh model: settings changed, or the last run was stopped or finished
  if (id) send({ type: go, runId: id })
}

/** The "break it" twins: what each switches off in the current settings. */
export type Twin = 'mask' | 'nopos' | 'residual' | 'postln'
const TWIN_MODEL: Record<Twin, Partial<ModelSettings>> = {
  mask: { causal: false },
  nopos: { posEncoding: 'none' },
  residual: { residual: false },
  postln: { norm: 'post' },
}
const TWIN_NAME: Record<Twin, string> = {
  mask: 'No causal mask',
  nopos: 'No positional encoding',
  residual: 'No residual connections',
  postln: 'Post-LN',
}

/** The twin a model is, if it is one. */
export function twinOfModel(m: Partial<ModelSettings> | undefined): Twin | undefined {
  if (m?.causal === false) return 'mask'
  if (m?.posEncoding === 'none') return 'nopos'
  if (m?.residual === false) return 'residual'
  return m?.norm === 'post' ? 'postln' : undefined
}

/**
 * "Break it to learn it" (V11): a twin of the current settings, text and seed with one thing switched off — the
 * causal mask, the positional encoding, the residual connections, or pre-LN for post-LN — trained at once. The run before it pauses (and so is saved) and its
 * validation curve stays on the loss chart to compare with; the settings panel keeps describing the whole model,
 * so Start training afterwards trains that.
 */
export async function trainTwin(kind: Twin): Promise<void> {
  const s = get()
  if (!s.report || !engineUp() || s.pendingRunId || twinOfModel(s.run?.model)) return
  const problems = localProblems(s)
  if (problems.length) return s.setRunProblems(problems)
  if (s.runState === 'training') pauseTraining()
  if (!(await lock())) return get().setLock('other')
  const model = { ...s.model, ...TWIN_MODEL[kind] }
  const runId = requests.nextId('run')
  requestRun(
    runId,
    { textVersion: s.textVersion, settingsKey: settingsKey(model, s.train), tokenizerKey: tokenizerKey(s) },
    'run',
  )
  const t = messagesFor(s.lang)
  const whole =
    s.run && s.evals.length
      ? [
          {
            id: `masked-${s.run.runId}`,
            name: (kind === 'mask' ? t.maskedCompare : t.wholeCompare)(s.evals.at(-1)!.step),
            twin: { masked: kind === 'mask', step: s.evals.at(-1)!.step },
            evals: s.evals,
          },
        ]
      : []
  get().twinRequested(
    hasTrainedModel(s) ? { storedId: s.saved?.storedId, step: s.points.at(-1)?.step ?? 0 } : undefined,
    whole,
  )
  const persist = persistRequest(s)
  send({
    type: 'run.create',
    runId,
    text: s.text,
    model,
    train: s.train,
    persist: {
      ...persist,
      name: `${TWIN_NAME[kind]} · ${persist.name}`,
    },
    pairs: s.pairMode,
    tokenizer: s.tokenizerChoice === 'bpe' ? s.bpe?.spec : undefined,
    ...(s.synthetic && { synthetic: s.synthetic }),
  })
  send({ type: 'train.start', runId })
}

/** The twin without the causal mask (the first experiment). */
export const trainNoMaskTwin = () => trainTwin('mask')

export function pauseTraining(): void {
  const r = get().run
  if (r) send({ type: 'train.pause', runId: r.runId })
}

export async function resumeTraining(): Promise<void> {
  const r = get().run
  if (!r) return
  if (!(await lock())) return get().setLock('other')
  get().clearDivergence()
  send({ type: 'train.resume', runId: r.runId })
}

export function stopTraining(): void {
  const r = get().run
  if (r) send({ type: 'train.stop', runId: r.runId })
}

/**
 * `train` at a new peak learning rate, as the worker will make it (shared `retuned`, the minimum scaled with it),
 * or undefined after saying why it cannot be: a refused rate must never go on training at the old one.
 */
function retunedOrSay(model: ModelSettings, train: TrainConfig, learningRate: number): TrainConfig | undefined {
  const next = retuned(train, learningRate)
  const problems = validateConfig(model, next)
  if (!problems.length) return next
  get().setRetuneProblems(problems)
  return undefined
}

/** After a divergence: back to the run's stored checkpoint (the last good one), training on at a lower peak learning rate. */
export async function rewindWithLearningRate(learningRate: number): Promise<void> {
  const s = get()
  const storedId = s.saved?.storedId
  if (!s.run || !storedId) return
  if (!retunedOrSay(s.run.model, s.run.train, learningRate)) return
  await reopenRun(storedId, { learningRate, resume: true })
}

/** A stored run reopened at its checkpoint, and trained on at once when `resume` (after a restart or a divergence). */
export function reopenRun(storedId: string, o: { learningRate?: number; resume?: boolean }): Promise<void> {
  return openStoredRun(storedId, {
    learningRate: o.learningRate,
    then: o.resume ? () => void resumeTraining() : undefined,
  })
}

/** After an early divergence, before any checkpoint: a new run of the same settings with a lower peak learning rate. */
export async function restartWithLearningRate(learningRate: number): Promise<void> {
  const s = get()
  const train = retunedOrSay(s.model, s.train, learningRate)
  if (!train) return
  s.restartAt(train)
  await startTraining() // the settings no longer match the run: a fresh model replaces the paused, diverged one
}

/** After a divergence: the run goes on from where it paused with a lower peak learning rate (the worker checks it). */
export async function resumeWithLearningRate(learningRate: number): Promise<void> {
  const r = get().run
  if (!r) return
  if (!retunedOrSay(r.model, r.train, learningRate)) return
  const requestId = requests.nextId('retune')
  requests.register(requestId, { invalid: (m) => get().setRetuneProblems(m.problems) }, 'retune')
  send({ type: 'run.retune', runId: r.runId, requestId, learningRate })
  await resumeTraining() // the worker handles the two in order: the new rate applies from the first step
}
