// The page's top bar: its name, the control bar (the training panel, drawn as a bar), the backend, a way to the
// tabs below, and the theme and language switches.
import type { ReactNode } from 'react'
import { setLang, useT } from '../i18n'
import { useStore } from '../store'
import type { Theme } from '../store/page'

export function TopBar({ children }: { children: ReactNode }) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const theme = useStore((s) => s.theme)
  const themes: [Theme, string][] = [
    ['system', t.themeSystem],
    ['light', t.themeLight],
    ['dark', t.themeDark],
  ]
  return (
    <header className="topbar">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden />
        {t.appTitle}
      </h1>
      {children}
      <div className="topbar-tools">
        <a className="tools-link" href="#more">
          {t.toTools}
        </a>
        <div className="segmented" role="group" aria-label={t.themeLabel}>
          {themes.map(([id, label]) => (
            <button key={id} type="button" aria-pressed={theme === id} onClick={() => useStore.getState().setTheme(id)}>
              {label}
            </button>
          ))}
        </div>
        <div className="segmented lang-switch" role="group" aria-label={t.languageLabel}>
          {/* each button names its language in that language, as language pickers do */}
          <button type="button" lang="zh-CN" aria-pressed={lang === 'zh-CN'} onClick={() => setLang('zh-CN')}>
            中文
          </button>
          <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
            EN
          </button>
        </div>
      </div>
    </header>
  )
}
