import { describe, expect, it } from 'vitest'
import { alignTo, nearest, pca2 } from './pca'
import { mulberry32 } from '../util/random'

describe('PCA for the embedding map', () => {
  it('points along one direction: PC1 is that direction, with all the variance', () => {
    const d = [3, 4, 0].map((x) => x / 5)
    const m = Array.from({ length: 10 }, (_, r) => d.map((x) => x * (r - 4.5))).flat()
    const p = pca2(m, 10, 3)
    expect(Math.abs(p.components[0] * d[0] + p.components[1] * d[1] + p.components[2] * d[2])).toBeCloseTo(1, 6)
    expect(p.explained[0]).toBeCloseTo(1, 6)
    // the projections are (x − mean)·pc1, recomputed
    for (let r = 0; r < 10; r++) expect(Math.abs(p.coords[r * 2])).toBeCloseTo(Math.abs(r - 4.5), 5)
  })

  it('an anisotropic Gaussian with variances 9 and 1: PC1 explains 0.9', () => {
    const rand = mulberry32(4)
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
    const m = Array.from({ length: 10_000 }, () => [3 * gauss(), gauss()]).flat()
    const p = pca2(m, 10_000, 2)
    expect(p.explained[0]).toBeGreaterThan(0.88)
    expect(p.explained[0]).toBeLessThan(0.92)
    expect(p.explained[0] + p.explained[1]).toBeCloseTo(1, 6)
  })

  it('frames align: the same matrix twice gives the same picture, and flipped components are flipped back', () => {
    const rand = mulberry32(7)
    const m = Array.from({ length: 40 * 6 }, () => rand() - 0.5)
    const a = pca2(m, 40, 6)
    expect(alignTo(a, pca2(m, 40, 6), 6).coords).toEqual(a.coords)
    const flipped = { ...a, components: a.components.map((x) => -x), coords: a.coords.map((x) => -x) }
    const back = alignTo(a, flipped, 6)
    back.coords.forEach((v, i) => expect(v).toBeCloseTo(a.coords[i], 6))
  })

  it('nearest neighbours by full-dimensional cosine, as brute force gives them', () => {
    const m = [1, 0, 0, 0.9, 0.1, 0, 0, 1, 0, -1, 0, 0]
    expect(nearest(m, 4, 3, 0, 2).map((n) => n.row)).toEqual([1, 2])
    expect(nearest(m, 4, 3, 0, 3)[2]).toEqual({ row: 3, cos: -1 })
  })
})
