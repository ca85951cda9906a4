// The GPU bench without a browser: the real training step (src/train/run.ts's Run: src/model/gpt.ts, the same
// AdamW) on tfjs-backend-webgpu in Node, through Dawn (the `webgpu` package's dawn.node). Prints progress on
// stderr and ONE JSON line on stdout: the adapter (and whether it is software), ms/step over the steady state,
// what a step asks of the GPU (compute dispatches, queue submits, buffer maps, tfjs kernels, tfjs reads), the
// losses. Bundled into one .mjs by scripts/gpu-bench/build.mjs (the real-GPU kit, scripts/gpu-kit.mjs, ships
// that file); the smoke test is src/model/gpuBench.test.ts. Not a test itself: speed is measured here.
//
//   node gpu-bench.mjs [--preset tiny|baby|10m] [--steps N] [--warmup N] [--corpus FILE] [--eval-every N]
//                      [--eval-iters N] [--batch-size N] [--dawn-flag FLAG]… [--config-only] [--unfused]
//                      [--no-look-ahead]
//
// --config-only prints the {model, train} the run would use (for PyTorch's side: scripts/torch_gpt.py bench).
// Dawn: DAWN_NODE=path/to/dawn.node, else dawn.node beside this file, else the `webgpu` package's own.
// Vulkan: Dawn finds the driver through the Vulkan loader (VK_ICD_FILENAMES, LD_LIBRARY_PATH).
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs'
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getPreset, type ModelSettings, type TrainConfig } from '../../src/shared/config'
import { Run } from '../../src/train/run'
import { installWebGpuKernels } from '../../src/model/webgpuKernels'
import { trackKernels } from '../../src/testing/kernelTracker'
import { spread, stepStats } from '../bench-stats.mjs'

/** nanoGPT's shakespeare_char shape (config/train_shakespeare_char.py, 10.65M parameters), without dropout. */
const TEN_M: { model: ModelSettings; train: TrainConfig } = {
  model: { blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384, dropout: 0, bias: false },
  train: {
    batchSize: 64,
    maxIters: 5000,
    learningRate: 1e-3,
    minLr: 1e-4,
    warmupIters: 100,
    weightDecay: 0.1,
    beta1: 0.9,
    beta2: 0.99,
    gradClip: 1.0,
    evalInterval: 250,
    evalIters: 20,
    seed: 1337,
  },
}

export function presetConfig(id: string): { model: ModelSettings; train: TrainConfig } {
  if (id === '10m') return TEN_M
  const p = getPreset(id)
  return { model: p.model, train: p.train }
}

interface Options {
  preset: string
  steps: number
  warmup?: number
  corpus?: string
  evalEvery: number
  evalIters?: number
  batchSize?: number
  dawnFlags: string[]
  configOnly: boolean
  /** tfjs's own kernels only, without the fused WGSL ones (src/model/webgpuKernels.ts): the "before" */
  unfused: boolean
  /** each step's forward and backward queued only after the previous step's loss is read (Run.lookAhead off) */
  noLookAhead: boolean
}

function parse(argv: string[]): Options {
  const o: Options = {
    preset: 'baby',
    steps: 20,
    evalEvery: 0,
    dawnFlags: [],
    configOnly: false,
    unfused: false,
    noLookAhead: false,
  }
  const num = (name: string, v: string | undefined) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number (got "${v}")`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--preset') o.preset = argv[++i]
    else if (a === '--steps') o.steps = Math.max(1, num('steps', argv[++i]))
    else if (a === '--warmup') o.warmup = num('warmup', argv[++i])
    else if (a === '--corpus') o.corpus = argv[++i]
    else if (a === '--eval-every') o.evalEvery = num('eval-every', argv[++i])
    else if (a === '--eval-iters') o.evalIters = Math.max(1, num('eval-iters', argv[++i]))
    else if (a === '--batch-size') o.batchSize = Math.max(1, num('batch-size', argv[++i]))
    else if (a === '--dawn-flag') o.dawnFlags.push(argv[++i])
    else if (a === '--config-only') o.configOnly = true
    else if (a === '--unfused') o.unfused = true
    else if (a === '--no-look-ahead') o.noLookAhead = true
    else throw new Error(`unknown option "${a}"`)
  }
  presetConfig(o.preset) // an unknown preset fails here, naming the known ones
  return o
}

const here = () => dirname(fileURLToPath(import.meta.url))

/** Dawn's native module: DAWN_NODE, or dawn.node beside this file (the kit), or the `webgpu` package's. */
function loadDawn(): { create: (flags: string[]) => GPU; globals: Record<string, unknown>; path: string } {
  const require = createRequire(import.meta.url)
  const candidates = [process.env.DAWN_NODE, join(here(), 'dawn.node')]
  try {
    candidates.push(
      join(dirname(require.resolve('webgpu')), 'dist', `${process.platform}-${process.arch}`, 'dawn.node'),
    )
  } catch {
    // no webgpu package here (the kit): the paths above
  }
  const path = candidates.find((p): p is string => Boolean(p) && existsSync(p!))
  if (!path) throw new Error(`no dawn.node found (tried ${candidates.filter(Boolean).join(', ')}); set DAWN_NODE`)
  return { ...require(path), path }
}

/** Text to train on: --corpus, else tinyshakespeare.txt beside this file or in ../shared/data, else a made-up one. */
function corpusText(path?: string): { text: string; corpus: string } {
  const found = path ?? [join(here(), 'tinyshakespeare.txt'), '../shared/data/tinyshakespeare.txt'].find(existsSync)
  if (path && !existsSync(path)) throw new Error(`no such corpus file: ${path}`)
  if (found) return { text: readFileSync(found, 'utf8'), corpus: found }
  // built in: 300,000 characters of seeded words, enough for the 10m shape's 90/10 split and windows of 256
  const words = ['the', 'king', 'shall', 'not', 'be', 'so', 'fair', 'and', 'good', 'my', 'lord', 'to', 'thee', 'O']
  let s = 1
  const out: string[] = []
  let n = 0
  while (n < 300_000) {
    s = (s * 1103515245 + 12345) >>> 0
    const w = words[(s >>> 16) % words.length]
    out.push(w, (s & 7) === 0 ? '.\n' : ' ')
    n += w.length + 1
  }
  return { text: out.join(''), corpus: 'built-in' }
}

/** Counts of what the step asks of the GPU and of tfjs: wrapped at Dawn's prototypes and tfjs's registry. */
function installCounters(globals: Record<string, unknown>) {
  const c = {
    dispatches: 0,
    submits: 0,
    mapAsync: 0,
    kernels: 0,
    reads: 0,
    whileReading: 0, // dispatches submitted while a buffer's map (a read-back) is pending: the GPU's work then
    byKernel: new Map<string, number>(),
  }
  let encoded = 0 // dispatches encoded since the last submit
  let mapping = 0 // maps pending
  let running: string[] = [] // the engine's kernels now running, outermost first (once counted)
  type Proto = Record<string, (...a: unknown[]) => unknown>
  const wrap = (cls: string, method: string, count: () => void, after?: (result: unknown) => void) => {
    const proto = (globals[cls] as { prototype: Proto } | undefined)?.prototype
    if (!proto || typeof proto[method] !== 'function') throw new Error(`Dawn has no ${cls}.${method} to count`)
    const orig = proto[method]
    proto[method] = function (this: unknown, ...a: unknown[]) {
      count()
      const result = orig.apply(this, a)
      after?.(result)
      return result
    }
  }
  // each dispatch counted against the outermost kernel running when it is encoded (tfjs encodes it then)
  const dispatched = () => {
    c.dispatches++
    encoded++
    const k = running[0] ?? '(outside a kernel)'
    c.byKernel.set(k, (c.byKernel.get(k) ?? 0) + 1)
  }
  wrap('GPUComputePassEncoder', 'dispatchWorkgroups', dispatched)
  wrap('GPUComputePassEncoder', 'dispatchWorkgroupsIndirect', dispatched)
  wrap('GPUQueue', 'submit', () => {
    c.submits++
    if (mapping > 0) c.whileReading += encoded
    encoded = 0
  })
  wrap(
    'GPUBuffer',
    'mapAsync',
    () => c.mapAsync++,
    (p) => {
      mapping++
      const done = () => void mapping--
      ;(p as Promise<void>).then(done, done)
    },
  )
  // every kernel tfjs's engine runs on webgpu, once every kernel is registered (the fused ones included)
  const countKernels = () => {
    running = trackKernels('webgpu', () => c.kernels++).running
  }
  return { c, countKernels }
}

async function main(argv: string[]): Promise<void> {
  const o = parse(argv)
  const cfg = presetConfig(o.preset)
  const train: TrainConfig = {
    ...cfg.train,
    maxIters: Math.max(cfg.train.maxIters, o.steps),
    ...(o.evalIters ? { evalIters: o.evalIters } : {}),
    ...(o.batchSize ? { batchSize: o.batchSize } : {}),
  }
  if (o.configOnly) {
    process.stdout.write(`${JSON.stringify({ preset: o.preset, model: cfg.model, train })}\n`)
    return
  }
  const log = (s: string) => process.stderr.write(`gpu-bench: ${s}\n`)
  const dawn = loadDawn()
  Object.assign(globalThis, dawn.globals) // GPUBufferUsage, GPUMapMode, … as tfjs-backend-webgpu expects
  const gpu = dawn.create(o.dawnFlags)
  // tfjs-backend-webgpu checks navigator.gpu (Node 20 has no navigator)
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true })
  const { c: counts, countKernels } = installCounters(dawn.globals)
  // the adapter and device as tfjs-backend-webgpu's own factory asks for them (its base.ts), so its info is ours
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new Error('Dawn found no adapter (no Vulkan driver? VK_ICD_FILENAMES, LD_LIBRARY_PATH)')
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }
  const l = adapter.limits
  const device = await adapter.requestDevice({
    requiredFeatures: (['timestamp-query', 'bgra8unorm-storage'] as GPUFeatureName[]).filter((f) =>
      adapter.features.has(f),
    ),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  })
  let lost: string | undefined
  void device.lost.then((e) => (lost = `${e.reason}: ${e.message}`))
  if (!o.unfused) installWebGpuKernels() // as the worker does (src/worker/backend.ts)
  countKernels()
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info), 3)
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend')
  await tf.ready()
  const backend = tf.backend() as unknown as {
    read: (id: object) => Promise<unknown>
    readSync: (id: object) => unknown
  }
  const read = backend.read.bind(backend)
  const readSync = backend.readSync.bind(backend)
  backend.read = (id) => (counts.reads++, read(id))
  backend.readSync = (id) => (counts.reads++, readSync(id))
  const software =
    Boolean(info.isFallbackAdapter) ||
    /swiftshader|llvmpipe|lavapipe|software/i.test(
      `${info.vendor} ${info.architecture} ${info.device} ${info.description}`,
    )
  const adapterOut = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? null,
    software,
  }
  log(`adapter ${JSON.stringify(adapterOut)}`)

  const { text, corpus } = corpusText(o.corpus)
  const prepared = Run.prepare(text, cfg.model, train)
  if (prepared.problems) throw new Error(prepared.problems.map((p) => p.message).join('; '))
  const run = prepared.build()
  run.lookAhead = !o.noLookAhead
  const info2 = run.info()
  log(`${o.preset}: ${info2.paramCount} parameters, vocabulary ${run.model.vocabSize}, corpus ${corpus}`)

  const stepMs: number[] = []
  const perStep: {
    dispatches: number
    submits: number
    mapAsync: number
    kernels: number
    reads: number
    whileReading: number
  }[] = []
  const losses: number[] = []
  const evals: { step: number; trainLoss: number; valLoss: number; ms: number }[] = []
  const after: number[] = []
  let skipped = 0
  let lastByKernel: [string, number][] = [] // the last step's dispatches by the kernel that made them
  const evaluate = async () => {
    const t0 = performance.now()
    const e = await run.evaluate()
    evals.push({ step: run.step, trainLoss: e.trainLoss, valLoss: e.valLoss, ms: +(performance.now() - t0).toFixed(1) })
    after.push(run.step)
    log(`step ${run.step}: train ${e.trainLoss.toFixed(4)} val ${e.valLoss.toFixed(4)}`)
  }
  if (o.evalEvery) await evaluate()
  for (let i = 0; i < o.steps; i++) {
    const before = { ...counts, byKernel: new Map(counts.byKernel) }
    const t0 = performance.now()
    const p = await run.trainStep()
    stepMs.push(performance.now() - t0)
    perStep.push({
      dispatches: counts.dispatches - before.dispatches,
      submits: counts.submits - before.submits,
      mapAsync: counts.mapAsync - before.mapAsync,
      kernels: counts.kernels - before.kernels,
      reads: counts.reads - before.reads,
      whileReading: counts.whileReading - before.whileReading,
    })
    lastByKernel = [...counts.byKernel]
      .map(([k, n]): [string, number] => [k, n - (before.byKernel.get(k) ?? 0)])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
    losses.push(p.loss)
    if (p.skipped) skipped++
    if (lost) throw new Error(`the GPU device was lost at step ${i + 1}: ${lost}`)
    if ((i + 1) % 10 === 0 || i === 0)
      log(`step ${i + 1}/${o.steps}: loss ${p.loss.toFixed(4)} (${stepMs[i].toFixed(0)} ms)`)
    if (o.evalEvery && ((i + 1) % o.evalEvery === 0 || i + 1 === o.steps)) await evaluate()
  }
  // the last step's update is queued, not done: wait for it, so the run ends with every step applied
  await run.weights()
  const warmup = o.warmup ?? (o.steps > 2 ? Math.min(20, Math.max(2, Math.floor(o.steps / 5))) : 0)
  const stats = stepStats(stepMs, { warmup, after })
  // what a step asks for, over the steady steps (the first ones compile shaders and make buffers)
  const steadyCounts = perStep.slice(Math.min(warmup, perStep.length - 1))
  const counted = (k: keyof (typeof perStep)[number]) => {
    const s = spread(steadyCounts.map((c) => c[k]))
    return s.p10 === s.p90 ? s.median : { median: s.median, p10: s.p10, p90: s.p90 }
  }
  const tokensPerStep = train.batchSize * cfg.model.blockSize
  const out = {
    bench: 'gpu-bench',
    engine: `tfjs ${tf.version.tfjs} webgpu (Dawn in Node ${process.version})`,
    adapter: adapterOut,
    dawnFlags: o.dawnFlags,
    fusedKernels: !o.unfused,
    preset: o.preset,
    model: { ...run.model },
    batchSize: train.batchSize,
    params: info2.paramCount,
    tokensPerStep,
    corpus,
    steps: o.steps,
    msPerStep: stats.steady,
    tokensPerSec: stats.steady.median ? Math.round((tokensPerStep * 1000) / stats.steady.median) : null,
    firstStepMs: +stepMs[0].toFixed(1),
    perStep: {
      dispatches: counted('dispatches'),
      tfjsKernels: counted('kernels'),
      submits: counted('submits'),
      mapAsync: counted('mapAsync'),
      tfjsReads: counted('reads'),
      dispatchesWhileReading: counted('whileReading'),
    },
    lookAhead: run.lookAhead,
    dispatchesByKernel: Object.fromEntries(lastByKernel),
    lnVocab: +Math.log(run.model.vocabSize).toFixed(4),
    firstLoss: +losses[0].toFixed(4),
    finalLoss: +losses[losses.length - 1].toFixed(4),
    skippedSteps: skipped,
    finalTrainLoss: evals.at(-1)?.trainLoss ?? null,
    finalValLoss: evals.at(-1)?.valLoss ?? null,
    evals,
    losses: losses.map((x) => +x.toFixed(4)),
    stepMs: stepMs.map((x) => +x.toFixed(1)),
  }
  run.dispose()
  process.stdout.write(`${JSON.stringify(out)}\n`)
}

main(process.argv.slice(2)).then(
  () => process.stdout.write('', () => process.exit(0)), // Dawn's threads would keep Node alive
  (e: unknown) => {
    process.stderr.write(`gpu-bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  },
)
