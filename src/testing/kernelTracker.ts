// Which tfjs kernel is running, for the benches that count GPU work by kernel (scripts/gpu-bench/bench.ts on
// webgpu, the WebGL check page e2e/kernels/webgl.ts): every kernel registered for a backend, wrapped.
import * as tf from '@tensorflow/tfjs'

/**
 * Wraps every kernel registered for `backend` now (call it once every kernel is, the fused ones included):
 * `running` lists the engine's kernels running, outermost first (a kernel another calls directly inside itself
 * is no engine run); `onRun` is called at each run.
 */
export function trackKernels(backend: string, onRun?: (kernelName: string) => void): { running: string[] } {
  const running: string[] = []
  for (const k of tf.getKernelsForBackend(backend)) {
    const f = k.kernelFunc
    tf.unregisterKernel(k.kernelName, backend)
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        onRun?.(k.kernelName)
        running.push(k.kernelName)
        try {
          return f(args)
        } finally {
          running.pop()
        }
      },
    })
  }
  return { running }
}
