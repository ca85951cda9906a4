// The bench's steady state and its spread (scripts/bench-stats.mjs): which steps count, and the figures.
import { describe, expect, it } from 'vitest'
import { defaultWarmup, evalSteps, spread, stepStats } from '../scripts/bench-stats.mjs'

describe('the bench’s figures', () => {
  it('leaves out the warm-up and every step that follows other work, and reports those apart', () => {
    // 10 steps: two slow warm-up steps, a slow step after the evaluation at step 5 and after the live sample at 8
    const ms = [900, 500, 100, 101, 102, 400, 103, 104, 300, 105]
    const s = stepStats(ms, { warmup: 2, after: [0, 5, 8] })
    expect(s.steady).toMatchObject({ n: 6, warmup: 2, excluded: 2, median: 103, p10: 100, p90: 105 })
    expect(s.afterOtherWork).toMatchObject({ n: 2, median: 400 })
    expect(s.warmupSteps).toMatchObject({ n: 2, median: 900 })
  })

  it('takes quantiles as the bench always has (the element at ⌊f·n⌋ of the sorted steps)', () => {
    const s = spread([5, 1, 4, 2, 3, 6, 8, 7, 10, 9])
    expect(s).toEqual({ median: 6, p10: 2, p90: 10, q1: 3, q3: 8, mean: 5.5, n: 10 })
  })

  it('warms up for a fifth of a short run and 20 steps of a long one', () => {
    expect([defaultWarmup(24), defaultWarmup(30), defaultWarmup(100), defaultWarmup(2000)]).toEqual([4, 6, 20, 20])
  })

  it('knows when a run evaluated: before the first step, every N steps, and at the end', () => {
    expect(evalSteps(24, 12)).toEqual([0, 12, 24])
    expect(evalSteps(250, 100)).toEqual([0, 100, 200, 250])
  })

  it('still reports a run too short for any steady step', () => {
    expect(stepStats([50, 40], { warmup: 2 }).steady).toMatchObject({ n: 2, median: 50 })
  })
})
