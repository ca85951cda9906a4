// A generated run (the induction experiment): its vocabulary is the generator's, its evaluation adds the loss on
// the repeated tokens, it continues exactly from a capture; and the prefix-matching score over the varying-period
// probe set, computed on the device in one batched pass, against the float64 model's attention, head by head,
// with a head switched off too.
import { describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import { Run } from './run'
import { PERIODIC_ALPHABET } from '../text/periodic'
import { inductionProbes, prefixMatchingScore } from '../analysis/heads'
import { forwardTraced64 } from '../model/reference64'
import { randomParams64, rounded64, toFloat32 } from '../testing/fixtures'
import type { ModelConfig } from '../shared/config'

const model = { blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true, mlp: false, tiedHead: false }
const train = { ...getPreset('tiny').train, batchSize: 8, evalIters: 2, warmupIters: 0 }

describe('a generated run', () => {
  it('reads no text: the generator’s 64 symbols are its vocabulary, and evaluation measures the repeated tokens', async () => {
    const p = Run.prepare('ignored', model, train, undefined, { synthetic: 'periodic' })
    if (!p.build) throw new Error(p.problems.map((x) => x.message).join())
    const run = p.build()
    const info = run.info()
    expect(info.vocab).toEqual(PERIODIC_ALPHABET)
    expect(info.synthetic).toBe('periodic')
    expect(info.model).toMatchObject({ vocabSize: 64, mlp: false, tiedHead: false })
    const e = await run.evaluate()
    // untrained: every loss near ln 64
    for (const v of [e.trainLoss, e.valLoss, e.repLoss!]) expect(Math.abs(v - Math.log(64))).toBeLessThan(0.15)
    expect(e.valByPosition).toHaveLength(16)
    run.dispose()
    // a context too short for the generated periods is refused before anything is allocated, with the numbers
    const short = Run.prepare('', { ...model, blockSize: 5 }, train, undefined, { synthetic: 'periodic' })
    expect(short.problems?.[0]).toMatchObject({
      field: 'blockSize',
      code: 'periodic-context',
      params: { T: 5, min: 6 },
    })
    expect(
      Run.prepare('', { ...model, blockSize: 6 }, train, undefined, { synthetic: 'periodic' }).problems,
    ).toBeUndefined()
  })

  it('continues exactly from a captured state, its fresh batches included', async () => {
    const straight = Run.prepare('', model, train, undefined, { synthetic: 'periodic' }).build!()
    const want: number[] = []
    for (let i = 0; i < 6; i++) want.push((await straight.trainStep()).loss)
    const wantEval = await straight.evaluate()
    straight.dispose()
    const first = Run.prepare('', model, train, undefined, { synthetic: 'periodic' }).build!()
    for (let i = 0; i < 3; i++) await first.trainStep()
    const saved = await first.capture()
    const source = { model: first.model, tokenizer: first.tokenizer.spec(), weights: saved.weights }
    first.dispose()
    const resumed = Run.prepareFrom(source, '', train, { resume: saved.resume, synthetic: 'periodic' }).build!()
    for (let i = 3; i < 6; i++) expect((await resumed.trainStep()).loss).toBeCloseTo(want[i], 5)
    const gotEval = await resumed.evaluate()
    expect(gotEval.repLoss).toBeCloseTo(wantEval.repLoss!, 5)
    resumed.dispose()
    // a model of another vocabulary is refused, not trained on the generator
    const other = Run.prepareFrom({ ...source, tokenizer: { kind: 'char', vocab: [...'abc'] } }, '', train, {
      synthetic: 'periodic',
    })
    expect(other.problems?.[0].message).toMatch(/vocabulary differs/)
  })

  it('scores prefix matching on the device as the float64 model’s attention does, intact and with a head off', async () => {
    const cfg: ModelConfig = { ...model, vocabSize: 64 }
    const p64 = rounded64(randomParams64(cfg, 17, 0.6))
    const tokenizer = { kind: 'char' as const, vocab: [...PERIODIC_ALPHABET] }
    const run = Run.prepareFrom({ model: cfg, tokenizer, weights: toFloat32(p64) }, '', train, {
      synthetic: 'periodic',
    }).build!()
    const off: [number, number] = [0, 1]
    const [intact, ablated] = await run.probes.prefixMatching(3, [undefined, { heads: [off], mode: 'zero' }])
    const { rows, periods } = inductionProbes(
      [...new Set(run.split.train)].sort((a, b) => a - b),
      cfg.blockSize,
      3,
    )
    const hs = cfg.nEmbd / cfg.nHead
    for (const [got, zero] of [
      [intact, false],
      [ablated, true],
    ] as const) {
      const att = rows.map(
        (ids) =>
          forwardTraced64(p64, cfg, ids, {
            heads: (l, out) => {
              if (zero && l === off[0]) for (const r of out) r.fill(0, off[1] * hs, (off[1] + 1) * hs)
            },
          }).attention,
      )
      for (let l = 0; l < cfg.nLayer; l++)
        for (let h = 0; h < cfg.nHead; h++) {
          const want = prefixMatchingScore((b, i, j) => att[b][l][h][i][j], periods)
          expect(got[l * cfg.nHead + h]).toBeCloseTo(want, 5)
        }
    }
    // switching off a layer-0 head changes what layer 1 sees, and so its scores; layer 0's other head is untouched
    expect(Math.abs(ablated[2] - intact[2]) + Math.abs(ablated[3] - intact[3])).toBeGreaterThan(1e-4)
    expect(ablated[0]).toBeCloseTo(intact[0], 6)
    run.dispose()
  })
})
