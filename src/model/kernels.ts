/**
 * Kernels tfjs-backend-wasm 4.22 lacks, written in TypeScript over the wasm heap.
 *
 * UnsortedSegmentSum is the gradient of gather, that is of every embedding lookup: row i of the (V, C) result
 * is the sum of the rows of dy whose id is i. Without it the gather gradient cannot run on wasm, and the
 * fallback (oneHot(ids)ᵀ · dy, a (V, N) × (N, C) product) costs O(V·N·C): at V = 4096 it is a 0.8 GFLOP
 * matmul and a 12 MB one-hot matrix per lookup. The scatter-add here is O(N·C) whatever the vocabulary.
 * Registered once, for the wasm backend only (webgl, webgpu and cpu have their own).
 */
import * as tf from '@tensorflow/tfjs'

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

function unsortedSegmentSumWasm(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const { x, segmentIds } = args.inputs
  const numSegments = args.attrs!.numSegments as number
  const backend = args.backend as WasmBackendLike
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (wasm): float32 data only, got ${x.dtype}`)
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) throw new Error('UnsortedSegmentSum (wasm): one segment id per row of x')
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1)
  // allocate first: growing the wasm heap detaches typed-array views made before it
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype)
  const outVals = backend.typedArrayFromHeap(out) as Float32Array
  const xVals = backend.typedArrayFromHeap(x) as Float32Array
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array
  outVals.fill(0)
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]
    if (id < 0 || id >= numSegments) continue // TensorFlow drops out-of-range ids
    const src = r * rowSize
    const dst = id * rowSize
    for (let c = 0; c < rowSize; c++) outVals[dst + c] += xVals[src + c]
  }
  return out
}

let registered = false

export function registerMissingKernels(): void {
  if (registered) return
  registered = true
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc })
  }
}
