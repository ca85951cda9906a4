import { BackendPanel } from './components/BackendPanel'
import { EngineBanner } from './components/EngineBanner'
import { DataPanel } from './components/DataPanel'
import { SettingsPanel } from './components/SettingsPanel'
import { TrainingPanel } from './components/TrainingPanel'
import { LossChart } from './components/LossChart'
import { GeneratePanel } from './components/GeneratePanel'
import { AttentionPanel } from './components/AttentionPanel'
import { ModelFilePanel } from './components/ModelFilePanel'
import { RunsPanel } from './components/RunsPanel'
import { PairsPanel } from './components/PairsPanel'
import { AboutPanel } from './components/AboutPanel'
import { PositionsPanel } from './components/PositionsPanel'
import { AtlasPanel } from './components/AtlasPanel'
import { EmbeddingPanel } from './components/EmbeddingPanel'
import { LensPanel } from './components/LensPanel'
import { QkvPanel } from './components/QkvPanel'
import { ExperimentPanel } from './components/ExperimentPanel'
import { ConceptsPanel } from './components/ConceptsPanel'
import { TourPanel } from './components/TourPanel'
import { setLang, useT } from './i18n'
import { useStore } from './store'
import type { Hideable } from './lessonLink'

export function App() {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const hidden = useStore((s) => s.hidden)
  const refused = useStore((s) => s.lessonRefused)
  const show = (key: Hideable) => !hidden.includes(key)
  return (
    <div className="app">
      <header className="app-header">
        <div className="title-row">
          <h1>{t.appTitle}</h1>
          <div className="lang-switch" role="group" aria-label={t.languageLabel}>
            {/* each button names its language in that language, as language pickers do */}
            <button type="button" lang="zh-CN" aria-pressed={lang === 'zh-CN'} onClick={() => setLang('zh-CN')}>
              中文
            </button>
            <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
              EN
            </button>
          </div>
        </div>
        <p className="tagline">{t.tagline}</p>
        {refused.length > 0 && (
          <p className="error small" role="alert">
            {t.lessonRefused(refused.join(', '))}
          </p>
        )}
        <EngineBanner />
        {show('backend') && <BackendPanel />}
      </header>
      <main className="columns">
        <div className="column">
          {show('data') && <DataPanel />}
          {show('settings') && <SettingsPanel />}
          {show('file') && <ModelFilePanel />}
          {show('runs') && <RunsPanel />}
          {show('about') && <AboutPanel />}
          {show('concepts') && <ConceptsPanel />}
        </div>
        <div className="column">
          <TourPanel />
          <TrainingPanel />
          <LossChart />
          <GeneratePanel />
          {show('pairs') && <PairsPanel />}
          {show('att') && <AttentionPanel />}
          <AtlasPanel />
          {show('pos') && <PositionsPanel />}
          {show('emb') && <EmbeddingPanel />}
          {show('lens') && <LensPanel />}
          {show('qkv') && <QkvPanel />}
          {show('experiment') && <ExperimentPanel />}
        </div>
      </main>
      <footer className="app-footer">{t.footer}</footer>
    </div>
  )
}
