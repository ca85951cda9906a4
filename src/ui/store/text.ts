// The training text: which dataset it is, the text and its version, what the page says about it, a long text
// being measured in the worker, a text too long to take whole, and pair mode.
import type { StateCreator } from 'zustand'
import type { SyntheticData } from '../../shared/protocol'
import { defaultText, DEFAULT_DATASET } from '../datasets'
import type { AppState } from '.'

export type TextNotice = { kind: 'error' | 'info'; message: string }

/** A text over MAX_TEXT_CHARS, or a file over MAX_UPLOAD_BYTES: its start is offered, never taken unasked */
export interface TextOffer {
  what: 'text' | 'file'
  name: string
  size: string
  limit: string
  take: () => void
}

export interface TextSlice {
  datasetId: string // 'names' | 'moby' | 'custom'
  /** The learner (or a link, or a reopened run) chose the text: the page's language no longer picks the dataset. */
  datasetChosen: boolean
  text: string
  textVersion: number // bumps on every change of text, so a run knows which text it was built from
  textNotice?: TextNotice
  /** A long text being measured in the worker before the page takes it (client/text.ts offerText) */
  textLoading?: { requestId: string; done: number; total: number }
  textOffer?: TextOffer
  /** Pair mode: the text is prompt → completion pairs, and the loss counts completions only. */
  pairMode: boolean
  /** The text is a sample of generated sequences, and a run trains on fresh batches of them (the induction experiment). */
  synthetic?: SyntheticData
  /**
   * A new text: a new version; `pairs` sets pair mode to what the text is. A chosen text unless `byDefault`
   * (the language's default dataset, ui/defaultDataset.ts).
   */
  takeText(
    text: string,
    datasetId: string,
    o?: { notice?: TextNotice; pairs?: boolean; byDefault?: boolean; synthetic?: SyntheticData },
  ): void
  setDatasetId(id: string): void
  /** The text is fixed as it is (a run or a model file is being opened on it): the language no longer picks it. */
  keepText(): void
  setTextNotice(notice: TextNotice | undefined): void
  setTextOffer(offer: TextOffer | undefined): void
  setTextLoading(loading: TextSlice['textLoading']): void
  /** Pair mode changes what the text means: a model built on it is one of a new text. */
  setPairMode(on: boolean): void
}

export const textSlice: StateCreator<AppState, [], [], TextSlice> = (set) => ({
  datasetId: DEFAULT_DATASET.id,
  datasetChosen: false,
  text: defaultText,
  textVersion: 1,
  pairMode: false,
  takeText: (text, datasetId, o = {}) =>
    set((s) => ({
      text,
      datasetId,
      datasetChosen: s.datasetChosen || !o.byDefault,
      textVersion: s.textVersion + 1,
      textNotice: o.notice,
      textLoading: undefined,
      synthetic: o.synthetic, // only the generator's sample is one
      ...(o.pairs !== undefined && s.pairMode !== o.pairs && { pairMode: o.pairs }),
    })),
  setDatasetId: (datasetId) => set({ datasetId, datasetChosen: true }),
  keepText: () => set({ datasetChosen: true }),
  setTextNotice: (textNotice) => set({ textNotice }),
  setTextOffer: (textOffer) => set({ textOffer }),
  setTextLoading: (textLoading) => set({ textLoading }),
  setPairMode: (on) => set((s) => (s.pairMode === on ? {} : { pairMode: on, textVersion: s.textVersion + 1 })),
})
