// Cosine similarity between the rows of a matrix: how alike the positional encodings of two positions are.

/** (T, T) cosine similarities of the rows of a (T, C) row-major matrix; a zero row is similar to nothing (0). */
export function cosineSimilarities(m: ArrayLike<number>, T: number, C: number): Float32Array {
  const norms = new Float64Array(T)
  for (let i = 0; i < T; i++) {
    let s = 0
    for (let c = 0; c < C; c++) s += m[i * C + c] ** 2
    norms[i] = Math.sqrt(s)
  }
  const out = new Float32Array(T * T)
  for (let i = 0; i < T; i++) {
    for (let j = i; j < T; j++) {
      let dot = 0
      for (let c = 0; c < C; c++) dot += m[i * C + c] * m[j * C + c]
      const v = norms[i] && norms[j] ? dot / (norms[i] * norms[j]) : 0
      out[i * T + j] = v
      out[j * T + i] = v
    }
  }
  return out
}
