// The backend choice without tfjs: probes of WebGPU and WebGL over the objects the browser hands out, the device
// limits, and the decision with its reason. backend.ts wires it to the real navigator.gpu, OffscreenCanvas and
// tfjs smoke tests; backendChoice.test.ts drives it with fake adapters and contexts.
//
// "auto" trusts nothing it has not checked: navigator.gpu can exist with no adapter, and an adapter can be
// a software fallback (SwiftShader: measured ~8× slower than wasm on a 2-core CPU), so a WebGPU or WebGL
// device counts as a GPU only when it is not a software renderer. Order for auto:
//   hardware WebGPU → hardware WebGL → wasm → cpu
// Software WebGPU/WebGL are chosen only when forced. Every candidate must pass a one-step smoke test
// (forward, gradient, update) before it is used; a failure falls through to the next, and is reported.
import type { DeviceLimits } from '../shared/config'
import type { BackendAttempt, BackendChoice, BackendName, BackendReport } from '../shared/protocol'

const GiB = 1024 ** 3

export interface GpuProbe {
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

/** What navigator.gpu offers (only what the probe uses). */
export interface GpuLike {
  requestAdapter(o?: object): Promise<unknown>
}

/** What a canvas offers for WebGL (only what the probe uses). */
export interface CanvasLike {
  getContext(kind: 'webgl2'): unknown
}

/** WebGPU as this browser has it: no navigator.gpu, no adapter, a software fallback, or a GPU (with its limits). */
export async function probeWebGPU(gpu: GpuLike | undefined): Promise<GpuProbe> {
  if (!gpu) return { status: 'none', description: '', note: 'this browser has no WebGPU (navigator.gpu is missing)' }
  let adapter: {
    info?: AdapterInfoLike
    isFallbackAdapter?: boolean
    limits: { maxBufferSize: number; maxStorageBufferBindingSize: number }
    requestAdapterInfo?: () => Promise<AdapterInfoLike>
  } | null
  try {
    adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as typeof adapter
  } catch (e) {
    return { status: 'none', description: '', note: `requesting a WebGPU adapter failed: ${(e as Error).message}` }
  }
  if (!adapter)
    return {
      status: 'none',
      description: '',
      note: 'WebGPU is present but offers no adapter (disabled, blocklisted or no usable GPU)',
    }
  const info: AdapterInfoLike = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {}
  const description =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter'
  const software = Boolean(info.isFallbackAdapter || adapter.isFallbackAdapter || SOFTWARE_RENDERER.test(description))
  const maxBufferBytes = Math.min(adapter.limits.maxBufferSize, adapter.limits.maxStorageBufferBindingSize)
  return {
    status: software ? 'software' : 'hardware',
    description,
    note: software
      ? `the WebGPU adapter is a software fallback (${description}), not a GPU`
      : `WebGPU adapter: ${description}`,
    maxBufferBytes,
  }
}

/** WebGL 2 as this worker has it; `canvas` makes a 1×1 OffscreenCanvas (undefined: there is none). */
export function probeWebGL(canvas: (() => CanvasLike) | undefined): GpuProbe & { maxTextureSize?: number } {
  try {
    if (!canvas) return { status: 'none', description: '', note: 'no OffscreenCanvas in this worker, so no WebGL' }
    const gl = canvas().getContext('webgl2') as WebGL2RenderingContext | null
    if (!gl) return { status: 'none', description: '', note: 'WebGL 2 is not available' }
    const ext = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER))
    const maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    const software = SOFTWARE_RENDERER.test(renderer)
    return {
      status: software ? 'software' : 'hardware',
      description: renderer,
      note: software ? `WebGL is a software renderer (${renderer})` : `WebGL renderer: ${renderer}`,
      maxTextureSize,
    }
  } catch (e) {
    return { status: 'none', description: '', note: `WebGL probe failed: ${(e as Error).message}` }
  }
}

/** How much one tensor and all of them together may take on a backend; `deviceMemory` is navigator.deviceMemory (GiB). */
export function limitsFor(
  name: BackendName,
  gpu: GpuProbe,
  gl: ReturnType<typeof probeWebGL>,
  deviceMemory?: number,
): DeviceLimits {
  const hostTotal = deviceMemory ? (deviceMemory * GiB) / 2 : 2 * GiB
  switch (name) {
    case 'webgpu':
      // its fused WGSL kernels (installWebGpuKernels) keep what the wasm ones keep, or less (attention in one
      // kernel keeps no attention weights): the fused fit covers its measured peaks (webgpu.test.ts), as it does
      // webgl's with its fused programs (e2e/webglKernels.spec.ts)
      return {
        maxTensorBytes: gpu.maxBufferBytes ?? 128 * 1024 ** 2,
        maxTotalBytes: Math.max(hostTotal, 2 * GiB),
        fused: true,
      }
    case 'webgl': {
      const side = gl.maxTextureSize ?? 4096
      return { maxTensorBytes: side * side * 16, maxTotalBytes: Math.max(hostTotal, 2 * GiB), fused: true }
    }
    case 'wasm':
      // wasm32 heap, tfjs caps it below 4 GiB; the fused kernels (installWasmKernels) keep less for the backward
      return { maxTensorBytes: 1 * GiB, maxTotalBytes: Math.min(hostTotal, 2 * GiB), fused: true }
    case 'cpu':
      return { maxTensorBytes: 1 * GiB, maxTotalBytes: Math.min(hostTotal, 2 * GiB) }
  }
}

/** The report less what the worker's own scope says (isolation, threads): backend.ts adds them. */
export type BackendPick = Omit<BackendReport, 'isolated' | 'threads'>

/**
 * The backend to train on, from the probes, and why. `tryBackend` switches tfjs to a backend and runs the smoke
 * test: null when it works, else what went wrong.
 */
export async function chooseBackend(
  requested: BackendChoice,
  gpu: GpuProbe,
  gl: ReturnType<typeof probeWebGL>,
  tryBackend: (name: BackendName) => Promise<string | null>,
  deviceMemory?: number,
): Promise<BackendPick> {
  const attempts: BackendAttempt[] = []
  const tried = async (name: BackendName, why: string) => {
    if (attempts.some((a) => a.backend === name && !a.ok)) return false // failed once already (a forced backend): not again
    const err = await tryBackend(name)
    attempts.push({ backend: name, ok: !err, note: err ? `failed: ${err}` : why })
    return !err
  }
  const report = (backend: BackendName, reason: string): BackendPick => ({
    backend,
    requested,
    reason,
    adapter:
      backend === 'webgpu'
        ? { description: gpu.description, software: gpu.status === 'software' }
        : backend === 'webgl'
          ? { description: gl.description, software: gl.status === 'software' }
          : undefined,
    attempts,
    limits: limitsFor(backend, gpu, gl, deviceMemory),
    webgpu: gpu.status,
    webgl: gl.status,
  })

  if (requested !== 'auto') {
    const unavailable =
      (requested === 'webgpu' && gpu.status === 'none' && gpu.note) ||
      (requested === 'webgl' && gl.status === 'none' && gl.note)
    if (!unavailable && (await tried(requested, 'requested'))) {
      const probe = requested === 'webgpu' ? gpu : requested === 'webgl' ? gl : undefined
      return report(
        requested,
        `${requested} was requested${probe && probe.status === 'software' ? ` (${probe.note}: expect it to be slow)` : ''}`,
      )
    }
    const why = unavailable || attempts.at(-1)?.note || 'failed'
    const fallback = await pickAuto(gpu, gl, tried)
    return report(fallback.backend, `${requested} was requested but is not usable here (${why}); ${fallback.reason}`)
  }
  const auto = await pickAuto(gpu, gl, tried)
  return report(auto.backend, `auto: ${auto.reason}`)
}

async function pickAuto(
  gpu: GpuProbe,
  gl: GpuProbe,
  tried: (n: BackendName, why: string) => Promise<boolean>,
): Promise<{ backend: BackendName; reason: string }> {
  const notes: string[] = []
  if (gpu.status === 'hardware') {
    if (await tried('webgpu', gpu.note))
      return { backend: 'webgpu', reason: `using the GPU through WebGPU (${gpu.description})` }
    notes.push('WebGPU failed its smoke test')
  } else notes.push(gpu.note)
  if (gl.status === 'hardware') {
    if (await tried('webgl', gl.note))
      return { backend: 'webgl', reason: `${notes.join('; ')}; using the GPU through WebGL (${gl.description})` }
    notes.push('WebGL failed its smoke test')
  } else notes.push(gl.note)
  if (await tried('wasm', 'fastest CPU backend'))
    return {
      backend: 'wasm',
      reason: `${notes.join('; ')}; so training runs on the CPU with WebAssembly (wasm), the fastest backend really present`,
    }
  notes.push('wasm failed')
  await tried('cpu', 'last resort')
  return { backend: 'cpu', reason: `${notes.join('; ')}; falling back to the plain JavaScript cpu backend (slow)` }
}
