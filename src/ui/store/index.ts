// One zustand store, built from slices by concern, each a file with its state and its actions: the text,
// the settings, the tokenizer, the engine (the worker's handshake and failures), the run and its metrics,
// model files, stored runs, generation, the teaching views and the page itself. The client (ui/client) turns
// the worker's messages into actions; components select narrowly and call actions, never setState.
import { create } from 'zustand'
import { engineSlice, type EngineSlice } from './engine'
import { filesSlice, type FilesSlice } from './files'
import { generationSlice, type GenerationSlice } from './generation'
import { pageSlice, type PageSlice } from './page'
import { runSlice, type RunSlice } from './run'
import { settingsSlice, type SettingsSlice } from './settings'
import { storedRunsSlice, type StoredRunsSlice } from './storedRuns'
import { textSlice, type TextSlice } from './text'
import { tokenizerSlice, type TokenizerSlice } from './tokenizer'
import { viewsSlice, type ViewsSlice } from './views'

export type AppState = TextSlice &
  SettingsSlice &
  TokenizerSlice &
  EngineSlice &
  RunSlice &
  FilesSlice &
  StoredRunsSlice &
  GenerationSlice &
  ViewsSlice &
  PageSlice

export const useStore = create<AppState>()((...a) => ({
  ...textSlice(...a),
  ...settingsSlice(...a),
  ...tokenizerSlice(...a),
  ...engineSlice(...a),
  ...runSlice(...a),
  ...filesSlice(...a),
  ...storedRunsSlice(...a),
  ...generationSlice(...a),
  ...viewsSlice(...a),
  ...pageSlice(...a),
}))

/** What the concept cards' live numbers and the tour's tasks read (lesson/), selected as one shallow object. */
const LESSON_FIELDS = [
  'run',
  'points',
  'evals',
  'atlasOpen',
  'atlasSnapshots',
  'atlasMarker',
  'viewStep',
  'embeddingOpen',
  'embedding',
  'positionsOpen',
  'positions',
  'qkv',
  'lens',
  'ablation',
  'patching',
  'sampleTokens',
  'sampleBeams',
  'pairEval',
  'compare',
  'bpe',
  'tokenizerChoice',
] as const satisfies readonly (keyof AppState)[]

export type LessonState = Pick<AppState, (typeof LESSON_FIELDS)[number]>

/** The lesson's part of the state: use with useShallow, so a card re-renders only when one of these changes. */
export function lessonState(s: AppState): LessonState {
  return Object.fromEntries(LESSON_FIELDS.map((k) => [k, s[k]])) as LessonState
}

export { DEFAULT_PRESET, settingsKey } from './settings'
export { tokenizerKey } from './tokenizer'
export { hasTrainedModel, isStepping, isTraining, runMatchesSettings } from './run'
export { keepSnapshot, MAX_SNAPSHOTS } from './views'
export { engineStoppedProblem, type StopReason } from './engine'
export type { TextNotice, TextOffer } from './text'
export type { BuiltFrom, Divergence, PairRow, RunInfoView } from './run'
export type { FineTuneSource, GalleryChoice, ImportStatus } from './files'
export type { SampleToken, ScoreView, WatchedPrompt } from './generation'
export type { AttentionChoice, AttentionView, EmbeddingView, LensView, PositionsView } from './views'
