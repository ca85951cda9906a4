// Dawn in Node for the webgpu tests: tfjs-backend-webgpu on SwiftShader here (scripts/test-all.mjs points
// LD_LIBRARY_PATH and VK_ICD_FILENAMES at Chromium's), on a GPU where there is one.
import * as tf from '@tensorflow/tfjs'
import { isCI } from '../../scripts/ci.mjs'

/** Why the webgpu backend cannot start here, or undefined when it can (it is then registered). */
export async function webgpuUnavailable(): Promise<string | undefined> {
  try {
    const { create, globals } = await import('webgpu')
    Object.assign(globalThis, globals)
    const gpu = create([])
    if (!(await gpu.requestAdapter()))
      return 'Dawn found no adapter (no Vulkan driver: install chromium for SwiftShader)'
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true })
    await import('@tensorflow/tfjs-backend-webgpu')
    return (await tf.setBackend('webgpu')) ? undefined : 'tfjs could not start its webgpu backend'
  } catch (e) {
    return `webgpu unavailable: ${(e as Error).message}`
  } finally {
    await tf.setBackend('cpu')
  }
}

/**
 * Outside CI a machine without a Vulkan driver skips the webgpu tests, saying why; under CI=true they always
 * run, and a Dawn that cannot start fails them (CI installs Chromium, whose SwiftShader they use).
 */
export async function webgpuSkip(what: string): Promise<{ skip: boolean; unavailable?: string }> {
  const unavailable = await webgpuUnavailable()
  const skip = Boolean(unavailable) && !isCI
  if (skip) console.warn(`skipping ${what} (not under CI): ${unavailable}`)
  return { skip, unavailable }
}
