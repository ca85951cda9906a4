// The WebGL check page (served by the development server; e2e/webglKernels.spec.ts opens it): the fused
// kernels of src/model/webglKernels.ts on tfjs's webgl backend against tfjs's own chains on the cpu backend —
// the shared cases of src/testing/kernelCases.ts — and one training step's forward and backward of a Baby-sized
// GPT on webgl with the fused kernels and without: its loss, gradient norm, tfjs kernels and WebGL draws.
import * as tf from '@tensorflow/tfjs'
import { installWebGlKernels, uninstallWebGlKernels, WEBGL_FUSED_KERNELS } from '../../src/model/webglKernels'
import { checkCase, elementwiseCases, values } from '../../src/testing/kernelCases'
import { initParams, loss, disposeParams } from '../../src/model/gpt'
import type { ModelConfig } from '../../src/shared/config'

export interface WebGlCheck {
  backend: string
  registered: string[]
  cases: { name: string; worst: number[] }[]
  step: { fused: StepCount; chain: StepCount }
}
interface StepCount {
  loss: number
  gradNorm: number
  kernels: number
  draws: number
}

/** One forward and backward pass of a Baby-sized GPT (4 × 4 × 128, context 64, batch 12) on the current backend. */
async function stepCount(): Promise<StepCount> {
  const cfg: ModelConfig = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true }
  const [B, T] = [12, cfg.blockSize]
  const params = initParams(cfg, 7)
  const ids = Array.from(values(B * (T + 1), 3), (v) => Math.floor(((v + 2) / 4) * cfg.vocabSize) % cfg.vocabSize)
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl
  let draws = 0
  const drawElements = gl.drawElements.bind(gl)
  gl.drawElements = (...a: Parameters<WebGL2RenderingContext['drawElements']>) => (draws++, drawElements(...a))
  try {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(ids.slice(0, B * T), [B, T], 'int32')
        const y = tf.tensor2d(ids.slice(1, B * T + 1), [B, T], 'int32')
        const { value, grads } = tf.variableGrads(() => loss(params, cfg, x, y), Object.values(params))
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))
        return tf.stack([value, norm])
      })
    const warm = run() // compiles the programs: not counted
    await warm.data()
    warm.dispose()
    draws = 0
    let out: tf.Tensor | undefined
    const prof = await tf.profile(() => {
      out = run()
      return out
    })
    const [l, n] = await out!.data()
    out!.dispose()
    return { loss: l, gradNorm: n, kernels: prof.kernels.length, draws }
  } finally {
    gl.drawElements = drawElements
    disposeParams(params)
  }
}

async function main(): Promise<WebGlCheck> {
  if (!(await tf.setBackend('webgl'))) throw new Error('no webgl backend here')
  installWebGlKernels()
  const cases = []
  for (const c of elementwiseCases()) cases.push({ name: c.name, worst: await checkCase('webgl', c) })
  await tf.setBackend('webgl')
  const fused = await stepCount()
  uninstallWebGlKernels()
  const chain = await stepCount()
  installWebGlKernels()
  return {
    backend: tf.getBackend(),
    registered: WEBGL_FUSED_KERNELS.filter((k) => tf.getKernel(k, 'webgl')),
    cases,
    step: { fused, chain },
  }
}

const w = window as unknown as { __webglCheck?: WebGlCheck | { error: string } }
main().then(
  (r) => {
    w.__webglCheck = r
    document.getElementById('state')!.textContent = 'done'
  },
  (e: Error) => {
    w.__webglCheck = { error: e.stack ?? String(e) }
    document.getElementById('state')!.textContent = 'failed'
  },
)
