// The teaching views: which are open and on what (probe, layer, head, the step they show), and what the worker
// last sent for each — attention, the atlas's snapshots, the embedding map, positions, Q/K/V, the lens.
import type { StateCreator } from 'zustand'
import type { Problem } from '../../shared/config'
import { alignTo } from '../../analysis/pca'
import { phaseChange, type PhaseChange } from '../../analysis/heads'
import type { AtlasProbe, AtlasSnapshot, EmbeddingMap, FromWorker, LensResult, QkvData } from '../../shared/protocol'
import type { AppState } from '.'

export interface AttentionView {
  step: number
  layer: number
  head: number
  tokens: string[]
  weights: Float32Array
}

export interface PositionsView {
  step: number
  kind: 'learned' | 'sinusoidal' | 'none'
  T: number
  C: number
  table: Float32Array
}

/** The embedding map at one step, aligned with the previous frame. */
export type EmbeddingView = EmbeddingMap

/** The next-token lens at one probe position, for the request that asked. */
export type LensView = { requestId: string } & LensResult

/** Head ablation's last measurement: the intact loss and each head's loss without it (layer-major). */
export type AblationView = Omit<Msg<'ablation.result'>, 'type' | 'runId'>

/** Activation patching's last measurement. */
export type PatchingView = Omit<Msg<'patching.result'>, 'type' | 'runId'>

/**
 * `view` if it was measured on a model of the current run's layers and heads (a reply to the previous run can land
 * after the next one began), else undefined.
 */
export function ofModel<V extends { nLayer: number; nHead: number }>(
  view: V | undefined,
  run: { model: { nLayer: number; nHead: number } } | undefined,
): V | undefined {
  return view && run && view.nLayer === run.model.nLayer && view.nHead === run.model.nHead ? view : undefined
}

export type AttentionChoice = Partial<{ layer: number; head: number; probeSource: 'validation' | 'prompt' }>
type Msg<K extends FromWorker['type']> = Extract<FromWorker, { type: K }>

export interface ViewsSlice {
  qkv?: QkvData & { step: number; requestId: string }
  lens?: LensView
  ablation?: AblationView
  /** Heads switched off for generation ([layer, head]), chosen in the head-ablation view. */
  offHeads: [number, number][]
  toggleOffHead(layer: number, head: number): void
  clearOffHeads(): void
  ablationArrived(msg: Msg<'ablation.result'>): void
  patching?: PatchingView
  patchingProblems: Problem[]
  patchingArrived(msg: Msg<'patching.result'>): void
  setPatchingProblems(problems: Problem[]): void
  embeddingOpen: boolean
  embedding?: EmbeddingView
  neighbours?: { id: number; list: { id: number; cos: number }[] }
  /** The attention atlas is open, on this probe; its snapshots (one per evaluation, thinned when many). */
  atlasOpen: boolean
  atlasProbe: AtlasProbe
  atlasSnapshots: AtlasSnapshot[]
  /**
   * The phase-change marker, found as the snapshots arrive (on every snapshot so far, before the buffer is
   * thinned) and kept: thinning halves the snapshots' spacing, which would move a marker found on them again.
   */
  atlasMarker?: PhaseChange
  /** The step every teaching view shows: the newest snapshot ('live'), or a chosen one. */
  viewStep: number | 'live'
  /** The positional-encoding view is open: the worker sends the encoding now and after each evaluation. */
  positionsOpen: boolean
  positions?: PositionsView
  layer: number
  head: number
  probeSource: 'validation' | 'prompt'
  attention?: AttentionView
  attentionProblems: Problem[]
  setViewStep(step: number | 'live'): void
  /** Which attention map to show (the client tells the worker). */
  chooseAttention(choice: AttentionChoice): void
  /** The atlas opened or closed, or on a new probe (which starts a new history). */
  atlasWatched(open: boolean, probe: AtlasProbe): void
  setEmbeddingOpen(on: boolean): void
  setPositionsOpen(on: boolean): void
  atlasArrived(msg: Msg<'atlas'>): void
  embeddingArrived(msg: Msg<'embedding'>): void
  neighboursArrived(msg: Msg<'embedding.neighbours.result'>): void
  positionsArrived(msg: Msg<'positions'>): void
  attentionArrived(msg: Msg<'attention'>): void
  qkvArrived(msg: Msg<'qkv.result'>): void
  lensArrived(msg: Msg<'lens.result'>): void
  /** What each block adds to the residual stream, last measured (the residual view). */
  residual?: Omit<Msg<'residual.result'>, 'type' | 'runId' | 'requestId'>
  residualArrived(msg: Msg<'residual.result'>): void
  setAttentionProblems(problems: Problem[]): void
}

export const viewsSlice: StateCreator<AppState, [], [], ViewsSlice> = (set) => ({
  embeddingOpen: false,
  atlasOpen: false,
  atlasProbe: { kind: 'validation' },
  atlasSnapshots: [],
  viewStep: 'live',
  positionsOpen: false,
  layer: 0,
  head: 0,
  probeSource: 'validation',
  attentionProblems: [],
  offHeads: [],
  toggleOffHead: (layer, head) =>
    set((s) => ({
      offHeads: s.offHeads.some(([l, h]) => l === layer && h === head)
        ? s.offHeads.filter(([l, h]) => !(l === layer && h === head))
        : [...s.offHeads, [layer, head] as [number, number]].sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    })),
  clearOffHeads: () => set({ offHeads: [] }),
  patchingProblems: [],
  patchingArrived: ({ type: _t, runId: _r, ...patching }) => set({ patching, patchingProblems: [] }),
  setPatchingProblems: (patchingProblems) => set({ patchingProblems }),
  ablationArrived: ({ type: _t, runId: _r, ...ablation }) => set({ ablation }),
  setViewStep: (viewStep) => set({ viewStep }),
  chooseAttention: (choice) => set(choice),
  atlasWatched: (open, probe) =>
    set((s) => ({
      atlasOpen: open,
      atlasProbe: probe,
      ...(JSON.stringify(probe) !== JSON.stringify(s.atlasProbe) && {
        atlasSnapshots: [],
        atlasMarker: undefined,
        viewStep: 'live' as const,
      }),
    })),
  setEmbeddingOpen: (embeddingOpen) => set({ embeddingOpen }),
  setPositionsOpen: (positionsOpen) => set({ positionsOpen }),
  atlasArrived: ({ type: _t, runId: _r, ...snap }) =>
    set((s) => {
      const all = s.atlasSnapshots
        .filter((x) => x.step !== snap.step)
        .concat(snap)
        .sort((a, b) => a.step - b.step)
      return {
        atlasSnapshots: keepSnapshot(s.atlasSnapshots, snap),
        atlasMarker: s.atlasMarker ?? inductionMarker(all),
      }
    }),
  embeddingArrived: ({ type: _t, runId: _r, ...next }) =>
    set((s) => {
      const aligned = alignTo(
        s.embedding && s.embedding.C === next.C ? { components: Float64Array.from(s.embedding.components) } : undefined,
        { components: Float64Array.from(next.components), coords: next.coords, explained: next.explained },
        next.C,
      )
      return { embedding: { ...next, coords: aligned.coords, components: Float32Array.from(aligned.components) } }
    }),
  neighboursArrived: (msg) => set({ neighbours: { id: msg.id, list: msg.neighbours } }),
  positionsArrived: (msg) =>
    set({ positions: { step: msg.step, kind: msg.kind, T: msg.T, C: msg.C, table: msg.table } }),
  attentionArrived: (msg) =>
    set({
      attention: { step: msg.step, layer: msg.layer, head: msg.head, tokens: msg.tokens, weights: msg.weights },
      attentionProblems: [],
    }),
  qkvArrived: ({ type: _t, runId: _r, ...qkv }) => set({ qkv }),
  lensArrived: ({ type: _t, runId: _r, ...lens }) => set({ lens }),
  residualArrived: ({ type: _t, runId: _r, requestId: _q, ...residual }) => set({ residual }),
  setAttentionProblems: (attentionProblems) => set({ attentionProblems }),
})

/**
 * The phase-change marker over the atlas snapshots, when they are of the repeated probe (the only one with
 * induction scores); the loss it reads is a generated run's loss on the repeated tokens, else the validation loss.
 */
export function inductionMarker(snapshots: AtlasSnapshot[]): PhaseChange | undefined {
  if (!snapshots.length || !snapshots[0].period) return undefined
  return phaseChange(
    snapshots.map((s) => ({
      step: s.step,
      valLoss: s.repLoss ?? s.valLoss,
      induction: Array.from({ length: s.layers * s.heads }, (_, k) => s.scores[k * 5 + 3]),
    })),
  )
}

/** At most this many atlas snapshots are kept; when full, every other older one goes (dense early, sparse late). */
export const MAX_SNAPSHOTS = 40

/** Adds a snapshot (replacing one of the same step), thinning the buffer when it is full. */
export function keepSnapshot(list: AtlasSnapshot[], snap: AtlasSnapshot): AtlasSnapshot[] {
  let out = list
    .filter((s) => s.step !== snap.step)
    .concat(snap)
    .sort((a, b) => a.step - b.step)
  if (out.length > MAX_SNAPSHOTS) out = out.filter((_, i) => i % 2 === 0 || i === out.length - 1)
  return out
}
