// The fused WGSL kernels (webgpuKernels.ts) on webgpu (Dawn in Node: SwiftShader here) against tfjs's own chains
// of kernels on the cpu backend — the value and the gradient of each, to 1e-4 — and the dispatches they save.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webgpuSkip } from '../testing/webgpu'
import {
  fusedAttention,
  fusedAttentionSoftmax,
  fusedCrossEntropy,
  fusedGelu,
  fusedLayerNorm,
  fusedMergeHeads,
  fusedSplitHeads,
  linear,
} from './ops'
import { AdamW } from '../train/adamw'
import { installWebGpuKernels, uninstallWebGpuKernels, WEBGPU_FUSED_KERNELS } from './webgpuKernels'
import { LN_EPS } from './fused'

const { skip, unavailable } = await webgpuSkip('the fused webgpu kernels')

/** Deterministic values in [−a, a) (a small LCG: the same on every backend). */
function values(n: number, seed: number, a = 2): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = ((s / 2 ** 32) * 2 - 1) * a
  }
  return out
}

type Case = (xs: tf.Tensor[]) => tf.Tensor
/**
 * f's value and the gradient of Σ f(xs)·R (R fixed) with respect to each x, on `backend`, as flat arrays.
 */
async function valueAndGrads(backend: string, f: Case, inputs: () => tf.Tensor[]): Promise<Float32Array[]> {
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

async function expectClose(fused: Case, reference: Case, inputs: () => tf.Tensor[]) {
  const gpu = await valueAndGrads('webgpu', fused, inputs)
  const cpu = await valueAndGrads('cpu', reference, inputs)
  expect(gpu.length).toBe(cpu.length)
  gpu.forEach((a, k) => {
    expect(a.length).toBe(cpu[k].length)
    let worst = 0
    a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - cpu[k][i]) / Math.max(1, Math.abs(cpu[k][i])))))
    expect(worst, `output ${k}`).toBeLessThan(1e-4)
  })
}

describe.skipIf(skip)('fused WGSL kernels (webgpu)', () => {
  beforeAll(() => {
    if (unavailable) throw new Error(`CI runs the webgpu tests, but ${unavailable}`)
    installWebGpuKernels()
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  const N = 37 // rows that fill no workgroup evenly
  const C = 24

  it('LayerNorm, with and without bias: its value and the gradients of x, weight and bias', async () => {
    const x = () =>
      tf.tensor2d(
        values(N * C, 1, 3).map((v, i) => v + (i % C === 0 ? 5 : 0)),
        [N, C],
      ) // off-centre rows
    const w = () => tf.tensor1d(values(C, 2))
    const b = () => tf.tensor1d(values(C, 3))
    const chain = ([xx, ww, bb]: tf.Tensor[]) => {
      const { mean, variance } = tf.moments(xx, -1, true)
      const y = tf.mul(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, LN_EPS))), ww)
      return bb ? tf.add(y, bb) : y
    }
    await expectClose(
      ([xx, ww, bb]) => fusedLayerNorm(xx as tf.Tensor2D, ww as tf.Tensor1D, bb as tf.Tensor1D),
      chain,
      () => [x(), w(), b()],
    )
    await expectClose(
      ([xx, ww]) => fusedLayerNorm(xx as tf.Tensor2D, ww as tf.Tensor1D),
      chain,
      () => [x(), w()],
    )
  }, 120_000)

  it('GELU (exact, with erf): its value and gradient', async () => {
    await expectClose(
      ([x]) => fusedGelu(x as tf.Tensor2D),
      ([x]) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
      () => [tf.tensor2d(values(N * C, 4, 5), [N, C])],
    )
  }, 120_000)

  it('attention’s softmax, causal and not, scaled: its value and the gradient of the raw scores', async () => {
    const [B, H, T] = [2, 3, 7]
    const scores = () => tf.tensor4d(values(B * H * T * T, 5, 4), [B, H, T, T])
    for (const causal of [true, false]) {
      const scale = 0.35
      await expectClose(
        ([s]) => fusedAttentionSoftmax(s as tf.Tensor4D, scale, causal),
        ([s]) => {
          const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0)
          const scaled = tf.mul(s, scale)
          return tf.softmax(causal ? tf.where(tf.cast(mask, 'bool'), scaled, tf.fill([T, T], -1e9)) : scaled)
        },
        () => [scores()],
      )
    }
  }, 120_000)

  it('cross-entropy, plain and weighted: the loss and the gradient of the logits', async () => {
    const V = 29
    const targets = Int32Array.from({ length: N }, (_, i) => (i * 7) % V)
    const weights = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1))
    const logits = () => tf.tensor2d(values(N * V, 6, 6), [N, V])
    const chain =
      (w?: Float32Array, norm = N) =>
      (xs: tf.Tensor[]) => {
        const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(xs[0]), tf.oneHot(tf.tensor1d(targets, 'int32'), V)), -1))
        return tf.div(tf.sum(w ? tf.mul(nll, tf.tensor1d(w)) : nll), norm)
      }
    await expectClose(
      ([l]) => fusedCrossEntropy(l as tf.Tensor2D, tf.tensor1d(targets, 'int32'), N),
      chain(),
      () => [logits()],
    )
    const kept = weights.reduce((a, b) => a + b, 0)
    await expectClose(
      ([l]) => fusedCrossEntropy(l as tf.Tensor2D, tf.tensor1d(targets, 'int32'), kept, tf.tensor1d(weights)),
      chain(weights, kept),
      () => [logits()],
    )
  }, 120_000)

  it('attention’s heads: qkv split into heads and merged back, values and gradients', async () => {
    const [B, T, nh, hs] = [2, 5, 3, 4]
    const C = nh * hs
    const qkv = () => tf.tensor2d(values(B * T * 3 * C, 7), [B * T, 3 * C])
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])
    // split, then each part weighted differently (so a mixed-up part shows), then merged back
    await expectClose(
      ([x]) => {
        const [q, k, v] = fusedSplitHeads(x as tf.Tensor2D, B, nh)
        return tf.concat([
          tf.reshape(fusedMergeHeads(tf.mul(q, 2) as tf.Tensor4D), [-1]),
          tf.reshape(tf.add(k, tf.mul(v, 3)), [-1]),
        ])
      },
      ([x]) => {
        const [q, k, v] = tf.split(x, 3, 1).map(heads)
        const merged = tf.reshape(tf.transpose(tf.mul(q, 2), [0, 2, 1, 3]), [B * T, C])
        return tf.concat([tf.reshape(merged, [-1]), tf.reshape(tf.add(k, tf.mul(v, 3)), [-1])])
      },
      () => [qkv()],
    )
  }, 120_000)

  /** Attention from qkv (B·T, 3C) by tfjs's own ops: heads, q·kᵀ/√hs, the mask, softmax, ·v, heads merged. */
  const attentionChain = (B: number, T: number, nh: number, hs: number, causal: boolean) => (xs: tf.Tensor[]) => {
    const C = nh * hs
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])
    const [q, k, v] = tf.split(xs[0], 3, 1).map(heads)
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs))
    const mask = tf.cast(tf.linalg.bandPart(tf.ones([T, T]), -1, 0), 'bool')
    const p = tf.softmax(causal ? tf.where(mask, scores, tf.fill([T, T], -1e9)) : scores)
    return tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [B * T, C])
  }

  // shapes: rows that fill no workgroup of 32 (T 37, 70) and span several key tiles (a tile is 1024/hs rows,
  // at most 64: 16 rows at hs 64, 64 at hs 8 and 16), one head and several, heads of 8 to 64, the page's
  // largest context (256)
  for (const [B, T, nh, hs] of [
    [2, 37, 3, 8],
    [1, 70, 2, 64],
    [3, 5, 1, 16],
    [1, 256, 2, 32],
  ])
    for (const causal of [true, false])
      it(`attention in one kernel (B ${B}, T ${T}, ${nh} heads of ${hs}, ${causal ? 'causal' : 'no mask'}): its value and the gradient of qkv`, async () => {
        const C = nh * hs
        await expectClose(
          ([x]) => fusedAttention(x as tf.Tensor2D, B, nh, causal),
          attentionChain(B, T, nh, hs, causal),
          () => [tf.tensor2d(values(B * T * 3 * C, 8 + T, 1.5), [B * T, 3 * C])],
        )
      }, 120_000)

  it('attention in one kernel refuses what it cannot take: heads wider than its registers, a qkv of the wrong width', async () => {
    await tf.setBackend('webgpu')
    const wide = tf.zeros([4, 3 * 2 * 160]) as tf.Tensor2D
    expect(() => fusedAttention(wide, 1, 2, true)).toThrow(/at most 128/)
    const odd = tf.zeros([4, 3 * 2 * 8 + 1]) as tf.Tensor2D
    expect(() => fusedAttention(odd, 1, 2, true)).toThrow(/is not \(B·T, 3·C\)/)
    tf.dispose([wide, odd])
  })

  it('a linear layer with its bias: the value and the gradients of x, W and b (the bias’s in one column sum)', async () => {
    const x = () => tf.tensor2d(values(N * C, 21), [N, C])
    const w = () => tf.tensor2d(values(C * 5, 22), [C, 5])
    const b = () => tf.tensor1d(values(5, 23))
    await expectClose(
      ([xx, ww, bb]) => linear(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D),
      ([xx, ww, bb]) => tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb),
      () => [x(), w(), b()],
    )
  }, 120_000)

  /**
   * Three AdamW steps on `backend` (clipped, decay on two of three parameters; one parameter of 75,000 values,
   * more than the norm's 256 × 256 first pass covers in one stride), by `apply` (the clip factor a tensor) or by
   * flatGrads + applyFlat with the norm read back; then a step whose loss is NaN, guarded on the device where the
   * backend can. Returns the parameters, the moments, the norms and whether the guard ran.
   */
  async function adamwRun(backend: string, how: 'apply' | 'flat') {
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
    let guarded = false
    if (AdamW.guardsOnDevice()) {
      // a non-finite step queued without reading it back: the device leaves everything as it was
      const before = await opt.state()
      const grads = Object.fromEntries(shapes.map((sh, i) => [`p${i}`, tf.fill(sh, 1)]))
      const flat = tf.tidy(() => {
        const f = opt.flatGrads(grads)
        return { flat: tf.keep(f.flat!), norm: tf.keep(f.norm) }
      })
      const guard = tf.tensor1d([NaN, 1])
      const p0 = await params.p1.data()
      tf.tidy(() => opt.applyFlat(flat, 1e-2, 0.5, undefined, guard))
      opt.t -= 1 // the step was not taken
      const after = await opt.state()
      expect(Array.from(await params.p1.data())).toEqual(Array.from(p0))
      for (const k of Object.keys(before.m)) {
        expect(Array.from(after.m[k])).toEqual(Array.from(before.m[k]))
        expect(Array.from(after.v[k])).toEqual(Array.from(before.v[k]))
      }
      tf.dispose([flat.flat, flat.norm, guard, ...Object.values(grads)])
      guarded = true
    }
    const state = await opt.state()
    const out = {
      params: await Promise.all(Object.values(params).map(async (p) => (await p.data()) as Float32Array)),
      m: Object.values(state.m),
      v: Object.values(state.v),
      norms,
      guarded,
    }
    opt.dispose()
    tf.dispose(Object.values(params))
    return out
  }

  for (const how of ['apply', 'flat'] as const)
    it(`AdamW fused over the flat gradients (${how}): parameters, moments and the global norm as on the cpu backend`, async () => {
      expect(tf.getKernel('GptAdamWFlat', 'webgpu')).toBeDefined()
      const gpu = await adamwRun('webgpu', how)
      const cpu = await adamwRun('cpu', how)
      expect(gpu.guarded).toBe(true)
      expect(cpu.guarded).toBe(false)
      gpu.norms.forEach((n, i) => expect(Math.abs(n - cpu.norms[i]) / cpu.norms[i]).toBeLessThan(1e-5))
      expect(cpu.norms[0]).toBeGreaterThan(0.5) // the clip is active
      for (const part of ['params', 'm', 'v'] as const)
        gpu[part].forEach((a, k) => {
          let worst = 0
          a.forEach(
            (x, i) =>
              (worst = Math.max(worst, Math.abs(x - cpu[part][k][i]) / Math.max(1e-3, Math.abs(cpu[part][k][i])))),
          )
          expect(worst, `${part} ${k}`).toBeLessThan(1e-4)
        })
    }, 120_000)

  it('every fused kernel is registered for webgpu and none for the other backends', () => {
    for (const name of WEBGPU_FUSED_KERNELS) {
      expect(tf.getKernel(name, 'webgpu'), name).toBeDefined()
      expect(tf.getKernel(name, 'cpu'), name).toBeUndefined()
    }
  })

  it('a LayerNorm forward and backward takes fewer kernels fused than as tfjs’s chain', async () => {
    await tf.setBackend('webgpu')
    const count = async () => {
      const x = tf.tensor2d(values(N * C, 1), [N, C])
      const w = tf.tensor1d(values(C, 2))
      const b = tf.tensor1d(values(C, 3))
      const prof = await tf.profile(() => {
        const g = tf.grads((a: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(fusedOrChain(a as tf.Tensor2D, ww as tf.Tensor1D, bb as tf.Tensor1D)),
        )([x, w, b])
        tf.dispose(g)
      })
      tf.dispose([x, w, b])
      return prof.kernels.filter((k) => !['Reshape', 'Identity'].includes(k.name)).length
    }
    const fusedOrChain = (x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D) =>
      tf.getKernel('GptLayerNorm', 'webgpu')
        ? fusedLayerNorm(x, w, b)
        : tf.add(
            tf.mul(
              tf.div(tf.sub(x, tf.mean(x, -1, true)), tf.sqrt(tf.add(tf.moments(x, -1, true).variance, LN_EPS))),
              w,
            ),
            b,
          )
    const fused = await count()
    uninstallWebGpuKernels()
    const chain = await count()
    installWebGpuKernels()
    expect(fused).toBeLessThan(chain / 3)
  }, 120_000)
})
