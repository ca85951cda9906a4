// The benches' text: n characters of thirteen words in a fixed pseudo-random order, 60-character lines (the
// same text in Node and in the browser, so their steps train on the same batches).
export function benchText(n: number): string {
  let s = 1
  const words = ['the', 'king', 'shall', 'not', 'be', 'so', 'fair', 'and', 'good', 'my', 'lord', 'to', 'thee']
  const out: string[] = []
  while (out.join(' ').length < n) out.push(words[((s = (s * 1103515245 + 12345) >>> 0) >>> 16) % words.length])
  return out.join(' ').replace(/(.{60}) /g, '$1\n')
}
