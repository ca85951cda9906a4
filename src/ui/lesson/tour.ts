// The guided tour: seventeen steps through the concept cards on the live views, in the tutorial's order, with the
// induction experiment after the heads (the ablation and patching steps then work on its model). Each step names the view, says what to look for, and may set a task the page can check
// from its own state ("start training", "scrub the atlas back"); a step whose task is "wait for step N" waits for
// learning to happen. Thirteen of the seventeen have a task, four are for reading (the catalogue's tourIntro says so); a step on
// a card with an erratum (the pretraining steps, the second and third) shows the tutorial's correction. Steps can be skipped and the tour resumed: the step is remembered (localStorage) and can be given in
// the address (?tour=N) for a lesson link. Pure data and checks over the store's state: no DOM.
import type { LessonState } from '../store'

export interface TourStep {
  concept: string // the concept card it teaches (lesson/concepts.ts)
  view: string // the section it shows
  task?: { en: string; zh: string; done: (s: LessonState) => boolean }
}

/** The step the loss is worth looking at: a fifth of the run, at most 50 steps in. */
export const waitStep = (s: LessonState) => Math.min(50, Math.max(1, Math.floor((s.run?.train.maxIters ?? 50) / 5)))

export const TOUR: readonly TourStep[] = [
  { concept: 'tokenization', view: 'data-h' },
  {
    concept: 'pretraining',
    view: 'train-h',
    task: { en: 'Press “Start training”.', zh: '点击“开始训练”。', done: (s) => s.points.length > 0 },
  },
  {
    concept: 'pretraining',
    view: 'loss-h',
    task: {
      en: 'Wait while the model learns: this step completes at training step 50 (or a fifth of a shorter run). Watch the loss leave ln V.',
      zh: '等模型学一会儿：训练到第 50 步（训练较短时为总步数的五分之一）时，这一步就完成了。留意损失如何离开 ln V。',
      done: (s) => (s.points.at(-1)?.step ?? 0) >= waitStep(s),
    },
  },
  {
    concept: 'embedding',
    view: 'emb-h',
    task: { en: 'Open “Token embeddings”.', zh: '打开“词嵌入”。', done: (s) => s.embeddingOpen && !!s.embedding },
  },
  {
    concept: 'positional',
    view: 'pos-h',
    task: { en: 'Open “Positional encoding”.', zh: '打开“位置编码”。', done: (s) => s.positionsOpen && !!s.positions },
  },
  {
    concept: 'attention',
    view: 'qkv-h',
    task: {
      en: 'Open the Q/K/V calculator and read one query’s numbers.',
      zh: '打开 Q/K/V 计算器，读一读某个查询的各项数字。',
      done: (s) => !!s.qkv,
    },
  },
  { concept: 'layernorm', view: 'qkv-h' },
  {
    concept: 'mask',
    view: 'atlas-h',
    task: {
      en: 'Open the attention atlas: every future cell is hatched.',
      zh: '打开注意力总览：未来的每个格子都带斜线阴影。',
      done: (s) => s.atlasOpen && s.atlasSnapshots.length > 0,
    },
  },
  {
    concept: 'multihead',
    view: 'atlas-h',
    task: {
      en: 'Pin a step in the atlas: drag its Step slider back, or untick Live.',
      zh: '在注意力总览中固定某一步：把“训练步”滑块往回拖，或者取消勾选“实时”。',
      done: (s) => s.viewStep !== 'live',
    },
  },
  {
    concept: 'induction',
    view: 'atlas-h',
    task: {
      en: 'Choose the dataset “Repeated random tokens”, press Start, and wait for the purple line “induction head forms”.',
      zh: '选择数据集“重复的随机词元”，点击开始，等紫色竖线“归纳头形成”出现。',
      done: (s) => !!s.run?.synthetic && !!s.atlasMarker,
    },
  },
  {
    concept: 'ablation',
    view: 'ablation-h',
    task: {
      en: 'Open “Head ablation” and measure every head (with the induction head as the target: which head does it read from?).',
      zh: '打开“注意力头消融”，测量每一个头（把归纳头选为目标：它读取的是哪个头？）。',
      done: (s) => !!s.ablation,
    },
  },
  {
    concept: 'patching',
    view: 'patching-h',
    task: {
      en: 'Open “Activation patching” and patch a clean prompt into a corrupted one.',
      zh: '打开“激活修补”，把一个干净的提示词修补进被破坏的提示词。',
      done: (s) => !!s.patching,
    },
  },
  { concept: 'ffn', view: 'resid-h' },
  {
    concept: 'residual',
    view: 'lens-h',
    task: {
      en: 'Open the next-token lens and read the logit lens.',
      zh: '打开“下一个词元透镜”，读一读其中的 Logit 透镜。',
      done: (s) => !!s.lens,
    },
  },
  {
    concept: 'decoding',
    view: 'gen-h',
    task: {
      en: 'Generate with Decoding set to beam search.',
      zh: '把解码方式设为束搜索，然后生成。',
      done: (s) => s.sampleBeams.length > 0,
    },
  },
  {
    concept: 'decoding',
    view: 'gen-h',
    task: {
      en: 'Generate by sampling, then hover a token (or Tab to it) to see where every head looked.',
      zh: '用采样生成，然后将鼠标悬停在某个词元上（或用 Tab 键选中它），看每个头在看哪里。',
      done: (s) => s.sampleTokens.some((t) => t.attention),
    },
  },
  { concept: 'evaluation', view: 'loss-h' },
]

const KEY = 'gpt-playground:tour'

/** The step to resume at: ?tour=N (1-based) in the address, else the one remembered, else none. */
export function initialTourStep(): number | undefined {
  if (typeof location === 'undefined') return undefined
  const q = new URLSearchParams(location.search).get('tour')
  const fromUrl = q === null ? NaN : Number(q)
  if (Number.isInteger(fromUrl) && fromUrl >= 1 && fromUrl <= TOUR.length) return fromUrl - 1
  try {
    const kept = Number(localStorage.getItem(KEY))
    return localStorage.getItem(KEY) !== null && Number.isInteger(kept) && kept >= 0 && kept < TOUR.length
      ? kept
      : undefined
  } catch {
    return undefined
  }
}

export function rememberTourStep(step: number | undefined): void {
  try {
    if (step === undefined) localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, String(step))
  } catch {
    // storage blocked: the tour lasts this visit
  }
}
