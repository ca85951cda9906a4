// What a concept card is (lesson/concepts.ts holds the cards of the model, lesson/conceptsTraining.ts those of
// training, decoding and evaluation), and the two small helpers their live sentences share.
import type { LessonState } from '../store'
import type { Lang } from '../i18n/lang'

export interface ConceptText {
  title: string
  intuition: string
  formula: string
  lookFor: string
  tryThis: string
  caveat: string
  /** where the founding tutorial is wrong about this concept: what it claims and what is true (lesson/errata.ts) */
  erratum?: string
}

export interface Concept {
  id: string
  /** the id of the section that shows it (the card's "show me" opens and scrolls to it) */
  view: string
  en: ConceptText
  zh: ConceptText
  /** a sentence with the model's number now, or undefined when there is nothing to measure yet */
  live: (s: LessonState, lang: Lang) => string | undefined
}

export const pct = (x: number) => `${Math.round(100 * x)}%`
export const say = (lang: Lang, en: string, zh: string) => (lang === 'zh-CN' ? zh : en)
