// Each language's catalogue loads on its own (index.ts): nothing can read a language before its catalogue has
// come, and the page switches language only once it has, so it never shows one language in the other's place.
// The browser's globals setLang writes to (the document, the address, storage) are stood in for by plain
// objects; the loader and the store are the real ones.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { en, zhCN } from './messages'

type I18n = typeof import('./index')
type Store = typeof import('../store')

/** A fresh copy of the module (no catalogue loaded yet) and of the store, with stand-ins for the page's globals. */
async function fresh(): Promise<{ i18n: I18n; store: Store['useStore']; page: { title: string; lang: string } }> {
  vi.resetModules()
  const page = { title: '', lang: '' }
  const kept = new Map<string, string>()
  let href = 'http://localhost/?x=1'
  vi.stubGlobal('document', {
    documentElement: {
      set lang(l: string) {
        page.lang = l
      },
    },
    set title(t: string) {
      page.title = t
    },
  })
  vi.stubGlobal('location', {
    get href() {
      return href
    },
    search: '',
  })
  vi.stubGlobal('history', { state: null, replaceState: (_s: unknown, _t: string, u: URL) => (href = String(u)) })
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => kept.set(k, v),
  })
  const i18n = await import('./index')
  const { useStore } = await import('../store')
  return { i18n, store: useStore, page }
}

describe('the catalogue loader', () => {
  beforeEach(() => vi.unstubAllGlobals())
  afterEach(() => vi.unstubAllGlobals())

  it('loads each language once, as the catalogue says it', async () => {
    const { i18n } = await fresh()
    expect(() => i18n.messagesFor('zh-CN')).toThrow(/not loaded/)
    const [a, b] = await Promise.all([i18n.loadCatalogue('zh-CN'), i18n.loadCatalogue('zh-CN')])
    expect(a).toBe(b)
    expect(a.appTitle).toBe(zhCN.appTitle)
    expect(Object.keys(a).sort()).toEqual(Object.keys(zhCN).sort())
    expect(i18n.messagesFor('zh-CN')).toBe(a)
    // English is still not loaded: loading one language does not load the other
    expect(() => i18n.messagesFor('en')).toThrow(/not loaded/)
    expect((await i18n.loadCatalogue('en')).documentTitle).toBe(en.documentTitle)
  })

  it('switches the language only once its catalogue has come, then says it everywhere', async () => {
    const { i18n, store, page } = await fresh()
    store.setState({ lang: 'en' })
    await i18n.loadCatalogue('en')
    const switching = i18n.setLang('zh-CN')
    // nothing has changed yet: the page still speaks English until the Chinese chunk is there
    expect(store.getState().lang).toBe('en')
    expect(page.title).toBe('')
    await switching
    expect(store.getState().lang).toBe('zh-CN')
    expect(page).toEqual({ title: zhCN.documentTitle, lang: 'zh-CN' })
    expect(location.href).toContain('lang=zh-CN')
    expect(localStorage.getItem('gpt-playground:lang')).toBe('zh-CN')
  })

  it('ends in the language chosen last, even when an earlier choice loads later', async () => {
    const { i18n, store, page } = await fresh()
    store.setState({ lang: 'en' })
    await i18n.loadCatalogue('en')
    const toChinese = i18n.setLang('zh-CN') // its chunk is still to come
    const toEnglish = i18n.setLang('en') // loaded already: switches first
    await Promise.all([toChinese, toEnglish])
    expect(store.getState().lang).toBe('en')
    expect(page).toEqual({ title: en.documentTitle, lang: 'en' })
    expect(i18n.messagesFor('zh-CN').appTitle).toBe(zhCN.appTitle) // loaded, for next time, but not shown
  })
})
