// The four ways a run begins: a new model on a text (run.create), a stored run exactly where it was
// (run.restore), a model file (run.import), and a stored run's weights fine-tuned on a new text (run.finetune).
// Everything is checked on the CPU first; a refusal leaves the current run as it was.
import type { RestoredHistory, ToWorker } from '../shared/protocol'
import type { Problem } from '../shared/config'
import { retuned } from '../shared/config'
import { Run } from '../train/run'
import { CheckpointError, decodeCheckpoint } from '../model/checkpoint'
import { textDigest } from '../storage/runStore'
import type { WorkerContext } from './context'
import type { RunController } from './runController'
import { storedTokenizer, type Persisted, type Persistence } from './persistence'

type Msg<T extends ToWorker['type']> = Extract<ToWorker, { type: T }>

export class RunOpener {
  constructor(
    private readonly ctx: WorkerContext,
    private readonly runs: RunController,
    private readonly persistence: Persistence,
  ) {}

  private refuse(runId: string, problems: Problem[]) {
    this.ctx.post({ type: 'invalid', runId, problems })
  }

  private get limits() {
    return this.ctx.report?.limits
  }

  async create(msg: Msg<'run.create'>) {
    const { pairs, tokenizer, synthetic } = msg
    const prepared = Run.prepare(msg.text, msg.model, msg.train, this.limits, { pairs, tokenizer, synthetic })
    if (prepared.problems) return this.refuse(msg.runId, prepared.problems)
    const persist = this.persistence.plan(msg.runId, msg.persist, msg.text, { pairs, synthetic })
    return this.runs.replaceRun(msg.runId, prepared.build, { persist })
  }

  async restore(msg: Msg<'run.restore'>) {
    const loaded = await this.persistence.load(
      msg.storedId,
      (message, coded) => this.refuse(msg.runId, [{ field: 'stored', message, ...coded }]),
      (name) => `“${name}” has no checkpoint to continue from: the page closed before its first save.`,
    )
    if (!loaded) return
    const { run: stored, checkpoint: ckpt, history } = loaded
    const text = stored.text.kind === 'inline' ? stored.text.text : msg.text
    if (
      !stored.synthetic && // a generated run reads no text
      stored.text.kind !== 'inline' &&
      (text.length !== stored.text.length || (await textDigest(text)) !== stored.text.digest)
    ) {
      const t = stored.text
      const what = t.kind === 'dataset' ? `the built-in dataset “${t.datasetId}”` : t.label
      return this.refuse(msg.runId, [
        {
          field: 'text',
          message: `“${stored.name}” was trained on ${what} (${stored.text.length.toLocaleString('en')} characters), and the text in panel 1 is different. Load that text, then open the run again.`,
          code: 'other-text',
          params: {
            name: stored.name,
            dataset: t.kind === 'dataset' ? t.datasetId : '',
            label: t.kind === 'dataset' ? '' : t.label,
            n: stored.text.length,
          },
        },
      ])
    }
    // going back after a divergence: the same checkpoint with a new peak learning rate (checked with the rest)
    const trainAs = msg.learningRate === undefined ? stored.train : retuned(stored.train, msg.learningRate)
    const prepared = Run.prepareFrom(
      { model: stored.model, tokenizer: storedTokenizer(stored), weights: ckpt.weights },
      text,
      trainAs,
      {
        limits: this.limits,
        pairs: stored.pairs,
        synthetic: stored.synthetic,
        resume: { step: ckpt.step, elapsedMs: ckpt.elapsedMs, optimizer: ckpt.optimizer, sampler: ckpt.sampler },
      },
    )
    if (prepared.problems) return this.refuse(msg.runId, prepared.problems)
    const persist: Persisted = {
      runId: msg.runId,
      storedId: stored.id,
      request: { name: stored.name },
      pairs: stored.pairs,
      synthetic: stored.synthetic,
      origin: stored.origin,
      created: true,
      lastSaveAt: this.ctx.now(),
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
    await this.runs.replaceRun(msg.runId, prepared.build, { persist, restored, origin: stored.origin, state: at })
    if (trainAs !== stored.train) this.persistence.write(msg.runId, (s, p) => s.setTrain(p.storedId, trainAs))
  }

  async import(msg: Msg<'run.import'>) {
    let checkpoint
    try {
      checkpoint = decodeCheckpoint(new Uint8Array(msg.file))
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e
      const coded = e.coded()
      const params = { ...coded.params, file: msg.fileName }
      return this.refuse(msg.runId, [{ field: 'file', ...coded, params, message: `${msg.fileName}: ${e.message}` }])
    }
    const { extendVocab, pairs } = msg
    const prepared = Run.prepareFrom(checkpoint, msg.text, msg.train, { limits: this.limits, extendVocab, pairs })
    if (prepared.problems) return this.refuse(msg.runId, prepared.problems)
    const origin = { from: 'file' as const, name: msg.fileName, step: checkpoint.step, added: prepared.added }
    const persist = this.persistence.plan(msg.runId, msg.persist, msg.text, { pairs: msg.pairs, origin })
    return this.runs.replaceRun(msg.runId, prepared.build, { origin, persist })
  }

  async finetune(msg: Msg<'run.finetune'>) {
    const loaded = await this.persistence.load(
      msg.storedId,
      (message, coded) => this.refuse(msg.runId, [{ field: 'stored', message, ...coded }]),
      (name) => `“${name}” has no checkpoint to fine-tune from.`,
    )
    if (!loaded) return
    const source = {
      model: loaded.run.model,
      tokenizer: storedTokenizer(loaded.run),
      weights: loaded.checkpoint.weights,
    }
    const { extendVocab, pairs } = msg
    const prepared = Run.prepareFrom(source, msg.text, msg.train, { limits: this.limits, extendVocab, pairs })
    if (prepared.problems) return this.refuse(msg.runId, prepared.problems)
    const origin = { from: 'run' as const, name: loaded.run.name, step: loaded.checkpoint.step, added: prepared.added }
    const persist = this.persistence.plan(msg.runId, msg.persist, msg.text, { pairs: msg.pairs, origin })
    return this.runs.replaceRun(msg.runId, prepared.build, { origin, persist })
  }
}
