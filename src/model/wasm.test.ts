// The wasm backend runs matMul with transpose flags slowly and, in tfjs 4.22, has no UnsortedSegmentSum (the
// gradient of gather), so the model takes other paths there: explicit transposes in the linear layers and the
// scatter-add kernel of ./kernels.ts. These tests run the model on tfjs-backend-wasm in Node and compare it
// with the cpu backend (which takes the standard paths).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installWasmKernels, wasmGemm } from './kernels'
import { setWasmBackendShared, wasmHeapOf } from './wasmHeap'
import { lossAndGradsOn, randomIds, tinyConfig, worstRelDiff } from '../testing/fixtures'
import { mulberry32 } from '../util/random'
import { getPreset } from '../shared/presets'
import { Run } from '../train/run'

describe('wasm backend', () => {
  beforeAll(async () => {
    installWasmKernels()
    expect(await setWasmBackendShared()).toBe(true)
  })

  it('keeps its heap in a shared memory, which the matrix products work in without copies', () => {
    expect(wasmHeapOf(tf.backend())?.shared).toBe(true)
    expect(wasmGemm()?.inPlace).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('has an UnsortedSegmentSum that sums rows by id, as a naive loop does', async () => {
    const N = 50
    const C = 7
    const V = 13
    const rng = mulberry32(4)
    const x = Float32Array.from({ length: N * C }, () => rng() * 2 - 1)
    const ids = randomIds(N, V, 5)
    ids[3] = V + 2 // out of range: dropped, as TensorFlow does
    const expected = new Float64Array(V * C)
    for (let r = 0; r < N; r++) if (ids[r] < V) for (let c = 0; c < C; c++) expected[ids[r] * C + c] += x[r * C + c]
    const out = tf.unsortedSegmentSum(tf.tensor2d(x, [N, C]), tf.tensor1d(ids, 'int32'), V)
    expect(out.shape).toEqual([V, C])
    const got = await out.data()
    for (let i = 0; i < V * C; i++) expect(got[i]).toBeCloseTo(expected[i], 5)
    out.dispose()
  })

  it('slices and splits in place, with the values a naive index walk gives (contiguous and strided, rank 1–4)', async () => {
    const shape = [3, 4, 5, 6]
    const n = shape.reduce((a, b) => a * b)
    const x = tf.tensor(
      Float32Array.from({ length: n }, (_, i) => i),
      shape,
    )
    // value at an index = its flat position, so every expected slice is computable by hand
    const flat = (i: number[]) => ((i[0] * 4 + i[1]) * 5 + i[2]) * 6 + i[3]
    const cases: [number[], number[]][] = [
      [
        [1, 0, 0, 0],
        [2, 4, 5, 6],
      ], // contiguous
      [
        [0, 1, 2, 3],
        [3, 2, 3, 2],
      ], // strided in every dimension
      [
        [2, 3, 4, 5],
        [1, 1, 1, 1],
      ],
      [
        [0, 0, 0, 0],
        [3, 4, 5, 0],
      ], // empty
    ]
    for (const [begin, size] of cases) {
      const got = await tf.slice(x, begin, size).data()
      const want: number[] = []
      for (let a = 0; a < size[0]; a++)
        for (let b = 0; b < size[1]; b++)
          for (let c = 0; c < size[2]; c++)
            for (let d = 0; d < size[3]; d++) want.push(flat([begin[0] + a, begin[1] + b, begin[2] + c, begin[3] + d]))
      expect(Array.from(got), JSON.stringify([begin, size])).toEqual(want)
    }
    const m = tf.reshape(x, [12, 30])
    const parts = tf.split(m, [7, 3, 20], 1) // along the inner axis: strided
    const rows = (await m.array()) as number[][]
    const want = [rows.map((r) => r.slice(0, 7)), rows.map((r) => r.slice(7, 10)), rows.map((r) => r.slice(10))]
    for (let i = 0; i < 3; i++) expect(await parts[i].array()).toEqual(want[i])
    const v = tf.split(tf.reshape(x, [n]), [100, 260]) // along the only axis: contiguous
    expect(Array.from(await v[1].data())).toEqual(Array.from({ length: 260 }, (_, i) => 100 + i))
    tf.dispose([x, m, ...parts, ...v])
  })

  it('gives the same loss and gradients as the cpu backend, for every parameter', async () => {
    const wasm = await lossAndGradsOn('wasm')
    const cpu = await lossAndGradsOn('cpu')
    expect(Object.keys(wasm)).toEqual(Object.keys(cpu))
    for (const [name, worst] of Object.entries(worstRelDiff(wasm, cpu))) expect(worst, name).toBeLessThan(1e-3)
    expect(wasm['wte.weight'].some((g) => g !== 0)).toBe(true)
  })

  it('trains whole steps (fused AdamW and norm included) with the tensor count and the heap flat', async () => {
    const tiny = getPreset('tiny')
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40)
    const prepared = Run.prepare(text, tiny.model, { ...tiny.train, maxIters: 100, gradClip: 1 })
    if (prepared.problems) throw new Error(JSON.stringify(prepared.problems))
    const run = prepared.build()
    const first = await run.trainStep()
    const tensors = tf.memory().numTensors
    const bytes = tf.memory().numBytes
    let last = first
    for (let i = 0; i < 4; i++) last = await run.trainStep()
    expect(tf.memory().numTensors).toBe(tensors)
    expect(tf.memory().numBytes).toBe(bytes)
    expect(Number.isFinite(first.loss) && Number.isFinite(first.gradNorm)).toBe(true)
    expect(last.step).toBe(5)
    expect(last.loss).toBeLessThan(first.loss) // five AdamW steps on one repeated sentence
    run.dispose()
  })

  it('multiplies with our GEMM only (GptMatMul, transpose flags instead of transposes), leaving no tensor behind', async () => {
    await lossAndGradsOn('wasm') // warm: the first call creates what tfjs keeps for the backend
    const before = tf.memory().numTensors
    const profile = await tf.profile(() => lossAndGradsOn('wasm'))
    expect(tf.memory().numTensors).toBe(before)
    const count = (name: string) => profile.kernels.filter((k) => k.name === name).length
    // per layer 4 linear layers with a bias (1 forward product, 2 backward: dx, dW) and 2 attention products
    // (1 + 2), and the tied head (1 + 2); no bias is added apart from its product
    const layers = tinyConfig().nLayer
    expect(tinyConfig().bias).toBe(true)
    expect(count('GptMatMul')).toBe(layers * (4 * 3 + 2 * 3) + 3)
    expect(count('GptColumnSum')).toBe(layers * 4) // each bias's gradient, 1ᵀ·dy
    expect(count('BatchMatMul') + count('GptBatchMatMul') + count('_FusedMatMul')).toBe(0)
    // attention's split into heads and back is one kernel each way, forward and backward: no Transpose left
    expect(count('Transpose') + count('SplitV') + count('Concat')).toBe(0)
    expect(count('GptSplitHeads') + count('GptMergeHeads')).toBe(layers * 4)
    // the element-wise work is the fused kernels of fused.ts, each one kernel forward and one backward
    expect(count('GptLayerNorm')).toBe(2 * layers + 1)
    expect(count('GptLayerNormGrad')).toBe(2 * layers + 1)
    expect(count('GptGelu')).toBe(layers)
    expect(count('GptCausalSoftmax')).toBe(layers)
    expect(count('GptSoftmaxGrad')).toBe(layers)
    expect(count('GptCrossEntropy') + count('GptCrossEntropyGrad')).toBe(2)
    for (const chain of ['Erf', 'Softmax', 'Mean', 'Rsqrt', 'Exp', 'OneHot', 'LogSoftmax', 'Max'])
      expect(count(chain), chain).toBe(0)
  })
})
