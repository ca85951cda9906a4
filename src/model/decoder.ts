/**
 * Token-by-token decoding with a key/value cache on the CPU, without tfjs: the generation path. The linear layers'
 * products run fused.wat's `matvec` (WebAssembly SIMD) over a memory the decoder fills with its transposed weights,
 * or the plain loops below where there is no SIMD.
 *
 * A GPT predicts the next token from every earlier one, and the keys and values of earlier positions do not
 * change when a token is appended. So generation keeps them (the KV cache) and runs only the new position
 * through the model: O(T) work per token instead of a full O(T²) forward pass over the context.
 *
 * Why not tfjs: for one position the arithmetic is tiny (≈ 12·C² multiply-adds per layer, 0.8M for the baby
 * model) and a tfjs forward pass is ~200 kernel launches, each costing more than its arithmetic. Plain loops
 * over a snapshot of the weights do it in about a millisecond on any backend, and sampling already happens on
 * the CPU from the final logits. src/model/decoder.test.ts holds it to the tfjs model (same logits, same
 * greedy tokens).
 *
 * Positions are learned and absolute, as in nanoGPT: once the context fills the block, sliding the window by
 * one token moves every position, so the cache cannot be reused; the caller recomputes the window then
 * (nanoGPT's generate always conditions on the last blockSize tokens).
 *
 * Weights are given in gpt.ts's layout and names (linear weights [in, out], row-major), and read through the
 * model's typed tree (params.ts); the decoder keeps the linear weights transposed, so that every output is a
 * contiguous dot product.
 */
import type { ModelConfig } from '../shared/config'
import { headOf, paramTree, type BlockOf, type GptTree } from './params'
import { fixedPositions, learnsPositions } from './positions'
import { fusedSimdFor, type FusedSimd } from './fusedSimd'

/** The part of the WebAssembly API used (the model code has no DOM types). */
const wasmApi = (
  globalThis as unknown as { WebAssembly?: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }
).WebAssembly

/** Every weight as a plain array, by dotted path (readParams). */
export type Weights = Record<string, Float32Array>

export class KVDecoder {
  private readonly C: number
  private readonly hs: number
  private readonly wpe: Float32Array // the learned table, or the fixed one (the sinusoid, or zeros)
  private readonly keys: Float32Array[] // per layer: (blockSize, C), position-major, heads side by side
  private readonly values: Float32Array[]
  private len = 0
  // scratch buffers, reused for every token
  private readonly x: Float64Array
  private readonly h: Float32Array
  private readonly qkv: Float32Array
  private readonly att: Float64Array
  private readonly y: Float32Array
  private readonly hid: Float32Array
  private readonly out: Float32Array
  /**
   * The products' operands live in one WebAssembly memory of the decoder's own, so that fused.wat's `matvec` runs
   * them four values at a time (null without WebAssembly SIMD: the loops below, on the same arrays).
   */
  private readonly simd: FusedSimd | null
  private readonly probs: Float32Array // the last push's attention: (nLayer, nHead, blockSize), row = keys 0..pos

  private readonly w: GptTree<Float32Array, Float32Array> // as given
  // each block's weights, its linear weights transposed to [out, in] (each output a contiguous dot product)
  private readonly blocks: BlockOf<Float32Array, Float32Array>[]

  /** Heads switched off (layer · nHead + head): their output is zero, as gpt.ts's HeadAblation 'zero'. */
  private readonly off: Set<number>

  constructor(
    readonly cfg: ModelConfig,
    weights: Weights,
    offHeads: readonly (readonly [layer: number, head: number])[] = [],
  ) {
    const C = cfg.nEmbd
    for (const [l, h] of offHeads)
      if (!(Number.isInteger(l) && Number.isInteger(h) && l >= 0 && l < cfg.nLayer && h >= 0 && h < cfg.nHead))
        throw new Error(`decoder: no head ${l}.${h} in a model of ${cfg.nLayer} layers × ${cfg.nHead} heads`)
    this.off = new Set(offHeads.map(([l, h]) => l * cfg.nHead + h))
    // without the causal mask, earlier positions read later tokens, so their keys and values change with every
    // token appended: nothing can be cached (Run.generate runs the full forward pass for such a model)
    if (cfg.causal === false) throw new Error('decoder: a model without the causal mask cannot use a key/value cache')
    const array = (a: Float32Array) => a
    this.w = paramTree(weights, array, array)
    if (this.w.h.length < cfg.nLayer) throw new Error(`decoder: missing weight h.${this.w.h.length}.ln1.weight`)
    // one memory for the transposed weights, the biases and the activations the products read and write
    const L = cfg.nLayer
    const floats = L * (12 * C * C + 9 * C) + 10 * C + 64 * (8 * L + 5) // weights, biases, activations, alignment
    let memory: { buffer: ArrayBuffer } | undefined
    try {
      memory = wasmApi && new wasmApi.Memory({ initial: Math.ceil((4 * floats) / 65536) + 1 })
    } catch {
      memory = undefined // no memory of that size here: plain arrays
    }
    let at = 0
    const take = (n: number): Float32Array => {
      if (!memory) return new Float32Array(n)
      const v = new Float32Array(memory.buffer, at, n)
      at += Math.ceil((4 * n) / 16) * 16
      return v
    }
    const copy = (b: Float32Array | undefined) => {
      if (!b) return undefined
      const v = take(b.length)
      v.set(b)
      return v
    }
    this.blocks = this.w.h.slice(0, cfg.nLayer).map(({ ln1, attn, ln2, mlp }) => ({
      ln1,
      attn: {
        cAttn: { weight: transposed(attn.cAttn.weight, C, 3 * C, take), bias: copy(attn.cAttn.bias) },
        cProj: { weight: transposed(attn.cProj.weight, C, C, take), bias: copy(attn.cProj.bias) },
      },
      ...(mlp &&
        ln2 && {
          ln2,
          mlp: {
            cFc: { weight: transposed(mlp.cFc.weight, C, 4 * C, take), bias: copy(mlp.cFc.bias) },
            cProj: { weight: transposed(mlp.cProj.weight, 4 * C, C, take), bias: copy(mlp.cProj.bias) },
          },
        }),
    }))
    this.simd = memory && C % 4 === 0 ? fusedSimdFor(memory) : null
    this.C = C
    this.hs = C / cfg.nHead
    this.keys = Array.from({ length: cfg.nLayer }, () => new Float32Array(cfg.blockSize * C))
    this.values = Array.from({ length: cfg.nLayer }, () => new Float32Array(cfg.blockSize * C))
    this.x = new Float64Array(C)
    this.h = take(C)
    this.qkv = take(3 * C)
    this.att = new Float64Array(cfg.blockSize)
    this.y = take(C)
    this.hid = take(4 * C)
    this.out = take(C)
    this.probs = new Float32Array(cfg.nLayer * cfg.nHead * cfg.blockSize)
    const wpe = learnsPositions(cfg) ? this.w.wpe?.weight : fixedPositions(cfg, cfg.blockSize, C)
    if (!wpe) throw new Error('decoder: missing weight wpe.weight')
    this.wpe = wpe
  }

  /** Tokens in the cache: the next token goes to this position. */
  get length(): number {
    return this.len
  }

  /** Whether the cache holds a whole block (the next token needs a recomputed window). */
  get full(): boolean {
    return this.len >= this.cfg.blockSize
  }

  reset(): void {
    this.len = 0
  }

  /**
   * The attention rows of the last token pushed, every layer and head: (nLayer·nHead, length) row-major, each
   * row its weights over the keys 0..length−1 (summing to 1). For a generated token these are the rows that
   * produced its logits: where the model looked to choose it.
   */
  lastAttention(): Float32Array {
    const { nLayer, nHead, blockSize } = this.cfg
    const n = this.len
    const out = new Float32Array(nLayer * nHead * n)
    for (let r = 0; r < nLayer * nHead; r++) out.set(this.probs.subarray(r * blockSize, r * blockSize + n), r * n)
    return out
  }

  /** Runs token `id` at the next position, caches its keys and values, and returns the logits (V) after it. */
  push(id: number): Float32Array {
    const { cfg, C, w } = this
    if (this.full)
      throw new Error(
        `decoder: the cache holds ${cfg.blockSize} tokens, the block size; reset it and feed the window again`,
      )
    if (!(Number.isInteger(id) && id >= 0 && id < cfg.vocabSize))
      throw new Error(`decoder: token id ${id} is outside the vocabulary (0..${cfg.vocabSize - 1})`)
    const pos = this.len
    const x = this.x
    const wte = w.wte.weight
    const wpe = this.wpe
    for (let c = 0; c < C; c++) x[c] = wte[id * C + c] + wpe[pos * C + c]
    const residual = cfg.residual !== false
    const post = cfg.norm === 'post' // LN(x + f(x)): the attention reads the stream itself
    for (let l = 0; l < cfg.nLayer; l++) {
      const { ln1, attn, ln2, mlp } = this.blocks[l]
      if (post) for (let c = 0; c < C; c++) this.h[c] = x[c]
      else layerNorm(x, ln1.weight, ln1.bias, this.h)
      this.linear(this.h, attn.cAttn.weight, attn.cAttn.bias, this.qkv)
      this.keys[l].set(this.qkv.subarray(C, 2 * C), pos * C)
      this.values[l].set(this.qkv.subarray(2 * C, 3 * C), pos * C)
      this.attend(l, pos)
      this.linear(this.y, attn.cProj.weight, attn.cProj.bias, this.out)
      for (let c = 0; c < C; c++) x[c] = residual ? x[c] + this.out[c] : this.out[c] // residual
      if (post) this.normalise(x, ln1.weight, ln1.bias)
      if (!mlp || !ln2) continue // attention-only
      if (post) for (let c = 0; c < C; c++) this.h[c] = x[c]
      else layerNorm(x, ln2.weight, ln2.bias, this.h)
      this.linear(this.h, mlp.cFc.weight, mlp.cFc.bias, this.hid)
      for (let i = 0; i < this.hid.length; i++) this.hid[i] = gelu(this.hid[i])
      this.linear(this.hid, mlp.cProj.weight, mlp.cProj.bias, this.out)
      for (let c = 0; c < C; c++) x[c] = residual ? x[c] + this.out[c] : this.out[c] // residual
      if (post) this.normalise(x, ln2.weight, ln2.bias)
    }
    layerNorm(x, w.lnF.weight, w.lnF.bias, this.h)
    const V = cfg.vocabSize
    const logits = new Float32Array(V)
    const head = headOf(w) // wte when tied
    for (let v = 0; v < V; v++) {
      // logits = head · h
      let s = 0
      const o = v * C
      for (let c = 0; c < C; c++) s += head[o + c] * this.h[c]
      logits[v] = s
    }
    this.len = pos + 1
    return logits
  }

  /** x ← LayerNorm(x) in place (the post-LN twin's), through the scratch row `h`. */
  private normalise(x: Float64Array, weight: Float32Array, bias: Float32Array | undefined): void {
    layerNorm(x, weight, bias, this.h)
    for (let c = 0; c < x.length; c++) x[c] = this.h[c]
  }

  /** out = x·W + b through fused.wat's matvec where the decoder's memory has it, else the loops of `linear`. */
  private linear(x: Float32Array, wT: Float32Array, b: Float32Array | undefined, out: Float32Array): void {
    if (!this.simd) return linear(x, wT, b, out)
    if (wT.length !== x.length * out.length)
      throw new Error(`decoder: weight of ${wT.length} values for a ${x.length}→${out.length} layer`)
    this.simd.matvec(x.byteOffset, wT.byteOffset, b ? b.byteOffset : 0, x.length, out.length, out.byteOffset)
  }

  /** Causal attention of the query at `pos` over the cached keys 0..pos, every head; result in this.y. */
  private attend(layer: number, pos: number): void {
    const { C, hs } = this
    const K = this.keys[layer]
    const Vv = this.values[layer]
    const scale = 1 / Math.sqrt(hs)
    const att = this.att
    for (let hd = 0; hd < this.cfg.nHead; hd++) {
      const off = hd * hs
      let max = -Infinity
      for (let t = 0; t <= pos; t++) {
        let s = 0
        for (let i = 0; i < hs; i++) s += this.qkv[off + i] * K[t * C + off + i]
        s *= scale
        att[t] = s
        if (s > max) max = s
      }
      let sum = 0
      for (let t = 0; t <= pos; t++) {
        att[t] = Math.exp(att[t] - max)
        sum += att[t]
      }
      for (let i = 0; i < hs; i++) this.y[off + i] = 0
      const probs = (layer * this.cfg.nHead + hd) * this.cfg.blockSize
      const silent = this.off.has(layer * this.cfg.nHead + hd) // switched off: it looks, but writes nothing
      for (let t = 0; t <= pos; t++) {
        const a = att[t] / sum
        this.probs[probs + t] = a
        if (!silent) for (let i = 0; i < hs; i++) this.y[off + i] += a * Vv[t * C + off + i]
      }
    }
  }
}

/**
 * out = x·W + b, with W given transposed, [out, in] row-major: each output is one contiguous dot product,
 * summed in four independent accumulators (measured ~2× faster in V8 than accumulating rows of W into out).
 */
function linear(x: Float32Array, wT: Float32Array, b: Float32Array | undefined, out: Float32Array): void {
  const nIn = x.length
  const nOut = out.length
  if (wT.length !== nIn * nOut) throw new Error(`decoder: weight of ${wT.length} values for a ${nIn}→${nOut} layer`)
  const n4 = nIn - (nIn % 4)
  for (let o = 0; o < nOut; o++) {
    const row = o * nIn
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    let i = 0
    for (; i < n4; i += 4) {
      s0 += x[i] * wT[row + i]
      s1 += x[i + 1] * wT[row + i + 1]
      s2 += x[i + 2] * wT[row + i + 2]
      s3 += x[i + 3] * wT[row + i + 3]
    }
    for (; i < nIn; i++) s0 += x[i] * wT[row + i]
    out[o] = s0 + s1 + s2 + s3 + (b ? b[o] : 0)
  }
}

/** W (rows, cols) row-major → Wᵀ (cols, rows) row-major, into an array from `take`. */
function transposed(w: Float32Array, rows: number, cols: number, take: (n: number) => Float32Array): Float32Array {
  const out = take(w.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]
  return out
}

/** LayerNorm with ε = 1e-5 (PyTorch's), biased variance. */
function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array | undefined, out: Float32Array): void {
  const n = x.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += x[i]
  mean /= n
  let v = 0
  for (let i = 0; i < n; i++) v += (x[i] - mean) * (x[i] - mean)
  const inv = 1 / Math.sqrt(v / n + 1e-5)
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * inv * g[i] + (b ? b[i] : 0)
}

/** GELU, 0.5·x·(1 + erf(x/√2)), with erf from Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, float32-level). */
export function gelu(x: number): number {
  const z = Math.abs(x) * Math.SQRT1_2
  const t = 1 / (1 + 0.3275911 * z)
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erfAbs = 1 - poly * Math.exp(-z * z)
  return 0.5 * x * (1 + (x < 0 ? -erfAbs : erfAbs))
}
