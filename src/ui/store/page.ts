// The page itself: its language, its theme, the heatmaps' colours and scale, the guided tour's step, and what a
// lesson link hides or could not use.
import type { StateCreator } from 'zustand'
import type { SequentialMap } from '../colourMaps'
import { initialLang, type Lang } from '../i18n/lang'
import type { Hideable } from '../lessonLink'
import type { AppState } from '.'
import { PREDICTIONS_KEY, readAnswers, type Answer } from '../lesson/answers'

/** 'system' follows prefers-color-scheme; light or dark is the learner's choice, kept in the browser. */
export type Theme = 'system' | 'light' | 'dark'
export const THEME_KEY = 'gpt-playground:theme'

export interface PageSlice {
  theme: Theme
  /** The colour scheme in effect (the system's when theme is 'system'): canvases redraw when it changes. */
  scheme: 'light' | 'dark'
  /** Heatmaps: viridis, or cividis for colour-vision deficiency; attention on a linear or square-root scale. */
  colourMap: SequentialMap
  attentionScale: 'linear' | 'sqrt'
  lang: Lang
  /** The guided tour's step (0-based), or undefined when no tour is running */
  tourStep?: number
  /** Panels a lesson link hides, and the link's parameters that could not be used */
  hidden: Hideable[]
  lessonRefused: string[]
  /** "Predict, then see": the learner's answer to each concept card's question (lesson/predict.ts), kept in the browser */
  predictions: Record<string, Answer>
  setColourMap(map: SequentialMap): void
  setAttentionScale(scale: 'linear' | 'sqrt'): void
  setTourStep(step: number | undefined): void
  setTheme(theme: Theme): void
  setScheme(scheme: 'light' | 'dark'): void
  /** Keep (or, with undefined, forget) the answer to a card's question. */
  setPrediction(id: string, answer: Answer | undefined): void
}

function initialTheme(): Theme {
  try {
    const kept = typeof localStorage !== 'undefined' ? localStorage.getItem(THEME_KEY) : null
    return kept === 'light' || kept === 'dark' ? kept : 'system'
  } catch {
    return 'system' // storage blocked
  }
}

function initialPredictions(): Record<string, Answer> {
  try {
    return readAnswers(typeof localStorage !== 'undefined' ? localStorage.getItem(PREDICTIONS_KEY) : null)
  } catch {
    return {} // storage blocked
  }
}

function systemScheme(): 'light' | 'dark' {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function initialColourMap(): SequentialMap {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem('gpt-playground:colours') === 'cividis'
      ? 'cividis'
      : 'viridis'
  } catch {
    return 'viridis' // storage blocked
  }
}

export const pageSlice: StateCreator<AppState, [], [], PageSlice> = (set, get) => ({
  theme: initialTheme(),
  scheme: initialTheme() === 'system' ? systemScheme() : (initialTheme() as 'light' | 'dark'),
  colourMap: initialColourMap(),
  attentionScale: 'linear',
  lang: initialLang(),
  hidden: [],
  lessonRefused: [],
  predictions: initialPredictions(),
  setColourMap: (colourMap) => set({ colourMap }),
  setAttentionScale: (attentionScale) => set({ attentionScale }),
  setTourStep: (tourStep) => set({ tourStep }),
  setTheme: (theme) => {
    try {
      if (theme === 'system') localStorage.removeItem(THEME_KEY)
      else localStorage.setItem(THEME_KEY, theme)
    } catch {
      // storage blocked: the choice lasts this visit
    }
    set({ theme, scheme: theme === 'system' ? systemScheme() : theme })
  },
  setScheme: (scheme) => set({ scheme }),
  setPrediction: (id, answer) => {
    const { [id]: _old, ...rest } = get().predictions
    const predictions = answer ? { ...rest, [id]: answer } : rest
    try {
      localStorage.setItem(PREDICTIONS_KEY, JSON.stringify(predictions))
    } catch {
      // storage blocked: the answers last this visit
    }
    set({ predictions })
  },
})
