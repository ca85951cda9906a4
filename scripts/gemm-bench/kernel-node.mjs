// The raw kernel of gemm.wat on one thread in Node, in CPU time (process.cpuUsage: the machine's other load does not
// count): GFLOP/s per shape of Baby GPT's products, plain and relaxed SIMD, no copies, no tfjs. Not a test.
//   node --experimental-wasm-relaxed-simd scripts/gemm-bench/kernel-node.mjs
import { readFileSync } from 'node:fs'
const src = readFileSync(new URL('../../src/model/gemmWasm.ts', import.meta.url), 'utf8')
const get = (n) => Buffer.from(src.match(new RegExp(`${n} =\\n  '([^']+)'`))[1], 'base64')
const cases = [
  [1, 768, 384, 128, 0, 0],
  [1, 768, 128, 384, 0, 1],
  [1, 128, 384, 768, 1, 0],
  [1, 768, 128, 512, 0, 0],
  [1, 512, 128, 768, 1, 0],
  [1, 768, 65, 128, 0, 1],
  [48, 64, 64, 32, 0, 1],
  [48, 64, 32, 64, 0, 0],
  [48, 64, 32, 64, 1, 0],
]
for (const name of ['GEMM_PLAIN_UNSHARED', 'GEMM_RELAXED_UNSHARED']) {
  const memory = new WebAssembly.Memory({ initial: 200, maximum: 16384 })
  const g = new WebAssembly.Instance(new WebAssembly.Module(get(name)), { env: { memory } }).exports.gemm
  const heap = new Float32Array(memory.buffer)
  for (let i = 0; i < heap.length / 4; i++) heap[i] = Math.sin(i)
  const out = []
  for (const [batch, M, N, K, tA, tB] of cases) {
    const offA = 256,
      offB = 256 + 4 * batch * M * K,
      offC = offB + 4 * batch * K * N,
      offS = offC + 4 * batch * M * N
    const args = [
      offA,
      offB,
      offC,
      offS,
      batch,
      M,
      N,
      K,
      4 * M * K,
      tA ? 4 : 4 * K,
      tA ? 4 * M : 4,
      4 * K * N,
      tB ? 4 : 4 * N,
      tB ? 4 * K : 4,
      0,
      0,
      batch * Math.ceil(N / 8),
    ]
    for (let i = 0; i < 20; i++) g(...args)
    let best = Infinity
    for (let r = 0; r < 5; r++) {
      const n = 30,
        c0 = process.cpuUsage()
      for (let i = 0; i < n; i++) g(...args)
      const c = process.cpuUsage(c0)
      best = Math.min(best, (c.user + c.system) / 1e3 / n)
    }
    out.push(
      `${batch}x${M}x${N}x${K}${tA ? 'T' : ''}${tB ? 't' : ''}: ${((2 * batch * M * N * K) / best / 1e6).toFixed(1)}`,
    )
  }
  console.log(name, out.join('  '))
}

// tfjs-wasm's own matMul (XNNPACK) on the same sizes, flag-free (its fast case), through tfjs, in CPU time
const tf = await import('@tensorflow/tfjs')
await import('@tensorflow/tfjs-backend-wasm')
await tf.setBackend('wasm')
const xnn = []
for (const [batch, M, N, K] of cases) {
  const a = tf.randomUniform(batch > 1 ? [batch, M, K] : [M, K])
  const b = tf.randomUniform(batch > 1 ? [batch, K, N] : [K, N])
  for (let i = 0; i < 5; i++) tf.matMul(a, b).dispose()
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const n = batch > 1 ? 3 : 30
    const c0 = process.cpuUsage()
    for (let i = 0; i < n; i++) tf.matMul(a, b).dispose()
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / 1e3 / n)
  }
  xnn.push(`${batch}x${M}x${N}x${K}: ${((2 * batch * M * N * K) / best / 1e6).toFixed(1)}`)
  tf.dispose([a, b])
}
console.log('tfjs-wasm matMul (XNNPACK; batched: its loop)', xnn.join('  '))
