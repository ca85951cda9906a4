// The fused kernels' checks, shared by the webgpu tests (src/model/webgpuKernels.test.ts, in Node on Dawn) and
// the WebGL check page (e2e/kernels/webgl.ts, in the browser): each case is a fused op of ../model/ops.ts and the
// same function as a chain of tfjs's own ops, run on the cpu backend as the reference; a case compares the value
// and the gradient of Σ f(xs)·R (R fixed) with respect to each input.
import * as tf from '@tensorflow/tfjs'
import {
  fusedAttentionSoftmax,
  fusedCrossEntropy,
  fusedGelu,
  fusedLayerNorm,
  fusedMergeHeads,
  fusedSplitHeads,
  linear,
} from '../model/ops'
import { LN_EPS } from '../model/fused'
import { AdamW } from '../train/adamw'

/** Deterministic values in [−a, a) (a small LCG: the same on every backend). */
export function values(n: number, seed: number, a = 2): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = ((s / 2 ** 32) * 2 - 1) * a
  }
  return out
}

export type Case = (xs: tf.Tensor[]) => tf.Tensor

export interface KernelCase {
  name: string
  fused: Case
  reference: Case
  inputs: () => tf.Tensor[]
}

/** f's value and the gradient of Σ f(xs)·R (R fixed) with respect to each x, on `backend`, as flat arrays. */
export async function valueAndGrads(backend: string, f: Case, inputs: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const xs = inputs()
  const [value, grads] = tf.tidy(() => {
    const y = f(xs)
    const r = tf.tensor(values(y.size, 99), y.shape)
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(a), r)))(xs)
    return [tf.keep(y), g.map((t) => tf.keep(t))]
  })
  const out = [(await value.data()) as Float32Array, ...(await Promise.all(grads.map((g) => g.data())))]
  tf.dispose([value, ...grads, ...xs])
  return out as Float32Array[]
}

/**
 * The worst relative difference of each output (value, then each gradient) from the reference's, relative to
 * max(1, |reference|); a missing or differently sized output is Infinity.
 */
export function worstDiffs(got: Float32Array[], want: Float32Array[]): number[] {
  return want.map((w, k) => {
    const a = got[k]
    if (!a || a.length !== w.length) return Infinity
    let worst = 0
    a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - w[i]) / Math.max(1, Math.abs(w[i])))))
    return Number.isNaN(worst) ? Infinity : worst
  })
}

/** A case on `backend` against its reference on cpu: the worst difference of each output. */
export async function checkCase(backend: string, c: KernelCase): Promise<number[]> {
  const got = await valueAndGrads(backend, c.fused, c.inputs)
  const want = await valueAndGrads('cpu', c.reference, c.inputs)
  return worstDiffs(got, want)
}

const N = 37 // rows that fill no workgroup evenly
const C = 24

/** LayerNorm, GELU, attention's softmax, cross-entropy, the heads' split and merge, a linear layer's bias. */
export function elementwiseCases(): KernelCase[] {
  const lnChain = ([xx, ww, bb]: tf.Tensor[]) => {
    const { mean, variance } = tf.moments(xx, -1, true)
    const y = tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, LN_EPS))), ww)
    return bb ? tf.add(y, bb) : y
  }
  // off-centre rows
  const lnX = () =>
    tf.tensor2d(
      values(N * C, 1, 3).map((v, i) => v + (i % C === 0 ? 5 : 0)),
      [N, C],
    )
  const cases: KernelCase[] = [
    {
      name: 'LayerNorm with bias: y and the gradients of x, weight and bias',
      fused: ([x, w, b]) => fusedLayerNorm(x as tf.Tensor2D, w as tf.Tensor1D, b as tf.Tensor1D),
      reference: lnChain,
      inputs: () => [lnX(), tf.tensor1d(values(C, 2)), tf.tensor1d(values(C, 3))],
    },
    {
      name: 'LayerNorm without bias: y and the gradients of x and weight',
      fused: ([x, w]) => fusedLayerNorm(x as tf.Tensor2D, w as tf.Tensor1D),
      reference: lnChain,
      inputs: () => [lnX(), tf.tensor1d(values(C, 2))],
    },
    {
      name: 'GELU (exact, with erf): its value and gradient',
      fused: ([x]) => fusedGelu(x as tf.Tensor2D),
      reference: ([x]) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
      inputs: () => [tf.tensor2d(values(N * C, 4, 5), [N, C])],
    },
  ]
  const [B, H, T] = [2, 3, 7]
  for (const causal of [true, false]) {
    const scale = 0.35
    cases.push({
      name: `attention’s softmax, ${causal ? 'causal' : 'no mask'}, scaled: its value and the gradient of the raw scores`,
      fused: ([s]) => fusedAttentionSoftmax(s as tf.Tensor4D, scale, causal),
      reference: ([s]) => {
        const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0)
        const scaled = tf.mul(s, scale)
        return tf.softmax(causal ? tf.where(tf.cast(mask, 'bool'), scaled, tf.fill([T, T], -1e9)) : scaled)
      },
      inputs: () => [tf.tensor4d(values(B * H * T * T, 5, 4), [B, H, T, T])],
    })
  }
  const V = 29
  const targets = Int32Array.from({ length: N }, (_, i) => (i * 7) % V)
  const weights = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1))
  const kept = weights.reduce((a, b) => a + b, 0)
  const ceChain =
    (w?: Float32Array, norm = N) =>
    (xs: tf.Tensor[]) => {
      const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(xs[0]), tf.oneHot(tf.tensor1d(targets, 'int32'), V)), -1))
      return tf.div(tf.sum(w ? tf.mul(nll, tf.tensor1d(w)) : nll), norm)
    }
  const logits = () => [tf.tensor2d(values(N * V, 6, 6), [N, V])]
  cases.push(
    {
      name: 'cross-entropy: the loss and the gradient of the logits',
      fused: ([l]) => fusedCrossEntropy(l as tf.Tensor2D, tf.tensor1d(targets, 'int32'), N),
      reference: ceChain(),
      inputs: logits,
    },
    {
      name: 'cross-entropy, weighted: the loss and the gradient of the logits',
      fused: ([l]) => fusedCrossEntropy(l as tf.Tensor2D, tf.tensor1d(targets, 'int32'), kept, tf.tensor1d(weights)),
      reference: ceChain(weights, kept),
      inputs: logits,
    },
  )
  const [hB, hT, nh, hs] = [2, 5, 3, 4]
  const hC = nh * hs
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [hB, hT, nh, hs]), [0, 2, 1, 3])
  cases.push({
    // split, then each part weighted differently (so a mixed-up part shows), then merged back
    name: 'attention’s heads: qkv split into heads and merged back, values and gradients',
    fused: ([x]) => {
      const [q, k, v] = fusedSplitHeads(x as tf.Tensor2D, hB, nh)
      return tf.concat([
        tf.reshape(fusedMergeHeads(tf.mul(q, 2) as tf.Tensor4D), [-1]),
        tf.reshape(tf.add(k, tf.mul(v, 3)), [-1]),
      ])
    },
    reference: ([x]) => {
      const [q, k, v] = tf.split(x, 3, 1).map(heads)
      const merged = tf.reshape(tf.transpose(tf.mul(q, 2), [0, 2, 1, 3]), [hB * hT, hC])
      return tf.concat([tf.reshape(merged, [-1]), tf.reshape(tf.add(k, tf.mul(v, 3)), [-1])])
    },
    inputs: () => [tf.tensor2d(values(hB * hT * 3 * hC, 7), [hB * hT, 3 * hC])],
  })
  cases.push({
    name: 'a linear layer with its bias: the value and the gradients of x, W and b (the bias’s in one column sum)',
    fused: ([x, w, b]) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
    reference: ([x, w, b]) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    inputs: () => [
      tf.tensor2d(values(N * C, 21), [N, C]),
      tf.tensor2d(values(C * 5, 22), [C, 5]),
      tf.tensor1d(values(5, 23)),
    ],
  })
  return cases
}

/** What three AdamW steps leave (see adamwSteps). */
export interface AdamWSteps {
  params: Float32Array[]
  m: Float32Array[]
  v: Float32Array[]
  norms: number[]
  /** the NaN step queued without reading it back: what it left, where the backend guards on the device */
  guard: 'unchanged' | 'changed' | 'not on this backend'
}

/**
 * Three AdamW steps on `backend` (clipped, decay on two of three parameters; one parameter of 75,000 values,
 * more than the norm's 256 × 256 first pass covers in one stride), by `apply` (the clip factor a tensor) or by
 * flatGrads + applyFlat with the norm read back; then, where the backend guards on the device, a step whose loss
 * is NaN, queued without reading it: did it leave every parameter and moment as they were?
 */
export async function adamwSteps(backend: string, how: 'apply' | 'flat'): Promise<AdamWSteps> {
  await tf.setBackend(backend)
  const shapes = [[300, 250], [7], [3, 4, 2]]
  const params = Object.fromEntries(
    shapes.map((sh, i) => [`p${i}`, tf.variable(tf.tensor(values(tf.util.sizeFromShape(sh), 30 + i), sh))]),
  )
  const opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }, (_, sh) => sh.length >= 2)
  const norms: number[] = []
  for (let step = 0; step < 3; step++) {
    const grads = Object.fromEntries(
      shapes.map((sh, i) => [`p${i}`, tf.tensor(values(tf.util.sizeFromShape(sh), 40 + 10 * step + i, 0.01), sh)]),
    )
    if (how === 'apply') {
      const norm = tf.tidy(() => tf.keep(opt.apply(grads, 1e-2, 0.5).norm))
      norms.push((await norm.data())[0])
      norm.dispose()
    } else {
      const flat = tf.tidy(() => {
        const f = opt.flatGrads(grads)
        return { flat: tf.keep(f.flat!), norm: tf.keep(f.norm) }
      })
      const norm = (await flat.norm.data())[0]
      norms.push(norm)
      tf.tidy(() => opt.applyFlat(flat, 1e-2, 0.5, norm))
      tf.dispose([flat.flat, flat.norm])
    }
    tf.dispose(Object.values(grads))
  }
  let guard: AdamWSteps['guard'] = 'not on this backend'
  if (AdamW.guardsOnDevice()) {
    const before = await opt.state()
    const p1 = Array.from(await params.p1.data())
    const grads = Object.fromEntries(shapes.map((sh, i) => [`p${i}`, tf.fill(sh, 1)]))
    const flat = tf.tidy(() => {
      const f = opt.flatGrads(grads)
      return { flat: tf.keep(f.flat!), norm: tf.keep(f.norm) }
    })
    const nan = tf.tensor1d([NaN, 1])
    tf.tidy(() => opt.applyFlat(flat, 1e-2, 0.5, undefined, nan))
    opt.unstep() // the step was not taken
    const after = await opt.state()
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => Object.is(x, b[i]))
    const unchanged =
      same(Array.from(await params.p1.data()), p1) &&
      Object.keys(before.m).every((k) => same(after.m[k], before.m[k]) && same(after.v[k], before.v[k]))
    guard = unchanged ? 'unchanged' : 'changed'
    tf.dispose([flat.flat, flat.norm, nan, ...Object.values(grads)])
  }
  const state = await opt.state()
  const out = {
    params: await Promise.all(Object.values(params).map(async (p) => (await p.data()) as Float32Array)),
    m: Object.values(state.m),
    v: Object.values(state.v),
    norms,
    guard,
  }
  opt.dispose()
  tf.dispose(Object.values(params))
  return out
}

/**
 * The worst differences of two adamwSteps: each parameter, moment (relative to max(1e-3, |reference|)) and
 * norm (relative), in that order.
 */
export function adamwDiffs(got: AdamWSteps, want: AdamWSteps): number[] {
  const rel = (a: Float32Array, b: Float32Array) => {
    if (a.length !== b.length) return Infinity
    let worst = 0
    a.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - b[i]) / Math.max(1e-3, Math.abs(b[i])))))
    return Number.isNaN(worst) ? Infinity : worst
  }
  const parts = (['params', 'm', 'v'] as const).flatMap((k) => want[k].map((w, i) => rel(got[k][i], w)))
  const norms = want.norms.map((n, i) => Math.abs((got.norms[i] ?? NaN) - n) / n)
  return [...parts, ...norms.map((x) => (Number.isNaN(x) ? Infinity : x))]
}
