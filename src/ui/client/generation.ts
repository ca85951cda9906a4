// Generation's side of the protocol: a sample (a newer one replaces it), a scored text, and the pinned prompt
// the worker continues every few steps while training; each answered to the request that asked.
import type { Problem } from '../../shared/config'
import type { FromWorker, SampleSettings } from '../../shared/protocol'
import { engineStoppedProblem, useStore, type WatchedPrompt } from '../store'
import { send } from './engine'
import * as requests from './requests'

const get = useStore.getState

const failure = (field: Problem['field'], m: Extract<FromWorker, { type: 'error' }>): Problem[] => [
  { field, message: `${m.name}: ${m.message}` },
]

export function generate(settings: Omit<SampleSettings, 'prompt'>): void {
  const s = get()
  if (!s.run) return
  if (s.sampleRequestId && s.sampleStatus === 'running') send({ type: 'sample.cancel', requestId: s.sampleRequestId })
  const requestId = requests.nextId('sample')
  requests.register(
    requestId,
    {
      'sample.context': (m) => get().contextArrived(m.tokens),
      'sample.token': (m) => get().tokenArrived(m),
      'sample.beams': (m) => get().beamsArrived(m),
      'sample.done': (m) => get().sampleDone(m),
      invalid: (m) => get().sampleFailed(m.problems),
      error: (m) => get().sampleFailed(failure('sample', m)),
      stopped: () => get().sampleFailed([engineStoppedProblem('sample')]),
    },
    'sample',
  )
  s.sampleStarted(requestId)
  // heads switched off in the head-ablation view stay off for generation
  const offHeads = s.offHeads.length ? { offHeads: s.offHeads } : {}
  send({
    type: 'sample.request',
    runId: s.run.runId,
    requestId,
    settings: { prompt: s.samplePrompt, ...settings, ...offHeads },
  })
}

export function cancelGenerate(): void {
  const id = get().sampleRequestId
  if (id) send({ type: 'sample.cancel', requestId: id })
}

/** Asks the model how likely it finds the text in the score box. */
export function scoreText(): void {
  const s = get()
  if (!s.run) return
  const requestId = requests.nextId('score')
  requests.register(
    requestId,
    {
      'score.result': (m) => get().scored(m),
      invalid: (m) => get().setScoreProblems(m.problems),
      error: (m) => get().setScoreProblems(failure('score', m)),
      stopped: () => get().setScoreProblems([engineStoppedProblem('score')]),
    },
    'score',
  )
  s.scoreStarted()
  send({ type: 'score.request', runId: s.run.runId, requestId, text: s.scoreText })
}

/** Sends the pinned prompt (or null: unpin) for run `runId`; a refusal unpins it and says why. */
function sendWatch(runId: string, watch: WatchedPrompt | null) {
  const requestId = requests.nextId('watch')
  requests.register(requestId, { invalid: (m) => get().pinRefused(m.problems) }, 'watch')
  send({ type: 'watch.prompt', runId, requestId, watch })
}

/** Pins the current prompt: the worker generates its continuation every `every` steps while training. */
export function pinPrompt(every: number, settings: Omit<SampleSettings, 'prompt'>): void {
  const s = get()
  const watch = { prompt: s.samplePrompt, every, settings }
  s.pin(watch)
  if (s.run) sendWatch(s.run.runId, watch)
}

export function unpinPrompt(): void {
  const s = get()
  s.unpin()
  if (s.run) sendWatch(s.run.runId, null)
}

/** Pair mode: generate every held-out pair's completion now, with the model as it is (rows: events.ts). */
export function evaluatePairsNow(): void {
  const s = get()
  if (!s.run?.pairs) return
  const requestId = requests.nextId('pairs')
  const runId = s.run.runId
  // refused (not a pair-mode model): the evaluation ends with nothing
  requests.register(requestId, { invalid: () => get().pairsEnded(requestId) })
  s.pairsStarted(requestId)
  send({ type: 'pairs.evaluate', runId, requestId })
}

/** A new model: the pinned prompt, if any, is pinned on it (its own timeline). */
export function repin(runId: string): void {
  const pinned = get().watchPinned
  if (pinned) sendWatch(runId, pinned)
}
