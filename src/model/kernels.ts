/**
 * Kernels tfjs-backend-wasm 4.22 lacks or runs badly, written in TypeScript over the wasm heap.
 *
 * Slice (and SplitV, which slices): tfjs-wasm 4.22's Slice starts with `backend.readSync(x)`, a copy of the
 * whole input, so taking 128 values out of a 0.8M-value tensor costs ~2.7 ms (measured). The version here reads
 * the input in place. Splitting one long vector into a model's 50 parameters went from ~90 ms to <1 ms.
 *
 * UnsortedSegmentSum is the gradient of gather, that is of every embedding lookup: row i of the (V, C) result
 * is the sum of the rows of dy whose id is i. Without it the gather gradient cannot run on wasm, and the
 * fallback (oneHot(ids)ᵀ · dy, a (V, N) × (N, C) product) costs O(V·N·C): at V = 4096 it is a 0.8 GFLOP
 * matmul and a 12 MB one-hot matrix per lookup. The scatter-add here is O(N·C) whatever the vocabulary.
 * Registered once, for the wasm backend only (webgl, webgpu and cpu have their own).
 *
 * GptBatchMatMul: (N, M, K) · (N, K, P) with WebAssembly SIMD (bmm.wat). tfjs-wasm runs any batched matMul
 * (batch > 1) in a scalar loop at ~1.2 GFLOP/s; attention's products are all batched. Only gpt.ts calls it.
 *
 * GptMatMul: C = op(A)·op(B) (+ bias, an optional third input added to every row) with transposeA /
 * transposeB, rank 2 or batched rank 3 (the same batch on both sides), with gemm.wat (./gemm.ts: cache-blocked, relaxed-SIMD FMA where the engine has it, on the thread
 * pool src/worker/gemmPool.ts starts). Its custom gradient (ops.ts) is more GptMatMuls with other flags, so
 * no transpose is ever made. Only ops.ts calls it.
 */
import * as tf from '@tensorflow/tfjs'
import { simdBatchMatMul } from './bmm'
import { gemm } from './gemm'

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }

/** UnsortedSegmentSum's inputs, checked: float32 rows of x, one int32 segment id per row. */
function segmentArgs(args: KernelArgs, where: string) {
  const x = args.inputs.x as tf.TensorInfo
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo
  const numSegments = args.attrs!.numSegments as number
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (${where}): float32 data only, got ${x.dtype}`)
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0])
    throw new Error(`UnsortedSegmentSum (${where}): one segment id per row of x`)
  return {
    x,
    segmentIds,
    numSegments,
    rowSize: x.shape.slice(1).reduce((a, b) => a * b, 1),
    outShape: [numSegments, ...x.shape.slice(1)],
  }
}

function unsortedSegmentSumWasm(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds, numSegments, rowSize, outShape } = segmentArgs(args, 'wasm')
  const backend = args.backend as WasmBackendLike
  // allocate first: growing the wasm heap detaches typed-array views made before it
  const out = backend.makeOutput(outShape, 'float32')
  const outVals = backend.typedArrayFromHeap(out) as Float32Array
  const xVals = backend.typedArrayFromHeap(x) as Float32Array
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array
  outVals.fill(0)
  scatterAdd(xVals, ids, rowSize, numSegments, outVals)
  return out
}

/** x[begin : begin + size] without copying the input first; strided slices copy one innermost run at a time. */
function sliceWasm(x: tf.TensorInfo, begin: number[], size: number[], backend: WasmBackendLike): tf.TensorInfo {
  const rank = x.shape.length
  const out = backend.makeOutput(size, x.dtype) // before taking views: allocation can move the heap
  const outVals = backend.typedArrayFromHeap(out)
  const xVals = backend.typedArrayFromHeap(x)
  const total = size.reduce((a, b) => a * b, 1)
  if (total === 0) return out
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape))
    outVals.set(xVals.subarray(offset, offset + total))
    return out
  }
  const strides = [...tf.util.computeStrides(x.shape), 1]
  const run = size[rank - 1]
  const idx = new Array<number>(Math.max(0, rank - 1)).fill(0) // position in the outer dimensions of the slice
  for (let o = 0; o < total; o += run) {
    let src = begin[rank - 1]
    for (let d = 0; d < rank - 1; d++) src += (begin[d] + idx[d]) * strides[d]
    outVals.set(xVals.subarray(src, src + run), o)
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < size[d]) break
      idx[d] = 0
    }
  }
  return out
}

function makeSliceKernel(original: tf.KernelConfig | undefined) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo
    if (x.dtype === 'string' && original) return original.kernelFunc(args as never)
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.Tensor,
      args.attrs!.begin as number[],
      args.attrs!.size as number[],
    )
    tf.slice_util.assertParamsValid(x as tf.Tensor, begin, size)
    return sliceWasm(x, begin, size, args.backend as WasmBackendLike)
  }
}

function makeSplitKernel(original: tf.KernelConfig | undefined) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo
    if (x.dtype === 'string' && original) return original.kernelFunc(args as never)
    const axis = tf.util.parseAxisParam(args.attrs!.axis as number, x.shape)[0]
    const sizes = tf.backend_util.prepareSplitSize(
      x as tf.Tensor,
      args.attrs!.numOrSizeSplits as number[] | number,
      axis,
    )
    const begin = new Array<number>(x.shape.length).fill(0)
    return sizes.map((n) => {
      const size = [...x.shape]
      size[axis] = n
      const part = sliceWasm(x, [...begin], size, args.backend as WasmBackendLike)
      begin[axis] += n
      return part
    })
  }
}

function gptBatchMatMulWasm(args: KernelArgs): tf.TensorInfo {
  const a = args.inputs.a as tf.TensorInfo
  const b = args.inputs.b as tf.TensorInfo
  const backend = args.backend as WasmBackendLike
  const [N, M, K] = a.shape
  const P = b.shape[2]
  if (a.shape.length !== 3 || b.shape.length !== 3 || b.shape[0] !== N || b.shape[1] !== K)
    throw new Error(`GptBatchMatMul: cannot multiply [${a.shape}] by [${b.shape}]`)
  const out = backend.makeOutput([N, M, P], 'float32')
  const outVals = backend.typedArrayFromHeap(out) as Float32Array
  simdBatchMatMul()!(
    backend.typedArrayFromHeap(a) as Float32Array,
    backend.typedArrayFromHeap(b) as Float32Array,
    outVals,
    N,
    M,
    K,
    P,
  )
  return out
}

function gptMatMulWasm(args: KernelArgs): tf.TensorInfo {
  const a = args.inputs.a as tf.TensorInfo
  const b = args.inputs.b as tf.TensorInfo
  const transA = Boolean(args.attrs?.transposeA)
  const transB = Boolean(args.attrs?.transposeB)
  const rank = a.shape.length
  const batch = rank === 3 ? a.shape[0] : 1
  const [ar, ac] = a.shape.slice(-2)
  const [br, bc] = b.shape.slice(-2)
  const [M, K] = transA ? [ac, ar] : [ar, ac]
  const [K2, N] = transB ? [bc, br] : [br, bc]
  if ((rank !== 2 && rank !== 3) || b.shape.length !== rank || (rank === 3 && b.shape[0] !== batch) || K !== K2)
    throw new Error(`GptMatMul: cannot multiply [${a.shape}]${transA ? 'ᵀ' : ''} by [${b.shape}]${transB ? 'ᵀ' : ''}`)
  const bias = args.inputs.bias as tf.TensorInfo | undefined
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== N))
    throw new Error(`GptMatMul: a bias of shape [${bias.shape}] for ${N} columns`)
  const backend = args.backend as WasmBackendLike
  const out = backend.makeOutput(rank === 3 ? [batch, M, N] : [M, N], 'float32')
  const outVals = backend.typedArrayFromHeap(out) as Float32Array
  gemm()!.matMul(
    backend.typedArrayFromHeap(a) as Float32Array,
    backend.typedArrayFromHeap(b) as Float32Array,
    outVals,
    { batch, M, N, K, transA, transB },
    bias && (backend.typedArrayFromHeap(bias) as Float32Array),
  )
  return out
}

/**
 * The same scatter-add for tfjs's plain-JS cpu backend, whose UnsortedSegmentSum builds an equality mask per
 * segment (O(segments · N · C) in tensor ops): measured 172 ms of a 570 ms tiny step for two embeddings.
 */
interface CpuBackendLike {
  readSync(dataId: unknown): Float32Array | Int32Array
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo
}

function unsortedSegmentSumCpu(args: KernelArgs): tf.TensorInfo {
  const { x, segmentIds, numSegments, rowSize, outShape } = segmentArgs(args, 'cpu')
  const backend = args.backend as CpuBackendLike
  const out = new Float32Array(numSegments * rowSize)
  scatterAdd(
    backend.readSync(x.dataId) as Float32Array,
    backend.readSync(segmentIds.dataId) as Int32Array,
    rowSize,
    numSegments,
    out,
  )
  return backend.makeTensorInfo(outShape, 'float32', out)
}

/** out[ids[r]] += x[r] for every row r (rows of rowSize values); ids outside [0, numSegments) are dropped. */
function scatterAdd(
  xVals: Float32Array,
  ids: Int32Array,
  rowSize: number,
  numSegments: number,
  out: Float32Array,
): void {
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]
    if (id < 0 || id >= numSegments) continue // TensorFlow drops out-of-range ids
    const src = r * rowSize
    const dst = id * rowSize
    for (let c = 0; c < rowSize; c++) out[dst + c] += xVals[src + c]
  }
}

const ours = new Set<unknown>()

/** Installs a kernel for a backend, replacing tfjs's (kept for what ours does not handle: strings). */
function install(
  name: string,
  make: (original: tf.KernelConfig | undefined) => (args: KernelArgs) => unknown,
  backendName = 'wasm',
): void {
  const current = tf.getKernel(name, backendName)
  if (current && ours.has(current.kernelFunc)) return
  if (current) tf.unregisterKernel(name, backendName)
  const kernelFunc = make(current)
  ours.add(kernelFunc)
  tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc })
}

/** The cpu backend's scatter-add (the cpu backend is registered when '@tensorflow/tfjs' loads). Idempotent. */
export function installCpuKernels(): void {
  install('UnsortedSegmentSum', () => unsortedSegmentSumCpu, 'cpu')
}

/**
 * Call after '@tensorflow/tfjs-backend-wasm' is imported (importing it registers its own kernels, which would
 * replace ours) and before training on wasm. Idempotent.
 */
export function installWasmKernels(): void {
  install('UnsortedSegmentSum', () => unsortedSegmentSumWasm)
  install('Slice', makeSliceKernel)
  install('SplitV', makeSplitKernel)
  if (simdBatchMatMul()) install('GptBatchMatMul', () => gptBatchMatMulWasm)
  if (gemm()) install('GptMatMul', () => gptMatMulWasm)
}
