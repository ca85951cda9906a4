import { describe, expect, it } from 'vitest'
import { headSummary, topKeys, type HeadView } from './headSummary'
import { quantizeCausal, triangleSize } from '../analysis/heads'

/** An atlas snapshot of one layer with two heads, from (T, T) matrices given by a row function. */
function view(
  T: number,
  rows: ((i: number) => number[])[],
  tokens = Array.from({ length: T }, (_, i) => String.fromCharCode(97 + (i % 26))),
): HeadView {
  const tri = triangleSize(T)
  const weights = new Uint8Array(rows.length * tri)
  rows.forEach((row, k) => {
    const m = new Float64Array(T * T)
    for (let i = 0; i < T; i++) row(i).forEach((w, j) => (m[i * T + j] = w))
    quantizeCausal(m, T, weights, k * tri)
  })
  return { weights, T, tokens, heads: rows.length }
}

const T = 16
const previous = (i: number) => Array.from({ length: i + 1 }, (_, j) => (i === 0 ? 1 : j === i - 1 ? 1 : 0))
const uniform = (i: number) => Array(i + 1).fill(1 / (i + 1))

describe('head summaries', () => {
  const v = view(T, [uniform, previous])

  it('name a previous-token head with its average, its strongest link and its focus, in English', () => {
    expect(headSummary(v, 1, 'en')).toBe(
      'Layer 0 Head 1: mostly looks at the previous token (average 1.00). Strongest link: ‘b’ (position 1) looks at ‘a’ (position 0), 1.00. Focus: sharp (entropy 0.0 bits).',
    )
  })

  it('… and in Chinese', () => {
    expect(headSummary(v, 1, 'zh-CN')).toBe(
      '第 0 层第 1 头：主要关注前一个词元（平均 1.00）。最强连接：位置 1 的‘b’关注位置 0 的‘a’，1.00。注意力集中（熵 0.0 比特）。',
    )
  })

  it('say a uniform head spreads its attention, in both languages', () => {
    expect(headSummary(v, 0, 'en')).toMatch(
      /^Layer 0 Head 0: spreads its attention evenly over the context\. Strongest link: .* Focus: spread \(entropy 2\.\d bits\)\.$/,
    )
    expect(headSummary(v, 0, 'zh-CN')).toMatch(
      /^第 0 层第 0 头：把注意力均匀地分散在上下文中。.*注意力分散（熵 2\.\d 比特）。$/,
    )
  })

  it('count layers and heads from 1 where the view does, or name them outright', () => {
    expect(headSummary(v, 1, 'en', 1)).toMatch(/^Layer 1 Head 2: mostly looks at the previous token/)
    expect(headSummary(v, 1, 'zh-CN', 1, { layer: 2, head: 0 })).toMatch(/^第 3 层第 1 头：主要关注前一个词元/)
  })

  it('list each query’s strongest keys for the table view', () => {
    const rows = topKeys(v, 1, 2)
    expect(rows).toHaveLength(T)
    expect(rows[0].keys).toEqual([{ key: 0, weight: 1 }])
    expect(rows[5].keys[0]).toEqual({ key: 4, weight: 1 })
    expect(rows[5].keys[1].weight).toBe(0)
  })
})
