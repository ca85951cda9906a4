import { describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import { readSettingsHash, settingsHash } from './shareLink'

describe('settings in the URL hash', () => {
  it('round-trips every setting and the dataset, and carries no text', () => {
    const baby = getPreset('baby')
    const s = {
      model: { ...baby.model, bias: false, dropout: 0.1, posEncoding: 'sinusoidal' as const },
      train: { ...baby.train, learningRate: 6e-4, seed: 42 },
      datasetId: 'moby',
    }
    const hash = settingsHash(s)
    expect(hash).toMatch(/^#v=1&blockSize=64&nLayer=4&/)
    expect(hash).toContain('bias=0')
    expect(hash).toContain('learningRate=0.0006')
    expect(hash).toContain('posEncoding=sinusoidal')
    expect(readSettingsHash(hash, ['names', 'moby'])).toEqual(s)
    const none = { ...s, model: { ...s.model, posEncoding: 'none' as const } }
    expect(settingsHash(none)).toContain('posEncoding=none')
    expect(readSettingsHash(settingsHash(none), ['names', 'moby'])).toEqual(none)
    const odd = readSettingsHash('#nLayer=3&posEncoding=rotary', ['names']) as { problems: { message: string }[] }
    expect(odd.problems.map((p) => p.message)).toEqual([
      "The link's posEncoding is “rotary”: it can be learned, sinusoidal or none",
    ])
  })

  it('is silent without settings, keeps the tiny preset for keys it lacks, and refuses bad values', () => {
    expect(readSettingsHash('', ['names'])).toBeUndefined()
    expect(readSettingsHash('#something=else', ['names'])).toBeUndefined()
    const partial = readSettingsHash('#nLayer=3', ['names'])
    expect(partial).toEqual({
      model: { ...getPreset('tiny').model, nLayer: 3 },
      train: getPreset('tiny').train,
      datasetId: undefined,
    })
    const bad = readSettingsHash('#nLayer=abc&nHead=3&nEmbd=32&dataset=secret', ['names']) as {
      problems: { message: string }[]
    }
    expect(bad.problems.map((p) => p.message)).toEqual([
      "The link's nLayer is “abc”, not a number",
      'The link names a dataset “secret” this page does not have',
      'Layers must be a whole number (got NaN)',
      'Embedding width 32 is not divisible by 3 heads (each head gets nEmbd / nHead channels)',
    ])
  })
  it('reads links from before the format field; refuses one from a newer version, and a damaged format, saying so', () => {
    expect(readSettingsHash('#nLayer=3', ['names'])).not.toHaveProperty('problems') // no v: version 1
    expect(readSettingsHash('#v=1&nLayer=3', ['names'])).not.toHaveProperty('problems')
    expect(readSettingsHash('#v=2&nLayer=3&futureKnob=7', ['names'])).toEqual({
      problems: [
        expect.objectContaining({
          code: 'link-newer',
          message: expect.stringMatching(
            /made by a newer version of the playground \(format 2; this page reads up to 1\)/,
          ),
        }),
      ],
    })
    expect(readSettingsHash('#v=__proto__&nLayer=3', ['names'])).toEqual({
      problems: [expect.objectContaining({ code: 'link-version' })],
    })
  })
})
