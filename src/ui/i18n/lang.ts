// The page's language, chosen before anything renders (see index.ts). No store import: the store imports this.
export type Lang = 'en' | 'zh-CN'
export const LANGS: readonly Lang[] = ['en', 'zh-CN']
export const STORAGE_KEY = 'gpt-playground:lang'

export function isLang(x: unknown): x is Lang {
  return x === 'en' || x === 'zh-CN'
}

/** The language to start in: the address's ?lang=, else the one chosen before, else the browser's. */
export function initialLang(): Lang {
  if (typeof location === 'undefined') return 'en'
  const fromUrl = new URLSearchParams(location.search).get('lang')
  if (isLang(fromUrl)) return fromUrl
  try {
    const kept = localStorage.getItem(STORAGE_KEY)
    if (isLang(kept)) return kept
  } catch {
    // storage blocked
  }
  return typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language) ? 'zh-CN' : 'en'
}
