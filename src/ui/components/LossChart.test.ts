import { describe, expect, it } from 'vitest'
import { chartRows, yDomain } from './LossChart'

describe('the loss chart', () => {
  it("keeps recharts' own range for a falling curve, and a 0.1-wide one around a flat start", () => {
    const falling = chartRows(
      [
        { step: 1, loss: 4.2, lr: 1e-3, stepMs: 1, elapsedMs: 1 },
        { step: 2, loss: 3.1, lr: 1e-3, stepMs: 1, elapsedMs: 2 },
      ],
      [{ step: 0, valLoss: 4.19, trainLoss: 4.2 }],
    )
    expect(yDomain(falling, false)).toEqual(['auto', 'auto'])
    const flat = chartRows(
      [
        { step: 1, loss: 3.988, lr: 1e-3, stepMs: 1, elapsedMs: 1 },
        { step: 2, loss: 3.983, lr: 1e-3, stepMs: 1, elapsedMs: 2 },
      ],
      [{ step: 0, valLoss: 3.996, trainLoss: 3.99 }],
    )
    const [lo, hi] = yDomain(flat, false) as [number, number]
    expect(hi - lo).toBeCloseTo(0.1, 12)
    expect(lo).toBeLessThanOrEqual(3.983)
    expect(hi).toBeGreaterThanOrEqual(3.996)
    // ticks two decimals apart (the axis prints v.toFixed(2)) are now distinct: five ticks 0.025 apart
    const labels = [0, 1, 2, 3, 4].map((i) => (lo + (i * (hi - lo)) / 4).toFixed(2))
    expect(new Set(labels).size).toBe(5)
    // a log axis never reaches 0
    const tiny = chartRows([{ step: 1, loss: 0.02, lr: 1e-3, stepMs: 1, elapsedMs: 1 }], [])
    expect((yDomain(tiny, true) as number[])[0]).toBeGreaterThan(0)
  })
})
