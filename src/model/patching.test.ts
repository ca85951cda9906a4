// Activation patching (gpt.ts's ActivationPatch, and Probes.patching's shares) against the float64 model patched
// by hand (reference64.ts's forwardTraced64, its traces edited in place): one head, one stream position, several
// at once; and the shares' exact ends — patching nothing leaves the corrupted run, patching the whole stream
// entering the first block (or the last position after the last block) gives the clean one.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { disposeParams, forward, paramsFromArrays } from './gpt'
import { forwardTraced64 } from './reference64'
import { randomParams64, rounded64, tinyConfig, toFloat32 } from '../testing/fixtures'
import { Run } from '../train/run'
import { getPreset } from '../shared/config'

const cfg = tinyConfig({ nLayer: 2, nHead: 2, vocabSize: 7, blockSize: 6 })
const p64 = rounded64(randomParams64(cfg, 61))
const clean = [1, 2, 3, 4, 5]
const corrupted = [1, 2, 6, 4, 5] // one token differs (position 2)

type Edit = { heads: [number, number][]; resid: [number, number][] }

/** The float64 model's last logits on the corrupted prompt with the clean run's activations put in by hand. */
function patched64({ heads, resid }: Edit): Float64Array {
  const hs = cfg.nEmbd / cfg.nHead
  const ref = forwardTraced64(p64, cfg, clean)
  const out = forwardTraced64(p64, cfg, corrupted, {
    heads: (l, rows) => {
      for (const [pl, h] of heads)
        if (pl === l) rows.forEach((r, t) => r.set(ref.heads[l][t].subarray(h * hs, (h + 1) * hs), h * hs))
    },
    resid: (l, x) => {
      for (const [pl, t] of resid) if (pl === l) x[t].set(ref.resid[l][t])
    },
  })
  return out.logits.at(-1)!
}

describe('activation patching', () => {
  it('puts the clean run’s head outputs and stream rows into each row as the float64 model patched by hand does', async () => {
    const params = paramsFromArrays(cfg, toFloat32(p64))
    const edits: Edit[] = [
      { heads: [], resid: [] },
      { heads: [[0, 1]], resid: [] },
      { heads: [[1, 0]], resid: [] },
      { heads: [], resid: [[1, 2]] },
      { heads: [], resid: [[2, 4]] },
      {
        heads: [
          [0, 0],
          [1, 1],
        ],
        resid: [[1, 3]],
      },
    ]
    const got = tf.tidy(() => {
      const run = forward(params, cfg, tf.tensor2d(clean, [1, 5], 'int32'), {
        captureHeads: true,
        captureResiduals: true,
      })
      const B = edits.length
      return forward(params, cfg, tf.tensor2d(Array(B).fill(corrupted).flat(), [B, 5], 'int32'), {
        lastOnly: true,
        patch: {
          clean: { heads: run.heads, resid: run.residuals },
          heads: edits.map((e) => e.heads),
          resid: edits.map((e) => e.resid),
        },
      }).logits
    })
    const v = await got.data()
    got.dispose()
    edits.forEach((e, b) => {
      const want = patched64(e)
      for (let k = 0; k < cfg.vocabSize; k++)
        expect(v[b * cfg.vocabSize + k], `${JSON.stringify(e)} logit ${k}`).toBeCloseTo(want[k], 4)
    })
    // the patches matter: the head patch moves the logits away from the unpatched run
    expect(Math.abs(patched64(edits[1])[0] - patched64(edits[0])[0])).toBeGreaterThan(1e-3)
    disposeParams(params)
  })

  it('shares recovered: nothing patched is the corrupted run; the differing token’s stream at the first block, or the last position after the last block, recovers all of it', async () => {
    const tiny = getPreset('tiny')
    const prepared = Run.prepare(
      'abcdefgh '.repeat(400),
      { ...tiny.model, blockSize: 8 },
      { ...tiny.train, maxIters: 10 },
    )
    const run = prepared.build!()
    try {
      for (let i = 0; i < 10; i++) await run.trainStep()
      const enc = (s: string) => Array.from(run.tokenizer.encode(s))
      const [a, b] = [enc('abcde'), enc('abhde')]
      const [answer, wrong] = [enc('f')[0], enc('g')[0]]
      const r = await run.probes.patching(a, b, answer, wrong)
      const { nLayer: L, nHead: H } = run.model
      const T = a.length
      expect(r.heads).toHaveLength(L * H)
      expect(r.resid).toHaveLength((L + 1) * T)
      expect(r.clean).not.toBeCloseTo(r.corrupted, 4)
      // the stream entering block 0: identical to the corrupted run's except at position 2 (the differing token)
      for (let t = 0; t < T; t++) expect(r.resid[t], `layer 0, position ${t}`).toBeCloseTo(t === 2 ? 1 : 0, 5)
      // after the last block, the last position is all the head reads: the clean logits, exactly
      expect(r.resid[L * T + T - 1]).toBeCloseTo(1, 5)
      await expect(run.probes.patching(a, enc('abhd'), answer, wrong)).rejects.toThrow(/one length/)
    } finally {
      run.dispose()
    }
  })
})
