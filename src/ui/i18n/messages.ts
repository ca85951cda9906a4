// The message catalogue: English first, Simplified Chinese typed against it (a missing or extra key, or a
// message with other parameters, is a type error). Terms come from the glossary. Chinese uses full-width
// punctuation; inline English symbols (Q, K, V, softmax, top-k) stay as they are.
import { GLOSSARY as G } from './glossary'

const pct = (x: number) => `${(x * 100).toFixed(0)}%`

export const en = {
  documentTitle: 'GPT Playground — train a transformer in your tab',
  appTitle: 'GPT Playground',
  tagline: 'Train a small GPT on your own text, right here in the tab. Watch the loss fall, watch attention form, and talk to the model while it learns.',
  footer: "The model is nanoGPT's GPT (token + position embeddings, pre-LayerNorm blocks with causal self-attention and a GELU MLP, tied LM head, AdamW), running on TensorFlow.js in a Web Worker. Nothing leaves your browser.",
  languageLabel: 'Language',
  fullStop: '.',

  // heatmap legends
  colours: 'Colours',
  viridis: 'viridis',
  cividis: 'cividis (colour-blind safe)',
  scale: 'Scale',
  linear: 'linear',
  sqrtScale: 'square root (small weights show)',
  legendLabel: (label: string, low: string, high: string, sqrt: boolean) => `${label}: from ${low} to ${high}${sqrt ? ', square-root scale' : ''}`,
  attentionWeight: 'Attention weight',

  // token strip ("why this token?")
  generatedText: 'Generated text',
  scoredText: 'Scored text',
  tokenAria: (token: string, p: number) => `${token}: probability ${(p * 100).toFixed(1)}%`,
  lockedHint: 'Locked (Esc to unlock): ',
  tokenDetail: (token: string, p: number, entropy: number, top: string) => `“${token}” had probability ${(p * 100).toFixed(1)}% · entropy ${entropy.toFixed(2)} nats · the model’s top 5: ${top}`,
  tokenStripHint: (trace: boolean) => `Colour shows each token’s probability (white = unlikely, green = likely). Hover or focus a token to see what else the model considered${trace ? ' and where it looked' : ''}; click or press Enter to keep it.`,
  traceCaption: (token: string, n: number) => `Where the model looked to choose “${token}”: each row is one head’s attention from the token before it over the ${n} tokens of its context (each row sums to 1).`,
  traceStrongest: (layer: number, head: number, share: number, token: string, pos: number) => `Strongest single link: layer ${layer}, head ${head} put ${pct(share)} on “${token}” (context token ${pos}).`,
  traceCaveat: 'Attention shows where information was read from, not why: it is not an explanation by itself.',
  traceTable: 'Attention of every head for this token',
  traceCell: (layer: number, head: number, token: string, w: number) => `layer ${layer}, head ${head} → “${token}”: ${(w * 100).toFixed(1)}%`,
  contextToken: (n: number) => `context token ${n}`,

  // beam tree
  beamCaption: (width: number, depth: number) => `The search, step by step (width ${width}, first ${depth} steps): each column is one step; solid boxes are the beams kept, grey dashed ones the best extensions the cut removed; numbers are total log-probabilities.`,
  beamBest: 'Blue',
  beamBestIs: ': the best beam. ',
  beamGreedy: 'Orange',
  beamGreedyIs: `: ${G.greedy.en}. `,
  beamSame: 'Here greedy decoding finds the same path.',
  beamLeaves: (step: number, token: string) => `Greedy leaves the beams at step ${step} (it picks “${token}”, which the search pruned or never reached).`,
  beamPart: 'Greedy and the best beam part ways, both inside the tree.',
  beamAria: (kept: number, pruned: number, depth: number) => `Beam search tree: ${kept} kept and ${pruned} pruned nodes over ${depth} steps`,
  beamNode: (step: number, token: string, lp: number, state: 'kept' | 'done' | 'pruned') => `step ${step}: “${token}”, total log-probability ${lp.toFixed(3)} (${state === 'kept' ? 'kept' : state === 'done' ? 'kept, reached the stop text' : 'pruned'})`,

  // break it to learn it
  twinTitle: 'Break it to learn it: no causal mask',
  twinIntro: `A GPT is trained to predict each next token from the tokens before it. The ${G.causalMask.en} is what keeps the future hidden: without it, every position may look at every other, including the very token it is asked to predict. One click trains a twin of your model on the same text, with the same settings and seed, but without the mask.`,
  twinButton: 'Train a twin without the causal mask',
  twinKeep: 'The current run pauses and is kept (reopen it from the Runs panel); its validation curve stays on the loss chart to compare with.',
  twinTraining: (state: string) => `You are training the no-mask twin${state === 'training' ? '' : ` (${state})`}. What to look for:`,
  twinLossTitle: 'The loss',
  twinLoss: ' falls far below anything the masked model reaches: the answer is in the input.',
  twinNow: (loss: number, step: number) => ` Now: training loss ${loss.toFixed(3)} at step ${step}`,
  twinMasked: (loss: number, step: number) => `; the masked run had validation loss ${loss.toFixed(3)} at step ${step}`,
  twinGenerateTitle: 'Generate',
  twinGenerate: ' some text: it is garbage. While generating there is no future token to read, so what the twin learned — copy the next token — has nothing to copy. A low loss bought by reading the answer teaches nothing.',
  twinAtlasTitle: 'The attention atlas',
  twinAtlas: ': no hatching, and the upper triangle (tokens looking at later tokens) fills in. Look for a head whose “future” share grows: it reads the next token.',
  twinBack: (step: number) => `Back to the masked run (step ${step})`,
  twinPauseFirst: 'Pause the twin first',
  twinCorrection: "A correction to the founding tutorial, which says GPT is pre-trained with a masked language model (掩码语言模型) objective: that is BERT's. BERT sees both sides of a hidden token and fills it in; GPT predicts the next token from the ones before it, so it must never see what it predicts — this experiment shows what happens when it can.",
}

type Widen<T> = { [K in keyof T]: T[K] extends (...args: infer A) => string ? (...args: A) => string : string }
export type Messages = Widen<typeof en>

export const zhCN: Messages = {
  documentTitle: 'GPT 游乐场——在浏览器标签页里训练 Transformer',
  appTitle: 'GPT 游乐场',
  tagline: '用你自己的文本，就在这个标签页里训练一个小型 GPT。看损失下降，看注意力成形，在模型学习的同时与它对话。',
  footer: '模型是 nanoGPT 的 GPT（词元嵌入 + 位置嵌入，带因果自注意力和 GELU 前馈网络的前置层归一化块，共享权重的输出层，AdamW），在 Web Worker 中由 TensorFlow.js 运行。数据不会离开你的浏览器。',
  languageLabel: '语言',
  fullStop: '。',

  colours: '配色',
  viridis: 'viridis',
  cividis: 'cividis（色盲友好）',
  scale: '刻度',
  linear: '线性',
  sqrtScale: '平方根（小权重也看得见）',
  legendLabel: (label, low, high, sqrt) => `${label}：从 ${low} 到 ${high}${sqrt ? '，平方根刻度' : ''}`,
  attentionWeight: G.attentionWeight.zh,

  generatedText: '生成的文本',
  scoredText: '评分的文本',
  tokenAria: (token, p) => `${token}：概率 ${(p * 100).toFixed(1)}%`,
  lockedHint: '已锁定（按 Esc 解锁）：',
  tokenDetail: (token, p, entropy, top) => `“${token}”的概率为 ${(p * 100).toFixed(1)}% · 熵 ${entropy.toFixed(2)} 奈特 · 模型的前 5 个候选：${top}`,
  tokenStripHint: (trace) => `颜色表示每个${G.token.zh}的概率（白 = 不太可能，绿 = 很可能）。把鼠标移到或用键盘聚焦某个${G.token.zh}，可以看到模型还考虑过什么${trace ? '以及它在看哪里' : ''}；单击或按 Enter 可以锁定。`,
  traceCaption: (token, n) => `模型选择“${token}”时在看哪里：每一行是一个${G.head.zh}从它前一个${G.token.zh}出发、在上下文 ${n} 个${G.token.zh}上的注意力（每行之和为 1）。`,
  traceStrongest: (layer, head, share, token, pos) => `最强的单个连接：第 ${layer} 层第 ${head} 头把 ${pct(share)} 的注意力放在“${token}”上（上下文第 ${pos} 个${G.token.zh}）。`,
  traceCaveat: '注意力显示信息是从哪里读取的，而不是原因：它本身并不是解释。',
  traceTable: `这个${G.token.zh}在每个${G.head.zh}上的注意力`,
  traceCell: (layer, head, token, w) => `第 ${layer} 层第 ${head} 头 → “${token}”：${(w * 100).toFixed(1)}%`,
  contextToken: (n) => `上下文第 ${n} 个${G.token.zh}`,

  beamCaption: (width, depth) => `${G.beamSearch.zh}的过程（束宽 ${width}，前 ${depth} 步）：每一列是一步；实线框是保留的候选，灰色虚线框是被剪掉的最好扩展；数字是累计对数概率。`,
  beamBest: '蓝色',
  beamBestIs: '：最好的候选序列。',
  beamGreedy: '橙色',
  beamGreedyIs: `：${G.greedy.zh}。`,
  beamSame: '这里贪心解码找到的是同一条路径。',
  beamLeaves: (step, token) => `贪心解码在第 ${step} 步离开了束（它选了“${token}”，而搜索剪掉了它或从未到达）。`,
  beamPart: '贪心解码和最好的候选在树内分道扬镳。',
  beamAria: (kept, pruned, depth) => `${G.beamSearch.zh}树：${depth} 步中保留 ${kept} 个节点，剪掉 ${pruned} 个`,
  beamNode: (step, token, lp, state) => `第 ${step} 步：“${token}”，累计对数概率 ${lp.toFixed(3)}（${state === 'kept' ? '保留' : state === 'done' ? '保留，已到达停止文本' : '剪掉'}）`,

  twinTitle: '动手破坏，才能真正理解：去掉因果掩码',
  twinIntro: `GPT 的训练目标是根据前面的${G.token.zh}预测下一个${G.token.zh}。${G.causalMask.zh}让未来保持不可见：去掉它，每个位置都能看到所有其他位置，包括它要预测的那个${G.token.zh}本身。点一下，就会在同样的文本上、用同样的设置和随机种子，训练一个没有掩码的“双胞胎”模型。`,
  twinButton: '训练一个没有因果掩码的双胞胎模型',
  twinKeep: '当前的训练会暂停并被保存（可以在“运行记录”面板中重新打开）；它的验证损失曲线会留在损失图上，供你比较。',
  twinTraining: (state) => `你正在训练没有掩码的双胞胎模型${state === 'training' ? '' : `（${{ ready: '尚未开始', paused: '已暂停', stopped: '已停止', finished: '已完成' }[state] ?? state}）`}。请注意观察：`,
  twinLossTitle: G.loss.zh,
  twinLoss: '降得远低于有掩码的模型所能达到的水平：答案就在输入里。',
  twinNow: (loss, step) => `目前：第 ${step} 步的训练${G.loss.zh}为 ${loss.toFixed(3)}`,
  twinMasked: (loss, step) => `；有掩码的模型在第 ${step} 步的验证${G.loss.zh}为 ${loss.toFixed(3)}`,
  twinGenerateTitle: '生成',
  twinGenerate: '一些文本：全是乱码。生成时并没有未来的词元可读，所以双胞胎学会的本事——抄下一个词元——无从下手。靠偷看答案换来的低损失什么也没学到。',
  twinAtlasTitle: '注意力总览',
  twinAtlas: '：没有斜线阴影，上三角（词元关注后面的词元）被填满。找一找“未来”占比不断增长的注意力头：它在读取下一个词元。',
  twinBack: (step) => `回到有掩码的模型（第 ${step} 步）`,
  twinPauseFirst: '请先暂停双胞胎模型',
  twinCorrection: '对创始教程的一处更正：教程说 GPT 用掩码语言模型（Masked Language Modeling）目标进行预训练，其实那是 BERT 的目标。BERT 能看到被遮住词元的两侧并把它补出来；GPT 根据前面的词元预测下一个词元，所以它绝不能看到自己要预测的内容——这个实验展示了如果它能看到会发生什么。',
}
