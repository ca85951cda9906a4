// The teaching views' side of the protocol: which views the worker sends (attention, atlas, embedding,
// positions: now and after each evaluation while open) and the views' one-off questions (Q/K/V, the lens, an
// embedding's neighbours), each answered to the request that asked.
import type { AtlasProbe } from '../../shared/protocol'
import { useStore } from '../store'
import { engineUp, send } from './engine'
import * as requests from './requests'

const get = useStore.getState

/** Tells the worker which attention map to show; it answers now and refreshes it during training. */
export function watchAttention(): void {
  const s = get()
  if (!s.run || !engineUp()) return
  const layer = Math.min(s.layer, s.run.model.nLayer - 1)
  const head = Math.min(s.head, s.run.model.nHead - 1)
  const probe = s.probeSource === 'prompt' ? s.samplePrompt : ''
  send({ type: 'attention.watch', runId: s.run.runId, probe, layer, head })
}

/** The model diagram draws every head from the atlas's snapshots, so while it is shown the atlas is watched. */
let diagramShown = false

/** Opens or closes the attention atlas, or changes its probe (a new probe starts a new history). */
export function watchAtlas(open: boolean, probe: AtlasProbe = get().atlasProbe): void {
  get().atlasWatched(open, probe)
  const r = get().run
  if (r && engineUp()) send({ type: 'atlas.watch', runId: r.runId, probe: open || diagramShown ? probe : null })
}

/** The model diagram is shown (or not): its mini maps need the atlas whether or not the atlas view is open. */
export function watchDiagram(on: boolean): void {
  diagramShown = on
  const s = get()
  if (s.run && engineUp() && !s.atlasOpen)
    send({ type: 'atlas.watch', runId: s.run.runId, probe: on ? s.atlasProbe : null })
}

/** Opens or closes the embedding map: while open, the worker sends it after each evaluation. */
export function watchEmbedding(on: boolean): void {
  get().setEmbeddingOpen(on)
  const r = get().run
  if (r && engineUp()) send({ type: 'embedding.watch', runId: r.runId, on })
}

/** Opens or closes the positional-encoding view: while open, the worker sends the encoding after each evaluation. */
export function watchPositions(on: boolean): void {
  get().setPositionsOpen(on)
  const r = get().run
  if (r && engineUp()) send({ type: 'positions.watch', runId: r.runId, on })
}

/** A new run: the views that are open are asked for again, from its model. */
export function rewatch(runId: string): void {
  watchAttention()
  const s = get()
  if (s.embeddingOpen) send({ type: 'embedding.watch', runId, on: true })
  if (s.positionsOpen) send({ type: 'positions.watch', runId, on: true })
  if (s.atlasOpen || diagramShown) send({ type: 'atlas.watch', runId, probe: s.atlasProbe })
}

// The one-off questions below: a refusal (a probe the model cannot read) is not shown; the panels keep
// their last answer.

/** Asks for one head's computation for one query of a probe text (a newer question replaces this one). */
export function askQkv(probe: string, layer: number, head: number, query: number): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('qkv')
  requests.register(requestId, { 'qkv.result': (m) => get().qkvArrived(m) }, 'qkv')
  send({ type: 'qkv.request', runId: r.runId, requestId, probe, layer, head, query })
}

/** Asks for the next-token lens at one position of a probe text ('' = the validation slice). */
export function askLens(probe: string, position: number): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('lens')
  requests.register(requestId, { 'lens.result': (m) => get().lensArrived(m) }, 'lens')
  send({ type: 'lens.request', runId: r.runId, requestId, probe, position })
}

/** Asks what each block adds to the residual stream on a probe (the validation text when empty). */
export function askResidual(probe: string): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('residual')
  requests.register(requestId, { 'residual.result': (m) => get().residualArrived(m) }, 'residual')
  send({ type: 'residual.request', runId: r.runId, requestId, probe })
}

/**
 * Asks for head ablation on the probe batch: every head switched off in turn, zeroed or mean-replaced; with a
 * target head (layer ≥ 1), also its prefix-matching score with each head off.
 */
export function askAblation(mode: 'zero' | 'mean', target?: { layer: number; head: number }): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('ablation')
  requests.register(requestId, { 'ablation.result': (m) => get().ablationArrived(m) }, 'ablation')
  send({ type: 'ablation.request', runId: r.runId, requestId, mode, ...(target && { target }) })
}

/** Asks for activation patching: the clean prompt's activations put into the corrupted one's run. */
export function askPatching(q: { clean: string; corrupted: string; answer: string; wrong: string }): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('patching')
  requests.register(
    requestId,
    {
      'patching.result': (m) => get().patchingArrived(m),
      invalid: (m) => get().setPatchingProblems(m.problems),
    },
    'patching',
  )
  send({ type: 'patching.request', runId: r.runId, requestId, ...q })
}

/** Asks for a token's nearest neighbours in the full embedding space. */
export function askNeighbours(id: number): void {
  const r = get().run
  if (!r || !engineUp()) return
  const requestId = requests.nextId('nb')
  requests.register(requestId, {
    'embedding.neighbours.result': (m) => m.runId === get().run?.runId && get().neighboursArrived(m),
  })
  send({ type: 'embedding.neighbours', runId: r.runId, requestId, id })
}
