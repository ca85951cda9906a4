// Text summaries of one attention head, for screen readers and for anyone who prefers words to a heatmap
// (TEACHING-VIEWS §4): its dominant pattern when one is clear (the same badge and threshold as the atlas),
// its strongest link, and how focused it is — in English or Simplified Chinese. Plus the "view as table"
// rows: each query's top keys. Pure functions over an atlas snapshot's bytes; no DOM.
import { badgeOf, headScores, weightAt, type Badge } from '../analysis/heads'
import { visibleText } from '../text/text'

import type { Lang } from './i18n/lang'

export interface HeadView {
  weights: Uint8Array
  T: number
  full?: boolean
  period?: number
  tokens: string[]
  heads: number // per layer
}

/** Mean row entropy in bits below this is "sharp"; above SPREAD_BITS, "spread". */
const SHARP_BITS = 1
const SPREAD_BITS = 2.5

const PATTERN: Record<Lang, Record<Badge, (score: string) => string>> = {
  en: {
    'previous-token': (s) => `mostly looks at the previous token (average ${s})`,
    self: (s) => `mostly looks at the token itself (average ${s})`,
    'first-token': (s) => `mostly looks at the first token (average ${s})`,
    induction: (s) =>
      `works as an induction head: it looks at the token after the earlier copy of the current one (average ${s})`,
    diffuse: () => 'spreads its attention evenly over the context',
    unclear: () => 'shows no single clear pattern',
  },
  'zh-CN': {
    'previous-token': (s) => `主要关注前一个词元（平均 ${s}）`,
    self: (s) => `主要关注词元自身（平均 ${s}）`,
    'first-token': (s) => `主要关注第一个词元（平均 ${s}）`,
    induction: (s) => `是一个归纳头：关注当前词元上一次出现之后的那个词元（平均 ${s}）`,
    diffuse: () => '把注意力均匀地分散在上下文中',
    unclear: () => '没有单一明确的模式',
  },
}

/** Every (query, key) weight of head k, the strongest one (queries after the first: row 0 is always 1 on itself). */
function strongest(v: HeadView, k: number): { i: number; j: number; w: number } {
  let best = { i: 0, j: 0, w: -1 }
  for (let i = v.T > 1 ? 1 : 0; i < v.T; i++)
    for (let j = 0; j < (v.full ? v.T : i + 1); j++) {
      const w = weightAt(v, k, i, j)
      if (w > best.w) best = { i, j, w }
    }
  return best
}

/**
 * One head in words: "Layer 1 Head 0: mostly looks at the previous token (average 0.71). Strongest link: …".
 * `base`: the number of the first layer and head as the view shows them (every view counts from 0).
 */
export function headSummary(
  v: HeadView,
  k: number,
  lang: Lang,
  base = 0,
  names?: { layer: number; head: number },
): string {
  const layer = (names?.layer ?? Math.floor(k / v.heads)) + base
  const head = (names?.head ?? k % v.heads) + base
  const scores = headScores((i, j) => weightAt(v, k, i, j), v.T, v.period)
  const { badge, score } = badgeOf(scores, v.T)
  const fmt = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const bits = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    scores.entropy,
  )
  const pattern = PATTERN[lang][badge](fmt.format(score))
  const s = strongest(v, k)
  const q = visibleText(v.tokens[s.i] ?? '')
  const key = visibleText(v.tokens[s.j] ?? '')
  const focus = scores.entropy < SHARP_BITS ? 'sharp' : scores.entropy > SPREAD_BITS ? 'spread' : 'moderate'
  if (lang === 'zh-CN') {
    const f = { sharp: '注意力集中', moderate: '注意力较集中', spread: '注意力分散' }[focus]
    return `第 ${layer} 层第 ${head} 头：${pattern}。最强连接：位置 ${s.i} 的‘${q}’关注位置 ${s.j} 的‘${key}’，${fmt.format(s.w)}。${f}（熵 ${bits} 比特）。`
  }
  return `Layer ${layer} Head ${head}: ${pattern}. Strongest link: ‘${q}’ (position ${s.i}) looks at ‘${key}’ (position ${s.j}), ${fmt.format(s.w)}. Focus: ${focus} (entropy ${bits} bits).`
}

/** The "view as table" rows: for each query, its `top` strongest keys with their weights, strongest first. */
export function topKeys(v: HeadView, k: number, top = 3): { query: number; keys: { key: number; weight: number }[] }[] {
  return Array.from({ length: v.T }, (_, i) => {
    const n = v.full ? v.T : i + 1
    const keys = Array.from({ length: n }, (_, j) => ({ key: j, weight: weightAt(v, k, i, j) }))
    keys.sort((a, b) => b.weight - a.weight || a.key - b.key)
    return { query: i, keys: keys.slice(0, top) }
  })
}
