// A slow, plain-JavaScript float64 GPT: the test oracle for gpt.ts. Written independently of tfjs, one
// position and one head at a time with explicit loops (the "naive" form of every layer), so that the
// batched tfjs model can be checked against it: forward values, attention, loss, and — by central finite
// differences in float64 — gradients. Not used by the product.
import type { ModelConfig } from '../shared/config'

export type Params64 = Record<string, Float64Array>
type Vec = Float64Array

const at = (p: Params64, name: string): Vec => {
  const v = p[name]
  if (!v) throw new Error(`reference64: missing ${name}`)
  return v
}

/** y = x·W + b for one row x (nIn), W stored [in, out] row-major. */
function linearRow(x: Vec, w: Vec, b: Vec | undefined, nIn: number, nOut: number): Vec {
  const y = new Float64Array(nOut)
  for (let o = 0; o < nOut; o++) {
    let s = b ? b[o] : 0
    for (let i = 0; i < nIn; i++) s += x[i] * w[i * nOut + o]
    y[o] = s
  }
  return y
}

function layerNormRow(x: Vec, w: Vec, b: Vec | undefined): Vec {
  const n = x.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += x[i]
  mean /= n
  let v = 0
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2
  v /= n
  const inv = 1 / Math.sqrt(v + 1e-5)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) y[i] = (x[i] - mean) * inv * w[i] + (b ? b[i] : 0)
  return y
}

/** erf to ~1e-15 (series for small |x|, continued fraction for large), so GELU is exact in float64. */
export function erf64(x: number): number {
  const s = Math.sign(x)
  const a = Math.abs(x)
  if (a < 3) {
    // Maclaurin series: erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
    let term = a
    let sum = a
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI)
  }
  // erfc continued fraction (Lentz), good for a ≥ 3
  let f = a
  let C = a
  let D = 0
  for (let n = 1; n < 200; n++) {
    const an = n / 2
    D = a + an * D
    D = 1 / D
    C = a + an / C
    const delta = C * D
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI))
  return s * (1 - erfc)
}

const gelu64 = (x: number) => 0.5 * x * (1 + erf64(x / Math.SQRT2))

/** The table added at each position: wpe, or (the twin without positional encoding, posEncoding 'none') zeros. */
function positions64(p: Params64, cfg: ModelConfig): Vec {
  return cfg.posEncoding === 'none' ? new Float64Array(cfg.blockSize * cfg.nEmbd) : at(p, 'wpe.weight')
}

/** The embeddings of one sequence: wte[id] + wpe[t], one row per position. */
function embed64(p: Params64, cfg: ModelConfig, ids: number[]): Vec[] {
  const C = cfg.nEmbd
  const wte = at(p, 'wte.weight')
  const wpe = positions64(p, cfg)
  return ids.map((id, t) => {
    const row = new Float64Array(C)
    for (let c = 0; c < C; c++) row[c] = wte[id * C + c] + wpe[t * C + c]
    return row
  })
}

/** What a block's attention reads: LN₁(x), or (the post-LN twin, cfg.norm 'post') the stream itself. */
function attnInput64(p: Params64, cfg: ModelConfig, h: string, x: Vec[]): Vec[] {
  if (cfg.norm === 'post') return x
  return x.map((r) => layerNormRow(r, at(p, `${h}.ln1.weight`), p[`${h}.ln1.bias`]))
}

/**
 * A block's rows after its attention output y: mid = x + y (y alone without residual connections), then
 * out = mid + FFN(LN₂(mid)) (FFN(LN₂(mid)) alone without them; mid itself when attention-only). The post-LN twin
 * normalises each sum instead: mid = LN₁(x + y), out = LN₂(mid + FFN(mid)).
 */
function afterAttention64(p: Params64, cfg: ModelConfig, h: string, x: Vec[], y: Vec[]): { mid: Vec[]; out: Vec[] } {
  const C = cfg.nEmbd
  const residual = cfg.residual !== false
  const post = cfg.norm === 'post'
  const ln = (r: Vec, which: 'ln1' | 'ln2') => layerNormRow(r, at(p, `${h}.${which}.weight`), p[`${h}.${which}.bias`])
  let mid: Vec[] = x.map((r, t) => (residual ? r.map((v, c) => v + y[t][c]) : Float64Array.from(y[t])))
  if (post) mid = mid.map((r) => ln(r, 'ln1'))
  if (!p[`${h}.ln2.weight`]) return { mid, out: mid } // an attention-only block
  const out = mid.map((r) => {
    const hid = linearRow(post ? r : ln(r, 'ln2'), at(p, `${h}.mlp.cFc.weight`), p[`${h}.mlp.cFc.bias`], C, 4 * C).map(
      gelu64,
    )
    const f = linearRow(hid, at(p, `${h}.mlp.cProj.weight`), p[`${h}.mlp.cProj.bias`], 4 * C, C)
    const sum = residual ? r.map((v, c) => v + f[c]) : f
    return post ? ln(sum, 'ln2') : sum
  })
  return { mid, out }
}

/** The logits of one row of the final stream: LN_f, then the LM head (x · wteᵀ when tied, x · lm_headᵀ if not). */
function logitsRow64(p: Params64, cfg: ModelConfig, r: Vec): Vec {
  const C = cfg.nEmbd
  const wte = p['lmHead.weight'] ?? at(p, 'wte.weight')
  const n = layerNormRow(r, at(p, 'lnF.weight'), p['lnF.bias'])
  const row = new Float64Array(cfg.vocabSize)
  for (let v = 0; v < cfg.vocabSize; v++) {
    let s = 0
    for (let c = 0; c < C; c++) s += n[c] * wte[v * C + c]
    row[v] = s
  }
  return row
}

/**
 * Naive causal self-attention for one sequence: x is T rows of C. Returns the output rows and the
 * attention probabilities att[h][i][j] (zero for j > i), computed head by head, query by query.
 */
export function attentionNaive(
  p: Params64,
  prefix: string,
  x: Vec[],
  cfg: ModelConfig,
): { y: Vec[]; att: number[][][] } {
  const { heads, att } = attentionHeads64(p, prefix, x, cfg)
  return { y: project64(p, prefix, heads, cfg), att }
}

/** The heads' outputs before the output projection: T rows of C, head h in columns h·hs … (h+1)·hs − 1. */
function attentionHeads64(
  p: Params64,
  prefix: string,
  x: Vec[],
  cfg: ModelConfig,
): { heads: Vec[]; att: number[][][] } {
  const C = cfg.nEmbd
  const nh = cfg.nHead
  const hs = C / nh
  const T = x.length
  const wA = at(p, `${prefix}.cAttn.weight`)
  const bA = p[`${prefix}.cAttn.bias`]
  const qkv = x.map((row) => linearRow(row, wA, bA, C, 3 * C))
  const att: number[][][] = []
  const ys = Array.from({ length: T }, () => new Float64Array(C))
  for (let h = 0; h < nh; h++) {
    const head: number[][] = []
    for (let i = 0; i < T; i++) {
      const scores: number[] = []
      for (let j = 0; j <= i; j++) {
        let s = 0
        for (let d = 0; d < hs; d++) s += qkv[i][h * hs + d] * qkv[j][C + h * hs + d]
        scores.push(s / Math.sqrt(hs))
      }
      const m = Math.max(...scores)
      const e = scores.map((s) => Math.exp(s - m))
      const z = e.reduce((a, b) => a + b, 0)
      const row = new Array<number>(T).fill(0)
      for (let j = 0; j <= i; j++) row[j] = e[j] / z
      head.push(row)
      for (let j = 0; j <= i; j++) for (let d = 0; d < hs; d++) ys[i][h * hs + d] += row[j] * qkv[j][2 * C + h * hs + d]
    }
    att.push(head)
  }
  return { heads: ys, att }
}

function project64(p: Params64, prefix: string, heads: Vec[], cfg: ModelConfig): Vec[] {
  const C = cfg.nEmbd
  const wP = at(p, `${prefix}.cProj.weight`)
  const bP = p[`${prefix}.cProj.bias`]
  return heads.map((row) => linearRow(row, wP, bP, C, C))
}

/**
 * One sequence's forward pass, traced: every layer's heads' outputs (before the projection) and the residual
 * stream entering each block (and after the last), with `edit` called on each so a test can replace them in place
 * (activation patching, or a head switched off, by hand). Returns the logits, the traces as they ended up and
 * every layer's attention (nh of T × T).
 */
export function forwardTraced64(
  p: Params64,
  cfg: ModelConfig,
  ids: number[],
  edit: { heads?: (layer: number, heads: Vec[]) => void; resid?: (layer: number, x: Vec[]) => void } = {},
): { logits: Vec[]; heads: Vec[][]; resid: Vec[][]; mids: Vec[][]; attention: number[][][][] } {
  let x = embed64(p, cfg, ids)
  const heads: Vec[][] = []
  const resid: Vec[][] = []
  const mids: Vec[][] = [] // per block: the stream after its attention, before its MLP
  const attention: number[][][][] = []
  for (let l = 0; l <= cfg.nLayer; l++) {
    edit.resid?.(l, x)
    resid.push(x.map((r) => r.slice()))
    if (l === cfg.nLayer) break
    const h = `h.${l}`
    const a = attentionHeads64(p, `${h}.attn`, attnInput64(p, cfg, h, x), cfg)
    attention.push(a.att)
    const out = a.heads
    edit.heads?.(l, out)
    heads.push(out.map((r) => r.slice()))
    const next = afterAttention64(p, cfg, h, x, project64(p, `${h}.attn`, out, cfg))
    mids.push(next.mid)
    x = next.out
  }
  return { logits: x.map((r) => logitsRow64(p, cfg, r)), heads, resid, mids, attention }
}

/**
 * Mean cross-entropy over a batch with heads switched off, the batch run layer by layer so that `mean` can
 * replace a head's output at each position by its mean over the batch's sequences (gpt.ts's HeadAblation).
 */
export function lossAblated64(
  p: Params64,
  cfg: ModelConfig,
  xs: number[][],
  ys: number[][],
  ablate: { heads: [number, number][]; mode: 'zero' | 'mean' },
): number {
  const C = cfg.nEmbd
  const hs = C / cfg.nHead
  let x: Vec[][] = xs.map((ids) => embed64(p, cfg, ids))
  for (let l = 0; l < cfg.nLayer; l++) {
    const h = `h.${l}`
    const heads = x.map((seq) => attentionHeads64(p, `${h}.attn`, attnInput64(p, cfg, h, seq), cfg).heads)
    for (const [layer, head] of ablate.heads) {
      if (layer !== l) continue
      for (let t = 0; t < xs[0].length; t++)
        for (let d = head * hs; d < (head + 1) * hs; d++) {
          let mean = 0
          for (const seq of heads) mean += seq[t][d] / heads.length
          for (const seq of heads) seq[t][d] = ablate.mode === 'zero' ? 0 : mean
        }
    }
    x = x.map((seq, b) => afterAttention64(p, cfg, h, seq, project64(p, `${h}.attn`, heads[b], cfg)).out)
  }
  let total = 0
  let n = 0
  x.forEach((seq, b) =>
    seq.forEach((r, t) => {
      const row = logitsRow64(p, cfg, r)
      const m = Math.max(...row)
      let z = 0
      for (const v of row) z += Math.exp(v - m)
      total += -(row[ys[b][t]] - m - Math.log(z))
      n++
    }),
  )
  return total / n
}

/** Logits (T rows of V) for one sequence of token ids, and every layer's attention. Dropout is off. */
export function forward64(p: Params64, cfg: ModelConfig, ids: number[]): { logits: Vec[]; attention: number[][][][] } {
  const C = cfg.nEmbd
  const T = ids.length
  if (T > cfg.blockSize) throw new Error(`reference64: sequence of ${T} exceeds blockSize ${cfg.blockSize}`)
  const wte = at(p, 'wte.weight')
  const wpe = positions64(p, cfg)
  let x: Vec[] = ids.map((id, t) => {
    const row = new Float64Array(C)
    for (let c = 0; c < C; c++) row[c] = wte[id * C + c] + wpe[t * C + c]
    return row
  })
  const attention: number[][][][] = []
  for (let l = 0; l < cfg.nLayer; l++) {
    const h = `h.${l}`
    const a = attentionNaive(p, `${h}.attn`, attnInput64(p, cfg, h, x), cfg)
    attention.push(a.att)
    x = afterAttention64(p, cfg, h, x, a.y).out
  }
  return { logits: x.map((r) => logitsRow64(p, cfg, r)), attention }
}

/** Mean cross-entropy over a batch of sequences (xs[b], ys[b] of equal length). */
/** Mean cross-entropy; with `ws` (0/1 per target), the mean over the weighted targets only. */
export function loss64(p: Params64, cfg: ModelConfig, xs: number[][], ys: number[][], ws?: number[][]): number {
  let total = 0
  let n = 0
  for (let b = 0; b < xs.length; b++) {
    const { logits } = forward64(p, cfg, xs[b])
    logits.forEach((row, t) => {
      const w = ws ? ws[b][t] : 1
      const m = Math.max(...row)
      let z = 0
      for (const v of row) z += Math.exp(v - m)
      total += -w * (row[ys[b][t]] - m - Math.log(z))
      n += w
    })
  }
  return total / Math.max(n, 1)
}
