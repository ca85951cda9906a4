import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { AdamW } from './adamw'
import { mulberry32 } from '../util/random'

/** torch.optim.AdamW's update for one tensor, written out in float64. */
function adamwRef(
  p: number[],
  g: number[],
  m: number[],
  v: number[],
  t: number,
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  wd: number,
) {
  const bc1 = 1 - b1 ** t
  const bc2 = 1 - b2 ** t
  for (let i = 0; i < p.length; i++) {
    p[i] *= 1 - lr * wd
    m[i] = b1 * m[i] + (1 - b1) * g[i]
    v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
    p[i] -= (lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps))
  }
}

describe('AdamW', () => {
  it('matches torch.optim.AdamW in float64 over several steps, decaying only the 2-D parameter', async () => {
    const rng = mulberry32(4)
    const rand = (n: number) => Array.from({ length: n }, () => 2 * rng() - 1)
    const w0 = rand(6)
    const b0 = rand(3)
    const params = { w: tf.variable(tf.tensor2d(w0, [2, 3])), b: tf.variable(tf.tensor1d(b0)) }
    const cfg = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 }
    const opt = new AdamW(params, cfg, (_, shape) => shape.length >= 2)
    const ref = {
      w: [...w0],
      b: [...b0],
      mw: Array(6).fill(0),
      vw: Array(6).fill(0),
      mb: Array(3).fill(0),
      vb: Array(3).fill(0),
    }
    const lrs = [1e-2, 5e-3, 2e-2, 1e-3]
    for (let t = 1; t <= lrs.length; t++) {
      const gw = rand(6)
      const gb = rand(3)
      tf.tidy(() => opt.apply({ w: tf.tensor2d(gw, [2, 3]), b: tf.tensor1d(gb) }, lrs[t - 1]))
      adamwRef(ref.w, gw, ref.mw, ref.vw, t, lrs[t - 1], 0.9, 0.99, 1e-8, 0.1)
      adamwRef(ref.b, gb, ref.mb, ref.vb, t, lrs[t - 1], 0.9, 0.99, 1e-8, 0) // biases: no decay
    }
    const w = await params.w.data()
    const b = await params.b.data()
    ref.w.forEach((x, i) => expect(w[i]).toBeCloseTo(x, 6))
    ref.b.forEach((x, i) => expect(b[i]).toBeCloseTo(x, 6))
    expect(opt.t).toBe(4)
    opt.dispose()
    tf.dispose(Object.values(params))
  })

  it('clips by the global norm of all gradients together first, as clip_grad_norm_ does', async () => {
    const run = async (g: { a: number[]; b: number[] }, clip: number) => {
      const params = { a: tf.variable(tf.tensor1d([0, 0])), b: tf.variable(tf.tensor1d([0, 0])) }
      const opt = new AdamW(params, { beta1: 0.5, beta2: 0.5, eps: 0, weightDecay: 0 }, () => false)
      const norm = tf.tidy(() => opt.apply({ a: tf.tensor1d(g.a), b: tf.tensor1d(g.b) }, 1, clip).norm)
      const out = { norm: (await norm.data())[0], m: (await opt.state()).m }
      tf.dispose([norm, params.a, params.b])
      opt.dispose()
      return out
    }
    const big = await run({ a: [3, 0], b: [0, 4] }, 1) // global norm 5 → scaled by 1/5 before the moments
    expect(big.norm).toBeCloseTo(5, 6)
    expect(Array.from(big.m.a)).toEqual([expect.closeTo(0.5 * (3 / (5 + 1e-6)), 6), 0]) // m = (1 − β1)·g after one step
    expect(Array.from(big.m.b)).toEqual([0, expect.closeTo(0.5 * (4 / (5 + 1e-6)), 6)])
    const small = await run({ a: [0.3, 0.4], b: [0, 0] }, 1) // under the limit: unchanged
    expect(Array.from(small.m.a)).toEqual([expect.closeTo(0.15, 6), expect.closeTo(0.2, 6)])
    const off = await run({ a: [30, 40], b: [0, 0] }, 0) // 0 turns clipping off
    expect(off.norm).toBeCloseTo(50, 4)
    expect(Array.from(off.m.a)).toEqual([expect.closeTo(15, 4), expect.closeTo(20, 4)])
  })

  it('flatGrads gives the global L2 norm, and applyFlat on it updates as apply does', async () => {
    const make = () => {
      const params = { a: tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2])), b: tf.variable(tf.tensor1d([5, 6])) }
      return {
        params,
        opt: new AdamW(
          params,
          { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 },
          (_, shape) => shape.length >= 2,
        ),
      }
    }
    const grads = () => ({ a: tf.tensor2d([3, -4, 0.5, 2], [2, 2]), b: tf.tensor1d([0.5, -6]) })
    const one = make()
    const two = make()
    for (let i = 0; i < 3; i++) {
      const norms = [
        tf.tidy(() => one.opt.apply(grads(), 1e-2, 1).norm.clone()),
        tf.tidy(() => {
          const pre = two.opt.flatGrads(grads())
          two.opt.applyFlat(pre, 1e-2, 1)
          return pre.norm.clone()
        }),
      ]
      const [n1, n2] = await Promise.all(norms.map((n) => n.data()))
      expect(n2[0]).toBe(n1[0])
      expect(n1[0]).toBeCloseTo(Math.hypot(3, -4, 0.5, 2, 0.5, -6), 5)
      tf.dispose(norms)
    }
    expect(await two.opt.state()).toEqual(await one.opt.state())
    expect(Array.from(await two.params.a.data())).toEqual(Array.from(await one.params.a.data()))
    for (const x of [one, two]) {
      x.opt.dispose()
      tf.dispose(Object.values(x.params))
    }
  })

  it('refuses an update with a parameter’s gradient missing', () => {
    const params = { a: tf.variable(tf.tensor1d([1])), b: tf.variable(tf.tensor1d([1])) }
    const opt = new AdamW(params, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }, () => false)
    expect(() => tf.tidy(() => void opt.apply({ a: tf.tensor1d([1]) }, 1))).toThrow(/no gradient for b/)
    opt.dispose()
    tf.dispose(Object.values(params))
  })
})
