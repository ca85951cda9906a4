import { useStore } from '../store'
import { openStoredRun, trainNoMaskTwin } from '../trainerClient'

/**
 * "Break it to learn it" (V11), the first experiment: the same text, settings and seed trained without the
 * causal mask. Its loss collapses (every position can read the token it must predict), its generations are
 * garbage (at generation time there is no future to read), and its attention fills the upper triangle.
 */
export function ExperimentPanel() {
  const run = useStore((s) => s.run)
  const report = useStore((s) => s.report)
  const pending = useStore((s) => s.pendingRunId)
  const twinOf = useStore((s) => s.twinOf)
  const points = useStore((s) => s.points)
  const compare = useStore((s) => s.compare)
  const runState = useStore((s) => s.runState)
  const isTwin = run?.model.causal === false
  const masked = compare.find((c) => c.id.startsWith('masked-'))
  const last = points.at(-1)
  const maskedAt = last && masked ? [...masked.evals].reverse().find((e) => e.step <= last.step) : undefined
  return (
    <section className="panel" aria-labelledby="experiment-h">
      <details>
        <summary>
          <h2 id="experiment-h" className="inline">
            Break it to learn it: no causal mask
          </h2>
        </summary>
        <p className="small">
          A GPT is trained to predict each next token from the tokens before it. The causal mask is what keeps the future hidden: without it, every position may look at every other, including the very token it is asked to predict. One click trains a twin of your model on the same text, with the same settings and seed, but without the mask.
        </p>
        {!isTwin ? (
          <>
            <button type="button" disabled={!report || !!pending} onClick={() => void trainNoMaskTwin()}>
              Train a twin without the causal mask
            </button>
            <p className="muted small">The current run pauses and is kept (reopen it from the Runs panel); its validation curve stays on the loss chart to compare with.</p>
          </>
        ) : (
          <div data-testid="twin-status">
            <p className="notice small">
              You are training the no-mask twin{runState === 'training' ? '' : ` (${runState})`}. What to look for:
            </p>
            <ol className="small">
              <li>
                <strong>The loss</strong> falls far below anything the masked model reaches: the answer is in the input. {last && <>Now: training loss {last.loss.toFixed(3)} at step {last.step}</>}
                {maskedAt && maskedAt.valLoss !== undefined && <>; the masked run had validation loss {maskedAt.valLoss.toFixed(3)} at step {maskedAt.step}</>}
                {last && '.'}
              </li>
              <li>
                <strong>Generate</strong> some text: it is garbage. While generating there is no future token to read, so what the twin learned — copy the next token — has nothing to copy. A low loss bought by reading the answer teaches nothing.
              </li>
              <li>
                <strong>The attention atlas</strong>: no hatching, and the upper triangle (tokens looking at later tokens) fills in. Look for a head whose “future” share grows: it reads the next token.
              </li>
            </ol>
            {twinOf?.storedId && (
              <button type="button" disabled={runState === 'training'} onClick={() => void openStoredRun(twinOf.storedId!)} title={runState === 'training' ? 'Pause the twin first' : undefined}>
                Back to the masked run (step {twinOf.step})
              </button>
            )}
            <p className="muted small">
              A correction to the founding tutorial, which says GPT is pre-trained with a masked language model (掩码语言模型) objective: that is BERT's. BERT sees both sides of a hidden token and fills it in; GPT predicts the next token from the ones before it, so it must never see what it predicts — this experiment shows what happens when it can.
            </p>
          </div>
        )}
      </details>
    </section>
  )
}
