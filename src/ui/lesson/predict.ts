// "Predict, then see": a concept card asks one question before it shows its live number, keeps the learner's
// answer, and then sets the measured figure beside it. Each question is answered by a number or by one of a few
// choices, and each is measured from a figure the page already has (the loss before the first step, the
// closed-form parameter count of the current model with twice the width, the no-mask twin's loss against the
// masked run's, the atlas's head scores, …). A card with no figure to compare asks nothing. Pure functions of
// the lesson's state: no DOM, no tfjs.
import type { LessonState } from '../store'
import type { Lang } from '../i18n/lang'
import { paramCount } from '../../shared/config'
import { GLOSSARY as G } from '../i18n/glossary'
import { heads, inductionFormed } from './concepts'
import { ofModel } from '../store/views'
import { pct, say } from './card'
import type { Answer } from './answers'

export type { Answer } from './answers'

export interface Choice {
  id: string
  en: string
  zh: string
}

/** The figure the page measured: its value, how it reads, and (for a choice question) the choice it falls in. */
export interface Measured {
  value: number
  shown: string
  choice?: string
}

interface Common {
  question: { en: string; zh: string }
  /** What to do to get the figure, said while there is none. */
  pending: { en: string; zh: string }
  measure(s: LessonState, lang: Lang): Measured | undefined
}

export type Prediction =
  | (Common & {
      kind: 'number'
      /** the input's unit (shown after it), if any */
      unit?: { en: string; zh: string }
      /** an answer is close when it is within this share of the measured value, or this far from it */
      relative: number
      absolute?: number
    })
  | (Common & { kind: 'choice'; choices: readonly Choice[] })

/** How an answer compares with the measured figure. */
export type Verdict = 'close' | 'high' | 'low' | 'right' | 'wrong'

/** Four buckets of a share: under 25 %, 25–50 %, 50–75 %, over 75 %. */
const QUARTERS: readonly Choice[] = [
  { id: 'q1', en: 'under 25%', zh: '不到 25%' },
  { id: 'q2', en: '25–50%', zh: '25%～50%' },
  { id: 'q3', en: '50–75%', zh: '50%～75%' },
  { id: 'q4', en: 'over 75%', zh: '超过 75%' },
]
export const quarter = (x: number) => (x < 0.25 ? 'q1' : x < 0.5 ? 'q2' : x < 0.75 ? 'q3' : 'q4')

const int = (x: number) => Math.round(x).toLocaleString('en')

/** The no-mask twin's newest validation loss and the masked run's at that step or the last before it. */
export function twinAgainstMasked(s: LessonState): { twin: number; masked: number; step: number } | undefined {
  if (s.run?.model.causal !== false) return undefined
  const twin = s.evals.at(-1)
  const masked = s.compare.find((c) => c.id.startsWith('masked-'))
  if (!twin || !masked) return undefined
  const at = [...masked.evals].reverse().find((e) => e.step <= twin.step)
  return at ? { twin: twin.valLoss, masked: at.valLoss, step: twin.step } : undefined
}

/** The twin's loss as a share of the masked run's, in four bands. */
export const twinBand = (ratio: number) =>
  ratio < 0.5 ? 'much-lower' : ratio < 0.9 ? 'lower' : ratio <= 1.1 ? 'same' : 'higher'

/** The share of the held-out pairs the model wrote exactly, once their evaluation is done. */
export function exactShare(s: LessonState): number | undefined {
  const e = s.pairEval
  if (!s.run?.pairs || !e?.done || !e.rows.length) return undefined
  return e.rows.filter((r) => r.generation === r.reference).length / e.rows.length
}

export const PREDICTIONS: Readonly<Record<string, Prediction>> = {
  tokenization: {
    kind: 'number',
    question: {
      en: 'Cut into characters, how many different tokens will the vocabulary of your text hold?',
      zh: `按字符切分，你的文本的词表会有多少个不同的${G.token.zh}？`,
    },
    pending: {
      en: 'Build a character-level model on your text (train it, or press Step).',
      zh: '用按字符切分的分词方式在你的文本上建一个模型（开始训练，或点“训练步”）。',
    },
    relative: 0.2,
    measure: (s) =>
      s.run && s.run.tokenizerKind === 'char'
        ? { value: s.run.vocab.length, shown: int(s.run.vocab.length) }
        : undefined,
  },
  embedding: {
    kind: 'choice',
    question: {
      en: 'The embedding map squeezes C dimensions into two. What share of the variance will it keep?',
      zh: '嵌入图把 C 维压缩成二维。它能保留多大比例的方差？',
    },
    pending: { en: 'Open the embedding map.', zh: '打开嵌入图。' },
    choices: QUARTERS,
    measure: (s) => {
      if (!s.embedding) return undefined
      const kept = s.embedding.explained[0] + s.embedding.explained[1]
      return { value: kept, shown: pct(kept), choice: quarter(kept) }
    },
  },
  positional: {
    kind: 'number',
    question: {
      en: 'How many parameters does the position table of your model hold?',
      zh: '你的模型的位置表有多少个参数？',
    },
    pending: { en: 'Build a model (train it, or press Step).', zh: '先建一个模型（开始训练，或点“训练步”）。' },
    relative: 0.05,
    measure: (s) => {
      if (!s.run) return undefined
      const m = s.run.model
      const n = (m.posEncoding ?? 'learned') === 'learned' ? m.blockSize * m.nEmbd : 0
      return { value: n, shown: int(n) }
    },
  },
  attention: {
    kind: 'choice',
    question: {
      en: 'After training, how much of its attention will the head that most watches the previous token put on it?',
      zh: `训练之后，最关注前一个${G.token.zh}的那个头，会把多少注意力放在前一个${G.token.zh}上？`,
    },
    pending: {
      en: 'Train a little, then open the attention atlas.',
      zh: '先训练一会儿，再打开注意力总览。',
    },
    choices: QUARTERS,
    measure: (s) => {
      const h = heads(s)
      if (!h) return undefined
      const top = Math.max(...h.list.map((x) => x.scores.previous))
      return { value: top, shown: pct(top), choice: quarter(top) }
    },
  },
  mask: {
    kind: 'choice',
    question: {
      en: 'Take the causal mask away and train the same model for as long: its validation loss, against the masked run’s, will be…',
      zh: `去掉${G.causalMask.zh}，把同样的模型训练同样的步数：它的验证${G.loss.zh}和有掩码的模型相比会怎样？`,
    },
    pending: {
      en: 'Train a model, then train its no-mask twin (“Break it to learn it”).',
      zh: '先训练一个模型，再训练它没有掩码的双胞胎（“动手破坏，才能真正理解”面板）。',
    },
    choices: [
      { id: 'much-lower', en: 'less than half', zh: '不到一半' },
      { id: 'lower', en: 'lower, but more than half', zh: '低一些，但超过一半' },
      { id: 'same', en: 'about the same (within 10%)', zh: '差不多（相差 10% 以内）' },
      { id: 'higher', en: 'higher', zh: '更高' },
    ],
    measure: (s, lang) => {
      const t = twinAgainstMasked(s)
      if (!t) return undefined
      return {
        value: t.twin / t.masked,
        shown: say(
          lang,
          `${t.twin.toFixed(3)} against ${t.masked.toFixed(3)} at step ${t.step} (${pct(t.twin / t.masked)})`,
          `第 ${t.step} 步时 ${t.twin.toFixed(3)}，有掩码的模型为 ${t.masked.toFixed(3)}（${pct(t.twin / t.masked)}）`,
        ),
        choice: twinBand(t.twin / t.masked),
      }
    },
  },
  multihead: {
    kind: 'number',
    question: {
      en: 'After training, how many of your model’s heads will show a clear pattern (a badge in the atlas)?',
      zh: '训练之后，你的模型有几个头会显示出清晰的模式（在注意力总览中带标签）？',
    },
    pending: { en: 'Train a little, then open the attention atlas.', zh: '先训练一会儿，再打开注意力总览。' },
    relative: 0,
    absolute: 0,
    measure: (s, lang) => {
      const h = heads(s)
      if (!h) return undefined
      const clear = h.list.filter((x) => x.badge !== 'unclear' && x.badge !== 'diffuse').length
      return {
        value: clear,
        shown: say(
          lang,
          `${clear} of ${h.list.length} (step ${h.snap.step})`,
          `${h.list.length} 个中的 ${clear} 个（第 ${h.snap.step} 步）`,
        ),
      }
    },
  },
  induction: {
    kind: 'number',
    question: {
      en: 'In the induction experiment, at which step will a layer-1 head first score 0.5 at prefix matching?',
      zh: '在归纳头实验里，第 1 层的某个头的前缀匹配得分会在第几步第一次达到 0.5？',
    },
    unit: { en: 'steps', zh: '步' },
    pending: {
      en: 'Choose the dataset “Repeated random tokens”, start training and wait for the purple line.',
      zh: '选择数据集“重复的随机词元”，开始训练，等紫色竖线出现。',
    },
    relative: 0.5,
    measure: (s, lang) => {
      const f = inductionFormed(s)
      if (!f) return undefined
      return {
        value: f.step,
        shown: say(
          lang,
          `step ${f.step} (head ${f.head})`,
          `第 ${f.step} 步（第 ${f.head.split('.')[0]} 层第 ${f.head.split('.')[1]} 头）`,
        ),
      }
    },
  },
  ablation: {
    kind: 'number',
    question: {
      en: 'Switch off the one head your model needs most: by how much does its loss rise?',
      zh: '关掉你的模型最离不开的那一个头，损失会上升多少？',
    },
    unit: { en: 'nats', zh: '奈特' },
    pending: {
      en: 'Train a little, then measure every head in the head-ablation view.',
      zh: '先训练一会儿，再在“注意力头消融”中测量每一个头。',
    },
    relative: 0.5,
    absolute: 0.05,
    measure: (s, lang) => {
      const a = ofModel(s.ablation, s.run)
      if (!a) return undefined
      const rise = Math.max(...Array.from(a.losses, (l) => l - a.base))
      return {
        value: rise,
        shown: say(lang, `${rise.toFixed(3)} nats (step ${a.step})`, `${rise.toFixed(3)} 奈特（第 ${a.step} 步）`),
      }
    },
  },
  patching: {
    kind: 'number',
    question: {
      en: 'Patch one head at a time: what share of the logit difference will the best single head recover?',
      zh: '一次只修补一个头：效果最好的那个头能找回 logit 差的多少？',
    },
    unit: { en: '%', zh: '%' },
    pending: {
      en: 'Run activation patching on a clean and a corrupted prompt.',
      zh: '在一个干净的提示词和一个被破坏的提示词上做一次激活修补。',
    },
    relative: 0,
    absolute: 15,
    measure: (s, lang) => {
      const p = ofModel(s.patching, s.run)
      if (!p) return undefined
      const best = Math.max(...Array.from(p.heads)) * 100
      return {
        value: best,
        shown: say(lang, `${best.toFixed(0)}% (step ${p.step})`, `${best.toFixed(0)}%（第 ${p.step} 步）`),
      }
    },
  },
  ffn: {
    kind: 'number',
    question: {
      en: 'Double the embedding width C of your model: its parameter count becomes how many times larger?',
      zh: '把你的模型的嵌入宽度 C 加倍，参数总数会变成原来的几倍？',
    },
    unit: { en: '×', zh: '倍' },
    pending: { en: 'Build a model (train it, or press Step).', zh: '先建一个模型（开始训练，或点“训练步”）。' },
    relative: 0.05,
    measure: (s, lang) => {
      if (!s.run) return undefined
      const m = s.run.model
      const doubled = paramCount({ ...m, nEmbd: 2 * m.nEmbd })
      const ratio = doubled / s.run.paramCount
      return {
        value: ratio,
        shown: say(
          lang,
          `${ratio.toFixed(2)}× (${int(s.run.paramCount)} → ${int(doubled)})`,
          `${ratio.toFixed(2)} 倍（${int(s.run.paramCount)} → ${int(doubled)}）`,
        ),
      }
    },
  },
  residual: {
    kind: 'choice',
    question: {
      en: 'In the logit lens, will the stream already read as the final guess after the first block?',
      zh: `在 Logit 透镜中，${G.residualStream.zh}在第 1 块之后读出的，会不会已经是最后的猜测？`,
    },
    pending: { en: 'Open the logit lens.', zh: '打开 Logit 透镜。' },
    choices: [
      { id: 'yes', en: 'yes, the same token', zh: `会，是同一个${G.token.zh}` },
      { id: 'no', en: 'no, another token', zh: `不会，是另一个${G.token.zh}` },
    ],
    measure: (s, lang) => {
      const l = s.lens
      if (!l || !s.run) return undefined
      const V = s.run.model.vocabSize
      const argmax = (row: Float32Array) => row.reduce((b, x, i, a) => (x > a[b] ? i : b), 0)
      const same = argmax(l.logits.subarray(V, 2 * V)) === argmax(l.logits.subarray((l.layers - 1) * V, l.layers * V))
      return {
        value: Number(same),
        shown: say(
          lang,
          `${same ? 'the same token' : 'another token'} (step ${l.step}, position ${l.position})`,
          `${same ? `同一个${G.token.zh}` : `另一个${G.token.zh}`}（第 ${l.step} 步，位置 ${l.position}）`,
        ),
        choice: same ? 'yes' : 'no',
      }
    },
  },
  layernorm: {
    kind: 'choice',
    question: {
      en: 'Before layer normalization, how large will the spread (standard deviation) of a block’s input be?',
      zh: `做${G.layerNorm.zh}之前，块输入的${G.sd.zh}会有多大？`,
    },
    pending: { en: 'Open the Q/K/V calculator.', zh: '打开 Q/K/V 计算器。' },
    choices: [
      { id: 'small', en: 'under 0.5', zh: '小于 0.5' },
      { id: 'one', en: '0.5 to 2', zh: '0.5～2' },
      { id: 'large', en: 'over 2', zh: '大于 2' },
    ],
    measure: (s) => {
      const q = s.qkv
      if (!q) return undefined
      const x = q.x[q.query]
      const mean = x.reduce((a, b) => a + b, 0) / x.length
      const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length)
      return { value: sd, shown: sd.toFixed(3), choice: sd < 0.5 ? 'small' : sd <= 2 ? 'one' : 'large' }
    },
  },
  pretraining: {
    kind: 'number',
    question: {
      en: 'Before the first step, what will your model’s validation loss be?',
      zh: `训练第一步之前，你的模型的验证${G.loss.zh}会是多少？`,
    },
    pending: {
      en: 'Build a model: its loss is measured before the first step.',
      zh: `先建一个模型：第一步之前会先测一次${G.loss.zh}。`,
    },
    relative: 0.05,
    measure: (s, lang) => {
      const e = s.evals.find((x) => x.step === 0)
      if (!e || !s.run || s.run.origin) return undefined
      return {
        value: e.valLoss,
        shown: say(
          lang,
          `${e.valLoss.toFixed(3)} (ln V = ${s.run.reference.uniform.toFixed(3)})`,
          `${e.valLoss.toFixed(3)}（ln V = ${s.run.reference.uniform.toFixed(3)}）`,
        ),
      }
    },
  },
  finetuning: {
    kind: 'number',
    question: {
      en: 'After training in pair mode, what share of the held-out pairs will your model write exactly right?',
      zh: `在${G.pairMode.zh}下训练之后，你的模型能把多少留出的${G.pair.zh}写得完全正确？`,
    },
    unit: { en: '%', zh: '%' },
    pending: {
      en: 'Train on a pairs dataset; the held-out pairs are scored when training ends.',
      zh: `在成对数据上训练；训练结束时会给留出的${G.pair.zh}打分。`,
    },
    relative: 0,
    absolute: 10,
    measure: (s, lang) => {
      const x = exactShare(s)
      if (x === undefined || !s.run) return undefined
      const from = s.run.origin
        ? say(lang, `fine-tuned from “${s.run.origin.name}”`, `从“${s.run.origin.name}”${G.fineTuning.zh}而来`)
        : say(lang, 'trained from scratch', '从头训练')
      return { value: 100 * x, shown: `${(100 * x).toFixed(0)}%${say(lang, ` (${from})`, `（${from}）`)}` }
    },
  },
  decoding: {
    kind: 'choice',
    question: {
      en: 'In your next generation, how probable will the chosen tokens be on average, by the model’s own probabilities?',
      zh: `下一次生成时，按模型自己给出的概率，被选中的${G.token.zh}平均有多大概率？`,
    },
    pending: { en: 'Generate some text.', zh: '生成一段文本。' },
    choices: QUARTERS,
    measure: (s) => {
      const toks = s.sampleTokens
      if (!toks.length) return undefined
      const mean = toks.reduce((a, t) => a + t.prob, 0) / toks.length
      return { value: mean, shown: pct(mean), choice: quarter(mean) }
    },
  },
  evaluation: {
    kind: 'choice',
    question: {
      en: 'At the newest evaluation, will the validation loss be above the training loss, about equal (within 0.05), or below it?',
      zh: `最近一次评估时，验证${G.loss.zh}会高于训练${G.loss.zh}、与它差不多（相差 0.05 以内），还是低于它？`,
    },
    pending: { en: 'Train until the first evaluation after step 0.', zh: '训练到第 0 步之后的第一次评估。' },
    choices: [
      { id: 'above', en: 'above', zh: '高于' },
      { id: 'equal', en: 'about equal', zh: '差不多' },
      { id: 'below', en: 'below', zh: '低于' },
    ],
    measure: (s, lang) => {
      const e = s.evals.at(-1)
      if (!e || e.step === 0) return undefined
      const gap = e.valLoss - e.trainLoss
      return {
        value: gap,
        shown: say(
          lang,
          `validation ${e.valLoss.toFixed(3)}, training ${e.trainLoss.toFixed(3)} (step ${e.step})`,
          `验证 ${e.valLoss.toFixed(3)}，训练 ${e.trainLoss.toFixed(3)}（第 ${e.step} 步）`,
        ),
        choice: gap > 0.05 ? 'above' : gap < -0.05 ? 'below' : 'equal',
      }
    },
  },
}

/** How an answer compares with the measured figure: undefined when there is nothing to compare. */
export function verdict(p: Prediction, a: Answer, m: Measured): Verdict | undefined {
  if (a.kind === 'skipped') return undefined
  if (p.kind === 'choice')
    return a.kind === 'choice' && p.choices.some((c) => c.id === a.value)
      ? a.value === m.choice
        ? 'right'
        : 'wrong'
      : undefined
  if (a.kind !== 'number') return undefined // an answer kept for another kind of question
  // an answer on the boundary counts as close (4.2 against 4 at 5 %, whatever the floats make of 4.2 − 4)
  const within = Math.max(p.relative * Math.abs(m.value), p.absolute ?? 0) * (1 + 1e-9) + 1e-12
  return Math.abs(a.value - m.value) <= within ? 'close' : a.value > m.value ? 'high' : 'low'
}

/** The answer as it reads: the number (with its unit) or the choice's words. */
export function answerText(p: Prediction, a: Answer, lang: Lang): string {
  if (a.kind === 'skipped') return ''
  if (a.kind === 'choice') {
    const c = p.kind === 'choice' ? p.choices.find((x) => x.id === a.value) : undefined
    return c ? say(lang, c.en, c.zh) : a.value
  }
  const unit = p.kind === 'number' && p.unit ? say(lang, p.unit.en, p.unit.zh) : ''
  const n = a.value.toLocaleString('en', { maximumFractionDigits: 3 })
  return unit === '%' || unit === '×' ? `${n}${unit}` : unit ? `${n} ${unit}` : n
}
