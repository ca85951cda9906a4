// The playground on one screen (issue 18): the control bar on top; then the data and the first settings, the
// model as a diagram with the loss chart under it, and the side panel (the live sample, then the views the
// diagram opens); below the first screen, the tabs (runs, model files, pairs, concepts, the texts' sources).
import { BackendPanel } from './components/BackendPanel'
import { EngineBanner } from './components/EngineBanner'
import { LiveSample } from './components/LiveSample'
import { ModelDiagram } from './components/ModelDiagram'
import { TopBar } from './components/TopBar'
import { ViewColumn } from './views/registry'
import { MoreTabs } from './views/MoreTabs'
import { useT } from './i18n'
import { useStore } from './store'
import { useThemeOnPage } from './theme'
import { GalleryPanel } from './components/GalleryPanel'

export function App() {
  const t = useT()
  const hidden = useStore((s) => s.hidden)
  const refused = useStore((s) => s.lessonRefused)
  useThemeOnPage()
  return (
    <div className="app">
      <div className="screen">
        <TopBar>
          <div className="chip-slot">{!hidden.includes('backend') && <BackendPanel />}</div>
        </TopBar>
        <ViewColumn column="bar" className="controlbar" />
        {refused.length > 0 && (
          <p className="error small banner" role="alert">
            {t.lessonRefused(refused.join(', '))}
          </p>
        )}
        <EngineBanner />
        <main className="stage">
          <div className="stage-col stage-data">
            <div className="gallery-slot">
              <GalleryPanel />
            </div>
            <ViewColumn column="data" className="stack" />
          </div>
          <div className="stage-col stage-model">
            <ModelDiagram />
            <ViewColumn column="model" className="stack" />
          </div>
          <div className="stage-col stage-side">
            <LiveSample />
            <ViewColumn column="side" className="stack side-views" />
          </div>
        </main>
      </div>
      <MoreTabs />
      <footer className="app-footer">
        <p className="tagline">{t.tagline}</p>
        <p>{t.footer}</p>
      </footer>
    </div>
  )
}
