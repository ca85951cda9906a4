// Attention in closed form: with W_q = 0 and b_q = 0 every score is 0, so every head of every layer attends
// uniformly to the past — A[i][j] = 1/(i+1) — and the future is exactly 0.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { disposeParams, forward, paramsFromArrays } from './gpt'
import { randomIds, randomParams64, tinyConfig, toFloat32 } from '../testing/fixtures'

describe('attention', () => {
  it('is uniform over the past when the queries are zero, in every layer and head', async () => {
    const cfg = tinyConfig({ vocabSize: 7, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8 })
    const w = toFloat32(randomParams64(cfg, 11))
    const C = cfg.nEmbd
    for (let l = 0; l < cfg.nLayer; l++) {
      const W = w[`h.${l}.attn.cAttn.weight`] // (C, 3C): columns 0…C−1 make q
      for (let r = 0; r < C; r++) for (let c = 0; c < C; c++) W[r * 3 * C + c] = 0
      w[`h.${l}.attn.cAttn.bias`].fill(0, 0, C)
    }
    const params = paramsFromArrays(cfg, w)
    const T = 6
    const att = tf.tidy(() =>
      tf.concat(
        forward(params, cfg, tf.tensor2d(randomIds(T, 7, 2), [1, T], 'int32'), {
          captureAttention: true,
        }).attention.map((a) => tf.reshape(a, [-1])),
      ),
    )
    const a = await att.data()
    att.dispose()
    for (let k = 0; k < cfg.nLayer * cfg.nHead; k++)
      for (let i = 0; i < T; i++)
        for (let j = 0; j < T; j++) {
          const v = a[k * T * T + i * T + j]
          if (j > i) expect(v).toBe(0)
          else expect(v).toBeCloseTo(1 / (i + 1), 6)
        }
    disposeParams(params)
  })
})
