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
 * transposeB, rank 2 or batched rank 3 or 4 (the same leading dimensions on both sides), with gemm.wat (./gemm.ts: cache-blocked, relaxed-SIMD FMA where the engine has it, on the thread
 * pool src/worker/gemmPool.ts starts). Its custom gradient (ops.ts) is more GptMatMuls with other flags, so
 * no transpose is ever made. Only ops.ts calls it.
 *
 * The fused kernels (./fused.ts, one pass where tfjs runs a chain of kernels; ops.ts and adamw.ts call them):
 * GptLayerNorm (x, weight[, bias] → y, mean, rstd) and GptLayerNormGrad (dy, x, weight, mean, rstd → dx,
 * dWeight[, dBias]); GptGelu (x → y, dy/dx); GptCausalSoftmax (raw scores → probabilities, attrs scale and
 * causal) and GptSoftmaxGrad (dp, p → d scores); GptCrossEntropy (logits, targets[, weights] → the loss,
 * softmax) and GptCrossEntropyGrad; GptGlobalNorm (every gradient → their L2 norm) and GptAdamW (every
 * parameter and gradient, both moment vectors → the updated ones); GptSplitHeads and GptMergeHeads (attention's
 * q, k, v into heads and back, each the other's gradient).
 *
 * Identity: tfjs-wasm 4.22's copies its input; tfjs calls it for every tensor a gradient keeps (engine.clone),
 * 334 times a Baby step (20 ms, tf.profile). The one here shares the data, as its Reshape and the cpu
 * backend's Identity do (no kernel writes into its inputs).
 */
import * as tf from '@tensorflow/tfjs'
import { simdBatchMatMul } from './bmm'
import * as fused from './fused'
import { fusedModuleFor, fusedSimdFor, type FusedSimd } from './fusedSimd'
import { ROW_EXPORTS, threadedSimd } from './fusedThreads'
import { createGemm, gemm, type Gemm } from './gemm'
import { wasmHeapOf } from './wasmHeap'
import { registerHeadGradients, splitHeadsShape } from './ops'

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array
  dataIdMap: { get(id: unknown): { memoryOffset: number } | undefined }
  wasm: {
    // its memory is read by wasmHeapOf (./wasmHeap.ts)
    _malloc(bytes: number): number
    _free(ptr: number): void
  }
}

const threadedPasses = new WeakMap<object, FusedSimd | null>()

/**
 * fused.wat's passes over this backend's heap (in place), shared out over the products' threads where the heap
 * is shared (./fusedThreads.ts), or null: then fused.ts's scalar loops.
 */
function simdOf(backend: WasmBackendLike): FusedSimd | null {
  const heap = wasmHeapOf(backend)
  const simd = fusedSimdFor(heap?.memory)
  if (!simd || !heap?.shared) return simd
  if (!threadedPasses.has(heap.memory)) {
    const engine = gemmOf(backend)
    threadedPasses.set(heap.memory, engine?.inPlace ? threadedSimd(simd, engine) : simd)
  }
  return threadedPasses.get(heap.memory)!
}

const heapEngines = new WeakMap<object, Gemm | null>()

/**
 * The matrix-product engine for this backend: one that works in its heap (no copies) where the heap is shared
 * (./wasmHeap.ts), else the engine with a memory of its own (./gemm.ts), which copies operands in and out.
 */
function gemmOf(backend: WasmBackendLike): Gemm | null {
  const heap = wasmHeapOf(backend)
  if (!heap?.shared) return gemm()
  if (!heapEngines.has(heap.memory)) {
    const { _malloc: malloc, _free: free } = backend.wasm
    const module = fusedModuleFor(heap.memory)
    const extra = module ? { module, names: ROW_EXPORTS } : undefined
    heapEngines.set(heap.memory, createGemm({ heap: { memory: heap.memory, malloc, free }, extra }) ?? gemm())
  }
  return heapEngines.get(heap.memory)!
}

/** The engine the wasm backend's products run on (for the worker to start its threads), if that backend has started. */
export function wasmGemm(): Gemm | null {
  const backend = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm
  return backend ? gemmOf(backend as WasmBackendLike) : gemm()
}

/** A tensor's byte offset in the wasm heap. */
function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset
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
  const lead = a.shape.slice(0, -2) // rank 3 or 4: batched over every leading dimension (attention's B, nh)
  const batch = lead.reduce((x, y) => x * y, 1)
  const [ar, ac] = a.shape.slice(-2)
  const [br, bc] = b.shape.slice(-2)
  const [M, K] = transA ? [ac, ar] : [ar, ac]
  const [K2, N] = transB ? [bc, br] : [br, bc]
  if (rank < 2 || rank > 4 || b.shape.length !== rank || b.shape.slice(0, -2).join() !== lead.join() || K !== K2)
    throw new Error(`GptMatMul: cannot multiply [${a.shape}]${transA ? 'ᵀ' : ''} by [${b.shape}]${transB ? 'ᵀ' : ''}`)
  const bias = args.inputs.bias as tf.TensorInfo | undefined
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== N))
    throw new Error(`GptMatMul: a bias of shape [${bias.shape}] for ${N} columns`)
  const backend = args.backend as WasmBackendLike
  const out = backend.makeOutput([...lead, M, N], 'float32')
  const engine = gemmOf(backend)!
  const shape = { batch, M, N, K, transA, transB }
  if (engine.inPlace) {
    engine.matMulAt(
      offsetOf(backend, a),
      offsetOf(backend, b),
      offsetOf(backend, out),
      shape,
      bias ? offsetOf(backend, bias) : 0,
    )
    return out
  }
  const outVals = backend.typedArrayFromHeap(out) as Float32Array
  engine.matMul(
    backend.typedArrayFromHeap(a) as Float32Array,
    backend.typedArrayFromHeap(b) as Float32Array,
    outVals,
    shape,
    bias && (backend.typedArrayFromHeap(bias) as Float32Array),
  )
  return out
}

type F32 = Float32Array

/** The wasm backend's heap views of inputs, taken after every output is allocated (allocation can move the heap). */
function views(backend: WasmBackendLike, ts: (tf.TensorInfo | undefined)[]): (F32 | null)[] {
  return ts.map((t) => (t ? (backend.typedArrayFromHeap(t) as F32) : null))
}

function rowsOf(x: tf.TensorInfo): [number, number] {
  const C = x.shape[x.shape.length - 1]
  return [C === 0 ? 0 : tf.util.sizeFromShape(x.shape) / C, C]
}

function checkFloat(where: string, ...ts: (tf.TensorInfo | undefined)[]): void {
  for (const t of ts) if (t && t.dtype !== 'float32') throw new Error(`${where}: float32 only, got ${t.dtype}`)
}

function gptLayerNormWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const { x, weight, bias } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptLayerNorm', x, weight, bias)
  const [N, C] = rowsOf(x!)
  if (weight!.shape[0] !== C || (bias && bias.shape[0] !== C)) throw new Error(`GptLayerNorm: ${C} channels`)
  const backend = b as WasmBackendLike
  const outs = [
    backend.makeOutput(x!.shape, 'float32'),
    backend.makeOutput([N], 'float32'),
    backend.makeOutput([N], 'float32'),
  ]
  const simd = C % 4 === 0 ? simdOf(backend) : null
  if (simd) {
    const [xo, wo, yo, mo, ro] = [x!, weight!, ...outs].map((t) => offsetOf(backend, t))
    simd.lnForward(xo, wo, bias ? offsetOf(backend, bias) : 0, N, C, yo, mo, ro)
    return outs
  }
  const [xv, wv, bv, y, mean, rstd] = views(backend, [x, weight, bias, ...outs])
  fused.layerNormForward(xv!, wv!, bv, N, C, y!, mean!, rstd!)
  return outs
}

function gptLayerNormGradWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, weight, mean, rstd } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptLayerNormGrad', dy, x, weight, mean, rstd)
  const [N, C] = rowsOf(x)
  const backend = b as WasmBackendLike
  const outs = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput([C], 'float32')]
  if (attrs?.hasBias) outs.push(backend.makeOutput([C], 'float32'))
  const simd = C % 4 === 0 ? simdOf(backend) : null
  if (simd) {
    const o = [dy, x, weight, mean, rstd, ...outs].map((t) => offsetOf(backend, t))
    simd.lnBackward(o[0], o[1], o[2], o[3], o[4], N, C, o[5], o[6], o[7] ?? 0)
    return outs
  }
  const [dyv, xv, wv, mv, rv, dx, dw, db] = views(backend, [dy, x, weight, mean, rstd, ...outs])
  fused.layerNormBackward(dyv!, xv!, wv!, mv!, rv!, N, C, dx!, dw!, db ?? null)
  return outs
}

function gptGeluWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptGelu', x)
  const backend = b as WasmBackendLike
  const outs = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput(x.shape, 'float32')]
  const [xv, y, d] = views(backend, [x, ...outs])
  const simd = simdOf(backend)
  const n4 = simd ? xv!.length & ~3 : 0
  if (simd) simd.gelu(offsetOf(backend, x), offsetOf(backend, outs[0]), offsetOf(backend, outs[1]), n4)
  fused.geluForward(xv!.subarray(n4), y!.subarray(n4), d!.subarray(n4)) // the last n mod 4 (all, without SIMD)
  return outs
}

/** GptGeluGrad: dx = dy ⊙ deriv (GptGelu's second output), with SIMD where there is. */
function gptGeluGradWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const { dy, deriv } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptGeluGrad', dy, deriv)
  const backend = b as WasmBackendLike
  const out = backend.makeOutput(dy.shape, 'float32')
  const [dyv, dv, dx] = views(backend, [dy, deriv, out]) as F32[]
  if (dyv.length !== dv.length) throw new Error('GptGeluGrad: dy and the derivative differ in size')
  const simd = simdOf(backend)
  const n4 = simd ? dyv.length & ~3 : 0
  if (simd) simd.mul(offsetOf(backend, dy), offsetOf(backend, deriv), offsetOf(backend, out), n4)
  for (let i = n4; i < dyv.length; i++) dx[i] = dyv[i] * dv[i]
  return out
}

/**
 * GatherV2 for rows of a float32 matrix (the embedding lookups: axis 0, no batch dimensions), one memmove a row;
 * tfjs-wasm's own (kept for every other case) took 1.4 ms for Baby's 768 rows of 128.
 */
function makeGatherKernel(original: tf.KernelConfig | undefined) {
  return (args: KernelArgs) => {
    const { x, indices } = args.inputs as Record<string, tf.TensorInfo>
    const axis = args.attrs!.axis as number
    const rowsCase =
      x.dtype === 'float32' && x.shape.length === 2 && indices.dtype === 'int32' && indices.shape.length === 1
    if (!rowsCase || (axis !== 0 && axis !== -2) || args.attrs!.batchDims) return original!.kernelFunc(args as never)
    const backend = args.backend as WasmBackendLike
    const [V, C] = x.shape
    const out = backend.makeOutput([indices.shape[0], C], 'float32')
    const ids = backend.typedArrayFromHeap(indices) as Int32Array
    const [heap, [xo, oo]] = heapFloats(backend, [x, out])
    for (let r = 0; r < ids.length; r++) {
      const id = ids[r]
      if (!(id >= 0 && id < V)) throw new Error(`GatherV2: index ${id} is not in [0, ${V - 1}]`)
      heap.copyWithin(oo + r * C, xo + id * C, xo + (id + 1) * C)
    }
    return out
  }
}

/** GptColumnSum: x (N, C) → (C), the sum of its rows (a linear layer's bias gradient, 1ᵀ·dy). */
function gptColumnSumWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptColumnSum', x)
  const [N, C] = rowsOf(x)
  const backend = b as WasmBackendLike
  const out = backend.makeOutput([C], 'float32')
  const simd = C % 4 === 0 ? simdOf(backend) : null
  if (simd) simd.columnSum(offsetOf(backend, x), N, C, offsetOf(backend, out))
  else {
    const [xv, ov] = views(backend, [x, out]) as F32[]
    const sums = new Float64Array(C)
    for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) sums[c] += xv[r * C + c]
    ov.set(sums)
  }
  return out
}

/** Add for two float32 tensors of one shape (the residual stream, gradient sums), in SIMD; tfjs's own otherwise. */
function makeAddKernel(original: tf.KernelConfig | undefined) {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as Record<string, tf.TensorInfo>
    const backend = args.backend as WasmBackendLike
    const simd = simdOf(backend)
    if (!simd || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.join() !== b.shape.join())
      return original!.kernelFunc(args as never)
    const out = backend.makeOutput(a.shape, 'float32')
    const [av, bv, ov] = views(backend, [a, b, out]) as F32[]
    const n4 = av.length & ~3
    simd.add(offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), n4)
    for (let i = n4; i < av.length; i++) ov[i] = av[i] + bv[i]
    return out
  }
}

function gptCausalSoftmaxWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo {
  const s = inputs.scores as tf.TensorInfo
  checkFloat('GptCausalSoftmax', s)
  const [R, T] = rowsOf(s)
  if (attrs!.causal && s.shape[s.shape.length - 2] !== T) throw new Error('GptCausalSoftmax: causal scores are T × T')
  const backend = b as WasmBackendLike
  const out = backend.makeOutput(s.shape, 'float32')
  const simd = simdOf(backend)
  const scale = attrs!.scale as number
  if (simd) simd.softmax(offsetOf(backend, s), offsetOf(backend, out), R, T, scale, attrs!.causal ? 1 : 0)
  else {
    const [sv, p] = views(backend, [s, out])
    fused.causalSoftmax(sv!, R, T, scale, Boolean(attrs!.causal), p!)
  }
  return out
}

function gptSoftmaxGradWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo {
  const { dp, p } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptSoftmaxGrad', dp, p)
  const [R, T] = rowsOf(p)
  const backend = b as WasmBackendLike
  const out = backend.makeOutput(p.shape, 'float32')
  const simd = simdOf(backend)
  if (simd) {
    simd.softmaxBackward(
      offsetOf(backend, dp),
      offsetOf(backend, p),
      R,
      T,
      attrs!.scale as number,
      offsetOf(backend, out),
    )
    return out
  }
  const [dpv, pv, ds] = views(backend, [dp, p, out])
  fused.softmaxBackward(dpv!, pv!, R, T, attrs!.scale as number, ds!)
  return out
}

function crossEntropyArgs(inputs: tf.NamedTensorInfoMap, where: string) {
  const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat(where, logits, weights)
  const [N, V] = rowsOf(logits!)
  if (targets!.dtype !== 'int32' || targets!.shape[0] !== N || (weights && weights.shape[0] !== N))
    throw new Error(`${where}: one int32 target (and weight) per row`)
  return { logits: logits!, targets: targets!, weights, N, V }
}

function gptCrossEntropyWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const { logits, targets, weights, N, V } = crossEntropyArgs(inputs, 'GptCrossEntropy')
  const backend = b as WasmBackendLike
  const outs = [backend.makeOutput([], 'float32'), backend.makeOutput(logits.shape, 'float32')]
  const simd = simdOf(backend)
  const stats = simd ? backend.wasm._malloc(8 * N) : 0 // after makeOutput: it can grow the heap too
  if (simd) simd.softmaxStats(offsetOf(backend, logits), offsetOf(backend, outs[1]), N, V, stats)
  const [lv, wv, lossV, probs] = views(backend, [logits, weights, ...outs])
  const ids = backend.typedArrayFromHeap(targets) as Int32Array
  if (simd) {
    const st = new Float32Array(lv!.buffer, stats, 2 * N)
    lossV![0] = fused.crossEntropyFromStats(lv!, ids, wv, N, V, attrs!.norm as number, st)
    backend.wasm._free(stats)
  } else lossV![0] = fused.crossEntropyForward(lv!, ids, wv, N, V, attrs!.norm as number, probs!)
  return outs
}

function gptCrossEntropyGradWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo {
  const { targets, weights, N, V } = crossEntropyArgs({ ...inputs, logits: inputs.probs }, 'GptCrossEntropyGrad')
  const backend = b as WasmBackendLike
  const out = backend.makeOutput((inputs.probs as tf.TensorInfo).shape, 'float32')
  const [pv, wv, dyv, dl] = views(backend, [inputs.probs as tf.TensorInfo, weights, inputs.dy as tf.TensorInfo, out])
  const ids = backend.typedArrayFromHeap(targets) as Int32Array
  fused.crossEntropyBackward(pv!, ids, wv, N, V, dyv![0] / (attrs!.norm as number), dl!)
  return out
}

/** Inputs named prefix0, prefix1, … in order. */
function numbered(inputs: tf.NamedTensorInfoMap, prefix: string, n: number): tf.TensorInfo[] {
  return Array.from({ length: n }, (_, i) => inputs[`${prefix}${i}`] as tf.TensorInfo)
}

function gptGlobalNormWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo {
  const parts = numbered(inputs, 'g', attrs!.count as number)
  checkFloat('GptGlobalNorm', ...parts)
  const backend = b as WasmBackendLike
  const out = backend.makeOutput([], 'float32')
  const vs = views(backend, [...parts, out]) as F32[]
  const simd = simdOf(backend)
  if (simd) {
    let sum = 0
    parts.forEach((t, i) => {
      const n4 = vs[i].length & ~3
      const tail = fused.globalNorm([vs[i].subarray(n4)])
      sum += simd.sumSquares(offsetOf(backend, t), n4) + tail * tail
    })
    vs[parts.length][0] = Math.sqrt(sum)
  } else vs[parts.length][0] = fused.globalNorm(vs.slice(0, parts.length))
  return out
}

function gptAdamWWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const decayed = attrs!.decayed as number[]
  const n = decayed.length
  const params = numbered(inputs, 'p', n)
  const grads = numbered(inputs, 'g', n)
  const { m, v } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptAdamW', ...params, ...grads, m, v)
  const total = params.reduce((s, p) => s + tf.util.sizeFromShape(p.shape), 0)
  if (m.shape[0] !== total || v.shape[0] !== total) throw new Error(`GptAdamW: moments of ${total} values`)
  params.forEach((p, i) => {
    if (tf.util.sizeFromShape(grads[i].shape) !== tf.util.sizeFromShape(p.shape))
      throw new Error(`GptAdamW: gradient ${i} has the wrong size`)
  })
  const backend = b as WasmBackendLike
  const outs = [...params.map((p) => backend.makeOutput(p.shape, 'float32')), backend.makeOutput([total], 'float32')]
  outs.push(backend.makeOutput([total], 'float32'))
  const all = [...params, ...grads, m, v, ...outs]
  const vs = views(backend, all) as F32[]
  const off = all.map((t) => offsetOf(backend, t))
  const scale = inputs.scale as tf.TensorInfo | undefined // the clip factor as a tensor when attrs has none (−1)
  const s = { ...(attrs as unknown as fused.AdamWStep) }
  if (scale) s.gradScale = (backend.typedArrayFromHeap(scale) as F32)[0]
  const [mv, vv, mOut, vOut] = [vs[2 * n], vs[2 * n + 1], vs[3 * n + 2], vs[3 * n + 3]]
  const simd = simdOf(backend)
  let at = 0
  for (let i = 0; i < n; i++) {
    const size = vs[i].length
    const n4 = simd ? size & ~3 : 0
    if (simd) {
      const keep = decayed[i] === 1 ? 1 - s.lr * s.weightDecay : 1
      const [mo, vo, mOutO, vOutO] = [off[2 * n], off[2 * n + 1], off[3 * n + 2], off[3 * n + 3]].map((o) => o + 4 * at)
      simd.adamw(
        off[i],
        off[n + i],
        mo,
        vo,
        n4,
        keep,
        s.lr / s.bc1,
        s.beta1,
        s.beta2,
        s.eps,
        Math.sqrt(s.bc2),
        s.gradScale,
        off[2 * n + 2 + i],
        mOutO,
        vOutO,
      )
    }
    const tail = (t: F32) => t.subarray(n4) // the last size mod 4 values (all of them without SIMD)
    fused.adamwUpdate(
      tail(vs[i]),
      tail(vs[n + i]),
      mv,
      vv,
      at + n4,
      decayed[i] === 1,
      s,
      tail(vs[2 * n + 2 + i]),
      mOut,
      vOut,
    )
    at += size
  }
  return outs
}

/**
 * GptSplitHeads: x (B·T, parts·C), the rows of B sequences of T tokens, → `parts` tensors (B, nh, T, hs), head h
 * of part i being columns i·C + h·hs … + hs: attention's q, k, v taken out of one projection and into heads in
 * one pass (tfjs: a split, three reshapes and three transposes, and a concat with three more backward).
 * GptMergeHeads is its inverse, (B, nh, T, hs) × parts → (B·T, parts·C); each is the other's gradient.
 */
function headCopy(
  backend: WasmBackendLike,
  rows: tf.TensorInfo,
  heads: tf.TensorInfo[],
  B: number,
  T: number,
  nh: number,
  hs: number,
  toHeads: boolean,
): void {
  const C = nh * hs
  const width = heads.length * C
  const simd = simdOf(backend)
  const [heap, [ro, ...ho]] = heapFloats(backend, [rows, ...heads])
  for (let i = 0; i < heads.length; i++)
    for (let b = 0; b < B; b++)
      for (let h = 0; h < nh; h++) {
        // head h of sequence b: T runs of hs values, width apart in the rows, contiguous in the head
        const r = ro + b * T * width + i * C + h * hs
        const q = ho[i] + (b * nh + h) * T * hs
        if (simd) {
          const [src, srcStride, dst, dstStride] = toHeads ? [r, width, q, hs] : [q, hs, r, width]
          simd.copyRows(4 * src, 4 * srcStride, 4 * dst, 4 * dstStride, T, 4 * hs)
        } else
          for (let t = 0; t < T; t++)
            if (toHeads) heap.copyWithin(q + t * hs, r + t * width, r + t * width + hs)
            else heap.copyWithin(r + t * width, q + t * hs, q + t * hs + hs)
      }
}

/** A view of the whole wasm heap (after any allocation) and tensors' offsets in it, in floats. */
function heapFloats(backend: WasmBackendLike, ts: tf.TensorInfo[]): [F32, number[]] {
  const heap = new Float32Array((backend.typedArrayFromHeap(ts[0]) as F32).buffer)
  return [heap, ts.map((t) => offsetOf(backend, t) / 4)]
}

function gptSplitHeadsWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  const { batch: B, heads: nh, parts } = attrs as { batch: number; heads: number; parts: number }
  checkFloat('GptSplitHeads', x)
  const { T, hs } = splitHeadsShape(x.shape, B, nh, parts)
  const backend = b as WasmBackendLike
  const outs = Array.from({ length: parts }, () => backend.makeOutput([B, nh, T, hs], 'float32'))
  headCopy(backend, x, outs, B, T, nh, hs, true)
  return outs
}

function gptMergeHeadsWasm({ inputs, attrs, backend: b }: KernelArgs): tf.TensorInfo {
  const parts = numbered(inputs, 'x', attrs!.parts as number)
  checkFloat('GptMergeHeads', ...parts)
  const [B, nh, T, hs] = parts[0].shape
  if (parts.some((p) => p.shape.join() !== parts[0].shape.join()))
    throw new Error('GptMergeHeads: every part has the same (B, nh, T, hs)')
  const backend = b as WasmBackendLike
  const out = backend.makeOutput([B * T, parts.length * nh * hs], 'float32')
  headCopy(backend, out, parts, B, T, nh, hs, false)
  return out
}

function identityWasm({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo
  ;(backend as { incRef(id: unknown): void }).incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
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
  // the original's setup (tfjs-wasm binds its C function there) is kept, for the cases ours hands back to it
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    setupFunc: current?.setupFunc,
    disposeFunc: current?.disposeFunc,
  })
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
  install(
    'Identity',
    (original) => (args) =>
      (args.inputs.x as tf.TensorInfo).dtype === 'string' ? original!.kernelFunc(args as never) : identityWasm(args),
  )
  install('GptLayerNorm', () => gptLayerNormWasm)
  install('GptLayerNormGrad', () => gptLayerNormGradWasm)
  install('GptGelu', () => gptGeluWasm)
  install('GptGeluGrad', () => gptGeluGradWasm)
  install('GptColumnSum', () => gptColumnSumWasm)
  install('GatherV2', makeGatherKernel)
  install('Add', makeAddKernel)
  install('GptCausalSoftmax', () => gptCausalSoftmaxWasm)
  install('GptSoftmaxGrad', () => gptSoftmaxGradWasm)
  install('GptCrossEntropy', () => gptCrossEntropyWasm)
  install('GptCrossEntropyGrad', () => gptCrossEntropyGradWasm)
  install('GptGlobalNorm', () => gptGlobalNormWasm)
  install('GptAdamW', () => gptAdamWWasm)
  install('GptSplitHeads', () => gptSplitHeadsWasm)
  install('GptMergeHeads', () => gptMergeHeadsWasm)
  registerHeadGradients()
}
