// The phase-change marker as the atlas's snapshots arrive: found on every snapshot so far and kept, so it stays at
// the step it was first found when the buffer is thinned later (which halves the snapshots' spacing: the same rule
// on the thinned list would place it later, or not at all).
import { describe, expect, it } from 'vitest'
import { useStore } from '.'
import { MAX_SNAPSHOTS, inductionMarker } from './views'
import type { AtlasSnapshot } from '../../shared/protocol'

/** A snapshot of 2 layers × 2 heads at `step` on the repeated probe: head 1.0's induction score, the loss. */
function snapshot(step: number, induction: number, repLoss: number): AtlasSnapshot {
  const scores = new Float32Array(4 * 5)
  for (let k = 0; k < 4; k++) scores[k * 5 + 3] = k === 2 ? induction : 0.05
  return {
    step,
    repLoss,
    tokens: ['a', 'b'],
    period: 1,
    layers: 2,
    heads: 2,
    T: 2,
    weights: new Uint8Array(12),
    scores,
  }
}

describe('the atlas’s phase-change marker', () => {
  it('is found as the snapshots arrive and stays where it was when the buffer is thinned', () => {
    // every 50 steps to 3,000: the score jumps at 250–300 while the loss on the repeated tokens drops
    const rise = (step: number) => (step < 200 ? 0.08 : step < 300 ? 0.08 + ((step - 200) / 100) * 0.75 : 0.83)
    const loss = (step: number) => (step < 200 ? 4 - step / 200 : step < 350 ? 3 - ((step - 200) / 150) * 2.5 : 0.5)
    const arrive = useStore.getState().atlasArrived
    for (let step = 0; step <= 3000; step += 50)
      arrive({ type: 'atlas', runId: 'r', ...snapshot(step, rise(step), loss(step)) })
    const s = useStore.getState()
    expect(s.atlasSnapshots.length).toBeLessThanOrEqual(MAX_SNAPSHOTS)
    expect(s.atlasMarker?.step).toBe(250)
    expect(s.atlasMarker?.head).toBe(2)
    // the same rule on the thinned snapshots alone puts it elsewhere: keeping it is what holds it at 250
    expect(inductionMarker(s.atlasSnapshots)?.step).not.toBe(250)
    // a new probe starts a new history, and a new marker
    useStore.getState().atlasWatched(true, { kind: 'text', text: 'ab' })
    expect(useStore.getState().atlasMarker).toBeUndefined()
  })
})
