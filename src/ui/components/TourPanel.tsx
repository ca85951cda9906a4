import { useEffect, useState } from 'react'
import { Erratum } from './Erratum'
import { useShallow } from 'zustand/react/shallow'
import { lessonState, useStore } from '../store'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { LinkBox } from './LinkBox'
import { CONCEPTS } from '../lesson/concepts'
import { cardText } from '../lesson/card'
import { initialTourStep, rememberTourStep, TOUR } from '../lesson/tour'
import { showView } from '../showView'
import { lessonQuery } from '../lessonLink'
import { PREDICTIONS } from '../lesson/predict'
import { Prediction } from './Prediction'

/** The lesson link for the page as it is now (lessonLink.ts). */
function LessonLink() {
  const t = useT()
  const [link, setLink] = useState<string | undefined>()
  const make = () => {
    const s = useStore.getState()
    const url = new URL(location.href)
    url.search = lessonQuery({
      lang: s.lang,
      tour: s.tourStep !== undefined ? s.tourStep + 1 : undefined,
      probe: s.atlasProbe,
      layer: s.layer,
      head: s.head,
      step: typeof s.viewStep === 'number' ? s.viewStep : undefined,
      hide: s.hidden.length ? s.hidden : undefined,
    })
    url.hash = ''
    setLink(url.href)
    void navigator.clipboard?.writeText(url.href).catch(() => {}) // where the browser allows
  }
  return (
    <div className="controls small">
      <button type="button" className="link" onClick={make}>
        {t.copyLessonLink}
      </button>
      {link && (
        <>
          <LinkBox label={t.lessonLinkLabel} value={link} testId="lesson-link" />
          <span className="muted">{t.lessonLinkNote}</span>
        </>
      )}
    </div>
  )
}

/** Moves the tour to `step` (undefined ends it), remembers it, and shows its view. */
function go(step: number | undefined) {
  useStore.getState().setTourStep(step)
  rememberTourStep(step)
  if (step !== undefined) showView(TOUR[step].view, false)
}

/**
 * The guided tour (lesson/tour.ts): one concept card at a time on its live view, with a task the page checks
 * from its own state. Back, Next (once the task is done), Skip, End; remembered across reloads.
 */
export function TourPanel(panel: ViewProps) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const datasetId = useStore((s) => s.datasetId)
  const step = useStore((s) => s.tourStep)
  const state = useStore(useShallow(lessonState))
  const [finished, setFinished] = useState(false)
  const [saved] = useState(initialTourStep)
  useEffect(() => {
    // a lesson link (?tour=N) starts the tour where it says
    if (saved !== undefined && new URLSearchParams(location.search).has('tour')) go(saved)
  }, [saved])
  if (step === undefined)
    return (
      <Panel {...panel} className="tour">
        <p className="muted small">{finished ? t.tourFinished : t.tourIntro}</p>
        <button type="button" onClick={() => (setFinished(false), go(0))}>
          {t.tourStart}
        </button>{' '}
        {saved !== undefined && saved > 0 && !finished && (
          <button type="button" onClick={() => go(saved)}>
            {t.tourResume(saved + 1)}
          </button>
        )}
        <LessonLink />
      </Panel>
    )
  const s = TOUR[step]
  const concept = CONCEPTS.find((c) => c.id === s.concept)!
  const text = cardText(concept, lang, datasetId)
  const done = s.task ? s.task.done(state) : true
  const live = concept.live(state, lang)
  const liveLine = live && (
    <p className="live small" data-testid="tour-live">
      {live}
    </p>
  )
  const last = step === TOUR.length - 1
  return (
    <Panel
      id={panel.id}
      title={
        <>
          {panel.title} · <span data-testid="tour-step">{t.tourStepOf(step + 1, TOUR.length)}</span>
        </>
      }
      className="tour active"
      testId="tour"
    >
      <h3>{text.title}</h3>
      <p>{text.intuition}</p>
      {/* the card's question first, as in the cards panel (one answer for both), then the live number */}
      {PREDICTIONS[concept.id] ? (
        <Prediction id={concept.id} question={PREDICTIONS[concept.id]} state={state} lang={lang} where="tour-">
          {liveLine}
        </Prediction>
      ) : (
        liveLine
      )}
      <p className="small">
        <strong>
          {t.lookFor}
          {t.colon}
        </strong>
        {text.lookFor}
      </p>
      <p className="small" data-testid="tour-caveat">
        <strong>
          {t.caveat}
          {t.colon}
        </strong>
        {text.caveat}
      </p>
      <Erratum text={text.erratum} testId="tour-erratum" />
      <p className="small" aria-live="polite" data-testid="tour-task">
        <strong>
          {t.tourTask}
          {t.colon}
        </strong>
        {s.task ? (lang === 'zh-CN' ? s.task.zh : s.task.en) : t.tourNoTask}{' '}
        {s.task && <span className={done ? 'ok' : 'muted'}>{done ? t.tourDone : t.tourWaiting}</span>}
      </p>
      <div className="controls">
        <button type="button" disabled={step === 0} onClick={() => go(step - 1)}>
          {t.tourBack}
        </button>
        <button
          type="button"
          className="primary"
          disabled={!done}
          onClick={() => {
            if (last) {
              setFinished(true)
              go(undefined)
            } else go(step + 1)
          }}
        >
          {last ? t.tourFinish : t.tourNext}
        </button>
        {!done && (
          <button type="button" onClick={() => go(last ? undefined : step + 1)}>
            {t.tourSkip}
          </button>
        )}
        <button type="button" className="link" onClick={() => go(undefined)}>
          {t.tourEnd}
        </button>
      </div>
      <LessonLink />
    </Panel>
  )
}
