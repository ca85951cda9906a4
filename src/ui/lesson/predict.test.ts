// "Predict, then see": which card asks what, what each measures (against figures worked out here by other means:
// the parameter shapes counted one by one, hand-made snapshots and rows), how an answer compares, and the answers
// read back from the browser's storage.
import { describe, expect, it } from 'vitest'
import { CONCEPTS } from './concepts'
import { PREDICTIONS, answerText, quarter, twinBand, verdict, type Prediction } from './predict'
import { readAnswers } from './answers'
import type { LessonState } from '../store'
import { headScores, quantizeCausal, triangleSize } from '../../analysis/heads'
import { paramShapes } from '../../model/params'
import { getPreset } from '../../shared/presets'

const model = { vocabSize: 27, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true }
/** The parameters of a model, counted from its shapes one by one (not the closed form the page uses). */
const count = (m: typeof model) => paramShapes(m).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)
const run = {
  model,
  train: { learningRate: 0.003 },
  paramCount: count(model),
  vocab: Array.from({ length: 27 }, (_, i) => String.fromCharCode(97 + i)),
  tokenizerKind: 'char',
  trainTokens: 1000,
  reference: { uniform: Math.log(27), unigram: 3, bigram: 2.5 },
}
const base = {
  run,
  evals: [],
  points: [],
  atlasSnapshots: [],
  sampleTokens: [],
  sampleBeams: [],
  compare: [],
}
const state = (extra: object) => ({ ...base, ...extra }) as unknown as LessonState
const empty = state({ run: undefined })
const q = (id: string) => PREDICTIONS[id]

/** An atlas snapshot of 1 layer × 2 heads: head 0 attends uniformly, head 1 to the previous token only. */
function snapshot() {
  const T = 8
  const weights = new Uint8Array(2 * triangleSize(T))
  const scores = new Float32Array(10)
  const rows = [(i: number) => 1 / (i + 1), (i: number, j: number) => (i === 0 || j === i - 1 ? 1 : 0)]
  rows.forEach((w, k) => {
    const m = new Float64Array(T * T)
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[i * T + j] = w(i, j)
    quantizeCausal(m, T, weights, k * triangleSize(T))
    const s = headScores((i, j) => (j > i ? 0 : m[i * T + j]), T)
    scores.set([s.previous, s.self, s.first, s.induction, s.entropy], k * 5)
  })
  return { step: 40, tokens: 'abcdefgh'.split(''), layers: 1, heads: 2, T, weights, scores }
}

describe('predict, then see: the questions', () => {
  it('every card asks one question, answered by a number or by one of its choices, in both languages', () => {
    expect(Object.keys(PREDICTIONS).sort()).toEqual(CONCEPTS.map((c) => c.id).sort())
    for (const [id, p] of Object.entries(PREDICTIONS)) {
      for (const text of [p.question, p.pending]) {
        expect(text.en.trim(), id).not.toBe('')
        expect(text.zh, id).toMatch(/[\u4e00-\u9fff]/)
      }
      if (p.kind === 'choice') {
        expect(p.choices.length, id).toBeGreaterThanOrEqual(2)
        expect(new Set(p.choices.map((c) => c.id)).size, id).toBe(p.choices.length)
        for (const c of p.choices) expect(c.zh, `${id}.${c.id}`).toMatch(/[\u4e00-\u9fff]|\d/)
      } else expect(p.relative >= 0 && (p.absolute ?? 0) >= 0, id).toBe(true)
    }
  })

  it('invents no figure: with no model, nothing is measured', () => {
    for (const [id, p] of Object.entries(PREDICTIONS)) expect(p.measure(empty, 'en'), id).toBeUndefined()
  })

  it('a choice question’s measured figure always falls in one of its choices', () => {
    const s = state({
      run: { ...run, model: { ...model, causal: false } },
      compare: [{ id: 'masked-1', name: 'm', evals: [{ step: 0, valLoss: 3.3, trainLoss: 3.3 }] }],
      atlasSnapshots: [snapshot()],
      embedding: { explained: [0.3, 0.2] },
      lens: { step: 5, position: 1, layers: 2, logits: new Float32Array(2 * 27) },
      qkv: { x: [[1, -1]], query: 0 },
      sampleTokens: [{ prob: 0.5 }],
      evals: [
        { step: 0, valLoss: 3.3, trainLoss: 3.3 },
        { step: 50, valLoss: 2, trainLoss: 1.9 },
      ],
    })
    for (const [id, p] of Object.entries(PREDICTIONS))
      if (p.kind === 'choice') {
        const m = p.measure(s, 'en')!
        expect(m, id).toBeDefined()
        expect(
          p.choices.map((c) => c.id),
          id,
        ).toContain(m.choice)
      }
  })
})

describe('predict, then see: what is measured', () => {
  it('width doubled: the ratio of the parameters, counted shape by shape for the current model', () => {
    for (const m of [
      model,
      { ...getPreset('tiny').model, vocabSize: 65 },
      { ...getPreset('small').model, vocabSize: 500 },
    ]) {
      const s = state({ run: { ...run, model: m, paramCount: count(m) } })
      const measured = q('ffn').measure(s, 'en')!
      expect(measured.value).toBeCloseTo(count({ ...m, nEmbd: 2 * m.nEmbd }) / count(m), 12)
      expect(measured.value).toBeGreaterThan(2) // the embeddings double …
      expect(measured.value).toBeLessThan(4) // … the blocks grow four times
    }
    // 27·16 + 8·16 + 12·16² + 13·16 + 2·16 = 3,872; at width 32: 864 + 256 + 12,288 + 416 + 64 = 13,888
    expect(count(model)).toBe(3872)
    expect(q('ffn').measure(state({}), 'zh-CN')!.shown).toBe('3.59 倍（3,872 → 13,888）')
  })

  it('the loss before the first step, beside ln V; nothing for a run that started from weights', () => {
    const evals = [
      { step: 0, valLoss: 3.2958, trainLoss: 3.3 },
      { step: 100, valLoss: 2.1, trainLoss: 2 },
    ]
    const m = q('pretraining').measure(state({ evals }), 'en')!
    expect(m.value).toBe(3.2958)
    expect(m.shown).toBe('3.296 (ln V = 3.296)') // ln 27 = 3.2958…
    const finetuned = state({ evals, run: { ...run, origin: { from: 'run', name: 'names', added: [] } } })
    expect(q('pretraining').measure(finetuned, 'en')).toBeUndefined()
  })

  it('the no-mask twin’s loss against the masked run’s at the same step (or the last before it)', () => {
    const twin = {
      run: { ...run, model: { ...model, causal: false } },
      evals: [
        { step: 0, valLoss: 3.3, trainLoss: 3.3 },
        { step: 150, valLoss: 0.4, trainLoss: 0.4 },
      ],
      compare: [
        {
          id: 'masked-abc',
          name: 'names',
          evals: [
            { step: 100, valLoss: 2, trainLoss: 2 },
            { step: 200, valLoss: 1.6, trainLoss: 1.5 },
          ],
        },
      ],
    }
    const m = q('mask').measure(state(twin), 'en')!
    expect(m.value).toBeCloseTo(0.2, 12) // 0.4 / 2.0: step 100 is the masked run's last evaluation by step 150
    expect(m.choice).toBe('much-lower')
    expect(m.shown).toBe('0.400 against 2.000 at step 150 (20%)')
    // the masked run itself, or a twin with no masked curve to compare, measures nothing
    expect(q('mask').measure(state({ ...twin, run }), 'en')).toBeUndefined()
    expect(q('mask').measure(state({ ...twin, compare: [] }), 'en')).toBeUndefined()
    expect([0.49, 0.5, 0.89, 0.9, 1.1, 1.11].map(twinBand)).toEqual([
      'much-lower',
      'lower',
      'lower',
      'same',
      'same',
      'higher',
    ])
  })

  it('the heads: the largest previous-token share, and how many heads have a badge', () => {
    const s = state({ atlasSnapshots: [snapshot()] })
    const a = q('attention').measure(s, 'en')!
    expect(a.value).toBeCloseTo(1, 6) // head 1 reads only the previous token on every row that has one
    expect(a.choice).toBe('q4')
    const m = q('multihead').measure(s, 'en')!
    expect(m.value).toBe(1) // head 1 earns previous-token; the uniform head 0 is diffuse, not a pattern
    expect(m.shown).toBe('1 of 2 (step 40)')
    expect([0, 0.2499, 0.25, 0.5, 0.75, 1].map(quarter)).toEqual(['q1', 'q1', 'q2', 'q3', 'q4', 'q4'])
  })

  it('the held-out pairs’ exact match, once their evaluation is done, and where the run started', () => {
    const rows = ['bey', 'nna', 'xyz', 'ine'].map((r, i) => ({
      index: i,
      prompt: 'p',
      reference: r,
      generation: i < 3 ? r : 'ina',
    }))
    const pairs = {
      run: { ...run, pairs: { train: 36, heldOut: 4, format: 'tsv' } },
      pairEval: { requestId: 'r', step: 9, total: 4, rows, done: true },
    }
    const m = q('finetuning').measure(state(pairs), 'en')!
    expect(m.value).toBe(75)
    expect(m.shown).toBe('75% (trained from scratch)')
    expect(
      q('finetuning').measure(state({ ...pairs, pairEval: { ...pairs.pairEval, done: false } }), 'en'),
    ).toBeUndefined()
  })

  it('the spread of a block input, the lens’s first and last readings, the gap between the losses', () => {
    expect(q('layernorm').measure(state({ qkv: { x: [[0.03, -0.03, 0.03, -0.03]], query: 0 } }), 'en')).toEqual({
      value: expect.closeTo(0.03, 12),
      shown: '0.030',
      choice: 'small',
    })
    const V = 27
    const logits = new Float32Array(3 * V)
    logits[V + 4] = 1 // after block 1: token 4
    logits[2 * V + 4] = 2 // after the last block: token 4 too
    const lens = { step: 5, position: 2, layers: 3, logits }
    expect(q('residual').measure(state({ lens }), 'en')!.choice).toBe('yes')
    logits[2 * V + 9] = 3
    expect(q('residual').measure(state({ lens }), 'en')!.choice).toBe('no')
    const gap = (val: number, tr: number) =>
      q('evaluation').measure(state({ evals: [{ step: 50, valLoss: val, trainLoss: tr }] }), 'en')!.choice
    expect([gap(2.1, 2), gap(2.04, 2), gap(1.96, 2), gap(1.9, 2)]).toEqual(['above', 'equal', 'equal', 'below'])
    expect(q('evaluation').measure(state({ evals: [{ step: 0, valLoss: 3, trainLoss: 3 }] }), 'en')).toBeUndefined()
  })
})

describe('predict, then see: the answer beside the measured figure', () => {
  const number = q('pretraining') as Extract<Prediction, { kind: 'number' }>
  it('a number is close within the question’s tolerance, else too high or too low', () => {
    const m = { value: 4, shown: '4' }
    expect(verdict(number, { kind: 'number', value: 4.2 }, m)).toBe('close') // 5% of 4 is 0.2
    expect(verdict(number, { kind: 'number', value: 3.8 }, m)).toBe('close')
    expect(verdict(number, { kind: 'number', value: 4.25 }, m)).toBe('high')
    expect(verdict(number, { kind: 'number', value: 3 }, m)).toBe('low')
    // an absolute tolerance: exact match within 10 percentage points
    expect(verdict(q('finetuning'), { kind: 'number', value: 30 }, { value: 22, shown: '' })).toBe('close')
    expect(verdict(q('finetuning'), { kind: 'number', value: 0 }, { value: 22, shown: '' })).toBe('low')
    // none: an exact count
    expect(verdict(q('multihead'), { kind: 'number', value: 2 }, { value: 1, shown: '' })).toBe('high')
  })

  it('a choice is right or wrong; a skipped question, or an answer of another kind, has no verdict', () => {
    const m = { value: 0.2, shown: '20%', choice: 'much-lower' }
    expect(verdict(q('mask'), { kind: 'choice', value: 'much-lower' }, m)).toBe('right')
    expect(verdict(q('mask'), { kind: 'choice', value: 'same' }, m)).toBe('wrong')
    expect(verdict(q('mask'), { kind: 'skipped' }, m)).toBeUndefined()
    expect(verdict(q('mask'), { kind: 'number', value: 1 }, m)).toBeUndefined()
    expect(verdict(q('mask'), { kind: 'choice', value: 'not-a-choice' }, m)).toBeUndefined()
    expect(verdict(number, { kind: 'choice', value: 'q1' }, { value: 1, shown: '1' })).toBeUndefined()
  })

  it('says the answer in the page’s language', () => {
    expect(answerText(q('mask'), { kind: 'choice', value: 'same' }, 'zh-CN')).toBe('差不多（相差 10% 以内）')
    expect(answerText(q('ffn'), { kind: 'number', value: 4 }, 'en')).toBe('4×')
    expect(answerText(q('ffn'), { kind: 'number', value: 4 }, 'zh-CN')).toBe('4 倍')
    expect(answerText(q('finetuning'), { kind: 'number', value: 12.5 }, 'en')).toBe('12.5%')
    expect(answerText(q('tokenization'), { kind: 'number', value: 1234 }, 'en')).toBe('1,234')
  })

  it('reads the kept answers back, dropping whatever is malformed', () => {
    const kept = {
      mask: { kind: 'choice', value: 'same' },
      ffn: { kind: 'number', value: 4 },
      tokenization: { kind: 'skipped' },
    }
    expect(readAnswers(JSON.stringify(kept))).toEqual(kept)
    expect(readAnswers(null)).toEqual({})
    expect(readAnswers('{not json')).toEqual({})
    expect(readAnswers('[1,2]')).toEqual({})
    expect(
      readAnswers(
        JSON.stringify({
          a: { kind: 'number', value: 'x' },
          b: { kind: 'number', value: null },
          c: 5,
          d: { kind: 'guess' },
          e: { kind: 'choice', value: 3 },
        }),
      ),
    ).toEqual({})
  })
})
