import { useId, useState, type ReactNode } from 'react'
import { useStore, type LessonState } from '../store'
import { useT } from '../i18n'
import type { Lang } from '../i18n/lang'
import { answerText, verdict, type Prediction as Question } from '../lesson/predict'

/**
 * "Predict, then see" on a concept card: the card's question, answered by a number or a choice (or skipped),
 * before `children` (the card's live number) shows; then the learner's answer beside the measured figure, with
 * how they compare. The answer is kept in the browser (the page slice) until the learner predicts again.
 */
export function Prediction({
  id,
  question: q,
  state,
  lang,
  children,
  where = '',
}: {
  /** a prefix for its test ids where a second copy of a card shows it (the tour: 'tour-') */
  where?: string
  id: string
  question: Question
  state: LessonState
  lang: Lang
  children: ReactNode
}) {
  const t = useT()
  const answer = useStore((s) => s.predictions[id])
  const setPrediction = useStore((s) => s.setPrediction)
  const [draft, setDraft] = useState('')
  const labelId = useId()
  const text = (x: { en: string; zh: string }) => (lang === 'zh-CN' ? x.zh : x.en)
  // an answer kept for another kind of question (the card changed since) counts as none
  const fits =
    answer &&
    (answer.kind === 'skipped' ||
      (q.kind === 'number' && answer.kind === 'number') ||
      (q.kind === 'choice' && answer.kind === 'choice' && q.choices.some((c) => c.id === answer.value)))
  if (!answer || !fits) {
    const n = Number(draft.trim())
    const valid = draft.trim() !== '' && Number.isFinite(n)
    return (
      <div className="predict" role="group" aria-labelledby={labelId} data-testid={`${where}predict-${id}`}>
        <p className="predict-q" id={labelId}>
          <strong>
            {t.predictTitle}
            {t.colon}
          </strong>
          {text(q.question)}
        </p>
        {q.kind === 'choice' ? (
          <div className="controls">
            {q.choices.map((c) => (
              <button type="button" key={c.id} onClick={() => setPrediction(id, { kind: 'choice', value: c.id })}>
                {text(c)}
              </button>
            ))}
          </div>
        ) : (
          <form
            className="controls"
            onSubmit={(e) => {
              e.preventDefault()
              if (valid) setPrediction(id, { kind: 'number', value: n })
            }}
          >
            <input
              type="text"
              inputMode="decimal"
              aria-labelledby={labelId}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              size={10}
            />
            {q.unit && <span>{text(q.unit)}</span>}
            <button type="submit" disabled={!valid}>
              {t.predictAnswer}
            </button>
          </form>
        )}
        <button type="button" className="link small" onClick={() => setPrediction(id, { kind: 'skipped' })}>
          {t.predictSkip}
        </button>
      </div>
    )
  }
  const measured = q.measure(state, lang)
  const v = measured && verdict(q, answer, measured)
  return (
    <>
      {answer.kind !== 'skipped' && (
        <p className="predict-seen" data-testid={`${where}predicted-${id}`}>
          {t.predictYours}
          {t.colon}
          <b>{answerText(q, answer, lang)}</b>
          {t.predictSep}
          {measured ? (
            <>
              {t.predictMeasured}
              {t.colon}
              <b>{measured.shown}</b>
              {v && (
                <>
                  {t.predictSep}
                  <span className={`verdict verdict-${v}`}>{t.predictVerdict(v)}</span>
                </>
              )}
            </>
          ) : (
            <span className="muted">
              {t.predictNotYet}
              {t.colon}
              {text(q.pending)}
            </span>
          )}
        </p>
      )}
      {children}
      <button type="button" className="link small" onClick={() => setPrediction(id, undefined)}>
        {t.predictAgain}
      </button>
    </>
  )
}
