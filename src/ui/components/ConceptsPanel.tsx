import { useState } from 'react'
import { Erratum } from './Erratum'
import { useShallow } from 'zustand/react/shallow'
import { lessonState, useStore } from '../store'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { CONCEPTS } from '../lesson/concepts'
import { cardText } from '../lesson/card'
import { showView } from '../showView'
import { PREDICTIONS } from '../lesson/predict'
import { Prediction } from './Prediction'

/** Causal (GPT), bidirectional (BERT) and cross-attention (encoder–decoder) masks side by side: an illustration. */
function MaskExplorer() {
  const t = useT()
  const n = 6
  const cell = 12
  const grid = (allowed: (i: number, j: number) => boolean, rows = n, cols = n) => (
    <svg width={cols * cell} height={rows * cell} aria-hidden="true">
      {Array.from({ length: rows }, (_, i) =>
        Array.from({ length: cols }, (_, j) => (
          <rect
            key={`${i}-${j}`}
            x={j * cell}
            y={i * cell}
            width={cell - 1}
            height={cell - 1}
            className={allowed(i, j) ? 'mask-on' : 'mask-off'}
          />
        )),
      )}
    </svg>
  )
  return (
    <figure className="mask-explorer" aria-label={t.maskExplorer}>
      <div>
        {grid((i, j) => j <= i)}
        <figcaption className="small">{t.maskCausal}</figcaption>
      </div>
      <div>
        {grid(() => true)}
        <figcaption className="small">{t.maskBidirectional}</figcaption>
      </div>
      <div>
        {grid(() => true, 4, n)}
        <figcaption className="small">{t.maskCross}</figcaption>
      </div>
      <p className="muted small">{t.maskIllustration}</p>
    </figure>
  )
}

/**
 * One card per concept of the founding tutorial, in its order, with the formula, what to look for, something
 * to try, a caveat, the view that shows it — and the model's own number now (lesson/concepts.ts), after the
 * learner has predicted it (lesson/predict.ts).
 */
export function ConceptsPanel(panel: ViewProps) {
  const [open, setOpen] = useState(false)
  return (
    <Panel {...panel} folded open={open} onToggle={setOpen}>
      {open && <Cards />}
    </Panel>
  )
}

/** The cards themselves: rendered only while open, since their live numbers follow every change of the model. */
function Cards() {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const datasetId = useStore((s) => s.datasetId)
  const state = useStore(useShallow(lessonState))
  return (
    <>
      <p className="muted small">{t.conceptsIntro}</p>
      {CONCEPTS.map((c, i) => {
        const text = cardText(c, lang, datasetId)
        const live = c.live(state, lang)
        const liveLine = (
          <p className="live" data-testid={`live-${c.id}`}>
            {live ?? <span className="muted">{t.conceptNoNumber}</span>}
          </p>
        )
        return (
          <article className="concept" key={c.id} aria-labelledby={`concept-${c.id}`} data-testid={`concept-${c.id}`}>
            <h3 id={`concept-${c.id}`}>
              {i + 1}. {text.title}
            </h3>
            <p>{text.intuition}</p>
            <p className="formula" lang="en">
              {text.formula}
            </p>
            {PREDICTIONS[c.id] ? (
              <Prediction id={c.id} question={PREDICTIONS[c.id]} state={state} lang={lang}>
                {liveLine}
              </Prediction>
            ) : (
              liveLine
            )}
            <dl className="small">
              <dt>{t.lookFor}</dt>
              <dd>{text.lookFor}</dd>
              <dt>{t.tryThis}</dt>
              <dd>{text.tryThis}</dd>
              <dt>{t.caveat}</dt>
              <dd>{text.caveat}</dd>
            </dl>
            <Erratum text={text.erratum} testId={`erratum-${c.id}`} />
            {c.id === 'mask' && <MaskExplorer />}
            <button type="button" className="link small" onClick={() => showView(c.view)}>
              {t.showMe}
            </button>
          </article>
        )
      })}
    </>
  )
}
