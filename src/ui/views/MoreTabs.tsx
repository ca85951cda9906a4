// Below the first screen, one clear place for what a learner needs now and then: runs, model files (export,
// fine-tuning), pair mode's evaluation, the concept cards and the texts' sources, one tab each (the WAI-ARIA
// tabs pattern: arrow keys move between tabs). Every tab stays mounted, so a view's state survives a switch;
// showView chooses a view's tab before it scrolls to it.
import { useState, type KeyboardEvent } from 'react'
import { useT } from '../i18n'
import { RegistryView, useViews } from './registry'

export function MoreTabs() {
  const t = useT()
  const views = useViews('more')
  const [chosen, setChosen] = useState(views[0]?.id)
  const current = views.some((v) => v.id === chosen) ? chosen : views[0]?.id
  if (views.length === 0) return null
  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = views.findIndex((v) => v.id === current)
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % views.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + views.length) % views.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? views.length - 1
              : -1
    if (next < 0) return
    e.preventDefault()
    setChosen(views[next].id)
    document.getElementById(`tab-${views[next].id}`)?.focus()
  }
  return (
    <section className="more" id="more" aria-labelledby="more-h">
      <h2 id="more-h" className="more-title">
        {t.moreTitle}
      </h2>
      <div className="tabs" role="tablist" aria-labelledby="more-h" onKeyDown={move}>
        {views.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            id={`tab-${v.id}`}
            aria-selected={v.id === current}
            aria-controls={`tabpanel-${v.id}`}
            tabIndex={v.id === current ? 0 : -1}
            onClick={() => setChosen(v.id)}
          >
            {v.tab?.(t) ?? v.title(t)}
          </button>
        ))}
      </div>
      {views.map((v) => (
        <div
          key={v.id}
          role="tabpanel"
          id={`tabpanel-${v.id}`}
          aria-labelledby={`tab-${v.id}`}
          hidden={v.id !== current}
          className="tabpanel"
        >
          <RegistryView view={v} title={v.title(t)} />
        </div>
      ))}
    </section>
  )
}
