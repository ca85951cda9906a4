// Picks the tfjs backend the worker trains on (the decision and its reason: backendChoice.ts), smoke-tests each
// candidate, and watches the GPU device once training runs on it. All backend quirks live here.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { disposeParams, initParams, loss } from '../model/gpt'
import { installCpuKernels, installWasmKernels, wasmGemm } from '../model/kernels'
import { setWasmBackendShared } from '../model/wasmHeap'
import { installWebGlKernels } from '../model/webglKernels'
import { installWebGpuKernels } from '../model/webgpuKernels'
import type { BackendChoice, BackendName, BackendReport } from '../shared/protocol'
import { chooseBackend, probeWebGL, probeWebGPU, type GpuLike } from './backendChoice'
import { startGemmPool } from './gemmPool'

// The wasm binaries are served by our own origin (no CDN): Vite copies them and gives their URLs.
// Threads are off: tfjs-wasm's pthread workers are classic scripts that cannot load the module worker
// bundle ("e is not defined" in each of them), and the wasm backend then fails to initialise.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
})
installWasmKernels() // after the wasm backend registered its own kernels (the import above): see src/model/kernels.ts
installCpuKernels()
installWebGpuKernels() // the fused WGSL kernels: src/model/webgpuKernels.ts
installWebGlKernels() // the fused fragment programs: src/model/webglKernels.ts

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
    // wasm: its heap in a shared memory where the page is isolated, so our products' threads work in it in place
    const ok = name === 'wasm' ? await setWasmBackendShared() : await tf.setBackend(name)
    if (!ok) return 'could not be initialised'
    await tf.ready()
    await smokeTest()
    return null
  } catch (e) {
    return (e as Error).message || String(e)
  }
}

export async function initBackend(requested: BackendChoice): Promise<BackendReport> {
  const gpu = await probeWebGPU((navigator as unknown as { gpu?: GpuLike }).gpu)
  const gl = probeWebGL(typeof OffscreenCanvas === 'undefined' ? undefined : () => new OffscreenCanvas(1, 1))
  const pick = await chooseBackend(
    requested,
    gpu,
    gl,
    tryBackend,
    (navigator as unknown as { deviceMemory?: number }).deviceMemory,
  )
  // our matrix products (src/model/gemm.ts) share their work with N − 1 more threads where the page is isolated
  // (served with COOP/COEP by vite.config.ts, or through public/coi-sw.js; a worker inherits its page's isolation)
  const pool = pick.backend === 'wasm' ? await startGemmPool(wasmGemm()) : undefined
  return { ...pick, isolated: globalThis.crossOriginIsolated === true, threads: Math.max(1, pool?.threads ?? 1) }
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
  canvas?.addEventListener(
    'webglcontextlost',
    (e: Event) => onLost((e as Event & { statusMessage?: string }).statusMessage || 'the WebGL context was lost'),
    { once: true },
  )
}

/** The test hook behind test.loseDevice: destroys the current GPU device (or loses the WebGL context), as a driver reset would. */
export function loseDevice(): boolean {
  const device = currentDevice()
  device?.destroy()
  const lose = currentGl()?.getExtension('WEBGL_lose_context')
  lose?.loseContext()
  return Boolean(device || lose)
}
