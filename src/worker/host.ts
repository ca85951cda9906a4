// The worker side of the protocol, as a dispatcher: each message goes to the part that owns it. Works on any
// Endpoint, so tests drive it in Node through an in-memory channel and the worker hands it `self`.
//
//   runController  the run, its state machine (ready → training ⇄ paused → stopped / finished), the serial model
//                  queue, the training loop and the metrics
//   openRun        run.create / restore / import / finetune
//   persistence    the run store: the record, checkpoints, history
//   views          the teaching views that follow the run, and the probe requests
//   generation     sampling, the pinned prompt, scoring, pair evaluation
//   jobs           long jobs beside the model: text analysis, tokenizer training, export
//
// Messages are handled one after another in the order they arrive; long work (the training loop, sampling,
// the jobs) runs beside that chain, so a pause or a cancel is read between two steps.
import type { BackendReport, Endpoint, FromWorker, ToWorker } from '../shared/protocol'
import { assertNever, PROTOCOL_VERSION } from '../shared/protocol'
import { estimateRun } from './estimate'
import { createContext, type HostDeps } from './context'
import { RunController } from './runController'
import { Persistence } from './persistence'
import { Views } from './views'
import { Generation } from './generation'
import { RunOpener } from './openRun'
import { analyzeText, exportRun, trainTokenizer } from './jobs'

export type { HostDeps } from './context'
export { yieldToEvents } from './context'
export { HIDDEN_FLUSH_MS } from './runController'

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
  const ctx = createContext((m, transfer) => endpoint.postMessage(m, transfer), deps)
  const runs = new RunController(ctx)
  const persistence = (runs.persistence = new Persistence(ctx, runs))
  const views = (runs.views = new Views(ctx, runs))
  const generation = (runs.generation = new Generation(ctx, runs, persistence))
  const opener = new RunOpener(ctx, runs, persistence)
  const { post } = ctx

  async function init(msg: Extract<ToWorker, { type: 'init' }>) {
    ctx.testHooks = msg.testHooks === true
    let report = await deps.initBackend(msg.backend)
    if (msg.budget) report = { ...report, limits: { ...report.limits, ...lowerOnly(report.limits, msg.budget) } }
    ctx.report = report
    const backend = report.backend
    deps.watchDeviceLoss?.((message) => {
      // Everything on the device is gone: nothing more is computed or reported here (the failed readbacks
      // that follow are expected, not news); the page starts a new worker and reopens the run from its checkpoint.
      ctx.deviceLost = true
      runs.halt()
      post({ type: 'device.lost', backend, message })
    })
    post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, report })
  }

  async function handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init':
        return init(msg)
      case 'ping':
        return post({ type: 'alive' })
      case 'page.visibility':
        return runs.setHidden(msg.hidden)
      case 'test.loseDevice':
        if (ctx.testHooks) deps.loseDevice?.()
        return
      case 'test.holdText':
        if (!ctx.testHooks) return
        if (!msg.hold) {
          ctx.textHold?.release()
          ctx.textHold = undefined
        } else if (!ctx.textHold) {
          let release = () => {}
          const until = new Promise<void>((r) => (release = r))
          ctx.textHold = { until, release }
        }
        return
      case 'test.crash':
        if (!ctx.testHooks) return
        if (msg.how === 'exit') return deps.exit?.()
        setTimeout(() => {
          throw new Error('test.crash: an exception that escapes the worker')
        })
        return
      // a run begins
      case 'run.create':
        return opener.create(msg)
      case 'run.restore':
        return opener.restore(msg)
      case 'run.import':
        return opener.import(msg)
      case 'run.finetune':
        return opener.finetune(msg)
      case 'run.estimate':
        // not awaited: pings and cancels are answered between its steps (the 10 M model's take seconds)
        void estimateRun(ctx, runs, msg).catch((e) => ctx.fail(e, { requestId: msg.requestId }))
        return
      // the run moves
      case 'train.start':
      case 'train.resume':
        return runs.start(msg.runId)
      case 'train.step':
        return runs.start(msg.runId, { steps: 1 })
      case 'train.pause':
        return runs.pause(msg.runId)
      case 'train.stop':
        return runs.stop(msg.runId)
      case 'run.retune': {
        const problems = runs.retune(msg.runId, msg.learningRate)
        if (problems?.length) post({ type: 'invalid', runId: msg.runId, requestId: msg.requestId, problems })
        return
      }
      // what the model writes
      case 'sample.request':
        return generation.sample(msg)
      case 'watch.prompt':
        return generation.pin(msg)
      case 'score.request':
        return generation.score(msg)
      case 'pairs.evaluate':
        return generation.requestPairs(msg)
      // what the model computes
      case 'attention.watch':
      case 'atlas.watch':
      case 'embedding.watch':
      case 'positions.watch':
        return views.watch(msg)
      case 'qkv.request':
      case 'lens.request':
      case 'residual.request':
      case 'embedding.neighbours':
      case 'ablation.request':
      case 'patching.request':
        return views.probe(msg)
      // long jobs, and their cancels
      case 'text.analyze':
        // not awaited: messages after it (a cancel, a ping) are handled between its slices
        void analyzeText(ctx, msg.requestId, msg.text).catch((e) => ctx.fail(e, { requestId: msg.requestId }))
        return
      case 'tokenizer.train':
        return trainTokenizer(ctx, msg)
      case 'run.export':
        return exportRun(ctx, runs, persistence, msg)
      case 'text.cancel':
      case 'tokenizer.cancel':
      case 'sample.cancel':
        ctx.cancelled.add(msg.requestId)
        return
      default:
        assertNever(msg)
    }
  }

  let inbox: Promise<void> = Promise.resolve()
  const onMessage = (ev: { data: ToWorker }) => {
    const msg = ev.data
    inbox = inbox
      .then(() => handle(msg))
      .catch((e) =>
        ctx.fail(e, {
          runId: 'runId' in msg ? msg.runId : undefined,
          requestId: 'requestId' in msg ? msg.requestId : undefined,
        }),
      )
  }
  endpoint.addEventListener('message', onMessage)
  return {
    dispose() {
      endpoint.removeEventListener('message', onMessage)
      runs.dispose()
    },
  }
}
