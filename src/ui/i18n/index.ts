// The page's two languages: English and Simplified Chinese. Every user-facing string comes from one typed
// catalogue (messages.ts), so a key missing in either language fails the type check, and i18n.test.ts fails
// on an unused one. The language is chosen by the 中文 / EN switch, remembered (localStorage), and carried in
// the address (?lang=zh-CN) so a lesson link opens in its language; it sets <html lang>, which picks CJK
// fonts and the screen reader's voice.
import { useStore } from '../store'
import { en, zhCN, type Messages } from './messages'
import type { Problem } from '../../shared/config'
import { STORAGE_KEY, type Lang } from './lang'

export { initialLang, isLang, LANGS, type Lang } from './lang'

const CATALOGUES: Record<Lang, Messages> = { en, 'zh-CN': zhCN }

/** Switches the page's language: the store, <html lang>, the address and the remembered choice. */
export function setLang(lang: Lang): void {
  useStore.setState({ lang })
  applyLang(lang)
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // storage blocked: the choice lasts this visit
  }
  const url = new URL(location.href)
  url.searchParams.set('lang', lang)
  history.replaceState(history.state, '', url)
}

export function applyLang(lang: Lang): void {
  document.documentElement.lang = lang
  const t = CATALOGUES[lang]
  document.title = t.documentTitle
}

/** The active language's messages. */
export function useT(): Messages {
  return CATALOGUES[useStore((s) => s.lang)]
}

export function messagesFor(lang: Lang): Messages {
  return CATALOGUES[lang]
}

/** A problem in the active language: its translation when the catalogue knows its code, else its own words. */
export function useSay(): (p: Problem) => string {
  const t = useT()
  // a problem the catalogue cannot say (a file problem without a code): its English words, introduced in the
  // active language so the reader knows what they are about
  return (p) => (p.code && t.problem(p)) || (p.field === 'file' ? t.fileProblem(p.message) : p.message)
}
