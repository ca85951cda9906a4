// Principal components in two dimensions, for the embedding map: power iteration on the covariance of the
// centred rows (C × C), deflated for the second component. Plain TypeScript (the worker runs it on wte).

export interface Pca2 {
  components: Float64Array // (2, C): the two unit directions
  coords: Float32Array // (rows, 2): each row's projection on them
  explained: [number, number] // the share of the total variance along each
}

function powerIteration(cov: Float64Array, C: number, seed: number, iters = 200): { v: Float64Array; lambda: number } {
  let v = new Float64Array(C)
  for (let i = 0; i < C; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) // a fixed, non-degenerate start
  let lambda = 0
  for (let it = 0; it < iters; it++) {
    const w = new Float64Array(C)
    for (let i = 0; i < C; i++) {
      let s = 0
      for (let j = 0; j < C; j++) s += cov[i * C + j] * v[j]
      w[i] = s
    }
    let norm = 0
    for (const x of w) norm += x * x
    norm = Math.sqrt(norm)
    if (norm === 0) break
    for (let i = 0; i < C; i++) w[i] /= norm
    lambda = norm
    v = w
  }
  return { v, lambda }
}

/** The top two principal components of a (rows, C) row-major matrix. */
export function pca2(m: ArrayLike<number>, rows: number, C: number): Pca2 {
  const mean = new Float64Array(C)
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) mean[c] += m[r * C + c] / rows
  const cov = new Float64Array(C * C)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < C; i++) {
      const a = m[r * C + i] - mean[i]
      for (let j = i; j < C; j++) cov[i * C + j] += a * (m[r * C + j] - mean[j])
    }
  }
  for (let i = 0; i < C; i++) for (let j = i; j < C; j++) cov[j * C + i] = cov[i * C + j] /= rows
  let trace = 0
  for (let i = 0; i < C; i++) trace += cov[i * C + i]
  const first = powerIteration(cov, C, 1)
  // deflate: remove the first component's variance, then find the next
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) cov[i * C + j] -= first.lambda * first.v[i] * first.v[j]
  const second = powerIteration(cov, C, 2)
  const components = new Float64Array(2 * C)
  components.set(first.v, 0)
  components.set(second.v, C)
  const coords = new Float32Array(rows * 2)
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 2; k++) {
      let s = 0
      for (let c = 0; c < C; c++) s += (m[r * C + c] - mean[c]) * components[k * C + c]
      coords[r * 2 + k] = s
    }
  }
  return { components, coords, explained: trace > 0 ? [first.lambda / trace, second.lambda / trace] : [0, 0] }
}

/**
 * Aligns a new frame with the previous one: a component pointing against its predecessor is flipped (with its
 * coordinates), so the picture does not mirror itself from one step to the next.
 */
export function alignTo(prev: Pick<Pca2, 'components'> | undefined, next: Pca2, C: number): Pca2 {
  if (!prev) return next
  const components = Float64Array.from(next.components)
  const coords = Float32Array.from(next.coords)
  for (let k = 0; k < 2; k++) {
    let dot = 0
    for (let c = 0; c < C; c++) dot += prev.components[k * C + c] * components[k * C + c]
    if (dot < 0) {
      for (let c = 0; c < C; c++) components[k * C + c] = -components[k * C + c]
      for (let r = k; r < coords.length; r += 2) coords[r] = -coords[r]
    }
  }
  return { components, coords, explained: next.explained }
}

/** The k rows most similar to row `r` by cosine in the full space (brute force). */
export function nearest(
  m: ArrayLike<number>,
  rows: number,
  C: number,
  r: number,
  k: number,
): { row: number; cos: number }[] {
  const norm = (i: number) => {
    let s = 0
    for (let c = 0; c < C; c++) s += m[i * C + c] ** 2
    return Math.sqrt(s)
  }
  const nr = norm(r)
  const out: { row: number; cos: number }[] = []
  for (let i = 0; i < rows; i++) {
    if (i === r) continue
    let dot = 0
    for (let c = 0; c < C; c++) dot += m[r * C + c] * m[i * C + c]
    const d = nr * norm(i)
    out.push({ row: i, cos: d > 0 ? dot / d : 0 })
  }
  return out.sort((a, b) => b.cos - a.cos || a.row - b.row).slice(0, k)
}
