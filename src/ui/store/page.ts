// The page itself: its language, the heatmaps' colours and scale, the guided tour's step, and what a lesson
// link hides or could not use.
import type { StateCreator } from 'zustand'
import type { SequentialMap } from '../colourMaps'
import { initialLang, type Lang } from '../i18n/lang'
import type { Hideable } from '../lessonLink'
import type { AppState } from '.'

export interface PageSlice {
  /** Heatmaps: viridis, or cividis for colour-vision deficiency; attention on a linear or square-root scale. */
  colourMap: SequentialMap
  attentionScale: 'linear' | 'sqrt'
  lang: Lang
  /** The guided tour's step (0-based), or undefined when no tour is running */
  tourStep?: number
  /** Panels a lesson link hides, and the link's parameters that could not be used */
  hidden: Hideable[]
  lessonRefused: string[]
  setColourMap(map: SequentialMap): void
  setAttentionScale(scale: 'linear' | 'sqrt'): void
  setTourStep(step: number | undefined): void
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

export const pageSlice: StateCreator<AppState, [], [], PageSlice> = (set) => ({
  colourMap: initialColourMap(),
  attentionScale: 'linear',
  lang: initialLang(),
  hidden: [],
  lessonRefused: [],
  setColourMap: (colourMap) => set({ colourMap }),
  setAttentionScale: (attentionScale) => set({ attentionScale }),
  setTourStep: (tourStep) => set({ tourStep }),
})
