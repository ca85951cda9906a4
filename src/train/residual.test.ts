// The residual view's numbers (Probes.residualNorms) against the float64 model's own stream, block by block: the
// stream entering each block and after the last, each block's attention output and MLP output, as mean L2 norms
// over the probe's positions; with the MLP and attention-only. And the parameter split against the shapes.
import { describe, expect, it } from 'vitest'
import { getPreset, paramBreakdown, paramCount, type ModelConfig } from '../shared/config'
import { Run } from './run'
import { forwardTraced64 } from '../model/reference64'
import { paramShapes } from '../model/gpt'
import { randomParams64, rounded64, toFloat32 } from '../testing/fixtures'

const train = { ...getPreset('tiny').train, batchSize: 2, evalIters: 1 }
const text = 'abcabdabe abcabdabe '.repeat(20)
const vocab = [...new Set(text)].sort()

const meanNorm = (rows: ArrayLike<number>[]) =>
  rows.reduce((a, r) => a + Math.sqrt(Array.from(r).reduce((s, v) => s + v * v, 0)), 0) / rows.length
const minus = (a: Float64Array[], b: Float64Array[]) => a.map((r, t) => r.map((v, c) => v - b[t][c]))

describe('what each block adds to the residual stream', () => {
  for (const mlp of [true, false])
    it(`is the float64 model’s stream, block by block${mlp ? '' : ' (attention-only: the MLP adds nothing)'}`, async () => {
      const cfg: ModelConfig = {
        vocabSize: vocab.length,
        blockSize: 12,
        nLayer: 3,
        nHead: 2,
        nEmbd: 8,
        dropout: 0,
        bias: true,
        ...(mlp ? {} : { mlp: false }),
      }
      const p64 = rounded64(randomParams64(cfg, 5, 0.5))
      const run = Run.prepareFrom(
        { model: cfg, tokenizer: { kind: 'char', vocab }, weights: toFloat32(p64) },
        text,
        train,
      ).build!()
      const probe = 'abcabdabeab'
      const got = await run.probes.residualNorms(probe)
      const ref = forwardTraced64(p64, cfg, got.ids)
      for (let l = 0; l <= cfg.nLayer; l++) expect(got.stream[l]).toBeCloseTo(meanNorm(ref.resid[l]), 4)
      for (let l = 0; l < cfg.nLayer; l++) {
        expect(got.attn[l]).toBeCloseTo(meanNorm(minus(ref.mids[l], ref.resid[l])), 4)
        const mlpNorm = meanNorm(minus(ref.resid[l + 1], ref.mids[l]))
        expect(got.mlp[l]).toBeCloseTo(mlpNorm, 4)
        if (mlp) expect(mlpNorm).toBeGreaterThan(1e-3)
        else expect(mlpNorm).toBe(0)
      }
      run.dispose()
    })

  it('splits the parameters in closed form as the shapes do, part by part', () => {
    for (const m of [
      { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true },
      {
        vocabSize: 64,
        blockSize: 32,
        nLayer: 2,
        nHead: 4,
        nEmbd: 64,
        dropout: 0,
        bias: true,
        mlp: false,
        tiedHead: false,
      },
      {
        vocabSize: 11,
        blockSize: 8,
        nLayer: 3,
        nHead: 2,
        nEmbd: 8,
        dropout: 0,
        bias: false,
        posEncoding: 'sinusoidal' as const,
      },
    ]) {
      const b = paramBreakdown(m)
      const count = (re: RegExp) =>
        paramShapes(m)
          .filter(([path]) => re.test(path))
          .reduce((a, [, shape]) => a + shape.reduce((x, y) => x * y, 1), 0)
      expect(b.embeddings).toBe(count(/^(wte|wpe)\./))
      expect(b.attention).toBe(count(/^h\.\d+\.(ln1|attn)\./))
      expect(b.mlp).toBe(count(/^h\.\d+\.(ln2|mlp)\./))
      expect(b.final).toBe(count(/^lnF\./))
      expect(b.head).toBe(count(/^lmHead\./))
      expect(b.embeddings + b.attention + b.mlp + b.final + b.head).toBe(paramCount(m))
    }
    // Baby GPT: the MLPs hold two thirds of each block's weights (8C² of 12C²)
    const baby = paramBreakdown({
      vocabSize: 65,
      blockSize: 64,
      nLayer: 4,
      nHead: 4,
      nEmbd: 128,
      dropout: 0,
      bias: true,
    })
    expect(baby.mlp / (baby.mlp + baby.attention)).toBeCloseTo(2 / 3, 2)
  })
})
