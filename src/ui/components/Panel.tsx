import type { ReactNode } from 'react'
import { useT } from '../i18n'

/** What the view registry (views/registry.tsx) hands every view: its heading's id and its title. */
export interface ViewProps {
  id: string
  title: string
}

interface PanelProps<D> {
  /** the heading's id: the section is labelled by it, and showView, concept cards, the tour and ?view= find it */
  id: string
  title: ReactNode
  /** more classes beside "panel" */
  className?: string
  testId?: string
  /** beside the heading, in one row (the loss chart's toggles) */
  aside?: ReactNode
  /**
   * Folded: the heading is the <summary> of a <details>, open when `open` says (uncontrolled without it).
   * `onToggle` hears the learner's click and showView's opening alike, so a view that needs data asks for it
   * there; a <details> nested inside (a head's table) is not this view's toggle.
   */
  folded?: boolean
  open?: boolean
  onToggle?: (open: boolean) => void
  /** shown in every state, before the view (controls that work without a model) */
  lead?: ReactNode
  /**
   * The states of a view whose `children` is a function: until there is a `model`, `noModel` is said; then,
   * until its `data` has come, `computing`; then `children(data)`. Plain children are shown as they are.
   */
  model?: unknown
  data?: D
  noModel?: string
  computing?: string
  /** the class of those two lines */
  lineClass?: string
  children?: ReactNode | ((data: NonNullable<D>) => ReactNode)
}

/**
 * One panel of the page: a <section> labelled by its <h2>, folded or not, and for a view the same three
 * states everywhere (no model yet, computing, the view). The registry gives it its id and title.
 */
export function Panel<D>(p: PanelProps<D>) {
  const t = useT()
  const heading = (
    <h2 id={p.id} className={p.folded ? 'inline' : undefined}>
      {p.title}
    </h2>
  )
  const content =
    typeof p.children !== 'function' ? (
      p.children
    ) : !p.model ? (
      <p className={p.lineClass ?? 'muted small'}>{p.noModel ?? t.appearsWithModel}</p>
    ) : p.data === undefined || p.data === null ? (
      <p className={p.lineClass ?? 'muted small'}>{p.computing ?? t.computing}</p>
    ) : (
      p.children(p.data as NonNullable<D>)
    )
  const body = (
    <>
      {p.lead}
      {content}
    </>
  )
  const onToggle = p.onToggle
  return (
    <section className={p.className ? `panel ${p.className}` : 'panel'} aria-labelledby={p.id} data-testid={p.testId}>
      {p.folded ? (
        <details
          open={p.open}
          onToggle={
            onToggle &&
            ((e) => {
              // React passes a nested <details>' toggle up to this one: only this one's own is the view's
              if (e.target === e.currentTarget) onToggle(e.currentTarget.open)
            })
          }
        >
          <summary>{heading}</summary>
          {body}
        </details>
      ) : (
        <>
          {p.aside ? (
            <div className="panel-title">
              {heading}
              {p.aside}
            </div>
          ) : (
            heading
          )}
          {body}
        </>
      )}
    </section>
  )
}
