// Baby GPT's matrix products (B·T = 768 tokens, C = 128, 4C = 512, V = 65, 4 heads of 32, T = 64, 12 × 4 = 48
// attention batches), each timed with tfjs-wasm's own matMul (XNNPACK, flag-free, one thread: the fastest way
// tfjs offers, transposes not counted) or bmm.wat for the batched ones, and with gemm.wat (src/model/gemm.ts):
// plain or relaxed SIMD, 1 or 2 threads, raw and through tfjs (runKernel GptMatMul, the path the model takes).
// Also the copies in and out of our memory, and a check of every variant against a float64 product.
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { createGemm, gemm, type Gemm } from '../../src/model/gemm'
import { installWasmKernels } from '../../src/model/kernels'
import { spawnBrowserThread } from '../../src/worker/gemmPool'
import { stepBench } from './step'

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
})
installWasmKernels()

const log = (s: string) => postMessage({ log: s })

type Case = {
  name: string
  batch: number
  M: number
  N: number
  K: number
  transA: boolean
  transB: boolean
  perStep: number
}
const L = 4
const T = true
const F = false
const lin = (name: string, M: number, N: number, K: number, transA: boolean, transB: boolean, perStep = L): Case => ({
  name,
  batch: 1,
  M,
  N,
  K,
  transA,
  transB,
  perStep,
})
const att = (name: string, M: number, N: number, K: number, transA: boolean, transB: boolean): Case => ({
  name,
  batch: 48,
  M,
  N,
  K,
  transA,
  transB,
  perStep: L,
})
const CASES: Case[] = [
  lin('c_attn y=x·W', 768, 384, 128, F, F),
  lin('c_attn dx=dy·Wᵀ', 768, 128, 384, F, T),
  lin('c_attn dW=xᵀ·dy', 128, 384, 768, T, F),
  lin('attn.c_proj y', 768, 128, 128, F, F),
  lin('attn.c_proj dx', 768, 128, 128, F, T),
  lin('attn.c_proj dW', 128, 128, 768, T, F),
  lin('c_fc y', 768, 512, 128, F, F),
  lin('c_fc dx', 768, 128, 512, F, T),
  lin('c_fc dW', 128, 512, 768, T, F),
  lin('mlp.c_proj y', 768, 128, 512, F, F),
  lin('mlp.c_proj dx', 768, 512, 128, F, T),
  lin('mlp.c_proj dW', 512, 128, 768, T, F),
  lin('head y=x·wteᵀ', 768, 65, 128, F, T, 1),
  lin('head dx=dy·wte', 768, 128, 65, F, F, 1),
  lin('head dwte=dyᵀ·x', 65, 128, 768, T, F, 1),
  att('q·kᵀ', 64, 64, 32, F, T),
  att('dq=dS·k', 64, 32, 64, F, F),
  att('dk=dSᵀ·q', 64, 32, 64, T, F),
  att('att·v', 64, 32, 64, F, F),
  att('datt=dy·vᵀ', 64, 64, 32, F, T),
  att('dv=attᵀ·dy', 64, 32, 64, T, F),
]

/**
 * ms per call: the best of 7 rounds, each the mean of as many calls as fill ≥ 30 ms. The best, not the median:
 * the machine is shared, and other processes' load only ever adds time.
 */
function time(fn: () => void): number {
  fn()
  let n = 1
  for (let t0 = performance.now(); performance.now() - t0 < 30; n++) fn()
  const rounds: number[] = []
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) fn()
    rounds.push((performance.now() - t0) / n)
  }
  return Math.min(...rounds)
}

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0
  return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1)
}

function worstVsFloat64(c: Case, a: Float32Array, b: Float32Array, out: Float32Array): number {
  let w = 0
  const { M, N, K, transA, transB } = c
  for (let n = 0; n < Math.min(c.batch, 2); n++)
    for (let i = 0; i < M; i += 7)
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++)
          s += a[n * M * K + (transA ? k * M + i : i * K + k)] * b[n * K * N + (transB ? j * K + k : k * N + j)]
        w = Math.max(w, Math.abs(out[(n * M + i) * N + j] - s) / Math.max(1, Math.abs(s)))
      }
  return w
}

async function main() {
  await tf.setBackend('wasm')
  await tf.ready()
  const env = {
    crossOriginIsolated: (self as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  }
  const plain = createGemm({ relaxed: false })!
  const relaxedOk = createGemm()!.relaxed
  const relaxed = relaxedOk ? createGemm({ relaxed: true }) : null
  const data = CASES.map((c, i) => ({
    a: rand(c.batch * c.M * c.K, 2 * i + 1),
    b: rand(c.batch * c.K * c.N, 2 * i + 2),
  }))
  const rows: Record<string, number | string>[] = CASES.map((c) => ({
    name: c.name,
    shape: `${c.batch}×${c.M}×${c.N}×${c.K}${c.transA ? ' Aᵀ' : ''}${c.transB ? ' Bᵀ' : ''}`,
  }))
  const worst: Record<string, number> = {}
  const runRaw = (label: string, g: Gemm) => {
    log(label)
    CASES.forEach((c, i) => {
      const out = new Float32Array(c.batch * c.M * c.N)
      rows[i][label] = time(() => g.matMul(data[i].a, data[i].b, out, c))
      worst[label] = Math.max(worst[label] ?? 0, worstVsFloat64(c, data[i].a, data[i].b, out))
    })
  }
  runRaw('plain 1t', plain)
  if (relaxed) runRaw('relaxed 1t', relaxed)
  const threads = Math.min(navigator.hardwareConcurrency || 1, 8)
  if (env.crossOriginIsolated && threads > 1) {
    await plain.startThreads(threads - 1, spawnBrowserThread)
    runRaw(`plain ${threads}t`, plain)
    plain.stopThreads()
    if (relaxed) {
      await relaxed.startThreads(threads - 1, spawnBrowserThread)
      runRaw(`relaxed ${threads}t`, relaxed)
      relaxed.stopThreads()
    }
  }
  // through tfjs, as the model calls it: the default engine (relaxed where valid) with its threads
  if (env.crossOriginIsolated && threads > 1) await gemm()!.startThreads(threads - 1, spawnBrowserThread)
  const viaTfjs = `tfjs GptMatMul ${gemm()!.threads}t`
  log(viaTfjs)
  CASES.forEach((c, i) => {
    const a = tf.tensor(
      data[i].a,
      c.batch > 1
        ? [c.batch, c.transA ? c.K : c.M, c.transA ? c.M : c.K]
        : [c.transA ? c.K : c.M, c.transA ? c.M : c.K],
    )
    const b = tf.tensor(
      data[i].b,
      c.batch > 1
        ? [c.batch, c.transB ? c.N : c.K, c.transB ? c.K : c.N]
        : [c.transB ? c.N : c.K, c.transB ? c.K : c.N],
    )
    rows[i][viaTfjs] = time(() =>
      (
        tf.engine().runKernel('GptMatMul', { a, b }, { transposeA: c.transA, transposeB: c.transB }) as tf.Tensor
      ).dispose(),
    )
    // XNNPACK (rank 2, no flags) / tfjs's batched loop / bmm.wat: the same sizes, operands already in place
    const a0 = tf.tensor(data[i].a, c.batch > 1 ? [c.batch, c.M, c.K] : [c.M, c.K])
    const b0 = tf.tensor(data[i].b, c.batch > 1 ? [c.batch, c.K, c.N] : [c.K, c.N])
    rows[i]['tfjs matMul'] = time(() => tf.matMul(a0, b0).dispose())
    if (c.batch > 1)
      rows[i]['bmm.wat'] = time(() =>
        (tf.engine().runKernel('GptBatchMatMul', { a: a0, b: b0 }, {}) as tf.Tensor).dispose(),
      )
    // the copies our path adds: A and B into a wasm memory, C out of it
    const mem = new Float32Array(
      new WebAssembly.Memory({
        initial: 1 + Math.ceil((4 * (data[i].a.length + data[i].b.length + c.batch * c.M * c.N)) / 65536),
        maximum: 16384,
      }).buffer,
    )
    const out = new Float32Array(c.batch * c.M * c.N)
    rows[i]['copies'] = time(() => {
      mem.set(data[i].a, 0)
      mem.set(data[i].b, data[i].a.length)
      out.set(mem.subarray(0, out.length))
    })
    tf.dispose([a, b, a0, b0])
  })
  const labels = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'name' && k !== 'shape')
  const perStep: Record<string, number> = {}
  for (const l of labels) perStep[l] = CASES.reduce((s, c, i) => s + c.perStep * ((rows[i][l] as number) ?? 0), 0)
  const gflop = CASES.map((c) => (2 * c.batch * c.M * c.N * c.K) / 1e9)
  const stepGflop = CASES.reduce((s, c, i) => s + c.perStep * gflop[i], 0)
  const table = rows.map((r, i) => {
    const o: Record<string, string | number> = { name: r.name, shape: r.shape }
    for (const l of labels)
      if (typeof r[l] === 'number')
        o[l] = l === 'copies' ? +(r[l] as number).toFixed(4) : +(gflop[i] / ((r[l] as number) / 1e3)).toFixed(1)
    return o
  })
  postMessage({
    env,
    relaxedValidates: relaxedOk,
    threads,
    units: 'GFLOP/s (copies: ms)',
    table,
    stepGflop,
    msPerStep: perStep,
    worstRelVsFloat64: worst,
  })
}

self.onmessage = (e: MessageEvent) => {
  const run = e.data === 'step' ? stepBench : main
  run().catch((err) => postMessage({ error: String(err?.stack || err) }))
}
