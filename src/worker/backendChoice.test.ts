// The backend choice with fake adapters and contexts: each case gives the pick, the backends tried in order, and
// the reason the page shows (in English the report's own sentence; in Chinese the catalogue's, from the report's
// fields, as BackendPanel renders it).
import { describe, expect, it } from 'vitest'
import type { BackendName } from '../shared/protocol'
import { en, zhCN } from '../ui/i18n/messages'
import {
  chooseBackend,
  limitsFor,
  probeWebGL,
  probeWebGPU,
  type CanvasLike,
  type GpuLike,
  type GpuProbe,
} from './backendChoice'

const MiB = 1024 ** 2
const GiB = 1024 ** 3

const adapter = (
  info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean },
  limits = { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB },
) => ({ info, limits })
const gpuOffering = (a: unknown): GpuLike => ({ requestAdapter: async () => a })

/** A fake WebGL 2 context: its renderer string and texture limit, and whether the probe gave it back (loseContext). */
function canvasWith(renderer: string, maxTextureSize = 16384) {
  const state = { lost: false }
  const UNMASKED_RENDERER_WEBGL = 0x9246
  const gl = {
    RENDERER: 0x1f01,
    MAX_TEXTURE_SIZE: 0x0d33,
    getExtension: (name: string) =>
      name === 'WEBGL_debug_renderer_info'
        ? { UNMASKED_RENDERER_WEBGL }
        : name === 'WEBGL_lose_context'
          ? { loseContext: () => (state.lost = true) }
          : null,
    getParameter: (p: number) =>
      p === UNMASKED_RENDERER_WEBGL ? renderer : p === 0x0d33 ? maxTextureSize : p === 0x1f01 ? 'WebKit WebGL' : null,
  }
  return { canvas: (): CanvasLike => ({ getContext: () => gl }), state }
}

const SWIFTSHADER_GL = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)'
const NVIDIA_GL = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 (0x00002786) Direct3D11 vs_5_0 ps_5_0, D3D11)'

describe('probing WebGPU', () => {
  it('no navigator.gpu: none, and says so', async () => {
    expect(await probeWebGPU(undefined)).toEqual({
      status: 'none',
      description: '',
      note: 'this browser has no WebGPU (navigator.gpu is missing)',
    })
  })

  it('requestAdapter() gives null (Chromium without --enable-unsafe-webgpu): none', async () => {
    const p = await probeWebGPU(gpuOffering(null))
    expect(p.status).toBe('none')
    expect(p.note).toBe('WebGPU is present but offers no adapter (disabled, blocklisted or no usable GPU)')
  })

  it('requestAdapter() throws: none, with the error', async () => {
    const p = await probeWebGPU({ requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) })
    expect(p).toMatchObject({ status: 'none', note: 'requesting a WebGPU adapter failed: GPU process crashed' })
  })

  it('a software adapter — flagged as a fallback, or named SwiftShader — is software, never a GPU', async () => {
    const flagged = await probeWebGPU(
      gpuOffering(adapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })),
    )
    expect(flagged.status).toBe('software')
    expect(flagged.note).toBe('the WebGPU adapter is a software fallback (google swiftshader), not a GPU')
    const named = await probeWebGPU(
      gpuOffering(adapter({ vendor: 'google', description: 'SwiftShader Device (Subzero)' })),
    )
    expect(named.status).toBe('software')
    const lavapipe = await probeWebGPU(gpuOffering(adapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })))
    expect(lavapipe.status).toBe('software')
  })

  it('a hardware adapter is a GPU, with the smaller of its buffer limits; older browsers answer through requestAdapterInfo', async () => {
    const p = await probeWebGPU(
      gpuOffering(
        adapter(
          { vendor: 'nvidia', architecture: 'ada-lovelace' },
          { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 128 * MiB },
        ),
      ),
    )
    expect(p).toEqual({
      status: 'hardware',
      description: 'nvidia ada-lovelace',
      note: 'WebGPU adapter: nvidia ada-lovelace',
      maxBufferBytes: 128 * MiB,
    })
    const old = await probeWebGPU(
      gpuOffering({
        limits: { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 256 * MiB },
        requestAdapterInfo: async () => ({ vendor: 'apple', architecture: 'common-3' }),
      }),
    )
    expect(old).toMatchObject({ status: 'hardware', description: 'apple common-3' })
  })
})

describe('probing WebGL', () => {
  it('no OffscreenCanvas, or no WebGL 2 context: none', () => {
    expect(probeWebGL(undefined)).toMatchObject({
      status: 'none',
      note: 'no OffscreenCanvas in this worker, so no WebGL',
    })
    expect(probeWebGL(() => ({ getContext: () => null }))).toMatchObject({
      status: 'none',
      note: 'WebGL 2 is not available',
    })
    expect(
      probeWebGL(() => ({
        getContext: () => {
          throw new Error('context creation failed')
        },
      })),
    ).toMatchObject({ status: 'none', note: 'WebGL probe failed: context creation failed' })
  })

  it('WebGL on SwiftShader is software; a GPU renderer is hardware with its texture limit; the probe context is given back', () => {
    const soft = canvasWith(SWIFTSHADER_GL, 8192)
    expect(probeWebGL(soft.canvas)).toEqual({
      status: 'software',
      description: SWIFTSHADER_GL,
      note: `WebGL is a software renderer (${SWIFTSHADER_GL})`,
      maxTextureSize: 8192,
    })
    expect(soft.state.lost).toBe(true)
    const hard = canvasWith(NVIDIA_GL, 32768)
    expect(probeWebGL(hard.canvas)).toMatchObject({ status: 'hardware', description: NVIDIA_GL, maxTextureSize: 32768 })
  })
})

const none: GpuProbe = {
  status: 'none',
  description: '',
  note: 'this browser has no WebGPU (navigator.gpu is missing)',
}
const softGpu: GpuProbe = {
  status: 'software',
  description: 'google swiftshader',
  note: 'the WebGPU adapter is a software fallback (google swiftshader), not a GPU',
  maxBufferBytes: 256 * MiB,
}
const hardGpu: GpuProbe = {
  status: 'hardware',
  description: 'nvidia ada-lovelace',
  note: 'WebGPU adapter: nvidia ada-lovelace',
  maxBufferBytes: 1 * GiB,
}
const softGl = {
  status: 'software' as const,
  description: SWIFTSHADER_GL,
  note: `WebGL is a software renderer (${SWIFTSHADER_GL})`,
  maxTextureSize: 8192,
}
const hardGl = {
  status: 'hardware' as const,
  description: NVIDIA_GL,
  note: `WebGL renderer: ${NVIDIA_GL}`,
  maxTextureSize: 16384,
}
const noGl = { status: 'none' as const, description: '', note: 'WebGL 2 is not available' }

/** A fake smoke test: the backends in `failing` fail with their message; records the order tried. */
function smoke(failing: Partial<Record<BackendName, string>> = {}) {
  const tried: BackendName[] = []
  const tryBackend = async (name: BackendName) => (tried.push(name), failing[name] ?? null)
  return { tried, tryBackend }
}

/** What the page shows after "Running on X": the catalogue's sentence, else the report's (BackendPanel). */
const shown = (r: Awaited<ReturnType<typeof chooseBackend>>) => ({
  en: en.backendReason(r.requested, r.backend, r.webgpu, r.webgl) || r.reason,
  zh: zhCN.backendReason(r.requested, r.backend, r.webgpu, r.webgl) || r.reason,
})

describe('choosing a backend', () => {
  it('auto with a hardware WebGPU adapter that passes its smoke test: webgpu, and nothing else is tried', async () => {
    const s = smoke()
    const r = await chooseBackend('auto', hardGpu, hardGl, s.tryBackend)
    expect(r.backend).toBe('webgpu')
    expect(s.tried).toEqual(['webgpu'])
    expect(r.adapter).toEqual({ description: 'nvidia ada-lovelace', software: false })
    expect(r.attempts).toEqual([{ backend: 'webgpu', ok: true, note: 'WebGPU adapter: nvidia ada-lovelace' }])
    expect(shown(r)).toEqual({
      en: 'auto: using the GPU through WebGPU (nvidia ada-lovelace)',
      zh: '自动：通过 WebGPU 使用 GPU',
    })
    expect(r.limits.maxTensorBytes).toBe(1 * GiB) // the adapter's own buffer limit
  })

  it('auto with a hardware WebGPU adapter whose smoke test fails: hardware WebGL next, and the failure is in the reason', async () => {
    const s = smoke({ webgpu: 'shader compilation failed' })
    const r = await chooseBackend('auto', hardGpu, hardGl, s.tryBackend)
    expect(r.backend).toBe('webgl')
    expect(s.tried).toEqual(['webgpu', 'webgl'])
    expect(r.attempts[0]).toEqual({ backend: 'webgpu', ok: false, note: 'failed: shader compilation failed' })
    expect(shown(r)).toEqual({
      en: `auto: WebGPU failed its smoke test; using the GPU through WebGL (${NVIDIA_GL})`,
      zh: '自动：WebGPU 没能通过自检，所以通过 WebGL 使用 GPU',
    })
    expect(r.limits.maxTensorBytes).toBe(16384 * 16384 * 16)
  })

  it('auto with a failing hardware WebGPU and WebGL on SwiftShader: wasm — a software renderer is never tried by auto', async () => {
    const s = smoke({ webgpu: 'out of memory' })
    const r = await chooseBackend('auto', hardGpu, softGl, s.tryBackend)
    expect(r.backend).toBe('wasm')
    expect(s.tried).toEqual(['webgpu', 'wasm'])
    expect(r.reason).toBe(
      `auto: WebGPU failed its smoke test; WebGL is a software renderer (${SWIFTSHADER_GL}); so training runs on the CPU with WebAssembly (wasm), the fastest backend really present`,
    )
    expect(shown(r).zh).toBe(
      '自动：WebGPU 没能通过自检，WebGL 只是软件渲染器，所以用 WebAssembly（wasm）在 CPU 上训练——这是这里真正可用的最快后端',
    )
  })

  it('auto with software WebGPU and software WebGL (this machine, headless with --enable-unsafe-webgpu): wasm, the GPUs untried', async () => {
    const s = smoke()
    const r = await chooseBackend('auto', softGpu, softGl, s.tryBackend, 8)
    expect(r).toMatchObject({ backend: 'wasm', requested: 'auto', webgpu: 'software', webgl: 'software' })
    expect(r.adapter).toBeUndefined()
    expect(s.tried).toEqual(['wasm'])
    expect(r.reason).toContain('the WebGPU adapter is a software fallback (google swiftshader), not a GPU')
    expect(shown(r).zh).toBe(
      '自动：WebGPU 只有软件适配器（不是 GPU），WebGL 只是软件渲染器，所以用 WebAssembly（wasm）在 CPU 上训练——这是这里真正可用的最快后端',
    )
    expect(r.limits).toEqual({ maxTensorBytes: 1 * GiB, maxTotalBytes: 2 * GiB, fused: true }) // 8 GiB of memory: half of it, capped at the wasm heap's 2 GiB
  })

  it('auto with no WebGPU, no WebGL and a failing wasm: the plain JavaScript cpu backend, saying it is slow', async () => {
    const s = smoke({ wasm: 'WebAssembly.instantiate(): out of memory' })
    const r = await chooseBackend('auto', none, noGl, s.tryBackend, 1)
    expect(r.backend).toBe('cpu')
    expect(s.tried).toEqual(['wasm', 'cpu'])
    expect(shown(r).en).toBe(
      'auto: this browser has no WebGPU (navigator.gpu is missing); WebGL 2 is not available; wasm failed; falling back to the plain JavaScript cpu backend (slow)',
    )
    expect(shown(r).zh).toBe(
      '自动：WebGPU 不可用，WebGL 2 不可用，WebAssembly 也失败了，只好退回纯 JavaScript 的 cpu 后端（很慢）',
    )
    expect(r.limits.maxTotalBytes).toBe(0.5 * GiB) // deviceMemory 1 GiB: half of it
  })

  it('webgpu forced on a software adapter: used, and the learner is told to expect it to be slow', async () => {
    const s = smoke()
    const r = await chooseBackend('webgpu', softGpu, softGl, s.tryBackend)
    expect(r.backend).toBe('webgpu')
    expect(s.tried).toEqual(['webgpu'])
    expect(r.adapter).toEqual({ description: 'google swiftshader', software: true })
    expect(shown(r)).toEqual({
      en: 'webgpu was requested (the WebGPU adapter is a software fallback (google swiftshader), not a GPU: expect it to be slow)',
      zh: '按你的选择使用 webgpu（这是软件模拟，不是 GPU：会很慢）',
    })
  })

  it('webgpu forced where there is none: not tried, auto picks, and the reason says why', async () => {
    const s = smoke()
    const r = await chooseBackend('webgpu', none, softGl, s.tryBackend)
    expect(r.backend).toBe('wasm')
    expect(s.tried).toEqual(['wasm'])
    expect(shown(r).en).toBe(
      `webgpu was requested but is not usable here (this browser has no WebGPU (navigator.gpu is missing)); this browser has no WebGPU (navigator.gpu is missing); WebGL is a software renderer (${SWIFTSHADER_GL}); so training runs on the CPU with WebAssembly (wasm), the fastest backend really present`,
    )
    expect(shown(r).zh).toBe(
      '你选择了 webgpu，但它在这里不可用；WebGPU 不可用，WebGL 只是软件渲染器，所以用 WebAssembly（wasm）在 CPU 上训练——这是这里真正可用的最快后端',
    )
  })

  it('a forced backend that fails its smoke test: auto picks from the rest, and the failure is the reason', async () => {
    const s = smoke({ webgl: 'could not be initialised' })
    const r = await chooseBackend('webgl', none, hardGl, s.tryBackend)
    // auto does not try the failed backend a second time
    expect(s.tried).toEqual(['webgl', 'wasm'])
    expect(r.backend).toBe('wasm')
    expect(r.attempts.map((a) => [a.backend, a.ok])).toEqual([
      ['webgl', false],
      ['wasm', true],
    ])
    expect(shown(r).en).toBe(
      'webgl was requested but is not usable here (failed: could not be initialised); this browser has no WebGPU (navigator.gpu is missing); WebGL failed its smoke test; so training runs on the CPU with WebAssembly (wasm), the fastest backend really present',
    )
    expect(shown(r).zh).toMatch(/^你选择了 webgl，但它在这里不可用；/)
    const cpu = await chooseBackend('cpu', none, noGl, smoke().tryBackend)
    expect(cpu).toMatchObject({ backend: 'cpu', reason: 'cpu was requested' })
  })
})

describe('device limits', () => {
  it('follow the backend: the adapter’s buffer limit, the texture side, the wasm32 heap', () => {
    expect(limitsFor('webgpu', softGpu, softGl, 16)).toEqual({
      maxTensorBytes: 256 * MiB,
      maxTotalBytes: 8 * GiB,
      fused: true,
    })
    expect(limitsFor('webgpu', { ...hardGpu, maxBufferBytes: undefined }, softGl)).toEqual({
      maxTensorBytes: 128 * MiB,
      maxTotalBytes: 2 * GiB,
      fused: true,
    })
    expect(limitsFor('webgl', none, { ...noGl, maxTextureSize: undefined })).toEqual({
      maxTensorBytes: 4096 * 4096 * 16,
      maxTotalBytes: 2 * GiB,
      fused: true,
    })
    expect(limitsFor('wasm', none, noGl, 64)).toEqual({ maxTensorBytes: 1 * GiB, maxTotalBytes: 2 * GiB, fused: true })
    expect(limitsFor('cpu', none, noGl)).toEqual({ maxTensorBytes: 1 * GiB, maxTotalBytes: 2 * GiB })
  })
})
