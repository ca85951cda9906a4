// The run's streams: what the worker sends about the run it holds without being asked each time (its state,
// metrics, checkpoints, divergences, the watched views, the pinned prompt's entries), for the current run
// only — a replaced run's late messages are dropped. Replies to requests never come here unless nobody waits.
import { assertNever, type FromWorker } from '../../shared/protocol'
import { useStore } from '../store'
import { refreshRuns } from '../runs'
import { releaseTrainingLock } from './lock'

const get = useStore.getState

export function onStream(msg: FromWorker): void {
  const s = get()
  const current = 'runId' in msg && msg.runId !== undefined && msg.runId === s.run?.runId
  switch (msg.type) {
    case 'run.state':
      if (!current) return
      s.runStateChanged(msg.state)
      if (msg.state === 'paused' || msg.state === 'stopped' || msg.state === 'finished') releaseTrainingLock()
      return
    case 'run.saved':
      if (!current) return
      s.runSaved(msg)
      void refreshRuns()
      return
    case 'diverged':
      return void (current && s.diverged(msg))
    case 'run.train':
      return void (current && s.retrained(msg.train))
    case 'storage.problem':
      return void (current && s.storageFailed(msg))
    case 'metrics':
      return void (current && s.metricsArrived(msg))
    case 'pairs.row':
    case 'pairs.done': // the page's own evaluation, or the worker's when a pair-mode run finishes
      return void (current && s.pairsArrived(msg))
    case 'atlas':
      return void (current && s.atlasArrived(msg))
    case 'embedding':
      return void (current && s.embeddingArrived(msg))
    case 'positions':
      return void (current && s.positionsArrived(msg))
    case 'attention':
      return void (current && s.attentionArrived(msg))
    case 'watch.entry':
      return s.watchEntry(msg)
    case 'invalid':
      // the watched views carry no request id: the attention map's or the atlas's probe was refused
      if (!msg.requestId && msg.problems.some((p) => p.field === 'probe')) s.setAttentionProblems(msg.problems)
      return
    case 'error':
      return s.setRunError(`${msg.name}: ${msg.message}`)
    case 'ready':
    case 'alive':
    case 'device.lost': // the engine's own (engine.ts)
    case 'run.created':
    case 'run.estimated':
    case 'run.exported':
    case 'text.progress':
    case 'text.stats':
    case 'tokenizer.progress':
    case 'tokenizer.trained':
    case 'sample.context':
    case 'sample.token':
    case 'sample.beams':
    case 'sample.done':
    case 'score.result':
    case 'qkv.result':
    case 'lens.result':
    case 'residual.result':
    case 'embedding.neighbours.result':
    case 'ablation.result':
    case 'patching.result':
      return // replies to a request nobody waits for any more (a newer one replaced it): dropped
    default:
      assertNever(msg)
  }
}
