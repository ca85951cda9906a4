import { BackendPanel } from './components/BackendPanel'
import { EngineBanner } from './components/EngineBanner'
import { ViewColumn } from './views/registry'
import { setLang, useT } from './i18n'
import { useStore } from './store'

export function App() {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const hidden = useStore((s) => s.hidden)
  const refused = useStore((s) => s.lessonRefused)
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
        {!hidden.includes('backend') && <BackendPanel />}
      </header>
      <main className="columns">
        <ViewColumn column="left" />
        <ViewColumn column="right" />
      </main>
      <footer className="app-footer">{t.footer}</footer>
    </div>
  )
}
