import { describe, expect, it } from 'vitest'
import { fineTuneDefaults, getPreset, learningRateAt, PRESETS, validateConfig, type TrainConfig } from './config'

const baby = getPreset('baby')
const fields = (m: Parameters<typeof validateConfig>[0], t: TrainConfig, o?: Parameters<typeof validateConfig>[2]) =>
  validateConfig(m, t, o).map((p) => p.field)

describe('config validation', () => {
  it('accepts every preset', () => {
    for (const p of PRESETS)
      expect(validateConfig({ ...p.model, vocabSize: 65 }, p.train, { trainTokens: 10_000, valTokens: 1000 })).toEqual(
        [],
      )
  })

  it('matches nanoGPT’s CPU baby config', () => {
    expect(baby.model).toMatchObject({ nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, dropout: 0 })
    expect(baby.train).toMatchObject({
      batchSize: 12,
      learningRate: 1e-3,
      minLr: 1e-4,
      warmupIters: 100,
      maxIters: 2000,
      beta2: 0.99,
      weightDecay: 0.1,
      gradClip: 1,
    })
  })

  it('names each impossible setting, with the value in the message', () => {
    const problems = validateConfig({ ...baby.model, nEmbd: 130, nHead: 4 }, baby.train)
    expect(problems).toEqual([
      {
        field: 'nHead',
        code: 'heads-divide',
        params: { C: 130, H: 4 },
        message: expect.stringContaining('130 is not divisible by 4'),
      },
    ])
    expect(fields({ ...baby.model, nLayer: 0 }, baby.train)).toEqual(['nLayer'])
    expect(fields({ ...baby.model, blockSize: -4 }, baby.train)).toEqual(['blockSize'])
    expect(fields({ ...baby.model, nEmbd: 2.5 }, baby.train)).toContain('nEmbd')
    expect(fields({ ...baby.model, dropout: 1 }, baby.train)).toEqual(['dropout'])
    expect(fields(baby.model, { ...baby.train, learningRate: NaN })).toEqual(['learningRate'])
    expect(fields(baby.model, { ...baby.train, learningRate: Infinity })).toEqual(['learningRate'])
    expect(fields(baby.model, { ...baby.train, learningRate: 0 })).toEqual(['learningRate'])
    expect(fields(baby.model, { ...baby.train, batchSize: 0 })).toEqual(['batchSize'])
    expect(fields(baby.model, { ...baby.train, minLr: 0.5 })).toEqual(['minLr'])
    expect(fields(baby.model, { ...baby.train, beta2: 1 })).toEqual(['beta2'])
  })

  it('needs blockSize + 1 tokens in both splits', () => {
    expect(fields(baby.model, baby.train, { trainTokens: 0, valTokens: 0 })).toEqual(['text'])
    expect(fields(baby.model, baby.train, { trainTokens: 1000, valTokens: 64 })).toEqual(['text'])
    expect(fields(baby.model, baby.train, { trainTokens: 1000, valTokens: 65 })).toEqual([])
  })

  it('refuses a model too large for the device before anything is allocated', () => {
    const m = { ...baby.model, vocabSize: 50_000, blockSize: 1024 }
    const limits = { maxTensorBytes: 128 * 1024 ** 2, maxTotalBytes: 2 * 1024 ** 3 }
    const p = validateConfig(m, { ...baby.train, batchSize: 12 }, { limits })
    expect(p.map((x) => x.field)).toEqual(['model'])
    expect(p[0].message).toMatch(/Too large for this device/)
    expect(validateConfig({ ...baby.model, vocabSize: 65 }, baby.train, { limits })).toEqual([])
  })
})

describe('learning-rate schedule (nanoGPT get_lr)', () => {
  const t = { learningRate: 1e-3, minLr: 1e-4, warmupIters: 100, maxIters: 2000 }
  it('warms up linearly, peaks, decays by cosine to minLr, and stays there', () => {
    expect(learningRateAt(0, t)).toBeCloseTo(1e-3 / 101, 15)
    expect(learningRateAt(99, t)).toBeCloseTo((1e-3 * 100) / 101, 15)
    expect(learningRateAt(100, t)).toBeCloseTo(1e-3, 15)
    expect(learningRateAt(1050, t)).toBeCloseTo(1e-4 + 0.5 * (1e-3 - 1e-4), 15) // halfway: cos(π/2) = 0
    expect(learningRateAt(2000, t)).toBeCloseTo(1e-4, 15)
    expect(learningRateAt(5000, t)).toBe(1e-4)
  })
})

describe('fine-tuning defaults', () => {
  it('divide the learning rate and its floor by ten and drop the warmup, keeping the rest', () => {
    const t = getPreset('baby').train
    expect(fineTuneDefaults(t)).toEqual({ ...t, learningRate: 1e-4, minLr: 1e-5, warmupIters: 0 })
    expect(validateConfig(getPreset('baby').model, fineTuneDefaults(t))).toEqual([])
    expect(fineTuneDefaults(getPreset('tiny').train).learningRate).toBe(0.0003) // a number a person would type
  })
})
