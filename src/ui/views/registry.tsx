// The page's panels and teaching views, in page order: App.tsx renders its regions from this list. A new
// view is its own component (a Panel inside, taking ViewProps), one entry here and its messages; see
// docs/ARCHITECTURE.md, "How to add a teaching view".
import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react'
import { DataPanel } from '../components/DataPanel'
import { TextOptionsPanel } from '../components/TextOptionsPanel'
import { SettingsPanel } from '../components/SettingsPanel'
import { TourPanel } from '../components/TourPanel'
import { TrainingPanel } from '../components/TrainingPanel'
import type { ViewProps } from '../components/Panel'
import { useT } from '../i18n'
import type { Messages } from '../i18n/messages'
import { useStore } from '../store'
import type { Hideable } from '../lessonLink'

export interface ViewEntry {
  /**
   * Its heading's id (`name-h`): the section is labelled by it, and showView opens and scrolls to it for a
   * concept card (lesson/concepts.ts), a tour step (lesson/tour.ts) and a lesson link's ?view= (lessonLink.ts's
   * VIEWS, the ones a link may open at).
   */
  id: `${string}-h`
  /** its heading, from the catalogue (written out, so i18n.test.ts sees it used: ViewColumn below calls useT()) */
  title: (t: Messages) => string
  Component: ComponentType<ViewProps>
  /**
   * Where it sits on the one screen (App.tsx): `bar` the control bar; `data` the text and the settings; `model`
   * beside the diagram (the loss chart); `side` the side panel the diagram opens views in (the tour, generation
   * and the teaching views); `more` one tab each below the first screen (runs, model files, pairs, concepts…).
   */
  column: 'bar' | 'data' | 'model' | 'side' | 'more'
  /** in the `more` region: its tab's label (short; the heading in the tab says the rest) */
  tab?: (t: Messages) => string
  /** the key a lesson link hides it by (?hide=…; lessonLink.ts's HIDEABLE); without one it is always shown */
  hide?: Hideable
}

/**
 * A view the first screen does not show, as a chunk of its own: loaded when it is first rendered, and never
 * before the page's first paint (the page's main chunk stays small: scripts/check-bundle.mjs holds it to 200 KB
 * gzip); `ViewColumn` shows a line until it has come. `load` names the module, `name` its export.
 */
function lazyView<K extends string>(load: () => Promise<Record<K, ComponentType<ViewProps>>>, name: K) {
  const view: ComponentType<ViewProps> = lazy(() =>
    load().then((m): { default: ComponentType<ViewProps> } => ({ default: m[name] })),
  )
  LAZY.add(view)
  return view
}
const LAZY = new Set<ComponentType<ViewProps>>()
const ModelFilePanel = lazyView(() => import('../components/ModelFilePanel'), 'ModelFilePanel')
const RunsPanel = lazyView(() => import('../components/RunsPanel'), 'RunsPanel')
const AboutPanel = lazyView(() => import('../components/AboutPanel'), 'AboutPanel')
const ConceptsPanel = lazyView(() => import('../components/ConceptsPanel'), 'ConceptsPanel')
const LossChart = lazyView(() => import('../components/LossChart'), 'LossChart') // recharts
const GeneratePanel = lazyView(() => import('../components/GeneratePanel'), 'GeneratePanel')
const PairsPanel = lazyView(() => import('../components/PairsPanel'), 'PairsPanel')
const AttentionPanel = lazyView(() => import('../components/AttentionPanel'), 'AttentionPanel')
const AtlasPanel = lazyView(() => import('../components/AtlasPanel'), 'AtlasPanel')
const PositionsPanel = lazyView(() => import('../components/PositionsPanel'), 'PositionsPanel')
const EmbeddingPanel = lazyView(() => import('../components/EmbeddingPanel'), 'EmbeddingPanel')
const LensPanel = lazyView(() => import('../components/LensPanel'), 'LensPanel')
const ResidualPanel = lazyView(() => import('../components/ResidualPanel'), 'ResidualPanel')
const QkvPanel = lazyView(() => import('../components/QkvPanel'), 'QkvPanel')
const AblationPanel = lazyView(() => import('../components/AblationPanel'), 'AblationPanel')
const PatchingPanel = lazyView(() => import('../components/PatchingPanel'), 'PatchingPanel')
const ExperimentPanel = lazyView(() => import('../components/ExperimentPanel'), 'ExperimentPanel')

/** What a view shows while its chunk loads: one muted line where the panel will be (without its title, so that
 * nothing finds the view by its name before the view itself is there). */
export function ViewLoading() {
  const t = useT()
  return (
    <div className="panel view-loading" aria-busy="true">
      <p className="muted small">{t.loading}</p>
    </div>
  )
}

export const VIEW_REGISTRY: readonly ViewEntry[] = [
  { id: 'train-h', title: (t) => t.trainTitle, Component: TrainingPanel, column: 'bar' },
  { id: 'data-h', title: (t) => t.dataTitle, Component: DataPanel, column: 'data', hide: 'data' },
  { id: 'settings-h', title: (t) => t.settingsTitle, Component: SettingsPanel, column: 'data', hide: 'settings' },
  { id: 'loss-h', title: (t) => t.lossTitle, Component: LossChart, column: 'model' },
  { id: 'tour-h', title: (t) => t.tourTitle, Component: TourPanel, column: 'side' },
  { id: 'gen-h', title: (t) => t.genTitle, Component: GeneratePanel, column: 'side' },
  { id: 'att-h', title: (t) => t.attentionTitle, Component: AttentionPanel, column: 'side', hide: 'att' },
  { id: 'atlas-h', title: (t) => t.atlasTitle, Component: AtlasPanel, column: 'side' },
  { id: 'pos-h', title: (t) => t.positionsTitle, Component: PositionsPanel, column: 'side', hide: 'pos' },
  { id: 'emb-h', title: (t) => t.embeddingsTitle, Component: EmbeddingPanel, column: 'side', hide: 'emb' },
  { id: 'lens-h', title: (t) => t.lensTitle, Component: LensPanel, column: 'side', hide: 'lens' },
  { id: 'resid-h', title: (t) => t.residualTitle, Component: ResidualPanel, column: 'side', hide: 'resid' },
  { id: 'qkv-h', title: (t) => t.qkvTitle, Component: QkvPanel, column: 'side', hide: 'qkv' },
  { id: 'ablation-h', title: (t) => t.ablationTitle, Component: AblationPanel, column: 'side', hide: 'ablation' },
  { id: 'patching-h', title: (t) => t.patchingTitle, Component: PatchingPanel, column: 'side', hide: 'patching' },
  { id: 'experiment-h', title: (t) => t.twinTitle, Component: ExperimentPanel, column: 'side', hide: 'experiment' },
  {
    id: 'runs-h',
    title: (t) => t.runsTitle,
    Component: RunsPanel,
    column: 'more',
    hide: 'runs',
    tab: (t) => t.tabRuns,
  },
  {
    id: 'file-h',
    title: (t) => t.fileTitle,
    Component: ModelFilePanel,
    column: 'more',
    hide: 'file',
    tab: (t) => t.tabFile,
  },
  {
    id: 'tokenizer-h',
    title: (t) => t.textOptionsTitle,
    Component: TextOptionsPanel,
    column: 'more',
    tab: (t) => t.tabTokenizer,
  },
  {
    id: 'pairs-h',
    title: (t) => t.pairsTitle,
    Component: PairsPanel,
    column: 'more',
    hide: 'pairs',
    tab: (t) => t.tabPairs,
  },
  {
    id: 'concepts-h',
    title: (t) => t.conceptsTitle,
    Component: ConceptsPanel,
    column: 'more',
    hide: 'concepts',
    tab: (t) => t.tabConcepts,
  },
  {
    id: 'about-h',
    title: (t) => t.aboutTitle,
    Component: AboutPanel,
    column: 'more',
    hide: 'about',
    tab: (t) => t.tabAbout,
  },
]

/** The views of one region, in registry order, less those the lesson link hides. */
export function useViews(column: ViewEntry['column']): ViewEntry[] {
  const hidden = useStore((s) => s.hidden)
  return VIEW_REGISTRY.filter((v) => v.column === column && !(v.hide && hidden.includes(v.hide)))
}

/** One region of the page: its views in registry order. */
export function ViewColumn({ column, className }: { column: ViewEntry['column']; className?: string }) {
  const t = useT()
  const views = useViews(column)
  return (
    <div className={className ?? 'column'}>
      {views.map((v) => (
        <RegistryView key={v.id} view={v} title={v.title(t)} />
      ))}
    </div>
  )
}

/**
 * One registry entry on the page; wherever views are rendered (a column, a side panel), they go through this.
 * Before the first paint a lazy view is only its loading line; after it, its own Suspense (a fresh one, so that
 * no earlier content stays hidden beside the fallback) shows the line until the chunk has come.
 */
export function RegistryView({ view, title }: { view: ViewEntry; title: string }) {
  const painted = usePainted()
  if (!painted && LAZY.has(view.Component)) return <ViewLoading />
  return (
    <Suspense fallback={<ViewLoading />}>
      <view.Component id={view.id} title={title} />
    </Suspense>
  )
}

let paintedOnce = false
/**
 * Whether the page has painted once: lazy views start loading after it, so that their chunks, arriving and
 * evaluated while the first screen is laid out, do not hold its first paint back: a task after the browser
 * reports its first contentful paint; a page opened in the background, which does not paint, goes on after a second.
 */
function usePainted(): boolean {
  const [painted, setPainted] = useState(paintedOnce)
  useEffect(() => {
    if (painted) return
    const done = () => {
      paintedOnce = true
      setPainted(true)
    }
    // the browser's own word that the first contentful paint has happened (Paint Timing), then a task; where
    // it is not told (no Paint Timing, a tab that never paints), a frame and a task, and at the latest a second
    let after: ReturnType<typeof setTimeout> | undefined
    let frame: number | undefined
    let observer: PerformanceObserver | undefined
    const soon = () => (after ??= setTimeout(done))
    const fallback = setTimeout(done, 1000)
    if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('paint')) {
      observer = new PerformanceObserver((list) => {
        if (list.getEntriesByName('first-contentful-paint').length) soon()
      })
      observer.observe({ type: 'paint', buffered: true })
    } else frame = requestAnimationFrame(soon)
    return () => {
      observer?.disconnect()
      if (frame !== undefined) cancelAnimationFrame(frame)
      clearTimeout(after)
      clearTimeout(fallback)
    }
  }, [painted])
  return painted
}
