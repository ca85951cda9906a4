// One attention head for one query, step by step in plain TypeScript: the Q/K/V calculator recomputes the
// worker's numbers from its inputs with this, so every number on screen is checked against the model's own.

export interface HeadInputs {
  xhat: number[][] // LayerNorm'd block input of every key's token (each C): rows 0…i with the causal mask, all rows without
  query?: number // the query's row in xhat (default: the last, as with the causal mask)
  wq: number[][] // (C, hs): this head's columns of the query projection
  wk: number[][]
  wv: number[][]
  bq?: number[] // (hs)
  bk?: number[]
  bv?: number[]
}

export interface HeadSteps {
  q: number[] // (hs) for the query (the last row)
  k: number[][] // (i+1, hs)
  v: number[][]
  scores: number[] // q·k_j
  scaled: number[] // ÷ √hs
  weights: number[] // softmax
  out: number[] // Σ_j w_j v_j
}

const project = (x: number[], w: number[][], b?: number[]) =>
  w[0].map((_, c) => x.reduce((s, xi, r) => s + xi * w[r][c], b ? b[c] : 0))

export function attendOne(h: HeadInputs): HeadSteps {
  const hs = h.wq[0].length
  const i = h.query ?? h.xhat.length - 1
  const q = project(h.xhat[i], h.wq, h.bq)
  const k = h.xhat.map((x) => project(x, h.wk, h.bk))
  const v = h.xhat.map((x) => project(x, h.wv, h.bv))
  const scores = k.map((kj) => kj.reduce((s, x, c) => s + x * q[c], 0))
  const scaled = scores.map((s) => s / Math.sqrt(hs))
  const m = Math.max(...scaled)
  const e = scaled.map((s) => Math.exp(s - m))
  const z = e.reduce((a, b) => a + b, 0)
  const weights = e.map((x) => x / z)
  const out = v[0].map((_, c) => weights.reduce((s, w, j) => s + w * v[j][c], 0))
  return { q, k, v, scores, scaled, weights, out }
}

/** Mean and variance of a vector (the LayerNorm check: 0 and 1 before its gain and bias). */
export function moments(x: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0
  for (let i = 0; i < x.length; i++) mean += x[i] / x.length
  let variance = 0
  for (let i = 0; i < x.length; i++) variance += (x[i] - mean) ** 2 / x.length
  return { mean, variance }
}
