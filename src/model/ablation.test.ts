// Heads switched off (gpt.ts's HeadAblation) against the float64 reference with the same heads removed
// (reference64.ts's lossAblated64, which runs the batch layer by layer): every head alone, zeroed and replaced by
// its batch mean, and several at once across layers; on the cpu backend and on wasm's fused path.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, describe, expect, it } from 'vitest'
import { disposeParams, loss, paramsFromArrays, type HeadAblation } from './gpt'
import { installWasmKernels } from './kernels'
import { loss64, lossAblated64 } from './reference64'
import { randomIds, randomParams64, rounded64, tinyConfig, toFloat32 } from '../testing/fixtures'

const cfg = tinyConfig({ nLayer: 2, nHead: 2, vocabSize: 7, blockSize: 5 })
const p64 = rounded64(randomParams64(cfg, 31))
const xs = [0, 1, 2].map((b) => randomIds(5, cfg.vocabSize, 40 + b))
const ys = [0, 1, 2].map((b) => randomIds(5, cfg.vocabSize, 50 + b))

async function ablatedLoss(ablate: HeadAblation): Promise<number> {
  const params = paramsFromArrays(cfg, toFloat32(p64))
  const l = tf.tidy(() =>
    loss(params, cfg, tf.tensor2d(xs.flat(), [3, 5], 'int32'), tf.tensor2d(ys.flat(), [3, 5], 'int32'), { ablate }),
  )
  const v = (await l.data())[0]
  l.dispose()
  disposeParams(params)
  return v
}

const cases: HeadAblation[] = [
  ...(['zero', 'mean'] as const).flatMap((mode) =>
    [0, 1].flatMap((l) => [0, 1].map((h) => ({ heads: [[l, h]] as [number, number][], mode }))),
  ),
  {
    heads: [
      [0, 1],
      [1, 0],
    ],
    mode: 'zero',
  },
  {
    heads: [
      [0, 0],
      [0, 1],
      [1, 1],
    ],
    mode: 'mean',
  },
]

describe.each(['cpu', 'wasm'])('head ablation on %s', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('equals the float64 model with the same heads removed, every head, zeroed or mean-replaced', async () => {
    if (backend === 'wasm') installWasmKernels()
    expect(await tf.setBackend(backend)).toBe(true)
    const intact = loss64(p64, cfg, xs, ys)
    expect(await ablatedLoss({ heads: [], mode: 'zero' })).toBeCloseTo(intact, 5) // nothing removed: the model
    for (const ablate of cases) {
      const want = lossAblated64(p64, cfg, xs, ys, { heads: ablate.heads.map(([l, h]) => [l, h]), mode: ablate.mode })
      expect(Math.abs(want - intact), JSON.stringify(ablate)).toBeGreaterThan(1e-4) // removing a head changes the loss
      expect(await ablatedLoss(ablate), JSON.stringify(ablate)).toBeCloseTo(want, 5)
    }
  })

  it('refuses heads the model does not have', () => {
    const params = paramsFromArrays(cfg, toFloat32(p64))
    const x = tf.tensor2d(xs.flat(), [3, 5], 'int32')
    for (const heads of [[[2, 0]], [[0, 2]], [[-1, 0]], [[0.5, 0]]] as [number, number][][])
      expect(() => tf.tidy(() => loss(params, cfg, x, x, { ablate: { heads, mode: 'zero' } }))).toThrow(/no head/)
    x.dispose()
    disposeParams(params)
  })
})
