import { describe, expect, it } from 'vitest'
import { CONCEPTS } from './concepts'
import { TRAINING_CONCEPTS } from './conceptsTraining'
import { cardText } from './card'
import { DATASETS } from '../datasets'
import type { AppState } from '../store'
import { headScores, quantizeCausal, quantizeRows, triangleSize } from '../../analysis/heads'

const T = 8
/** An atlas snapshot of 1 layer × 2 heads: head 0 uniform, head 1 a previous-token stripe (or, full: a next-token head). */
function snapshot(full = false) {
  const rows = [
    (i: number) => Array.from({ length: full ? T : i + 1 }, () => 1 / (full ? T : i + 1)),
    (i: number) =>
      Array.from({ length: full ? T : i + 1 }, (_, j) =>
        full ? (j === Math.min(i + 1, T - 1) ? 1 : 0) : i === 0 ? 1 : j === i - 1 ? 1 : 0,
      ),
  ]
  const mats = rows.map((row) => {
    const m = new Float64Array(T * T)
    for (let i = 0; i < T; i++) row(i).forEach((w, j) => (m[i * T + j] = w))
    return m
  })
  const weights = full
    ? quantizeRows(Float64Array.from(mats.flatMap((m) => [...m])), 2 * T, T)
    : new Uint8Array(2 * triangleSize(T))
  if (!full) mats.forEach((m, k) => quantizeCausal(m, T, weights, k * triangleSize(T)))
  const scores = new Float32Array(10)
  mats.forEach((m, k) => {
    const s = headScores((i, j) => (j > i ? 0 : m[i * T + j]), T)
    scores.set([s.previous, s.self, s.first, s.induction, s.entropy], k * 5)
  })
  return { step: 40, tokens: 'abcdefgh'.split(''), layers: 1, heads: 2, T, weights, scores, ...(full && { full }) }
}

const run = {
  model: { vocabSize: 27, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true },
  train: { learningRate: 0.003 },
  paramCount: 4000,
  vocab: Array.from({ length: 27 }, (_, i) => String.fromCharCode(97 + i)),
  tokenizerKind: 'char',
  trainTokens: 1000,
  reference: { uniform: Math.log(27), unigram: 3, bigram: 2.5 },
}
const base = { run, evals: [], points: [], atlasSnapshots: [], sampleTokens: [], sampleBeams: [] }
const state = (extra: object) => ({ ...base, ...extra }) as unknown as AppState

describe('concept cards', () => {
  it('follow the tutorial’s order, each with every part in both languages', () => {
    expect(CONCEPTS.map((c) => c.id)).toEqual([
      'tokenization',
      'embedding',
      'positional',
      'attention',
      'mask',
      'multihead',
      'induction',
      'ablation',
      'patching',
      'ffn',
      'residual',
      'layernorm',
      'pretraining',
      'finetuning',
      'decoding',
      'evaluation',
    ])
    for (const c of CONCEPTS)
      for (const k of ['title', 'intuition', 'formula', 'lookFor', 'tryThis', 'caveat'] as const) {
        expect(c.en[k].trim(), `${c.id}.${k}`).not.toBe('')
        expect(c.zh[k].trim(), `${c.id}.${k}`).not.toBe('')
        if (k !== 'formula') expect(c.zh[k], `${c.id}.${k}`).toMatch(/[\u4e00-\u9fff]/)
      }
  })

  const card = (id: string) => CONCEPTS.find((c) => c.id === id)!

  it('say the model’s numbers: the previous-token head, by name and share, from the newest snapshot', () => {
    const s = state({ atlasSnapshots: [snapshot()] })
    expect(card('attention').live(s, 'en')).toBe(
      'Now (step 40): head 0.1 puts 100% of its attention on the previous token, the most of any head.',
    )
    expect(card('attention').live(s, 'zh-CN')).toBe(
      '现在（第 40 步）：第 0 层第 1 头把 100% 的注意力放在前一个词元上，在所有头中最多。',
    )
    expect(card('multihead').live(s, 'en')).toMatch(
      /^Now \(step 40\): 2 heads, 2 with a clear pattern \(0\.0 first-token, 0\.1 previous-token\)\.$|^Now \(step 40\): 2 heads, 1 with a clear pattern \(0\.1 previous-token\)\.$/,
    )
  })

  it('the mask: exactly zero above the diagonal with it, the future’s share without it', () => {
    expect(card('mask').live(state({ atlasSnapshots: [snapshot()] }), 'en')).toBe(
      'Now (step 40): the weight above the diagonal, summed over all 2 heads, is 0.',
    )
    const twin = state({ run: { ...run, model: { ...run.model, causal: false } }, atlasSnapshots: [snapshot(true)] })
    expect(card('mask').live(twin, 'en')).toBe(
      "Now (step 40): no mask — up to 100% of a head's attention goes to the future.",
    ) // head 1 reads the next token on 7 of its 7 rows that have one
  })

  it('the loss against uniform guessing, and nothing when there is no number yet', () => {
    const s = state({ evals: [{ step: 100, valLoss: 2.5 }], points: [{ step: 100, loss: 2.4 }] })
    expect(card('pretraining').live(s, 'en')).toBe(
      `Now (step 100): validation loss 2.500 against ${Math.log(27).toFixed(3)} for uniform guessing; perplexity ${Math.exp(2.5).toFixed(2)} of 27 tokens.`,
    )
    expect(card('evaluation').live(s, 'zh-CN')).toContain('验证损失 2.500')
    expect(card('pretraining').live(state({}), 'en')).toBeUndefined()
    expect(card('layernorm').live(state({}), 'en')).toBeUndefined()
    expect(card('ffn').live(state({}), 'en')).toBe(
      // 8·16² weights + 4·16 + 16 biases + ln_2's 2·16 = 2,160
      'Now: the feed-forward networks hold 2,160 of the 4,000 parameters (54%); within each block, 8C² of 12C² weights (67%).',
    ) // 1 layer · 8 · 16²
  })

  it('correct the tutorial where it is wrong, in both languages: the pretraining card lists every wrong claim', () => {
    const { en, zh } = card('pretraining')
    // masked LM and next-sentence prediction; GPT-1 an encoder; masking the values; word-vector tables; post-LN; BERT
    for (const claim of [/masked language model/, /next-sentence/, /GPT-1/, /values/, /word-vector/, /pre-LN/, /BERT/])
      expect(en.erratum, String(claim)).toMatch(claim)
    for (const claim of [/掩码语言模型/, /下一句预测/, /GPT-1/, /值上/, /词向量表/, /Pre-LN/, /\[MASK\]/])
      expect(zh.erratum, String(claim)).toMatch(claim)
    // each card the tutorial is wrong about says so itself
    expect(card('embedding').zh.erratum).toMatch(/预训练的词向量表/)
    expect(card('mask').en.erratum).toMatch(/applied to the scores/)
    expect(card('mask').zh.erratum).toMatch(/作用在分数上/)
    expect(card('layernorm').zh.erratum).toMatch(/Post-LN.*Pre-LN/)
    for (const c of CONCEPTS) expect(!!c.en.erratum, c.id).toBe(!!c.zh.erratum)
    expect(CONCEPTS.filter((c) => c.en.erratum).map((c) => c.id)).toEqual([
      'embedding',
      'mask',
      'layernorm',
      'pretraining',
    ])
  })

  it('claim what holds: the FFN holds two-thirds of a block, the first-token badge is position 0, METEOR matches exactly', () => {
    expect(card('ffn').en.intuition).toMatch(/two-thirds of each block/)
    expect(card('ffn').zh.intuition).toMatch(/三分之二/)
    expect(card('multihead').en.intuition).not.toMatch(/start of the line/)
    expect(card('multihead').en.caveat).toMatch(/position 0 of the window/)
    expect(card('positional').en.caveat).toMatch(/Haviv et al\. 2022/)
    expect(card('positional').zh.lookFor).toMatch(/蓝色/)
    expect(card('evaluation').en.caveat).toMatch(/exact matches only/)
    expect(card('pretraining').zh.caveat).toMatch(/过拟合/)
    expect(card('finetuning').en.tryThis).toMatch(/panel 1.*from scratch/)
  })

  it('a card’s look-for follows the chosen dataset where it has its own, and every such dataset exists', () => {
    const ids = DATASETS.map((d) => d.id)
    const withOwn = CONCEPTS.filter((c) => c.forDataset)
    expect(withOwn.map((c) => c.id)).toEqual(
      expect.arrayContaining(['embedding', 'multihead', 'ablation', 'pretraining']),
    )
    for (const c of withOwn)
      for (const [id, own] of Object.entries(c.forDataset!)) {
        expect(ids).toContain(id)
        expect(own.en.lookFor ?? own.en.tryThis).toBeTruthy()
        expect(Object.keys(own.zh).sort()).toEqual(Object.keys(own.en).sort()) // both languages say it
        const en = cardText(c, 'en', id)
        if (own.en.lookFor) expect(en.lookFor).toBe(own.en.lookFor)
        expect(en.title).toBe(c.en.title)
        expect(cardText(c, 'zh-CN', id).lookFor).toBe(own.zh.lookFor ?? c.zh.lookFor)
      }
    const embedding = CONCEPTS.find((c) => c.id === 'embedding')!
    expect(cardText(embedding, 'en', 'moby').lookFor).toBe(embedding.en.lookFor) // no text of its own: the general one
    expect(cardText(embedding, 'en', 'custom').lookFor).toBe(embedding.en.lookFor)
    expect(cardText(embedding, 'en', 'tang').lookFor).toContain('2,618 characters')
    expect(TRAINING_CONCEPTS.find((c) => c.id === 'pretraining')!.forDataset?.tang).toBeDefined()
  })
})
