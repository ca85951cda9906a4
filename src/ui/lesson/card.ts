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

/** A card's look-for and try-this on one built-in dataset, where the general ones do not hold there or teach less. */
export interface DatasetText {
  en: Partial<Pick<ConceptText, 'lookFor' | 'tryThis'>>
  zh: Partial<Pick<ConceptText, 'lookFor' | 'tryThis'>>
}

export interface Concept {
  id: string
  /** the id of the section that shows it (the card's "show me" opens and scrolls to it) */
  view: string
  en: ConceptText
  zh: ConceptText
  /** a sentence with the model's number now, or undefined when there is nothing to measure yet */
  live: (s: LessonState, lang: Lang) => string | undefined
  /**
   * By dataset id (datasets.ts): what to look for and try there instead, each measured (lookFor.test.ts holds the
   * numbers they quote).
   */
  forDataset?: Readonly<Record<string, DatasetText>>
}

/** The card's text in a language, with the look-for and try-this of the chosen dataset where it has its own. */
export function cardText(c: Concept, lang: Lang, datasetId: string | undefined): ConceptText {
  const base = lang === 'zh-CN' ? c.zh : c.en
  const own = datasetId ? c.forDataset?.[datasetId] : undefined
  return own ? { ...base, ...(lang === 'zh-CN' ? own.zh : own.en) } : base
}

export const pct = (x: number) => `${Math.round(100 * x)}%`
export const say = (lang: Lang, en: string, zh: string) => (lang === 'zh-CN' ? zh : en)
