// The training engine as the page sees it: the backend handshake, a message that could not be read, a lost GPU
// device, and a worker that stopped (crashed, fell silent, failed to start) with what Restart will resume.
import type { StateCreator } from 'zustand'
import type { Problem } from '../../shared/config'
import type { BackendReport } from '../../shared/protocol'
import type { AppState } from '.'

export type StopReason = 'crashed' | 'silent' | 'failed-to-start'

export interface EngineSlice {
  report?: BackendReport
  workerError?: string // a message from the worker could not be read
  /** The GPU device was lost: the engine restarted (on another backend after two losses in a minute) */
  deviceLoss?: { backend: string; message: string; step?: number; fallback?: string }
  /** The worker crashed, was killed or fell silent: the page says so and offers Restart (client/engine.ts). */
  engineStopped?: {
    why: StopReason
    detail: string
    storedId?: string
    step?: number
    name?: string
    wasTraining: boolean
  }
  /** A new worker: nothing of the old one's run or handshake stays. */
  engineStarting(): void
  engineReady(report: BackendReport): void
  /** The worker is gone: the run's last checkpoint is what Restart resumes (pending requests are answered apart). */
  engineGone(why: StopReason, detail: string): void
  deviceLost(loss: NonNullable<EngineSlice['deviceLoss']>): void
  dismissDeviceLoss(): void
  setWorkerError(message: string): void
}

/** What a request still waiting is answered with when the engine stops. */
export function engineStoppedProblem(field: Problem['field']): Problem {
  return { field, code: 'engine-stopped', message: 'The training engine stopped before answering.' }
}

export const engineSlice: StateCreator<AppState, [], [], EngineSlice> = (set) => ({
  engineStarting: () =>
    set({
      textLoading: undefined,
      report: undefined,
      workerError: undefined,
      engineStopped: undefined,
      run: undefined,
      runState: undefined,
      pendingRunId: undefined,
      points: [],
      evals: [],
      memory: undefined,
      attention: undefined,
      sampleStatus: 'idle',
    }),
  engineReady: (report) => set({ report }),
  engineGone: (why, detail) =>
    set((s) => ({
      engineStopped: {
        why,
        detail,
        storedId: s.saved?.storedId,
        step: s.saved?.step,
        name: s.saved ? s.storedRuns.find((r) => r.id === s.saved!.storedId)?.name : undefined,
        wasTraining: s.runState === 'training',
      },
      report: undefined,
      runState: undefined,
      pendingRunId: undefined,
      sampleRequestId: undefined,
      textLoading: undefined, // the current text stays
    })),
  deviceLost: (deviceLoss) => set({ deviceLoss }),
  dismissDeviceLoss: () => set({ deviceLoss: undefined }),
  setWorkerError: (workerError) => set({ workerError }),
})
