// Model files: where the current run's weights came from (to fine-tune them again), opening a file, and an
// export in progress or its failure.
import type { StateCreator } from 'zustand'
import type { Problem } from '../../shared/config'
import type { AppState } from '.'

/** Opening a model file, or the last export's failure. */
export type ImportStatus =
  | { kind: 'loading'; fileName: string }
  | { kind: 'done'; fileName: string; step?: number; added: string[] }
  | { kind: 'error'; problems: Problem[] }

/** Where the current run's weights came from, to fine-tune them again when the text or settings change. */
export type FineTuneSource =
  { kind: 'file'; name: string; bytes: ArrayBuffer } | { kind: 'run'; storedId: string; name: string }

/**
 * A trained model of the gallery (client/galleryModels.ts) chosen to start from: being fetched, or fetched
 * (then opened as a model file), or not fetched (why, in the browser's words); and what Start does with it —
 * fine-tune its weights, or train a fresh model of its size from scratch.
 */
export interface GalleryChoice {
  id: string
  status: 'loading' | 'fetched' | 'error'
  start: 'trained' | 'scratch'
  detail?: string
}

export interface FilesSlice {
  gallery?: GalleryChoice
  galleryLoading(id: string): void
  galleryFetched(id: string): void
  galleryFailed(id: string, detail: string): void
  /** Start fine-tunes the trained model, or trains a fresh one of its size. */
  galleryStart(start: GalleryChoice['start']): void
  fineTuneSource?: FineTuneSource
  /** New characters of the text may join the vocabulary of an opened or fine-tuned model. */
  extendVocab: boolean
  importStatus?: ImportStatus
  exportRequestId?: string // a run.export sent, not yet answered
  setExtendVocab(on: boolean): void
  importLoading(fileName: string): void
  /** A file or an export failed, or an opened model was refused: why. */
  fileProblems(problems: Problem[]): void
  /** A model file read: its weights start the runs that follow, with new characters or not. */
  fileRead(name: string, bytes: ArrayBuffer, extendVocab: boolean): void
  /** A stored run's weights start the runs that follow. */
  storedRunChosen(storedId: string, name: string): void
  exportStarted(requestId: string): void
  exportEnded(problems?: Problem[]): void
}

export const filesSlice: StateCreator<AppState, [], [], FilesSlice> = (set) => ({
  galleryLoading: (id) => set({ gallery: { id, status: 'loading', start: 'trained' }, importStatus: undefined }),
  galleryFetched: (id) => set((s) => (s.gallery?.id === id ? { gallery: { ...s.gallery, status: 'fetched' } } : {})),
  galleryFailed: (id, detail) =>
    set((s) => (s.gallery?.id === id ? { gallery: { ...s.gallery, status: 'error', detail } } : {})),
  galleryStart: (start) => set((s) => (s.gallery ? { gallery: { ...s.gallery, start } } : {})),
  extendVocab: false,
  setExtendVocab: (extendVocab) => set({ extendVocab }),
  importLoading: (fileName) => set({ importStatus: { kind: 'loading', fileName } }),
  fileProblems: (problems) => set({ importStatus: { kind: 'error', problems } }),
  fileRead: (name, bytes, extendVocab) => set({ fineTuneSource: { kind: 'file', name, bytes }, extendVocab }),
  storedRunChosen: (storedId, name) =>
    set({ fineTuneSource: { kind: 'run', storedId, name }, importStatus: undefined, restoreProblems: [] }),
  exportStarted: (exportRequestId) => set({ exportRequestId }),
  exportEnded: (problems) =>
    set({ exportRequestId: undefined, ...(problems && { importStatus: { kind: 'error', problems } }) }),
})
