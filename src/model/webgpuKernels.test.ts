// The fused WGSL kernels (webgpuKernels.ts) on webgpu (Dawn in Node: SwiftShader here) against tfjs's own chains
// of kernels on the cpu backend — the value and the gradient of each, to 1e-4 — and the dispatches they save.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webgpuSkip } from '../testing/webgpu'
import { fusedAttention, fusedLayerNorm } from './ops'
import { adamwDiffs, adamwSteps, checkCase, elementwiseCases, values, type Case } from '../testing/kernelCases'
import { installWebGpuKernels, uninstallWebGpuKernels, WEBGPU_FUSED_KERNELS } from './webgpuKernels'
import { LN_EPS } from './fused'

const { skip, unavailable } = await webgpuSkip('the fused webgpu kernels')

async function expectClose(fused: Case, reference: Case, inputs: () => tf.Tensor[]) {
  const worst = await checkCase('webgpu', { name: '', fused, reference, inputs })
  worst.forEach((w, k) => expect(w, `output ${k}`).toBeLessThan(1e-4))
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

  for (const c of elementwiseCases())
    it(
      c.name,
      async () => {
        const worst = await checkCase('webgpu', c)
        worst.forEach((w, k) => expect(w, `output ${k}`).toBeLessThan(1e-4))
      },
      120_000,
    )

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

  for (const how of ['apply', 'flat'] as const)
    it(`AdamW fused over the flat gradients (${how}): parameters, moments and the global norm as on the cpu backend`, async () => {
      expect(tf.getKernel('GptAdamWFlat', 'webgpu')).toBeDefined()
      const gpu = await adamwSteps('webgpu', how)
      const cpu = await adamwSteps('cpu', how)
      expect(gpu.guard).toBe('unchanged') // the NaN step queued unread: every weight and moment as it was
      expect(cpu.guard).toBe('not on this backend')
      expect(cpu.norms[0]).toBeGreaterThan(0.5) // the clip is active
      adamwDiffs(gpu, cpu).forEach((w, k) => expect(w, `output ${k}`).toBeLessThan(1e-4))
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
