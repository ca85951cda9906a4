// What the model writes and how likely it finds a text: sampling and beam search streamed token by token, the
// pinned prompt's timeline while training, scoring, and pair mode's held-out evaluation. All of it runs on the
// model queue, between two training steps.
import type { SampleSettings, ToWorker } from '../shared/protocol'
import type { Problem } from '../shared/config'
import type { Coded } from '../shared/problems'
import type { Run } from '../train/run'
import { MAX_BEAM_WIDTH } from '../analysis/beam'
import { yieldToEvents, type WorkerContext } from './context'
import type { RunController } from './runController'
import type { Persistence } from './persistence'

/** While generating, the worker looks at its messages (a cancel) at least this often (ms). */
const YIELD_EVERY_MS = 8

type Pinned = { runId: string; prompt: string; every: number; settings: Omit<SampleSettings, 'prompt'> }

export function validateSample(s: SampleSettings, model?: { nLayer: number; nHead: number }): Problem[] {
  const out: Problem[] = []
  const say = (message: string) => out.push({ field: 'sample', message })
  if (!(Number.isInteger(s.maxNewTokens) && s.maxNewTokens >= 1 && s.maxNewTokens <= 10_000))
    say(`Max new tokens must be a whole number from 1 to 10000 (got ${s.maxNewTokens})`)
  if (!(Number.isFinite(s.temperature) && s.temperature >= 0 && s.temperature <= 10))
    say(`Temperature must be between 0 and 10 (got ${s.temperature})`)
  if (!(Number.isInteger(s.topK) && s.topK >= 0))
    say(`Top-k must be 0 (off) or a positive whole number (got ${s.topK})`)
  if (s.topP !== undefined && !(s.topP > 0 && s.topP <= 1)) say(`Top-p must be above 0 and at most 1 (got ${s.topP})`)
  if (s.strategy !== undefined && s.strategy !== 'sample' && s.strategy !== 'beam')
    say(`Unknown decoding strategy “${String(s.strategy)}”`)
  if (
    s.beamWidth !== undefined &&
    !(Number.isInteger(s.beamWidth) && s.beamWidth >= 1 && s.beamWidth <= MAX_BEAM_WIDTH)
  )
    say(`Beam width must be a whole number from 1 to ${MAX_BEAM_WIDTH} (got ${s.beamWidth})`)
  if (
    s.lengthPenalty !== undefined &&
    !(Number.isFinite(s.lengthPenalty) && s.lengthPenalty >= 0 && s.lengthPenalty <= 5)
  )
    say(`Length penalty must be between 0 and 5 (got ${s.lengthPenalty})`)
  if (s.stop !== undefined && !(typeof s.stop === 'string' && s.stop.length <= 100))
    say('The stop text must be at most 100 characters')
  if (s.offHeads !== undefined) {
    const ok = (v: unknown, n: number | undefined) =>
      Number.isInteger(v) && (v as number) >= 0 && (n === undefined || (v as number) < n)
    if (!Array.isArray(s.offHeads) || s.offHeads.length > 4096)
      say('The heads to switch off must be a list of [layer, head]')
    else
      for (const pair of s.offHeads)
        if (!(Array.isArray(pair) && pair.length === 2 && ok(pair[0], model?.nLayer) && ok(pair[1], model?.nHead))) {
          say(
            `No head ${JSON.stringify(pair)} to switch off${model ? ` in ${model.nLayer} layers × ${model.nHead} heads` : ''}`,
          )
          break
        }
  }
  if (typeof s.prompt !== 'string') out.push({ field: 'prompt', message: 'The prompt is missing' })
  return out
}

export class Generation {
  private pinned: Pinned | undefined

  constructor(
    private readonly ctx: WorkerContext,
    private readonly runs: RunController,
    private readonly persistence: Persistence,
  ) {}

  /** sample.request: tokens streamed as they come (with beams or the context, if asked), then sample.done. */
  sample(msg: Extract<ToWorker, { type: 'sample.request' }>) {
    const { ctx, runs } = this
    const r = runs.current(msg.runId)
    const ids = { runId: msg.runId, requestId: msg.requestId }
    if (!r)
      return ctx.post({
        type: 'invalid',
        ...ids,
        problems: [
          { field: 'sample', code: 'no-model', message: 'There is no model yet: pick a text and settings first' },
        ],
      })
    const problems = [...validateSample(msg.settings, r.model), ...r.checkText(msg.settings.prompt ?? '', 'prompt')]
    if (problems.length) return ctx.post({ type: 'invalid', ...ids, problems })
    void runs
      .exclusive(async () => {
        if (runs.run !== r)
          return ctx.post({ type: 'sample.done', ...ids, reason: 'cancelled', step: r.step, tokens: 0, elapsedMs: 0 })
        const t0 = ctx.now()
        let tokens = 0
        let lastYield = t0
        const reason = await r.generator.generate(
          msg.settings,
          (t) => (
            tokens++,
            ctx.post({ type: 'sample.token', ...ids, ...t }, t.attention && [t.attention.rows.buffer as ArrayBuffer])
          ),
          () => ctx.cancelled.has(msg.requestId) || runs.run !== r,
          // a cancel (or any message) is looked at every YIELD_EVERY_MS, not after every token: a token takes
          // ~1–2 ms with the KV cache, and a hop through the event loop costs about as much again
          async () => {
            if (ctx.now() - lastYield < YIELD_EVERY_MS) return
            await yieldToEvents()
            lastYield = ctx.now()
          },
          {
            onBeams: (beams, tree) => ctx.post({ type: 'sample.beams', ...ids, beams, tree }),
            trace: (context) => ctx.post({ type: 'sample.context', ...ids, tokens: context }),
          },
        )
        ctx.cancelled.delete(msg.requestId)
        ctx.post({ type: 'sample.done', ...ids, reason, step: r.step, tokens, elapsedMs: ctx.now() - t0 })
      })
      .catch((e) => ctx.fail(e, ids))
  }

  /** watch.prompt: pin a prompt (checked), whose continuation is generated now and every `every` steps; or unpin. */
  pin(msg: Extract<ToWorker, { type: 'watch.prompt' }>) {
    if (msg.watch === null) {
      this.pinned = undefined
      return
    }
    const r = this.runs.current(msg.runId)
    const problems = [
      ...validateSample({ ...msg.watch.settings, prompt: msg.watch.prompt }, r?.model),
      ...(r ? r.checkText(msg.watch.prompt, 'prompt') : []),
    ]
    if (!(Number.isInteger(msg.watch.every) && msg.watch.every >= 1))
      problems.push({
        field: 'sample',
        code: 'watch-every',
        params: { got: String(msg.watch.every) },
        message: `Watch every must be a whole number of steps, 1 or more (got ${msg.watch.every})`,
      })
    if (problems.length) return this.ctx.post({ type: 'invalid', runId: msg.runId, requestId: msg.requestId, problems })
    this.pinned = { runId: msg.runId, ...msg.watch }
    if (r)
      void this.runs
        .exclusive(() => this.sendWatched(r, msg.runId))
        .catch((e) => this.ctx.fail(e, { runId: msg.runId }))
  }

  /** After a training step: the pinned prompt's continuation, every `every` steps. */
  async afterStep(r: Run, id: string) {
    if (this.pinned && r.step % this.pinned.every === 0) await this.runs.exclusive(() => this.sendWatched(r, id))
  }

  /** The pinned prompt's continuation now (between steps, on the serial queue). */
  private async sendWatched(r: Run, id: string) {
    const p = this.pinned
    const gone = () => this.runs.run !== r || this.pinned !== p
    if (!p || p.runId !== id || gone()) return
    let text = ''
    await r.generator.generate(
      { ...p.settings, prompt: p.prompt },
      (t) => (text += t.text),
      gone,
      async () => {},
    )
    if (gone()) return
    const { lastLoss: loss, lastVal: valLoss } = this.runs
    this.ctx.post({ type: 'watch.entry', runId: id, step: r.step, loss, valLoss, prompt: p.prompt, text })
    this.persistence.recordWatch(id, p.prompt, { step: r.step, loss, valLoss, text })
  }

  /** score.request: every token's probability given the tokens before it. */
  score(msg: Extract<ToWorker, { type: 'score.request' }>) {
    const { ctx, runs } = this
    const r = runs.current(msg.runId)
    const ids = { runId: msg.runId, requestId: msg.requestId }
    const refuse = (coded: Coded<'no-model' | 'score-short'>, message: string) =>
      ctx.post({ type: 'invalid', ...ids, problems: [{ field: 'score', ...coded, message }] })
    if (!r) return refuse({ code: 'no-model' }, 'There is no model yet: pick a text and settings first')
    if (typeof msg.text !== 'string' || [...msg.text].length < 2)
      return refuse({ code: 'score-short' }, 'Type at least two characters to score')
    const problems = r.checkText(msg.text, 'score')
    if (problems.length) return ctx.post({ type: 'invalid', ...ids, problems })
    void runs
      .exclusive(async () => {
        if (runs.run !== r) return
        ctx.post({ type: 'score.result', ...ids, step: r.step, ...(await r.generator.score(msg.text)) })
      })
      .catch((e) => ctx.fail(e, ids))
  }

  /** pairs.evaluate: the held-out pairs of a run trained in pair mode. */
  requestPairs(msg: Extract<ToWorker, { type: 'pairs.evaluate' }>) {
    const r = this.runs.current(msg.runId)
    const ids = { runId: msg.runId, requestId: msg.requestId }
    if (!r?.pairs)
      return this.ctx.post({
        type: 'invalid',
        ...ids,
        problems: [
          {
            field: 'sample',
            code: 'not-pairs',
            message: 'This model was not trained in pair mode: it has no held-out pairs to evaluate',
          },
        ],
      })
    void this.runs.exclusive(() => this.evaluatePairs(r, msg.runId, msg.requestId)).catch((e) => this.ctx.fail(e, ids))
  }

  /** Pair mode: each held-out pair's generation beside its reference, between training steps. */
  async evaluatePairs(r: Run, id: string, requestId: string) {
    const { ctx, runs } = this
    if (runs.run !== r) return
    const reason = await r.generator.evaluatePairs(
      (row) => ctx.post({ type: 'pairs.row', runId: id, requestId, step: r.step, ...row }),
      () => runs.run !== r || ctx.cancelled.has(requestId),
      async () => {},
    )
    ctx.cancelled.delete(requestId)
    ctx.post({ type: 'pairs.done', runId: id, requestId, step: r.step, reason })
  }
}
