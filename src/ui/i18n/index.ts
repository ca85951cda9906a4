// The page's two languages: English and Simplified Chinese. Every user-facing string comes from one typed
// catalogue (messages.ts), so a key missing in either language fails the type check, and i18n.test.ts fails
// on an unused one. The language is chosen by the 中文 / EN switch, remembered (localStorage), and carried in
// the address (?lang=zh-CN) so a lesson link opens in its language; it sets <html lang>, which picks CJK
// fonts and the screen reader's voice.
// Each language is a chunk of its own (catalogue.en.ts, catalogue.zh-CN.ts), loaded when first needed: main.tsx
// waits for the first language's before the first render, and setLang switches once the other's has come, so
// neither language ever shows in the other's place.
import { useStore } from '../store'
import type { Messages } from './messages'
import type { Problem } from '../../shared/config'
import { STORAGE_KEY, type Lang } from './lang'

export { initialLang, isLang, LANGS, type Lang } from './lang'

const LOADERS: Record<Lang, () => Promise<{ messages: Messages }>> = {
  en: () => import('./catalogue.en'),
  'zh-CN': () => import('./catalogue.zh-CN'),
}
/** The catalogues loaded so far */
const CATALOGUES: Partial<Record<Lang, Messages>> = {}
const loading: Partial<Record<Lang, Promise<Messages>>> = {}

/** A language's catalogue, loaded once (a failed load is tried again on the next call). */
export function loadCatalogue(lang: Lang): Promise<Messages> {
  const known = CATALOGUES[lang]
  if (known) return Promise.resolve(known)
  return (loading[lang] ??= LOADERS[lang]().then(
    ({ messages }) => (CATALOGUES[lang] = messages),
    (e: unknown) => {
      delete loading[lang]
      throw e
    },
  ))
}

/** A loaded catalogue; the page only ever switches to a language whose catalogue has come (setLang). */
export function messagesFor(lang: Lang): Messages {
  const t = CATALOGUES[lang]
  if (!t) throw new Error(`The ${lang} catalogue is not loaded yet: loadCatalogue('${lang}') first.`)
  return t
}

/** The language the learner asked for last: a slower earlier choice must not win over it. */
let wanted: Lang | undefined

/**
 * Switches the page's language once its catalogue has come: the store, <html lang>, the address and the
 * remembered choice. Resolves when the page shows it (or at once when a later choice has replaced it).
 */
export function setLang(lang: Lang): Promise<void> {
  wanted = lang
  return loadCatalogue(lang).then(
    () => {
      if (wanted === lang) showLang(lang)
    },
    (e: unknown) => console.error(`The ${lang} catalogue did not load; the page stays in its language.`, e),
  )
}

function showLang(lang: Lang): void {
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

/** <html lang> and the title; the language's catalogue must be loaded. */
export function applyLang(lang: Lang): void {
  document.documentElement.lang = lang
  const t = messagesFor(lang)
  document.title = t.documentTitle
}

/** The active language's messages. */
export function useT(): Messages {
  return messagesFor(useStore((s) => s.lang))
}

/** A problem in the active language: its translation when the catalogue knows its code, else its own words. */
export function useSay(): (p: Problem) => string {
  const t = useT()
  // a problem the catalogue cannot say (a file problem without a code): its English words, introduced in the
  // active language so the reader knows what they are about
  return (p) => (p.code && t.problem(p)) || (p.field === 'file' ? t.fileProblem(p.message) : p.message)
}
