// What the user chose for the next run: a preset or fields of their own, and the backend. A shared link's
// settings that could not be used are said here too.
import type { StateCreator } from 'zustand'
import { getPreset, PRESETS, type ModelSettings, type Problem, type TrainConfig } from '../../shared/config'
import type { BackendChoice } from '../../shared/protocol'
import type { AppState } from '.'

export const DEFAULT_PRESET = 'tiny'

/** run.estimate's answer for the settings, text and backend `key` names (client/run.ts, estimateKey). */
export type TimeEstimate =
  | { key: string; state: 'measuring' }
  | { key: string; state: 'done'; totalMs: number; stepMs: number }
  | { key: string; state: 'failed'; problems: Problem[] }

export interface SettingsSlice {
  /** The last time estimate asked for (shown while its key is the current one). */
  timeEstimate?: TimeEstimate
  setTimeEstimate(e: TimeEstimate | undefined): void
  presetId: string // a preset id, or 'custom' once a field is edited
  model: ModelSettings
  train: TrainConfig
  backendChoice: BackendChoice
  linkProblems: Problem[] // why the settings of the link the page was opened with could not be used
  applyPreset(id: string): void
  /** A whole configuration at once (a trained model's recipe): its preset's id if it is one, else custom. */
  takeSettings(settings: { model: ModelSettings; train: TrainConfig }): void
  editModel<K extends keyof ModelSettings>(key: K, value: ModelSettings[K]): void
  editTrain<K extends keyof TrainConfig>(key: K, value: TrainConfig[K]): void
  /** New training settings of the page's own (a lower learning rate after a divergence): they replace the run. */
  restartAt(train: TrainConfig): void
  setBackend(choice: BackendChoice): void
}

function initialBackend(): BackendChoice {
  const q = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('backend') : null
  return q === 'webgpu' || q === 'webgl' || q === 'wasm' || q === 'cpu' || q === 'auto' ? q : 'auto'
}

export const settingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => {
  const preset = getPreset(DEFAULT_PRESET)
  return {
    presetId: preset.id,
    model: { ...preset.model },
    train: { ...preset.train },
    backendChoice: initialBackend(),
    linkProblems: [],
    timeEstimate: undefined,
    setTimeEstimate: (timeEstimate) => set({ timeEstimate }),
    applyPreset: (id) => {
      const p = getPreset(id)
      set({ presetId: id, model: { ...p.model }, train: { ...p.train } })
    },
    takeSettings: ({ model, train }) => {
      const key = settingsKey(model, train)
      const preset = PRESETS.find((p) => settingsKey(p.model, p.train) === key)
      set({ presetId: preset?.id ?? 'custom', model: { ...model }, train: { ...train } })
    },
    editModel: (key, value) =>
      set((s) => {
        const model = { ...s.model, [key]: value }
        // a switch back to its default is the default (no key), as presets and runs write it
        if ((key === 'mlp' || key === 'tiedHead') && value === true) delete model[key]
        return { presetId: 'custom', model }
      }),
    editTrain: (key, value) => set((s) => ({ presetId: 'custom', train: { ...s.train, [key]: value } })),
    restartAt: (train) => set({ train, presetId: 'custom', divergence: undefined }),
    setBackend: (backendChoice) => set({ backendChoice }),
  }
}

export function settingsKey(model: ModelSettings, train: TrainConfig): string {
  return JSON.stringify([model, train])
}
