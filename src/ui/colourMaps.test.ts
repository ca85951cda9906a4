import { describe, expect, it } from 'vitest'
import { diverging, relativeLuminance, scaled, sequential, sequentialRgb } from './colourMaps'

describe('colour maps', () => {
  it.each(['viridis', 'cividis'] as const)(
    '%s gets lighter all the way from 0 to 1 (order survives greyscale and colour-blindness)',
    (map) => {
      let last = -1
      for (let t = 0; t <= 1.0000001; t += 1 / 64) {
        const y = relativeLuminance(sequentialRgb(map, t))
        expect(y, `t = ${t}`).toBeGreaterThan(last)
        last = y
      }
      // and spans a usable range: adjacent legend ends differ by more than 3:1 in contrast
      const lo = relativeLuminance(sequentialRgb(map, 0))
      const hi = relativeLuminance(sequentialRgb(map, 1))
      expect((hi + 0.05) / (lo + 0.05)).toBeGreaterThan(3)
    },
  )

  it('ends at the published end colours and clamps outside [0, 1]', () => {
    expect(sequential('viridis', 0)).toBe('rgb(68, 1, 84)')
    expect(sequential('viridis', 1)).toBe('rgb(253, 231, 37)')
    expect(sequential('viridis', -3)).toBe(sequential('viridis', 0))
    expect(sequential('cividis', 7)).toBe(sequential('cividis', 1))
    expect(sequential('viridis', Number.NaN)).toBe(sequential('viridis', 0))
  })

  it('diverges from grey at 0 to orange below and blue above, symmetric in size', () => {
    expect(diverging(0, 1)).toBe('rgb(232, 234, 235)')
    expect(diverging(-1, 1)).toBe('rgb(245, 147, 34)')
    expect(diverging(2, 1)).toBe('rgb(8, 119, 189)')
    expect(diverging(0.3, 0)).toBe(diverging(0, 1)) // no range: everything is 0
    // on the dark theme 0 is a dark grey (it recedes into the page), and the ends keep their hue
    expect(relativeLuminance([43, 48, 56])).toBeLessThan(0.05)
    expect(diverging(0, 1, 'dark')).toBe('rgb(43, 48, 56)')
    expect(diverging(-1, 1, 'dark')).toBe('rgb(245, 147, 34)')
  })

  it('lifts small weights on the square-root scale', () => {
    expect(scaled(0.04, 'sqrt')).toBeCloseTo(0.2, 12)
    expect(scaled(0.04, 'linear')).toBe(0.04)
    expect(scaled(1.5, 'sqrt')).toBe(1)
  })
})
