import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './ui/App'
import { startWorker } from './ui/client'
import { useStore } from './ui/store'
import './ui/app.css'
import { applySettingsFromLocation } from './ui/shareLink'
import { DATASETS } from './ui/datasets'
import { PRESETS } from './shared/config'
import { applyLang, loadCatalogue } from './ui/i18n'
import { readLesson } from './ui/lessonLink'
import { showViewWhenRendered } from './ui/showView'
import { followLanguage, followLanguageFromNowOn } from './ui/defaultDataset'
import { crossOriginIsolate } from './ui/isolation'

// Cross-origin isolation first: on a host without the headers the service worker brings them, and this load ends
// in one reload under it (nothing else starts meanwhile); elsewhere it resolves at once.
await crossOriginIsolate()

// The first render waits for the language's catalogue (its own chunk, i18n/index.ts), so the first paint is in
// that language and never in the other; it is asked for first, and the worker starts meanwhile.
const lang = useStore.getState().lang
const catalogue = loadCatalogue(lang)
// a lesson link: the probe, layer and head, a pinned step and hidden panels (the language and the tour step are
// read where they start: i18n/lang.ts, lesson/tour.ts); the view to open at once the page has rendered
const { lesson, refused } = readLesson(location.search)
useStore.setState({
  ...(lesson.probe && { atlasProbe: lesson.probe }),
  ...(lesson.layer !== undefined && { layer: lesson.layer }),
  ...(lesson.head !== undefined && { head: lesson.head }),
  ...(lesson.step !== undefined && { viewStep: lesson.step }),
  hidden: lesson.hide ?? [],
  lessonRefused: refused,
})
if (lesson.view) showViewWhenRendered(lesson.view)
startWorker()
// A shared link's settings (in the hash) replace the defaults; a bad one is said in the settings panel.
void applySettingsFromLocation(
  (s) => {
    const preset = PRESETS.find((p) => JSON.stringify([p.model, p.train]) === JSON.stringify([s.model, s.train]))
    useStore.setState({ model: s.model, train: s.train, presetId: preset?.id ?? 'custom' })
  },
  async (id) => {
    const d = DATASETS.find((x) => x.id === id)
    if (d) {
      const text = await d.load()
      useStore.setState((st) => ({ text, datasetId: d.id, datasetChosen: true, textVersion: st.textVersion + 1 }))
    }
  },
  DATASETS.map((d) => d.id),
).then((problems) => {
  useStore.setState({ linkProblems: problems })
  // a link's dataset wins; otherwise the page's language picks the first one (the Tang poems in Chinese)
  void followLanguage()
  followLanguageFromNowOn()
})
// Read-only access for scripts/bench.mjs (timings come from the worker's own step clock, not from the DOM).
;(window as unknown as { __playgroundStore: typeof useStore }).__playgroundStore = useStore
void catalogue.then(() => {
  applyLang(lang)
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
})
