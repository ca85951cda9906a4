// The concept cards: one per concept of the founding tutorial, in its order, in English and Simplified Chinese.
// Each has a one-line intuition, the formula, what to look for, something to try, an honest caveat, the view
// that shows it — and a live number: a sentence computed from the model as it is now (the store's state), or
// nothing when that view has no data yet. Pure functions of the state: no DOM, no tfjs.
import type { AppState, LessonState } from '../store'
import { badgeOf, futureShare, weightAt, type HeadScores } from '../../analysis/heads'
import { visibleText } from '../../text/text'
import { GLOSSARY as G } from '../i18n/glossary'
import type { Lang } from '../i18n/lang'

export interface ConceptText {
  title: string
  intuition: string
  formula: string
  lookFor: string
  tryThis: string
  caveat: string
}

export interface Concept {
  id: string
  /** the id of the section that shows it (the card's "show me" opens and scrolls to it) */
  view: string
  en: ConceptText
  zh: ConceptText
  /** a sentence with the model's number now, or undefined when there is nothing to measure yet */
  live: (s: LessonState, lang: Lang) => string | undefined
}

type State = Pick<
  AppState,
  | 'run'
  | 'evals'
  | 'points'
  | 'atlasSnapshots'
  | 'embedding'
  | 'qkv'
  | 'lens'
  | 'sampleTokens'
  | 'sampleBeams'
  | 'pairEval'
  | 'bpe'
  | 'tokenizerChoice'
>

const pct = (x: number) => `${Math.round(100 * x)}%`
const say = (lang: Lang, en: string, zh: string) => (lang === 'zh-CN' ? zh : en)

/** The newest atlas snapshot's heads, each with its scores and badge. */
function heads(s: State) {
  const snap = s.atlasSnapshots.at(-1)
  if (!snap) return undefined
  const list = Array.from({ length: snap.layers * snap.heads }, (_, k) => {
    const [previous, self, first, induction, entropy] = snap.scores.subarray(k * 5, k * 5 + 5)
    const scores: HeadScores = { previous, self, first, induction, entropy }
    return { k, name: `${Math.floor(k / snap.heads)}.${k % snap.heads}`, scores, badge: badgeOf(scores, snap.T).badge }
  })
  return { snap, list }
}

export const CONCEPTS: readonly Concept[] = [
  {
    id: 'tokenization',
    view: 'data-h',
    en: {
      title: `Tokenization (${G.tokenization.zh})`,
      intuition: 'The model reads numbers, not letters: the text is cut into tokens, and each token gets an id.',
      formula: 'text → [t₁, t₂, …, t_n], each tᵢ ∈ {0 … V−1}',
      lookFor:
        'The vocabulary size V and how many characters a token holds: characters give a small V and long sequences; BPE merges frequent pieces into one token.',
      tryThis:
        'Open the token inspector and cut the same sentence both ways; train a BPE tokenizer and compare the characters per token.',
      caveat:
        'A character model of Chinese has a vocabulary of thousands of characters, each seen rarely; BPE over UTF-8 bytes can split one Hanzi into several tokens.',
    },
    zh: {
      title: `${G.tokenization.zh}（tokenization）`,
      intuition: `模型读的是数字而不是文字：文本被切成${G.token.zh}，每个${G.token.zh}有一个编号。`,
      formula: '文本 → [t₁, t₂, …, t_n]，每个 tᵢ ∈ {0 … V−1}',
      lookFor: `词表大小 V，以及一个${G.token.zh}包含几个字符：按字符切分时 V 小、序列长；BPE 把常见的片段合并成一个${G.token.zh}（${G.subword.zh}）。`,
      tryThis: `打开${G.token.zh}检查器，用两种方式切分同一句话；训练一个 BPE 分词器，比较每个${G.token.zh}的字符数。`,
      caveat: `中文按字符建模时词表有几千个字，每个字出现得都不多；基于 UTF-8 字节的 BPE 可能把一个汉字拆成几个${G.token.zh}。`,
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const V = s.run.vocab.length
      return s.run.tokenizerKind === 'bpe'
        ? say(lang, `Now: a BPE vocabulary of ${V} tokens.`, `现在：BPE 词表有 ${V} 个${G.token.zh}。`)
        : say(
            lang,
            `Now: ${V} tokens, one per distinct character of the text; ${s.run.trainTokens.toLocaleString('en')} tokens to train on.`,
            `现在：${V} 个${G.token.zh}，文本中每个不同的字符一个；训练用 ${s.run.trainTokens.toLocaleString('en')} 个${G.token.zh}。`,
          )
    },
  },
  {
    id: 'embedding',
    view: 'emb-h',
    en: {
      title: `Token embedding (${G.embedding.zh})`,
      intuition:
        'Each token id looks up a row of C learned numbers: its place in a space where tokens that behave alike end up close.',
      formula: 'x = W_te[t],  W_te ∈ ℝ^{V×C}',
      lookFor:
        'In the embedding map, tokens that play alike (vowels, digits, punctuation) drifting together as training goes on.',
      tryThis:
        'Hover a token in the embedding map and read its nearest neighbours in the full space; compare step 0 with later steps.',
      caveat:
        'The map is a 2-D shadow of C dimensions: it keeps only the share of variance it states. Trust the neighbours list over distances in the picture.',
    },
    zh: {
      title: `${G.embedding.zh}（token embedding）`,
      intuition: `每个${G.token.zh}编号查出一行 C 个可学习的数：它在一个空间中的位置，作用相似的${G.token.zh}最后会靠在一起。`,
      formula: 'x = W_te[t]，W_te ∈ ℝ^{V×C}',
      lookFor: `在嵌入图中，随着训练，作用相似的${G.token.zh}（元音、数字、标点）逐渐靠拢。`,
      tryThis: `把鼠标移到嵌入图中的某个${G.token.zh}上，读它在完整空间中的最近邻；比较第 0 步和之后的步数。`,
      caveat: `这张图是 C 维空间的二维投影（${G.pca.zh}），只保留了它标出的那部分方差。请相信最近邻列表，而不是图上的距离。`,
    },
    live: (s, lang) => {
      const e = s.embedding
      if (!e)
        return s.run
          ? say(
              lang,
              `Now: ${s.run.vocab.length} × ${s.run.model.nEmbd} learned numbers (open the embedding map to see them).`,
              `现在：${s.run.vocab.length} × ${s.run.model.nEmbd} 个可学习的数（打开嵌入图查看）。`,
            )
          : undefined
      const kept = e.explained[0] + e.explained[1]
      return say(
        lang,
        `Now (step ${e.step}): the map keeps ${pct(kept)} of the variance of ${e.tokens.length} embeddings of ${e.C} numbers.`,
        `现在（第 ${e.step} 步）：这张图保留了 ${e.tokens.length} 个 ${e.C} 维嵌入 ${pct(kept)} 的方差。`,
      )
    },
  },
  {
    id: 'positional',
    view: 'pos-h',
    en: {
      title: `Positional encoding (${G.positionalEncoding.zh})`,
      intuition:
        'Attention alone does not know order: a vector for each position is added to each token, so "dog bites man" differs from "man bites dog".',
      formula: 'x_i = W_te[t_i] + P[i]   (P learned, or PE(p, 2k) = sin(p / 10000^{2k/C}), PE(p, 2k+1) = cos(…))',
      lookFor: 'In the position-similarity map, a bright band along the diagonal: nearby positions end up alike.',
      tryThis:
        'Switch Positions to the fixed sinusoid in the settings and compare its table with the learned one after training.',
      caveat:
        "GPT-2 and nanoGPT learn their positions; the sinusoid is the original Transformer's. Unscaled, the sinusoid drowns this model's small embeddings (measured): here it is scaled.",
    },
    zh: {
      title: `${G.positionalEncoding.zh}（positional encoding）`,
      intuition: `注意力本身不知道顺序：给每个位置一个向量，加到该位置的${G.token.zh}上，“狗咬人”和“人咬狗”才会不同。`,
      formula: 'x_i = W_te[t_i] + P[i]（P 可学习，或 PE(p, 2k) = sin(p / 10000^{2k/C})，PE(p, 2k+1) = cos(…)）',
      lookFor: '在位置相似度图中，沿对角线的一条亮带：相邻的位置变得相似。',
      tryThis: '在设置中把位置编码换成固定正弦编码，训练后比较它和可学习位置表。',
      caveat:
        'GPT-2 和 nanoGPT 的位置是学出来的；正弦编码来自原始 Transformer。不缩放时，正弦编码会淹没这个模型很小的嵌入（已测量）：这里做了缩放。',
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const m = s.run.model
      return m.posEncoding === 'sinusoidal'
        ? say(
            lang,
            `Now: the fixed sinusoid, ${m.blockSize} positions × ${m.nEmbd} channels, no parameters.`,
            `现在：固定正弦编码，${m.blockSize} 个位置 × ${m.nEmbd} 个通道，没有参数。`,
          )
        : say(
            lang,
            `Now: a learned table of ${m.blockSize} positions × ${m.nEmbd} channels = ${(m.blockSize * m.nEmbd).toLocaleString('en')} parameters.`,
            `现在：可学习的位置表，${m.blockSize} 个位置 × ${m.nEmbd} 个通道 = ${(m.blockSize * m.nEmbd).toLocaleString('en')} 个参数。`,
          )
    },
  },
  {
    id: 'attention',
    view: 'qkv-h',
    en: {
      title: `Self-attention: Q, K, V and the scaled dot product (${G.selfAttention.zh})`,
      intuition:
        'Each token asks a question (query), every token offers a label (key) and a content (value); the answer is a mix of the values, weighted by how well each key matches the query.',
      formula: 'Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V',
      lookFor:
        'In the Q/K/V calculator: the scores, the division by √(head size) (not the width), and a softmax row that sums to 1.',
      tryThis: "Step the calculator's query position along the probe and watch which keys win.",
      caveat: 'Attention weights say where a head reads from, not why the model predicts what it does.',
    },
    zh: {
      title: `${G.selfAttention.zh}：Q、K、V 与${'缩放点积'}（self-attention）`,
      intuition: `每个${G.token.zh}提出一个问题（${G.query.zh}），每个${G.token.zh}提供一个标签（${G.key.zh}）和一份内容（${G.value.zh}）；答案是这些${G.value.zh}的加权混合，权重取决于每个${G.key.zh}与${G.query.zh}的匹配程度。`,
      formula: 'Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V',
      lookFor: '在 Q/K/V 计算器中：分数、除以 √（每个头的大小，不是整个宽度），以及和为 1 的 softmax 行。',
      tryThis: `在探针上移动计算器的${G.query.zh}位置，看哪些${G.key.zh}胜出。`,
      caveat: `${G.attentionWeight.zh}说明一个头从哪里读取信息，而不是模型为什么做出这样的预测。`,
    },
    live: (s, lang) => {
      const q = s.qkv
      if (q) {
        let best = 0
        q.weights.forEach((w, j) => w > q.weights[best] && (best = j))
        return say(
          lang,
          `Now (step ${q.step}): head ${q.layer}.${q.head} at “${visibleText(q.tokens[q.query])}” puts ${pct(q.weights[best])} on “${visibleText(q.tokens[best])}” (position ${best}); √${q.headSize} = ${Math.sqrt(q.headSize).toFixed(3)}.`,
          `现在（第 ${q.step} 步）：第 ${q.layer}.${q.head} 头在“${visibleText(q.tokens[q.query])}”处把 ${pct(q.weights[best])} 放在“${visibleText(q.tokens[best])}”（位置 ${best}）上；√${q.headSize} = ${Math.sqrt(q.headSize).toFixed(3)}。`,
        )
      }
      const h = heads(s)
      if (!h) return undefined
      const top = [...h.list].sort((a, b) => b.scores.previous - a.scores.previous)[0]
      return say(
        lang,
        `Now (step ${h.snap.step}): head ${top.name} puts ${pct(top.scores.previous)} of its attention on the previous token, the most of any head.`,
        `现在（第 ${h.snap.step} 步）：第 ${top.name} 头把 ${pct(top.scores.previous)} 的注意力放在前一个${G.token.zh}上，是所有头中最多的。`,
      )
    },
  },
  {
    id: 'mask',
    view: 'experiment-h',
    en: {
      title: `The causal mask (${G.causalMask.zh})`,
      intuition:
        'When predicting token i+1, the model may look at tokens 0…i only: the future is set to −∞ before the softmax, so its weight is exactly 0.',
      formula: 'scores[i][j] = −∞ for j > i;  softmax → weight 0',
      lookFor: 'The hatched upper triangle in every attention map; with the no-mask twin, that triangle filling in.',
      tryThis: 'Train the no-mask twin: its loss collapses while its generations turn to garbage.',
      caveat:
        'BERT-style encoders use no causal mask (they fill in hidden tokens); an encoder–decoder adds cross-attention, whose mask is a full rectangle. A GPT has neither.',
    },
    zh: {
      title: `${G.causalMask.zh}（causal mask）`,
      intuition: `预测第 i+1 个${G.token.zh}时，模型只能看第 0…i 个：未来的分数在 softmax 之前被设为 −∞，所以权重恰好为 0（${G.maskedSelfAttention.zh}）。`,
      formula: 'j > i 时 scores[i][j] = −∞；softmax 之后权重为 0',
      lookFor: '每张注意力图中带斜线阴影的上三角；在没有掩码的双胞胎模型中，这个三角被填满。',
      tryThis: '训练没有掩码的双胞胎模型：它的损失骤降，生成的文本却变成乱码。',
      caveat:
        'BERT 式的编码器不用因果掩码（它补全被遮住的词元）；编码器–解码器结构还有交叉注意力，它的掩码是一个完整的矩形。GPT 两者都没有。',
    },
    live: (s, lang) => {
      const h = heads(s)
      if (!s.run) return undefined
      if (s.run.model.causal === false) {
        if (!h) return say(lang, 'Now: this model has no causal mask.', '现在：这个模型没有因果掩码。')
        const shares = h.list.map((x) => futureShare(h.snap, x.k))
        return say(
          lang,
          `Now (step ${h.snap.step}): no mask — up to ${pct(Math.max(...shares))} of a head's attention goes to the future.`,
          `现在（第 ${h.snap.step} 步）：没有掩码——一个头最多把 ${pct(Math.max(...shares))} 的注意力放在未来。`,
        )
      }
      if (!h)
        return say(lang, 'Now: every weight above the diagonal is exactly 0.', '现在：对角线以上的每个权重都恰好为 0。')
      let above = 0
      for (const x of h.list)
        for (let i = 0; i < h.snap.T; i++) for (let j = i + 1; j < h.snap.T; j++) above += weightAt(h.snap, x.k, i, j)
      return say(
        lang,
        `Now (step ${h.snap.step}): the weight above the diagonal, summed over all ${h.list.length} heads, is ${above}.`,
        `现在（第 ${h.snap.step} 步）：所有 ${h.list.length} 个头在对角线以上的权重之和为 ${above}。`,
      )
    },
  },
  {
    id: 'multihead',
    view: 'atlas-h',
    en: {
      title: `Multi-head attention (${G.multiHead.zh})`,
      intuition:
        'Several heads attend in parallel, each in its own smaller space, so one can track the previous token while another looks for the start of the line.',
      formula: 'MultiHead(x) = Concat(head₁, …, head_h) · W_O,  head_i = Attention(x W_Qⁱ, x W_Kⁱ, x W_Vⁱ)',
      lookFor: 'In the atlas: heads with different patterns, and their badges appearing as training goes on.',
      tryThis: 'Pick the repeated probe in the atlas and scrub back to step 0: compare the heads then and now.',
      caveat: 'Badges appear only above 60% and can still mislead: a head can do several things at once.',
    },
    zh: {
      title: `${G.multiHead.zh}（multi-head attention）`,
      intuition: '几个头并行地做注意力，各自在一个更小的空间里，所以一个头可以追踪前一个词元，另一个头寻找行首。',
      formula: 'MultiHead(x) = Concat(head₁, …, head_h) · W_O，head_i = Attention(x W_Qⁱ, x W_Kⁱ, x W_Vⁱ)',
      lookFor: '在注意力总览中：不同模式的头，以及随着训练出现的标签。',
      tryThis: '在注意力总览中选择重复探针，把步数拖回第 0 步：比较当时和现在的各个头。',
      caveat: '只有超过 60% 才会显示标签，而且标签仍可能误导：一个头可以同时做几件事。',
    },
    live: (s, lang) => {
      const h = heads(s)
      if (!h)
        return s.run
          ? say(
              lang,
              `Now: ${s.run.model.nLayer} layers × ${s.run.model.nHead} heads (open the atlas to see them).`,
              `现在：${s.run.model.nLayer} 层 × ${s.run.model.nHead} 个头（打开注意力总览查看）。`,
            )
          : undefined
      const clear = h.list.filter((x) => x.badge !== 'unclear' && x.badge !== 'diffuse')
      return say(
        lang,
        `Now (step ${h.snap.step}): ${h.list.length} heads, ${clear.length} with a clear pattern${clear.length ? ` (${clear.map((x) => `${x.name} ${x.badge}`).join(', ')})` : ''}.`,
        `现在（第 ${h.snap.step} 步）：${h.list.length} 个头，其中 ${clear.length} 个有清晰的模式${clear.length ? `（${clear.map((x) => x.name).join('、')}）` : ''}。`,
      )
    },
  },
  {
    id: 'ffn',
    view: 'settings-h',
    en: {
      title: `The feed-forward network (${G.feedForward.zh})`,
      intuition:
        "After attention mixes information between tokens, each token is processed on its own by a small two-layer network: most of the model's parameters live here.",
      formula: 'FFN(x) = GELU(x W₁ + b₁) W₂ + b₂,  W₁ ∈ ℝ^{C×4C}',
      lookFor: "In the parameter count: the MLP's 8C² weights per block against attention's 4C².",
      tryThis: 'Double the embedding width in the settings and watch the parameter count grow about four times.',
      caveat: 'This page has no neuron view yet: what individual FFN units detect is not shown.',
    },
    zh: {
      title: `${G.feedForward.zh}（feed-forward network）`,
      intuition: '注意力在词元之间混合信息之后，每个词元由一个小的两层网络单独处理：模型的大部分参数都在这里。',
      formula: 'FFN(x) = GELU(x W₁ + b₁) W₂ + b₂，W₁ ∈ ℝ^{C×4C}',
      lookFor: '在参数量中：每个块的 MLP 有 8C² 个权重，注意力只有 4C²。',
      tryThis: '在设置中把嵌入宽度加倍，看参数量大约变成四倍。',
      caveat: '这个页面还没有神经元视图：单个前馈单元检测什么并没有显示。',
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const { nEmbd: C, nLayer: L } = s.run.model
      const ffn = L * 8 * C * C
      return say(
        lang,
        `Now: the MLPs hold ${ffn.toLocaleString('en')} of the ${s.run.paramCount.toLocaleString('en')} parameters (${pct(ffn / s.run.paramCount)}).`,
        `现在：前馈网络占 ${s.run.paramCount.toLocaleString('en')} 个参数中的 ${ffn.toLocaleString('en')} 个（${pct(ffn / s.run.paramCount)}）。`,
      )
    },
  },
  {
    id: 'residual',
    view: 'lens-h',
    en: {
      title: `Residual connections (${G.residual.zh})`,
      intuition:
        'Each block adds its result to a running stream instead of replacing it, so information and gradients flow straight through a deep stack.',
      formula: 'x ← x + Attn(LN(x));  x ← x + FFN(LN(x))',
      lookFor: 'In the logit lens: the residual stream read out after each block, the guess sharpening on the way up.',
      tryThis: 'Move the lens along the probe and find a position where the first block already guesses right.',
      caveat:
        "The logit lens reads intermediate streams with the final layer's readout, which they were not trained for: early rows are rough.",
    },
    zh: {
      title: `${G.residual.zh}（residual connection）`,
      intuition: `每个块把自己的结果加到一条不断流动的${G.residualStream.zh}上，而不是替换它，所以信息和梯度能直接穿过很深的堆叠。`,
      formula: 'x ← x + Attn(LN(x))；x ← x + FFN(LN(x))',
      lookFor: `在 Logit 透镜中：每个块之后读出的${G.residualStream.zh}，猜测逐层变得清晰。`,
      tryThis: '沿着探针移动透镜，找一个第一个块就已经猜对的位置。',
      caveat: 'Logit 透镜用最后一层的读出方式去读中间的残差流，而它们并没有为此训练：前几行比较粗糙。',
    },
    live: (s, lang) => {
      const l = s.lens
      if (!l || !s.run) return undefined
      const V = s.run.model.vocabSize
      const argmax = (row: Float32Array) => row.reduce((b, x, i, a) => (x > a[b] ? i : b), 0)
      const first = argmax(l.logits.subarray(V, 2 * V))
      const last = argmax(l.logits.subarray((l.layers - 1) * V, l.layers * V))
      const tok = (id: number) => visibleText(s.run!.vocab[id])
      return say(
        lang,
        `Now (step ${l.step}, position ${l.position}): after block 1 the stream reads as “${tok(first)}”, after the last block as “${tok(last)}”.`,
        `现在（第 ${l.step} 步，位置 ${l.position}）：第 1 块之后残差流读出为“${tok(first)}”，最后一块之后为“${tok(last)}”。`,
      )
    },
  },
  {
    id: 'layernorm',
    view: 'qkv-h',
    en: {
      title: `Layer normalization (${G.layerNorm.zh})`,
      intuition:
        "Before each sub-layer, every token's vector is rescaled to mean 0 and variance 1 (then given a learned gain and bias), which keeps training stable.",
      formula: 'LN(x) = γ ⊙ (x − μ) / √(σ² + ε) + β',
      lookFor: "In the Q/K/V calculator's first step: the input's mean brought to 0 and its spread to 1.",
      tryThis: 'Compare the block input and the normalised input in the calculator for two different tokens.',
      caveat:
        'GPT-2 and nanoGPT normalise before each sub-layer (pre-LN); the original Transformer normalised after (post-LN).',
    },
    zh: {
      title: `${G.layerNorm.zh}（layer normalization）`,
      intuition:
        '在每个子层之前，每个词元的向量被缩放成均值 0、方差 1（再乘以可学习的增益、加上偏置），这让训练保持稳定。',
      formula: 'LN(x) = γ ⊙ (x − μ) / √(σ² + ε) + β',
      lookFor: 'Q/K/V 计算器的第一步：输入的均值被调到 0，离散程度被调到 1。',
      tryThis: '在计算器中比较两个不同词元的块输入和归一化后的输入。',
      caveat: 'GPT-2 和 nanoGPT 在每个子层之前做归一化（Pre-LN）；原始 Transformer 在之后做（Post-LN）。',
    },
    live: (s, lang) => {
      const q = s.qkv
      if (!q) return undefined
      const x = q.x[q.query]
      const mean = x.reduce((a, b) => a + b, 0) / x.length
      const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length)
      return say(
        lang,
        `Now (step ${q.step}): the input of “${visibleText(q.tokens[q.query])}” has mean ${mean.toFixed(3)} and spread ${sd.toFixed(3)}; after LayerNorm, 0 and 1 before the gain.`,
        `现在（第 ${q.step} 步）：“${visibleText(q.tokens[q.query])}”的输入均值为 ${mean.toFixed(3)}、标准差为 ${sd.toFixed(3)}；经过层归一化后（乘增益之前）为 0 和 1。`,
      )
    },
  },
  {
    id: 'pretraining',
    view: 'loss-h',
    en: {
      title: `Generative pre-training (${G.pretraining.zh})`,
      intuition:
        'The only task is to predict the next token of the text, at every position; the loss is how surprised the model is by the true next token.',
      formula: 'L = −(1/N) Σᵢ log p(t_{i+1} | t₁ … t_i)   (cross-entropy; perplexity = e^L)',
      lookFor:
        'The loss starting near ln V (uniform guessing) and falling below the dashed lines: first token frequencies, then the previous token only.',
      tryThis: 'Watch a prompt while training: gibberish turns into words as the loss falls.',
      caveat:
        'A training loss far below the validation loss means the model memorises its text rather than learning from it.',
    },
    zh: {
      title: `${G.pretraining.zh}（generative pre-training）`,
      intuition: `唯一的任务就是在每个位置预测文本的下一个${G.token.zh}；${G.loss.zh}衡量模型对真实的下一个${G.token.zh}有多“意外”。`,
      formula: `L = −(1/N) Σᵢ log p(t_{i+1} | t₁ … t_i)（${G.crossEntropy.zh}；${G.perplexity.zh} = e^L）`,
      lookFor: `${G.loss.zh}从 ln V（均匀猜测）附近开始，降到虚线以下：先是词元频率，再是只看前一个词元。`,
      tryThis: '训练时观察一个提示词：随着损失下降，乱码变成了单词。',
      caveat: '训练损失远低于验证损失，说明模型在背诵文本，而不是从中学习。',
    },
    live: (s, lang) => {
      const e = s.evals.at(-1)
      if (!e || !s.run) return undefined
      const lnV = s.run.reference.uniform
      return say(
        lang,
        `Now (step ${e.step}): validation loss ${e.valLoss.toFixed(3)} against ${lnV.toFixed(3)} for uniform guessing; perplexity ${Math.exp(e.valLoss).toFixed(2)} of ${s.run.vocab.length} tokens.`,
        `现在（第 ${e.step} 步）：验证损失 ${e.valLoss.toFixed(3)}，均匀猜测为 ${lnV.toFixed(3)}；${G.perplexity.zh} ${Math.exp(e.valLoss).toFixed(2)}（共 ${s.run.vocab.length} 个${G.token.zh}）。`,
      )
    },
  },
  {
    id: 'finetuning',
    view: 'runs-h',
    en: {
      title: `Fine-tuning (${G.fineTuning.zh})`,
      intuition:
        'Start from a trained model and keep training on a new text or task with a smaller learning rate: the model adapts instead of starting over.',
      formula: 'θ₀ = θ_pretrained;  θ ← θ − η_small · ∇L_task',
      lookFor:
        'In pair mode, the held-out scores after fine-tuning a model pre-trained on the names, against one trained from scratch.',
      tryThis: 'Train on the first names, then Runs → Fine-tune on “Reverse a name (pairs)”.',
      caveat: 'Too high a learning rate, or too long, and the model forgets what it learned first.',
    },
    zh: {
      title: `${G.fineTuning.zh}（fine-tuning）`,
      intuition: '从训练好的模型出发，用较小的学习率在新的文本或任务上继续训练：模型是在适应，而不是从头开始。',
      formula: 'θ₀ = θ_预训练；θ ← θ − η_小 · ∇L_任务',
      lookFor: '在成对模式中，比较在名字上预训练后再微调的模型和从头训练的模型在留出样本上的得分。',
      tryThis: '先在英文名字上训练，再在“运行记录 → 微调”中选择“把名字倒过来写（成对数据）”。',
      caveat: '学习率太高或训练太久，模型会忘掉先学到的东西。',
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const o = s.run.origin
      return o
        ? say(
            lang,
            `Now: this run starts from “${o.name}”${o.step !== undefined ? ` (${o.step} steps)` : ''}, learning rate ${s.run.train.learningRate}.`,
            `现在：这次运行从“${o.name}”开始${o.step !== undefined ? `（${o.step} 步）` : ''}，学习率 ${s.run.train.learningRate}。`,
          )
        : say(
            lang,
            `Now: this run starts from random weights (learning rate ${s.run.train.learningRate}); fine-tuning would start from a stored run.`,
            `现在：这次运行从随机权重开始（学习率 ${s.run.train.learningRate}）；微调会从一次保存的运行开始。`,
          )
    },
  },
  {
    id: 'decoding',
    view: 'gen-h',
    en: {
      title: 'Decoding: greedy, beam search, temperature, top-k, top-p',
      intuition:
        'The model gives a distribution over the next token; decoding decides which one to write: the likeliest (greedy), the likeliest sequences (beam search), or a draw reshaped by temperature, top-k and top-p.',
      formula: 'p_i = softmax(z_i / T);  top-k keeps the k likeliest;  top-p keeps the smallest set with Σp ≥ p',
      lookFor:
        'The beam tree, where beam search and greedy decoding part; and the next-token bars reshaped by the sliders.',
      tryThis: 'Generate with temperature 0, then 1.5, from the same prompt; then beam search with width 3.',
      caveat: 'The likeliest text is often dull and repetitive; sampling is livelier and less reliable.',
    },
    zh: {
      title: `解码：${G.greedy.zh}、${G.beamSearch.zh}、${G.temperature.zh}、top-k、top-p`,
      intuition: `模型给出下一个${G.token.zh}的概率分布；解码决定写哪一个：最可能的（${G.greedy.zh}）、最可能的序列（${G.beamSearch.zh}），或者经过温度、top-k、top-p 调整后的随机抽取。`,
      formula: 'p_i = softmax(z_i / T)；top-k 保留最可能的 k 个；top-p 保留概率和 ≥ p 的最小集合',
      lookFor: '束搜索树中束搜索与贪心解码分道扬镳的地方；以及被滑块改变的下一个词元概率条。',
      tryThis: '用同一个提示词，先以温度 0、再以 1.5 生成；然后用束宽 3 做束搜索。',
      caveat: '最可能的文本往往单调、重复；采样更有生气，但不那么可靠。',
    },
    live: (s, lang) => {
      if (s.sampleBeams.length)
        return say(
          lang,
          `Now: the last beam search kept ${s.sampleBeams.length} beams; the best has log-probability ${s.sampleBeams[0].logProb.toFixed(2)}.`,
          `现在：上一次束搜索保留了 ${s.sampleBeams.length} 个候选；最好的对数概率为 ${s.sampleBeams[0].logProb.toFixed(2)}。`,
        )
      const toks = s.sampleTokens
      if (!toks.length) return undefined
      const mean = toks.reduce((a, t) => a + t.prob, 0) / toks.length
      return say(
        lang,
        `Now: the last generation's ${toks.length} tokens were chosen with ${pct(mean)} probability on average.`,
        `现在：上一次生成的 ${toks.length} 个${G.token.zh}，被选中时的平均概率为 ${pct(mean)}。`,
      )
    },
  },
  {
    id: 'evaluation',
    view: 'loss-h',
    en: {
      title: `Evaluation: loss, perplexity, BLEU, ROUGE, METEOR`,
      intuition:
        'Measure on text the model never trained on: the validation loss and perplexity for language modelling, and overlap scores against references for tasks.',
      formula: 'perplexity = e^{L_val};  BLEU = BP · exp(Σ wₙ log pₙ)',
      lookFor:
        'The gap between the training and validation curves; in pair mode, exact match next to the softer BLEU, ROUGE-L and METEOR.',
      tryThis: 'Paste a reference under a generation to score it; or evaluate the held-out pairs in pair mode.',
      caveat: 'Overlap scores reward copying words, not meaning: a correct paraphrase can score low.',
    },
    zh: {
      title: `评估：${G.loss.zh}、${G.perplexity.zh}、BLEU、ROUGE、METEOR`,
      intuition: '在模型从未训练过的文本上测量：语言建模看验证损失和困惑度，任务看与参考答案的重合度得分。',
      formula: '困惑度 = e^{L_val}；BLEU = BP · exp(Σ wₙ log pₙ)',
      lookFor: '训练曲线与验证曲线之间的差距；成对模式中，完全匹配与更宽松的 BLEU、ROUGE-L、METEOR 并列。',
      tryThis: '在生成结果下面粘贴参考文本给它打分；或者在成对模式中评估留出的样本对。',
      caveat: '重合度得分奖励的是照抄词语，而不是意思：正确的改写也可能得分很低。',
    },
    live: (s, lang) => {
      const e = s.evals.at(-1)
      const last = s.points.at(-1)
      if (!e || !last) return undefined
      return say(
        lang,
        `Now: training loss ${last.loss.toFixed(3)} at step ${last.step}, validation loss ${e.valLoss.toFixed(3)} at step ${e.step} (perplexity ${Math.exp(e.valLoss).toFixed(2)}).`,
        `现在：第 ${last.step} 步训练损失 ${last.loss.toFixed(3)}，第 ${e.step} 步验证损失 ${e.valLoss.toFixed(3)}（困惑度 ${Math.exp(e.valLoss).toFixed(2)}）。`,
      )
    },
  },
]
