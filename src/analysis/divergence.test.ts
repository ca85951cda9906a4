import { describe, expect, it } from 'vitest'
import { checkDivergence, lowerLearningRate } from './divergence'

const steady = Array.from({ length: 50 }, (_, i) => 2 + 0.1 * Math.sin(i)) // a loss around 2 nats
const base = { step: 200, recent: steady, warmupIters: 100, vocabSize: 27 }

describe('checkDivergence', () => {
  it('catches NaN and infinity in the loss or the gradient norm', () => {
    expect(checkDivergence({ ...base, loss: Number.NaN })?.kind).toBe('non-finite')
    expect(checkDivergence({ ...base, loss: Number.POSITIVE_INFINITY })?.kind).toBe('non-finite')
    expect(checkDivergence({ ...base, loss: 2, gradNorm: Number.NaN })?.kind).toBe('non-finite')
    expect(checkDivergence({ ...base, loss: 2, gradNorm: Number.POSITIVE_INFINITY })?.kind).toBe('non-finite')
  })

  it('catches a loss far worse than guessing uniformly (2·ln V + 1), even during warmup', () => {
    const lnV = Math.log(27) // 3.30
    expect(checkDivergence({ ...base, step: 3, recent: [], loss: 2 * lnV + 1.01 })).toEqual({
      kind: 'worse-than-guessing',
      reference: lnV,
    })
    expect(checkDivergence({ ...base, step: 3, recent: [], loss: 2 * lnV + 0.99 })).toBeUndefined() // a bad start is not a divergence
  })

  it('catches a spike after warmup: above twice the recent mean and a nat above it', () => {
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length
    expect(checkDivergence({ ...base, loss: 2 * mean + 0.01 })).toEqual({ kind: 'spike', reference: mean })
    expect(checkDivergence({ ...base, loss: 2 * mean - 0.01 })).toBeUndefined()
    // a small loss that doubles is not a nat above its mean: noise on one batch
    const small = steady.map((x) => x / 4) // ≈ 0.5
    expect(checkDivergence({ ...base, recent: small, loss: 1.2 })).toBeUndefined()
    expect(checkDivergence({ ...base, recent: small, loss: 1.6 })?.kind).toBe('spike')
  })

  it('judges no spike during warmup or before 20 recent losses', () => {
    expect(checkDivergence({ ...base, step: 99, loss: 5 })).toBeUndefined()
    expect(checkDivergence({ ...base, recent: steady.slice(0, 19), loss: 5 })).toBeUndefined()
    expect(checkDivergence({ ...base, recent: steady.slice(0, 20), loss: 5 })?.kind).toBe('spike')
  })
})

describe('lowerLearningRate', () => {
  it('suggests a tenth, to one significant figure', () => {
    expect(lowerLearningRate(10)).toBe(1)
    expect(lowerLearningRate(3e-3)).toBe(3e-4)
    expect(lowerLearningRate(0.25)).toBe(0.03)
  })
})
