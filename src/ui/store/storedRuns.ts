// Runs kept in the browser: the one the current run is saved as, a storage problem, the stored list (and the
// records that do not read as runs), the curves the loss chart compares, and why a stored run did not reopen.
import type { StateCreator } from 'zustand'
import type { Problem } from '../../shared/config'
import type { EvalPoint, FromWorker } from '../../shared/protocol'
import type { StoredRun } from '../../storage/runStore'
import type { StoredRecordError } from '../../storage/schema'
import type { Coded } from '../../shared/problems'
import type { AppState } from '.'

/** A stored record that does not read as a run: its id, and why (a stored-record problem). */
export type UnreadableRun = { id: string; message: string } & Coded<StoredRecordError['code']>

export interface StoredRunsSlice {
  /** The stored run the current run is saved as, and the step of its last stored checkpoint. */
  saved?: { storedId: string; step: number; bytes: number; ms?: number; count?: number }
  storageProblem?: { full: boolean; reason: 'deleted' | 'full' | 'failed'; message: string }
  storedRuns: StoredRun[]
  /** Stored records that do not read as runs (damaged, or from a newer version), with why */
  unreadableRuns: UnreadableRun[]
  storageAvailable?: boolean
  /** Stored runs whose validation curves the loss chart overlays. */
  /** compared runs' validation curves; a twin's whole model carries `twin` so its name follows the language */
  compare: { id: string; name: string; evals: EvalPoint[]; twin?: { masked: boolean; step: number } }[]
  restoreProblems: Problem[] // why the last stored run could not be reopened
  runSaved(msg: Extract<FromWorker, { type: 'run.saved' }>): void
  storageFailed(msg: Extract<FromWorker, { type: 'storage.problem' }>): void
  /** The list read from storage; undefined where there is no storage. */
  runsListed(list?: { runs: StoredRun[]; unreadable: UnreadableRun[] }): void
  /** A run's curve on the loss chart: ticked at once, its points when storage gives them. */
  compareAdded(run: StoredRun): void
  compareLoaded(id: string, evals: EvalPoint[]): void
  compareRemoved(id: string): void
  setRestoreProblems(problems: Problem[]): void
}

export const storedRunsSlice: StateCreator<AppState, [], [], StoredRunsSlice> = (set) => ({
  storedRuns: [],
  unreadableRuns: [],
  compare: [],
  restoreProblems: [],
  runSaved: (msg) =>
    set((s) => ({
      saved: {
        storedId: msg.storedId,
        step: msg.step,
        bytes: msg.bytes,
        ms: msg.ms,
        count: (s.saved?.storedId === msg.storedId ? (s.saved.count ?? 0) : 0) + 1,
      },
      storageProblem: undefined,
    })),
  storageFailed: (msg) => set({ storageProblem: { full: msg.full, reason: msg.reason, message: msg.message } }),
  runsListed: (list) =>
    set(
      list
        ? { storedRuns: list.runs, storageAvailable: true, unreadableRuns: list.unreadable }
        : { storedRuns: [], storageAvailable: false },
    ),
  compareAdded: (run) => set((s) => ({ compare: [...s.compare, { id: run.id, name: run.name, evals: [] }] })),
  compareLoaded: (id, evals) => set((s) => ({ compare: s.compare.map((c) => (c.id === id ? { ...c, evals } : c)) })),
  compareRemoved: (id) => set((s) => ({ compare: s.compare.filter((c) => c.id !== id) })),
  setRestoreProblems: (restoreProblems) => set({ restoreProblems }),
})
