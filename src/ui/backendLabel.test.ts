import { describe, expect, it } from 'vitest'
import { adapterVendor, chipParts } from './backendLabel'
import { loadCatalogue } from './i18n'
import type { BackendReport } from '../shared/protocol'

const report = (backend: BackendReport['backend'], adapter?: BackendReport['adapter']): BackendReport => ({
  backend,
  requested: 'auto',
  reason: 'because',
  adapter,
  attempts: [],
  limits: { maxTensorBytes: 1, maxTotalBytes: 1 },
  webgpu: 'none',
  webgl: 'none',
  isolated: false,
  threads: 1,
})

describe('the backend chip', () => {
  it('reads the maker from WebGPU and ANGLE adapter strings', () => {
    expect(adapterVendor('nvidia ada-lovelace')).toBe('NVIDIA')
    expect(adapterVendor('apple common-3')).toBe('Apple')
    expect(adapterVendor('ANGLE (NVIDIA, NVIDIA GeForce RTX 4090 (0x00002684) Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(
      'NVIDIA',
    )
    expect(adapterVendor('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toBe('Intel')
    expect(adapterVendor('')).toBe('')
  })

  it('says CPU or GPU, the backend, and the maker — never the adapter string', async () => {
    const en = await loadCatalogue('en')
    const zh = await loadCatalogue('zh-CN')
    expect(en.backendChip(...chipParts(report('wasm')))).toBe('CPU · WebAssembly')
    expect(en.backendChip(...chipParts(report('cpu')))).toBe('CPU · JavaScript')
    const gpu = report('webgpu', { description: 'nvidia ada-lovelace', software: false })
    expect(en.backendChip(...chipParts(gpu))).toBe('GPU · WebGPU (NVIDIA)')
    expect(zh.backendChip(...chipParts(gpu))).toBe('GPU 计算 · WebGPU（NVIDIA）')
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)'
    const soft = en.backendChip(...chipParts(report('webgl', { description: swiftshader, software: true })))
    expect(soft).toBe('CPU · WebGL (software)')
    expect(soft).not.toContain('SwiftShader')
  })
})
