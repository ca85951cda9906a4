// Picks the tfjs backend the worker trains on, and says why. All backend quirks live here.
//
// "auto" trusts nothing it has not checked: navigator.gpu can exist with no adapter, and an adapter can be
// a software fallback (SwiftShader: measured ~8× slower than wasm on a 2-core CPU), so a WebGPU or WebGL
// device counts as a GPU only when it is not a software renderer. Order for auto:
//   hardware WebGPU → hardware WebGL → wasm → cpu
// Software WebGPU/WebGL are chosen only when forced. Every candidate must pass a one-step smoke test
// (forward, gradient, update) before it is used; a failure falls through to the next, and is reported.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import type { DeviceLimits } from '../shared/config'
import { disposeParams, initParams, loss } from '../model/gpt'
import { installCpuKernels, installWasmKernels } from '../model/kernels'
import type { BackendAttempt, BackendChoice, BackendName, BackendReport } from '../shared/protocol'

// The wasm binaries are served by our own origin (no CDN): Vite copies them and gives their URLs.
// Threads are off: tfjs-wasm's pthread workers are classic scripts that cannot load the module worker
// bundle ("e is not defined" in each of them), and the wasm backend then fails to initialise.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded })
installWasmKernels() // after the wasm backend registered its own kernels (the import above): see src/model/kernels.ts
installCpuKernels()

const GiB = 1024 ** 3

interface GpuProbe {
  status: 'hardware' | 'software' | 'none'
  description: string
  note: string
  maxBufferBytes?: number
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i

interface AdapterInfoLike {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

export async function probeWebGPU(): Promise<GpuProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: object): Promise<unknown> } }).gpu
  if (!gpu) return { status: 'none', description: '', note: 'this browser has no WebGPU (navigator.gpu is missing)' }
  let adapter: { info?: AdapterInfoLike; isFallbackAdapter?: boolean; limits: { maxBufferSize: number; maxStorageBufferBindingSize: number }; requestAdapterInfo?: () => Promise<AdapterInfoLike> } | null
  try {
    adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as typeof adapter
  } catch (e) {
    return { status: 'none', description: '', note: `requesting a WebGPU adapter failed: ${(e as Error).message}` }
  }
  if (!adapter) return { status: 'none', description: '', note: 'WebGPU is present but offers no adapter (disabled, blocklisted or no usable GPU)' }
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {}
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter'
  const software = Boolean(info.isFallbackAdapter || adapter.isFallbackAdapter || SOFTWARE_RENDERER.test(description))
  const maxBufferBytes = Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize)
  return {
    status: software ? 'software' : 'hardware',
    description,
    note: software ? `the WebGPU adapter is a software fallback (${description}), not a GPU` : `WebGPU adapter: ${description}`,
    maxBufferBytes,
  }
}

export function probeWebGL(): GpuProbe & { maxTextureSize?: number } {
  try {
    if (typeof OffscreenCanvas === 'undefined') return { status: 'none', description: '', note: 'no OffscreenCanvas in this worker, so no WebGL' }
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null
    if (!gl) return { status: 'none', description: '', note: 'WebGL 2 is not available' }
    const ext = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER))
    const maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    const software = SOFTWARE_RENDERER.test(renderer)
    return { status: software ? 'software' : 'hardware', description: renderer, note: software ? `WebGL is a software renderer (${renderer})` : `WebGL renderer: ${renderer}`, maxTextureSize }
  } catch (e) {
    return { status: 'none', description: '', note: `WebGL probe failed: ${(e as Error).message}` }
  }
}

/** One training step of a micro GPT through the model's own code path; throws if the backend cannot train. */
async function smokeTest(): Promise<void> {
  const cfg = { vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: true }
  const params = initParams(cfg, 1)
  try {
    const l = tf.tidy(() => {
      const x = tf.tensor2d([0, 1, 2, 3, 4, 3, 2, 1], [2, 4], 'int32')
      const y = tf.tensor2d([1, 2, 3, 4, 3, 2, 1, 0], [2, 4], 'int32')
      const { value, grads } = tf.variableGrads(() => loss(params, cfg, x, y), Object.values(params))
      for (const p of Object.values(params)) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.1)))
      return value
    })
    const v = (await l.data())[0]
    l.dispose()
    if (!Number.isFinite(v)) throw new Error(`smoke test loss is ${v}`)
  } finally {
    disposeParams(params)
  }
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name)
    if (!ok) return 'could not be initialised'
    await tf.ready()
    await smokeTest()
    return null
  } catch (e) {
    return (e as Error).message || String(e)
  }
}

function limitsFor(name: BackendName, gpu: GpuProbe, gl: ReturnType<typeof probeWebGL>): DeviceLimits {
  const deviceMemory = (navigator as unknown as { deviceMemory?: number }).deviceMemory
  const hostTotal = deviceMemory ? (deviceMemory * GiB) / 2 : 2 * GiB
  switch (name) {
    case 'webgpu':
      return { maxTensorBytes: gpu.maxBufferBytes ?? 128 * 1024 ** 2, maxTotalBytes: Math.max(hostTotal, 2 * GiB) }
    case 'webgl': {
      const side = gl.maxTextureSize ?? 4096
      return { maxTensorBytes: side * side * 16, maxTotalBytes: Math.max(hostTotal, 2 * GiB) }
    }
    case 'wasm':
      return { maxTensorBytes: 1 * GiB, maxTotalBytes: Math.min(hostTotal, 2 * GiB) } // wasm32 heap, tfjs caps it below 4 GiB
    case 'cpu':
      return { maxTensorBytes: 1 * GiB, maxTotalBytes: Math.min(hostTotal, 2 * GiB) }
  }
}

export async function initBackend(requested: BackendChoice): Promise<BackendReport> {
  const gpu = await probeWebGPU()
  const gl = probeWebGL()
  const attempts: BackendAttempt[] = []
  const tried = async (name: BackendName, why: string) => {
    const err = await tryBackend(name)
    attempts.push({ backend: name, ok: !err, note: err ? `failed: ${err}` : why })
    return !err
  }
  const report = (backend: BackendName, reason: string): BackendReport => ({
    backend,
    requested,
    reason,
    adapter: backend === 'webgpu' ? { description: gpu.description, software: gpu.status === 'software' } : backend === 'webgl' ? { description: gl.description, software: gl.status === 'software' } : undefined,
    attempts,
    limits: limitsFor(backend, gpu, gl),
    webgpu: gpu.status,
    webgl: gl.status,
  })

  if (requested !== 'auto') {
    const unavailable = (requested === 'webgpu' && gpu.status === 'none' && gpu.note) || (requested === 'webgl' && gl.status === 'none' && gl.note)
    if (!unavailable && (await tried(requested, 'requested'))) {
      const probe = requested === 'webgpu' ? gpu : requested === 'webgl' ? gl : undefined
      return report(requested, `${requested} was requested${probe && probe.status === 'software' ? ` (${probe.note}: expect it to be slow)` : ''}`)
    }
    const why = unavailable || attempts.at(-1)?.note || 'failed'
    const fallback = await pickAuto(gpu, gl, tried)
    return report(fallback.backend, `${requested} was requested but is not usable here (${why}); ${fallback.reason}`)
  }
  const auto = await pickAuto(gpu, gl, tried)
  return report(auto.backend, `auto: ${auto.reason}`)
}

async function pickAuto(gpu: GpuProbe, gl: GpuProbe, tried: (n: BackendName, why: string) => Promise<boolean>): Promise<{ backend: BackendName; reason: string }> {
  const notes: string[] = []
  if (gpu.status === 'hardware') {
    if (await tried('webgpu', gpu.note)) return { backend: 'webgpu', reason: `using the GPU through WebGPU (${gpu.description})` }
    notes.push('WebGPU failed its smoke test')
  } else notes.push(gpu.note)
  if (gl.status === 'hardware') {
    if (await tried('webgl', gl.note)) return { backend: 'webgl', reason: `${notes.join('; ')}; using the GPU through WebGL (${gl.description})` }
    notes.push('WebGL failed its smoke test')
  } else notes.push(gl.note)
  if (await tried('wasm', 'fastest CPU backend')) return { backend: 'wasm', reason: `${notes.join('; ')}; so training runs on the CPU with WebAssembly (wasm), the fastest backend really present` }
  notes.push('wasm failed')
  await tried('cpu', 'last resort')
  return { backend: 'cpu', reason: `${notes.join('; ')}; falling back to the plain JavaScript cpu backend (slow)` }
}

interface LosableDevice {
  lost: Promise<{ reason?: string; message?: string }>
  destroy(): void
}

/** The GPU device of the backend now in use (WebGPU only): tfjs-backend-webgpu does not watch it itself. */
function currentDevice(): LosableDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined
  const device = (tf.backend() as unknown as { device?: LosableDevice }).device
  return device && typeof device.destroy === 'function' && device.lost instanceof Promise ? device : undefined
}

/** The WebGL context of the backend now in use (WebGL only), on tfjs's own canvas. */
function currentGl(): WebGL2RenderingContext | undefined {
  if (tf.getBackend() !== 'webgl') return undefined
  return (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl
}

/**
 * Calls `onLost` once when the GPU under the current backend is lost — a WebGPU device (a driver reset, the GPU
 * process crashing, another tab taking the memory, device.destroy()) or a WebGL context: every tensor on it
 * is gone with it.
 */
export function watchDeviceLoss(onLost: (message: string) => void): void {
  const device = currentDevice()
  void device?.lost.then((info) => onLost(info.message || info.reason || 'unknown reason'))
  const canvas = (currentGl() as unknown as { canvas?: EventTarget } | undefined)?.canvas
  canvas?.addEventListener('webglcontextlost', (e: Event) => onLost((e as Event & { statusMessage?: string }).statusMessage || 'the WebGL context was lost'), { once: true })
}

/** The test hook behind test.loseDevice: destroys the current GPU device (or loses the WebGL context), as a driver reset would. */
export function loseDevice(): boolean {
  const device = currentDevice()
  device?.destroy()
  const lose = currentGl()?.getExtension('WEBGL_lose_context')
  lose?.loseContext()
  return Boolean(device || lose)
}
