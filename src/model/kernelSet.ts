import * as tf from '@tensorflow/tfjs'
import { registerHeadGradients } from './ops'

/** A kernel function as these sets take it (tfjs's KernelFunc, typed by what our kernels read). */
export type KernelImpl = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => unknown

/**
 * One backend's set of fused kernels (webgpuKernels.ts, webglKernels.ts): their names, and functions that
 * register them for that backend (with the head kernels' gradients; idempotent) and remove them again (tests
 * compare them with tfjs's own chains on the same backend).
 */
export function kernelSet(backendName: string, kernels: [string, KernelImpl][]) {
  return {
    names: kernels.map(([name]) => name),
    install(): void {
      registerHeadGradients()
      for (const [kernelName, kernelFunc] of kernels) {
        if (tf.getKernel(kernelName, backendName)) continue
        tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc })
      }
    },
    uninstall(): void {
      for (const [name] of kernels) if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName)
    },
  }
}
