// The fused kernels (./fused.ts, ./fused.wat through ./kernels.ts) against float64 references written out here:
// naive LayerNorm, GELU with erf by numerical integration, softmax and cross-entropy, their gradients by central
// finite differences of those float64 forwards, and torch.optim.AdamW's update in float64. Each kernel is run as
// the model runs it, through tfjs-wasm (so the SIMD passes and the scalar tails are both taken), over odd sizes.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fusedModuleText, fusedVariants } from '../../scripts/build-wasm.mjs'
import { FUSED_SHARED, FUSED_UNSHARED } from './fusedWasm'
import { fusedSimdFor } from './fusedSimd'
import { layerNormBackward, LN_EPS, softmaxBackward, crossEntropyBackward } from './fused'
import { installWasmKernels } from './kernels'
import { mulberry32 } from '../util/random'
import { readFileSync } from 'node:fs'

const SIZES = [1, 3, 17, 127, 129]

function randoms(n: number, seed: number, spread = 2): Float32Array {
  const rng = mulberry32(seed)
  return Float32Array.from({ length: n }, () => (rng() * 2 - 1) * spread)
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs)
  return Array.isArray(out) ? out : [out as tf.Tensor]
}

async function values(ts: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>))
  tf.dispose(ts)
  return out
}

/** max |got − want| / (1 + |want|) */
function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length)
  let w = 0
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]))
    w = Math.max(w, Number.isNaN(d) ? Infinity : d)
  }
  return w
}

// ---- float64 references -------------------------------------------------------------------------------------

function lnRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  N: number,
  C: number,
): number[] {
  const y: number[] = []
  for (let r = 0; r < N; r++) {
    const row = Array.from({ length: C }, (_, c) => x[r * C + c])
    const mu = row.reduce((s, v) => s + v, 0) / C
    const v = row.reduce((s, u) => s + (u - mu) ** 2, 0) / C
    row.forEach((u, c) => y.push(((u - mu) / Math.sqrt(v + LN_EPS)) * w[c] + (b ? b[c] : 0)))
  }
  return y
}

/** erf by composite Simpson integration of 2/√π·e^(−t²) over [0, x] (2,000 panels: error ~1e-14 for |x| ≤ 8). */
function erfRef(x: number): number {
  if (x === 0) return 0
  const n = 2000
  const h = x / n
  let s = 1 + Math.exp(-x * x)
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2))
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI))
}
const geluRef = (x: number) => 0.5 * x * (1 + erfRef(x / Math.SQRT2))

function softmaxRef(row: number[]): number[] {
  const m = Math.max(...row)
  const e = row.map((v) => Math.exp(v - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / s)
}

/** central finite differences of a float64 scalar function f at x, along every coordinate */
function numericGrad(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const a = [...x]
    const b = [...x]
    a[i] += h
    b[i] -= h
    return (f(a) - f(b)) / (2 * h)
  })
}

describe('fused kernels on wasm', () => {
  beforeAll(async () => {
    installWasmKernels()
    expect(await tf.setBackend('wasm')).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('run the SIMD passes in place on the backend heap (so these tests take them)', () => {
    const wasm = (tf.backend() as unknown as { wasm: { asm?: { memory?: WebAssembly.Memory } } }).wasm
    expect(fusedSimdFor(wasm.asm?.memory)).not.toBeNull()
  })

  it('LayerNorm forward matches float64, with and without a bias, over odd sizes', async () => {
    for (const N of [1, 3, 17])
      for (const C of [...SIZES, 4, 128]) {
        const x = randoms(N * C, N * 31 + C, 3)
        const w = randoms(C, C + 1)
        const b = randoms(C, C + 2)
        for (const bias of [true, false]) {
          const inputs: tf.NamedTensorMap = { x: tf.tensor2d(x, [N, C]), weight: tf.tensor1d(w) }
          if (bias) inputs.bias = tf.tensor1d(b)
          const [y, mean, rstd] = await values(run('GptLayerNorm', inputs))
          tf.dispose(Object.values(inputs))
          expect(worst(y, lnRef(x, w, bias ? b : null, N, C)), `${N}×${C} bias ${bias}`).toBeLessThan(2e-5)
          const mu0 = Array.from(x.subarray(0, C)).reduce((s, v) => s + v, 0) / C
          expect(mean[0]).toBeCloseTo(mu0, 5)
          expect(rstd.length).toBe(N)
        }
      }
  })

  it.each([16, 17])(
    'LayerNorm backward matches finite differences of the float64 forward (x, weight and bias; C = %i)',
    async (C) => {
      const N = 3
      const x = Array.from(randoms(N * C, 5, 2))
      const w = Array.from(randoms(C, 6))
      const b = Array.from(randoms(C, 7))
      const dy = Array.from(randoms(N * C, 8))
      const dot = (y: number[]) => y.reduce((s, v, i) => s + v * dy[i], 0) // L = Σ dy·y, so dL/dθ is the backward
      const [, mean, rstd] = await values(run('GptLayerNorm', { x: tf.tensor2d(x, [N, C]), weight: tf.tensor1d(w) }))
      const [dx, dw, db] = await values(
        run(
          'GptLayerNormGrad',
          {
            dy: tf.tensor2d(dy, [N, C]),
            x: tf.tensor2d(x, [N, C]),
            weight: tf.tensor1d(w),
            mean: tf.tensor1d(mean),
            rstd: tf.tensor1d(rstd),
          },
          { hasBias: true },
        ),
      )
      expect(
        worst(
          dx,
          numericGrad((u) => dot(lnRef(u, w, b, N, C)), x),
        ),
      ).toBeLessThan(1e-4)
      expect(
        worst(
          dw,
          numericGrad((u) => dot(lnRef(x, u, b, N, C)), w),
        ),
      ).toBeLessThan(1e-4)
      expect(
        worst(
          db,
          numericGrad((u) => dot(lnRef(x, w, u, N, C)), b),
        ),
      ).toBeLessThan(1e-4)
      // the scalar loop the kernel runs, called directly, without a bias gradient
      const dx2 = new Float32Array(N * C)
      const dw2 = new Float32Array(C)
      layerNormBackward(
        Float32Array.from(dy),
        Float32Array.from(x),
        Float32Array.from(w),
        mean,
        rstd,
        N,
        C,
        dx2,
        dw2,
        null,
      )
      expect(worst(dx2, dx)).toBeLessThan(1e-6) // the same maths in float64 (C = 16: the kernel ran SIMD in float32)
    },
  )

  it('GELU and its derivative match the exact erf form in float64, over odd sizes and the far tails', async () => {
    for (const n of [...SIZES, 4096 + 3]) {
      const x = randoms(n, n, 6)
      x[0] = -9
      if (n > 2) x[1] = 9
      const [y, d] = await values(run('GptGelu', { x: tf.tensor1d(x) }))
      const want = Array.from(x, geluRef)
      expect(worst(y, want), `n ${n}`).toBeLessThan(2e-6)
      const wantD = Array.from(x, (v) => (geluRef(v + 1e-5) - geluRef(v - 1e-5)) / 2e-5)
      expect(worst(d, wantD), `n ${n}`).toBeLessThan(2e-5)
    }
  })

  it("GELU's backward is dy times the derivative, rounded once to float32; embedding rows are gathered exactly", async () => {
    for (const n of [1, 3, 17, 129]) {
      const dy = randoms(n, n + 50)
      const deriv = randoms(n, n + 51)
      const [dx] = await values(run('GptGeluGrad', { dy: tf.tensor1d(dy), deriv: tf.tensor1d(deriv) }))
      expect(Array.from(dx)).toEqual(Array.from(dy, (v, i) => Math.fround(v * deriv[i])))
    }
    const V = 13
    const C = 7
    const table = randoms(V * C, 60)
    const ids = [3, 0, 12, 3, 7]
    const rows = await tf.gather(tf.tensor2d(table, [V, C]), tf.tensor1d(ids, 'int32')).data()
    expect(Array.from(rows)).toEqual(ids.flatMap((id) => Array.from(table.subarray(id * C, (id + 1) * C))))
    expect(() => tf.gather(tf.tensor2d(table, [V, C]), tf.tensor1d([V], 'int32'))).toThrow(/not in \[0, 12\]/)
    // other gathers are tfjs's own: along axis 1
    const cols = await tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor1d([2, 0], 'int32'), 1).data()
    expect(Array.from(cols)).toEqual([3, 1, 6, 4])
  })

  it('the column sum (a bias gradient) matches float64, with and without SIMD (C a multiple of 4 or not)', async () => {
    for (const [N, C] of [
      [768, 128],
      [3, 17],
      [1, 4],
      [129, 3],
    ]) {
      const x = randoms(N * C, N + C)
      const [got] = await values(run('GptColumnSum', { x: tf.tensor2d(x, [N, C]) }))
      const want = Array.from({ length: C }, (_, c) => {
        let s = 0
        for (let r = 0; r < N; r++) s += x[r * C + c]
        return s
      })
      // summed in float32, row after row, as the product 1ᵀ·dy and PyTorch's sum do: error up to ~N·2⁻²⁴·max|x|
      expect(worst(got, want), `${N}×${C}`).toBeLessThan(N * 6e-8 * 2)
    }
  })

  it('adds same-shaped tensors exactly (float32 rounding once), and leaves broadcasts and integers to tfjs', async () => {
    for (const n of [1, 3, 17, 129]) {
      const a = randoms(n, n + 70)
      const b = randoms(n, n + 71)
      const [sum] = await values([tf.add(tf.tensor1d(a), tf.tensor1d(b))])
      expect(Array.from(sum)).toEqual(Array.from(a, (v, i) => Math.fround(v + b[i])))
    }
    expect(Array.from(await tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([10, 20])).data())).toEqual([
      11, 22, 13, 24,
    ])
    expect(Array.from(await tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).data())).toEqual([4, 6])
  })

  it('splits (B·T, 3C) into heads by the index formula, and merges them back', async () => {
    const [B, T, nh, hs] = [2, 5, 3, 4]
    const C = nh * hs
    const x = randoms(B * T * 3 * C, 80)
    const parts = await values(
      run('GptSplitHeads', { x: tf.tensor2d(x, [B * T, 3 * C]) }, { batch: B, heads: nh, parts: 3 }),
    )
    for (let i = 0; i < 3; i++)
      for (let b = 0; b < B; b++)
        for (let h = 0; h < nh; h++)
          for (let t = 0; t < T; t++)
            for (let d = 0; d < hs; d++)
              expect(parts[i][((b * nh + h) * T + t) * hs + d]).toBe(x[(b * T + t) * 3 * C + i * C + h * hs + d])
    const inputs = Object.fromEntries(parts.map((p, i) => [`x${i}`, tf.tensor4d(p, [B, nh, T, hs])]))
    const [merged] = await values(run('GptMergeHeads', inputs, { parts: 3, batch: B, heads: nh }))
    expect(Array.from(merged)).toEqual(Array.from(x))
  })

  it('the causal softmax matches float64 over the keys ≤ each query (exact zeros above), and without the mask', async () => {
    for (const T of SIZES)
      for (const causal of [true, false]) {
        const R = 3 * T // three heads
        const s = randoms(R * T, T + (causal ? 1 : 0), 8)
        const scale = 0.37
        const [p] = await values(run('GptCausalSoftmax', { scores: tf.tensor3d(s, [3, T, T]) }, { scale, causal }))
        const want: number[] = []
        for (let r = 0; r < R; r++) {
          const n = causal ? (r % T) + 1 : T
          const row = Array.from(s.subarray(r * T, r * T + n), (v) => v * scale)
          want.push(...softmaxRef(row), ...Array(T - n).fill(0))
        }
        expect(worst(p, want), `T ${T} causal ${causal}`).toBeLessThan(2e-6)
        if (causal && T > 1) expect(p[1]).toBe(0) // query 0 never sees key 1
      }
  })

  it("the softmax's backward matches finite differences of the float64 softmax", async () => {
    const T = 5
    const R = 2 * T
    const s = Array.from(randoms(R * T, 9, 3))
    const dp = Array.from(randoms(R * T, 10))
    const scale = 0.6
    const f = (u: number[]) => {
      let L = 0
      for (let r = 0; r < R; r++) {
        const n = (r % T) + 1
        const p = softmaxRef(u.slice(r * T, r * T + n).map((v) => v * scale))
        p.forEach((v, j) => (L += v * dp[r * T + j]))
      }
      return L
    }
    const [p] = await values(run('GptCausalSoftmax', { scores: tf.tensor3d(s, [2, T, T]) }, { scale, causal: true }))
    const [ds] = await values(
      run('GptSoftmaxGrad', { dp: tf.tensor2d(dp, [R, T]), p: tf.tensor2d(p, [R, T]) }, { scale }),
    )
    expect(worst(ds, numericGrad(f, s))).toBeLessThan(1e-4)
    const direct = new Float32Array(R * T)
    softmaxBackward(Float32Array.from(dp), p, R, T, scale, direct)
    expect(worst(direct, ds)).toBeLessThan(1e-6) // fused.ts's loop in float64; the kernel ran fused.wat's in float32
  })

  it('cross-entropy (plain and weighted) matches float64, and its gradient finite differences', async () => {
    for (const V of [3, 17, 65, 129]) {
      const N = 7
      const logits = Array.from(randoms(N * V, V, 5))
      const targets = Array.from({ length: N }, (_, i) => (i * 7 + 3) % V)
      const w = [1, 0, 1, 1, 0, 1, 1]
      for (const weighted of [false, true]) {
        const norm = weighted ? 5 : N
        const f = (u: number[]) => {
          let L = 0
          for (let r = 0; r < N; r++) {
            const row = u.slice(r * V, (r + 1) * V)
            const m = Math.max(...row)
            const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0))
            L += (weighted ? w[r] : 1) * (lse - row[targets[r]])
          }
          return L / norm
        }
        const inputs: tf.NamedTensorMap = {
          logits: tf.tensor2d(logits, [N, V]),
          targets: tf.tensor1d(targets, 'int32'),
        }
        if (weighted) inputs.weights = tf.tensor1d(w)
        const [loss, probs] = await values(run('GptCrossEntropy', inputs, { norm }))
        expect(Math.abs(loss[0] - f(logits)), `V ${V}`).toBeLessThan(1e-5)
        const gradInputs: tf.NamedTensorMap = {
          probs: tf.tensor2d(probs, [N, V]),
          targets: inputs.targets,
          dy: tf.scalar(1.5),
        }
        if (weighted) gradInputs.weights = inputs.weights
        const [dl] = await values(run('GptCrossEntropyGrad', gradInputs, { norm }))
        tf.dispose(Object.values(inputs))
        expect(
          worst(
            dl,
            numericGrad(f, logits).map((g) => 1.5 * g),
          ),
          `V ${V}`,
        ).toBeLessThan(1e-5)
        const direct = new Float32Array(N * V)
        crossEntropyBackward(
          probs,
          Int32Array.from(targets),
          weighted ? Float32Array.from(w) : null,
          N,
          V,
          1.5 / norm,
          direct,
        )
        expect(worst(direct, dl)).toBe(0)
      }
    }
  })

  it('propagates NaN (a non-finite step must still look like one) and refuses a target outside the vocabulary', async () => {
    const [y] = await values(run('GptGelu', { x: tf.tensor1d([1, NaN, 2, 3, NaN]) }))
    expect(Number.isNaN(y[1]) && Number.isNaN(y[4])).toBe(true)
    const [p] = await values(
      run('GptCausalSoftmax', { scores: tf.tensor2d([1, NaN, 3, 4, 5, 6, 7, 8], [1, 8]) }, { scale: 1, causal: false }),
    )
    expect(Array.from(p).every(Number.isNaN)).toBe(true)
    const [loss] = await values(
      run(
        'GptCrossEntropy',
        { logits: tf.tensor2d([0, NaN, 1], [1, 3]), targets: tf.tensor1d([0], 'int32') },
        { norm: 1 },
      ),
    )
    expect(Number.isNaN(loss[0])).toBe(true)
    expect(() =>
      run(
        'GptCrossEntropy',
        { logits: tf.tensor2d([0, 1, 2], [1, 3]), targets: tf.tensor1d([3], 'int32') },
        { norm: 1 },
      ),
    ).toThrow(/outside the vocabulary/)
  })

  it('the global norm and the AdamW update match torch.optim.AdamW with clip_grad_norm_, written out in float64', async () => {
    const shapes = [[3, 17], [129], [1], [5, 4]]
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1))
    const total = sizes.reduce((a, b) => a + b, 0)
    const p = shapes.map((_, i) => Array.from(randoms(sizes[i], 20 + i)))
    const g = shapes.map((_, i) => Array.from(randoms(sizes[i], 30 + i, 4)))
    const m = Array.from(randoms(total, 40, 0.1))
    const v = Array.from(randoms(total, 41, 0.1), Math.abs)
    const decayed = [1, 0, 0, 1]
    const c = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, bc1: 1 - 0.9 ** 3, bc2: 1 - 0.95 ** 3 }
    const norm = Math.sqrt(g.flat().reduce((s, x) => s + x * x, 0))
    const gradInputs = Object.fromEntries(g.map((x, i) => [`g${i}`, tf.tensor(x, shapes[i])]))
    const [gotNorm] = await values(run('GptGlobalNorm', gradInputs, { count: 4 }))
    expect(Math.abs(gotNorm[0] - norm) / norm).toBeLessThan(1e-6)
    const clip = 1
    const gradScale = Math.min(1, clip / (norm + 1e-6))
    const inputs: tf.NamedTensorMap = { ...gradInputs, m: tf.tensor1d(m), v: tf.tensor1d(v) }
    p.forEach((x, i) => (inputs[`p${i}`] = tf.tensor(x, shapes[i])))
    const out = await values(run('GptAdamW', inputs, { decayed, ...c, gradScale }))
    // the clip factor as a tensor (AdamW.apply, which has no norm on the CPU) gives the same update, but for the
    // factor rounded to float32
    const viaTensor = await values(
      run('GptAdamW', { ...inputs, scale: tf.scalar(gradScale) }, { decayed, ...c, gradScale: -1 }),
    )
    viaTensor.forEach((x, i) => expect(worst(x, out[i]), `output ${i}`).toBeLessThan(1e-6))
    tf.dispose(Object.values(inputs))
    // torch: clip_grad_norm_ scales every gradient, then AdamW (decoupled decay first)
    let at = 0
    const wantM: number[] = []
    const wantV: number[] = []
    shapes.forEach((_, i) => {
      const want = p[i].map((pj, j) => {
        const gj = g[i][j] * gradScale
        const mj = c.beta1 * m[at + j] + (1 - c.beta1) * gj
        const vj = c.beta2 * v[at + j] + (1 - c.beta2) * gj * gj
        wantM.push(mj)
        wantV.push(vj)
        const decay = decayed[i] ? 1 - c.lr * c.weightDecay : 1
        return pj * decay - (c.lr / c.bc1) * (mj / (Math.sqrt(vj) / Math.sqrt(c.bc2) + c.eps))
      })
      expect(worst(out[i], want), `parameter ${i}`).toBeLessThan(1e-6)
      at += sizes[i]
    })
    expect(worst(out[4], wantM)).toBeLessThan(1e-6)
    expect(worst(out[5], wantV)).toBeLessThan(1e-6)
  })

  it('the shared-memory build (tfjs-wasm threaded) gives the same GELU as the unshared one', () => {
    const n = 64
    const x = randoms(n, 3, 4)
    const results = [false, true].map((shared) => {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 4, shared: true } : { initial: 1 })
      const simd = fusedSimdFor(memory)!
      expect(simd, `shared ${shared}`).not.toBeNull()
      new Float32Array(memory.buffer, 0, n).set(x)
      simd.gelu(0, 4 * n, 8 * n, n)
      return Array.from(new Float32Array(memory.buffer, 4 * n, n))
    })
    expect(results[1]).toEqual(results[0])
    expect(worst(results[0], Array.from(x, geluRef))).toBeLessThan(2e-6)
  })

  it('ships the bytes that fused.wat compiles to (regenerate with node scripts/build-wasm.mjs)', async () => {
    const variants = await fusedVariants(new URL('./fused.wat', import.meta.url).pathname)
    expect(variants.FUSED_SHARED).toBe(FUSED_SHARED)
    expect(variants.FUSED_UNSHARED).toBe(FUSED_UNSHARED)
    expect(readFileSync(new URL('./fusedWasm.ts', import.meta.url), 'utf8')).toBe(fusedModuleText(variants))
  })
})
