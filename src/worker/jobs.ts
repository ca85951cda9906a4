// Long jobs beside the model: measuring a long text, training a BPE tokenizer (both in slices, with progress and a
// cancel looked for between slices), and exporting the model as a file (on the model queue).
import type { ToWorker } from '../shared/protocol'
import type { Coded } from '../shared/problems'
import { BPE_VOCAB, makeTokenizer } from '../text/tokenizer'
import { BpeTrainer } from '../text/bpe'
import { cutAt, TextStatsCounter } from '../text/text'
import { datasetFolder, runBundle } from './nanogptBundle'
import { yieldToEvents, type WorkerContext } from './context'
import type { RunController } from './runController'
import type { Persistence } from './persistence'

/** A long text is measured this many UTF-16 units at a time (about 40 ms each), with a progress message after each. */
const TEXT_SLICE = 1_000_000

/** text.analyze: a long text measured in slices, with progress after each and a cancel looked for before each. */
export async function analyzeText(ctx: WorkerContext, requestId: string, text: string) {
  const counter = new TextStatsCounter()
  const total = text.length
  for (let at = 0; at < total;) {
    await yieldToEvents()
    if (at > 0 && ctx.textHold) await ctx.textHold.until // a test holds it, mid-measure
    if (ctx.cancelled.delete(requestId)) return ctx.post({ type: 'text.stats', requestId, cancelled: true })
    const end = cutAt(text, Math.min(total, at + TEXT_SLICE))
    counter.add(text.slice(at, end))
    at = end
    ctx.post({ type: 'text.progress', requestId, done: at, total })
  }
  ctx.cancelled.delete(requestId)
  ctx.post({ type: 'text.stats', requestId, cancelled: false, ...counter.finish() })
}

/** tokenizer.train: byte-level BPE merges in slices of 25, beside the model queue (it does not touch the model). */
export function trainTokenizer(ctx: WorkerContext, msg: Extract<ToWorker, { type: 'tokenizer.train' }>) {
  const { post, now, cancelled } = ctx
  const { requestId, text, vocabSize } = msg
  const problem = !(Number.isInteger(vocabSize) && vocabSize >= BPE_VOCAB.min && vocabSize <= BPE_VOCAB.max)
    ? `The BPE vocabulary size must be a whole number from ${BPE_VOCAB.min} (the 256 bytes and one merge) to ${BPE_VOCAB.max} (got ${vocabSize})`
    : typeof text !== 'string' || text.length === 0
      ? 'There is no text to train the tokenizer on'
      : undefined
  if (problem) return post({ type: 'invalid', requestId, problems: [{ field: 'text', message: problem }] })
  void (async () => {
    const t0 = now()
    const trainer = new BpeTrainer(text, vocabSize)
    let lastPost = -Infinity
    while (!trainer.done && !cancelled.has(requestId)) {
      trainer.step(25)
      if (now() - lastPost > 100) {
        post({ type: 'tokenizer.progress', requestId, merges: trainer.merges.length, target: trainer.target })
        lastPost = now()
      }
      await yieldToEvents()
    }
    const wasCancelled = cancelled.delete(requestId)
    const ms = now() - t0
    const spec = { kind: 'bpe' as const, merges: trainer.merges }
    const tokens = makeTokenizer(spec).encode(text).length // for the page's numbers
    post({
      type: 'tokenizer.trained',
      requestId,
      spec,
      ms,
      stoppedEarly: trainer.stoppedEarly,
      cancelled: wasCancelled,
      tokens,
    })
  })().catch((e) => ctx.fail(e, { requestId }))
}

/** run.export: the model as .safetensors, or a tar that continues the run in nanoGPT; refused with the reason. */
export function exportRun(
  ctx: WorkerContext,
  runs: RunController,
  persistence: Persistence,
  msg: Extract<ToWorker, { type: 'run.export' }>,
) {
  const r = runs.current(msg.runId)
  const ids = { runId: msg.runId, requestId: msg.requestId }
  const refuse = (coded: Coded<'no-model' | 'export-no-mask' | 'export-vocab'>, message: string) =>
    ctx.post({ type: 'invalid', ...ids, problems: [{ field: 'file', ...coded, message }] })
  if (!r) return refuse({ code: 'no-model' }, 'There is no model to export yet')
  const format = msg.format ?? 'safetensors'
  const name = datasetFolder(msg.name ?? 'playground')
  if (format === 'nanogpt' && r.model.causal === false)
    return refuse(
      { code: 'export-no-mask' },
      'This model was trained without the causal mask; nanoGPT always masks, so it would run a different model. Export it as .safetensors instead.',
    )
  if (format === 'nanogpt' && r.model.vocabSize > 65536)
    return refuse(
      { code: 'export-vocab', params: { n: r.model.vocabSize } },
      `nanoGPT stores tokens as 16-bit numbers: a vocabulary of ${r.model.vocabSize} tokens does not fit.`,
    )
  void runs
    .exclusive(async () => {
      const bytes =
        format === 'safetensors'
          ? await r.exportFile()
          : await runBundle(
              r,
              name,
              persistence.current?.runId === msg.runId ? persistence.current.bestValLoss : runs.lastVal,
            )
      const buffer = bytes.buffer as ArrayBuffer
      ctx.post({ type: 'run.exported', ...ids, bytes: buffer, step: r.step, format, name }, [buffer])
    })
    .catch((e) => ctx.fail(e, ids))
}
