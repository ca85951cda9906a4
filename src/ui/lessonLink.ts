// A lesson link (TEACHING-VIEWS P6, V12): the address carries what a teacher set up — the language, a tour
// step, the view to open at, the atlas probe, the attention panel's layer and head, a pinned step, and the
// panels to hide — as plain query parameters (?lang=zh-CN&tour=3&view=atlas-h&probe=repeated&layer=1&head=0
// &step=200&hide=settings,backend). Never the text or the model. Reading one checks every value: an unknown
// key is ignored, a value out of range is dropped (and said), so a hostile link changes nothing it should not.
import type { AtlasProbe } from '../shared/protocol'
import { isLang, type Lang } from './i18n/lang'

/** Panels a lesson may hide (their section's heading ids without "-h"). */
export const HIDEABLE = [
  'backend',
  'data',
  'settings',
  'file',
  'runs',
  'about',
  'pairs',
  'att',
  'pos',
  'emb',
  'lens',
  'resid',
  'qkv',
  'ablation',
  'patching',
  'experiment',
  'concepts',
] as const
export type Hideable = (typeof HIDEABLE)[number]
/** Views a lesson may open at: the teaching views' heading ids. */
export const VIEWS = [
  'atlas-h',
  'att-h',
  'pos-h',
  'emb-h',
  'lens-h',
  'resid-h',
  'qkv-h',
  'ablation-h',
  'patching-h',
  'experiment-h',
  'concepts-h',
  'gen-h',
  'loss-h',
] as const

export interface Lesson {
  lang?: Lang
  tour?: number // 1-based
  view?: (typeof VIEWS)[number]
  probe?: AtlasProbe
  layer?: number // 0-based
  head?: number
  step?: number
  hide?: Hideable[]
}

const MAX_TEXT = 500

/** The query string for a lesson (only the fields it has). */
export function lessonQuery(l: Lesson): string {
  const p = new URLSearchParams()
  if (l.lang) p.set('lang', l.lang)
  if (l.tour !== undefined) p.set('tour', String(l.tour))
  if (l.view) p.set('view', l.view)
  if (l.probe)
    p.set(
      'probe',
      l.probe.kind === 'text' ? `text:${l.probe.text}` : l.probe.kind === 'repeated' ? 'repeated' : 'validation',
    )
  if (l.layer !== undefined) p.set('layer', String(l.layer))
  if (l.head !== undefined) p.set('head', String(l.head))
  if (l.step !== undefined) p.set('step', String(l.step))
  if (l.hide?.length) p.set('hide', l.hide.join(','))
  return `?${p.toString()}`
}

/** A lesson from a query string, and what in it was refused (by key). */
export function readLesson(search: string): { lesson: Lesson; refused: string[] } {
  const p = new URLSearchParams(search)
  const lesson: Lesson = {}
  const refused: string[] = []
  const whole = (key: string, max: number): number | undefined => {
    const raw = p.get(key)
    if (raw === null) return undefined
    const n = raw.trim() === '' ? NaN : Number(raw)
    if (Number.isInteger(n) && n >= 0 && n <= max) return n
    refused.push(key)
    return undefined
  }
  const lang = p.get('lang')
  if (lang !== null) {
    if (isLang(lang)) lesson.lang = lang
    else refused.push('lang')
  }
  const tour = whole('tour', 14)
  if (tour !== undefined) {
    if (tour >= 1) lesson.tour = tour
    else refused.push('tour')
  }
  const view = p.get('view')
  if (view !== null) {
    if ((VIEWS as readonly string[]).includes(view)) lesson.view = view as Lesson['view']
    else refused.push('view')
  }
  const probe = p.get('probe')
  if (probe !== null) {
    if (probe === 'validation') lesson.probe = { kind: 'validation' }
    else if (probe === 'repeated') lesson.probe = { kind: 'repeated', seed: 1 }
    else if (probe.startsWith('text:') && probe.length - 5 <= MAX_TEXT)
      lesson.probe = { kind: 'text', text: probe.slice(5) }
    else refused.push('probe')
  }
  lesson.layer = whole('layer', 47) // the settings allow at most 48 layers and 64 heads
  lesson.head = whole('head', 63)
  lesson.step = whole('step', 10_000_000)
  const hide = p.get('hide')
  if (hide !== null) {
    const parts = hide.split(',').filter(Boolean)
    const known = parts.filter((x): x is Hideable => (HIDEABLE as readonly string[]).includes(x))
    if (known.length !== parts.length) refused.push('hide')
    if (known.length) lesson.hide = known
  }
  for (const k of Object.keys(lesson) as (keyof Lesson)[]) if (lesson[k] === undefined) delete lesson[k]
  return { lesson, refused }
}
