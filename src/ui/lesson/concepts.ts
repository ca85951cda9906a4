// The concept cards: one per concept of the founding tutorial, in its order, in English and Simplified Chinese.
// Each has a one-line intuition, the formula, what to look for, something to try, an honest caveat, the view
// that shows it — and a live number: a sentence computed from the model as it is now (the store's state), or
// nothing when that view has no data yet. Pure functions of the state: no DOM, no tfjs.
import type { AppState } from '../store'
import { badgeOf, futureShare, weightAt, type HeadScores } from '../../analysis/heads'
import { visibleText } from '../../text/text'
import { paramBreakdown } from '../../shared/config'
import { GLOSSARY as G, headZh } from '../i18n/glossary'
import { ERRATA } from './errata'
import { ofModel } from '../store/views'
import { pct, say, type Concept } from './card'
import { bestInductionHead } from '../components/atlasSnapshots'
import { TRAINING_CONCEPTS } from './conceptsTraining'

export type { Concept, ConceptText } from './card'

type State = Pick<
  AppState,
  | 'run'
  | 'evals'
  | 'points'
  | 'atlasSnapshots'
  | 'embedding'
  | 'qkv'
  | 'lens'
  | 'ablation'
  | 'patching'
  | 'sampleTokens'
  | 'sampleBeams'
  | 'pairEval'
  | 'bpe'
  | 'tokenizerChoice'
>

/** The newest atlas snapshot's heads, each with its scores and badge. */
export function heads(s: State) {
  const snap = s.atlasSnapshots.at(-1)
  if (!snap) return undefined
  const list = Array.from({ length: snap.layers * snap.heads }, (_, k) => {
    const [previous, self, first, induction, entropy] = snap.scores.subarray(k * 5, k * 5 + 5)
    const scores: HeadScores = { previous, self, first, induction, entropy }
    return { k, name: `${Math.floor(k / snap.heads)}.${k % snap.heads}`, scores, badge: badgeOf(scores, snap.T).badge }
  })
  return { snap, list }
}

/** The first snapshot at which some head of layer ≥ 1 scores ≥ 0.5 on the varying-period probes (the repeated probe). */
export function inductionFormed(s: State): { step: number; head: string; score: number } | undefined {
  for (const a of s.atlasSnapshots) {
    const best = bestInductionHead(a)
    if (best && best.score >= 0.5) return { step: a.step, head: best.name, score: best.score }
  }
  return undefined
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
      intuition: `模型读的是数字，不是文字。文本先被切成一个个${G.token.zh}，每个${G.token.zh}对应一个编号。`,
      formula: '文本 → [t₁, t₂, …, t_n]，每个 tᵢ ∈ {0 … V−1}',
      lookFor: `看词表大小 V，以及一个${G.token.zh}平均包含几个字符。按字符切分时 V 小、序列长；BPE 会把常见的片段合并成一个${G.token.zh}（${G.subword.zh}）。`,
      tryThis: `打开${G.token.zh}检查器，用两种方式切分同一句话；再训练一个 BPE 分词器，比较每个${G.token.zh}平均包含的字符数。`,
      caveat: `按字符给中文建模，词表会有几千个字，每个字出现的次数都不多；而基于 UTF-8 字节的 BPE 可能把一个汉字拆成几个${G.token.zh}。`,
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const V = s.run.vocab.length
      return s.run.tokenizerKind === 'bpe'
        ? say(lang, `Now: a BPE vocabulary of ${V} tokens.`, `现在：BPE 词表有 ${V} 个${G.token.zh}。`)
        : say(
            lang,
            `Now: ${V} tokens, one per distinct character of the text; ${s.run.trainTokens.toLocaleString('en')} tokens to train on.`,
            `现在：词表有 ${V} 个${G.token.zh}，文本中每个不同的字符各占一个；训练集有 ${s.run.trainTokens.toLocaleString('en')} 个${G.token.zh}。`,
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
        'In the embedding map, tokens that play alike (vowels, digits, punctuation) drifting together as training goes on. Measured with Tiny, 500 steps, on Moby-Dick: every vowel’s nearest neighbour is another vowel, and so it is for 9 of 10 digits and 5 of 6 punctuation marks.',
      tryThis:
        'Hover a token in the embedding map and read its nearest neighbours in the full space; compare step 0 with later steps.',
      caveat:
        'The map is a 2-D shadow of C dimensions: it keeps only the share of variance it states. Trust the neighbours list over distances in the picture.',
      erratum: ERRATA.embedding.en,
    },
    zh: {
      title: `${G.embedding.zh}（token embedding）`,
      intuition: `每个${G.token.zh}编号查出一行 C 个可学习的数，也就是它在一个空间中的位置；训练中，作用相似的${G.token.zh}会在这个空间里彼此靠近。`,
      formula: 'x = W_te[t]，W_te ∈ ℝ^{V×C}',
      lookFor: `在嵌入图中，随着训练，作用相似的${G.token.zh}（元音、数字、标点）会逐渐靠拢。用微型模型在《白鲸》上训练 500 步的实测：每个元音的最近邻都是另一个元音，10 个数字中有 9 个、6 个标点中有 5 个也是如此。`,
      tryThis: `将鼠标悬停在嵌入图中的某个${G.token.zh}上，读它在完整空间中的最近邻；比较第 0 步与训练若干步之后的图。`,
      caveat: `这张图是 C 维空间的二维投影（${G.pca.zh}），只保留了图上标出的那部分方差。判断远近时，请以最近邻列表为准，而不是图上的距离。`,
      erratum: ERRATA.embedding.zh,
    },
    live: (s, lang) => {
      const e = s.embedding
      if (!e)
        return s.run
          ? say(
              lang,
              `Now: ${s.run.vocab.length} × ${s.run.model.nEmbd} learned numbers (open the embedding map to see them).`,
              `现在：共有 ${s.run.vocab.length} × ${s.run.model.nEmbd} 个可学习的数（打开嵌入图查看）。`,
            )
          : undefined
      const kept = e.explained[0] + e.explained[1]
      return say(
        lang,
        `Now (step ${e.step}): the map keeps ${pct(kept)} of the variance of ${e.tokens.length} embeddings of ${e.C} numbers.`,
        `现在（第 ${e.step} 步）：这张图保留了 ${e.tokens.length} 个 ${e.C} 维嵌入 ${pct(kept)} 的方差。`,
      )
    },
    forDataset: {
      names: {
        en: {
          lookFor:
            'The names have no digits or punctuation: watch the vowels, and the capitals, which only ever begin a name. Measured with Tiny, 500 steps: each vowel’s nearest neighbour is another vowel, and all 26 capitals are nearest another capital — a cluster of their own.',
        },
        zh: {
          lookFor:
            '名字里没有数字和标点：看元音，再看大写字母——它们只出现在名字的开头。用微型模型训练 500 步的实测：每个元音的最近邻都是另一个元音；26 个大写字母的最近邻全是大写字母，自成一团。',
        },
      },
      tang: {
        en: {
          lookFor:
            'With 2,618 characters, most of them seen only a few times in 28,388, the map stays a crowd at these sizes: measured with Tiny, 500 steps, only 1 of the 5 punctuation marks (，。、？！) has another mark as its nearest neighbour. Filter the map to the commonest characters and read the neighbours there.',
          tryThis:
            'Compare this map with one trained on the names: there a few dozen letters, each seen thousands of times, sort themselves into groups within 500 steps.',
        },
        zh: {
          lookFor: `词表有 2,618 个字，而全文只有 28,388 个字符，大多数字只出现寥寥几次，所以在这样的规模下，嵌入图始终挤成一团。用微型模型训练 500 步的实测：5 个标点（，。、？！）中，只有 1 个的最近邻是另一个标点。把嵌入图筛选到最常见的字，再去看它们的最近邻。`,
          tryThis:
            '把这张图和在英文名字上训练出的图比较一下：那里只有几十个字母，每个都出现几千次，500 步之内就各自归了类。',
        },
      },
      induction: {
        en: {
          lookFor:
            'Here every token is a random symbol: letters, digits and signs all play the same part, so no group should form. All the embedding has to do is tell the 64 symbols apart.',
        },
        zh: {
          lookFor: `这里每个${G.token.zh}都是随机的符号：字母、数字和符号的作用完全一样，所以不会形成任何分组。嵌入要做的，只是把这 64 个符号区分开。`,
        },
      },
    },
  },
  {
    id: 'positional',
    view: 'pos-h',
    en: {
      title: `Positional encoding (${G.positionalEncoding.zh})`,
      intuition:
        'Attention by itself weighs its inputs as an unordered set: a vector for each position is added to each token, so "dog bites man" differs from "man bites dog".',
      formula: 'x_i = W_te[t_i] + P[i]   (P learned, or PE(p, 2k) = sin(p / 10000^{2k/C}), PE(p, 2k+1) = cos(…))',
      lookFor:
        'In the position-similarity map (blue: alike, orange: opposite) the diagonal is 1 by construction, even at step 0. Look instead at the blue band around it widening as training goes on: nearby positions end up alike. Measured with Tiny, 500 steps: positions one or two apart start unrelated (similarity 0.0) and end at 0.24–0.61 on each of the four built-in texts (the first names, Moby-Dick, the State of the Union, the Tang poems).',
      tryThis:
        'Switch Positions to the fixed sinusoid in the settings and compare its table with the learned one after training. Then train the twin without positional encoding (Break it to learn it): on the names it ends level with the whole model; on Repeated random tokens no induction head forms.',
      caveat:
        "Order-blindness holds for attention without a mask: a causal model can infer positions with no positional encoding at all, since the mask itself lets it count (Haviv et al. 2022). GPT-2 and nanoGPT learn their positions; the sinusoid is the original Transformer's. Unscaled, the sinusoid drowns this model's small embeddings (measured): here it is scaled.",
    },
    zh: {
      title: `${G.positionalEncoding.zh}（positional encoding）`,
      intuition: `注意力本身把输入当作一个无序的集合，分不出先后。给每个位置一个向量，加到这个位置的${G.token.zh}上，“狗咬人”和“人咬狗”才有区别。`,
      formula: 'x_i = W_te[t_i] + P[i]（P 可学习，或 PE(p, 2k) = sin(p / 10000^{2k/C})，PE(p, 2k+1) = cos(…)）',
      lookFor:
        '看位置相似度图（蓝色表示相似，橙色表示相反）。对角线上的值按定义就是 1，第 0 步也是如此；要看的是对角线两侧的蓝色带：随着训练，它会逐渐变宽，说明相邻的位置变得相似。用微型模型训练 500 步的实测：相隔一两个位置的相似度一开始是 0.0，训练后在四个内置文本（英文名字、《白鲸》、国情咨文、唐诗）上都升到 0.24～0.61。',
      tryThis: `在设置中把${G.positionalEncoding.zh}换成固定的正弦编码，训练之后，和可学习的位置表比较一下。再训练一个没有${G.positionalEncoding.zh}的双胞胎模型（在“动手破坏”实验里）：在英文名字上它和完整模型打成平手；在“重复的随机词元”上，${G.inductionHead.zh}形成不了。`,
      caveat:
        '“分不出先后”只对不加掩码的注意力成立：带因果掩码的模型即使完全没有位置编码，也能推断出位置，因为掩码本身就让它能“数”出自己在第几位（Haviv 等，2022）。GPT-2 和 nanoGPT 的位置编码是学出来的，正弦编码来自最初的 Transformer。正弦编码不加缩放会淹没这个模型很小的嵌入（已实测），所以这里做了缩放。',
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const m = s.run.model
      if (m.posEncoding === 'none')
        return say(
          lang,
          'Now: no positional encoding at all (the twin): only the causal mask tells positions apart.',
          `现在：完全没有${G.positionalEncoding.zh}（双胞胎模型）：只有因果掩码能区分位置。`,
        )
      return m.posEncoding === 'sinusoidal'
        ? say(
            lang,
            `Now: the fixed sinusoid, ${m.blockSize} positions × ${m.nEmbd} channels, no parameters.`,
            `现在：固定正弦编码，${m.blockSize} 个位置 × ${m.nEmbd} 个通道，没有参数。`,
          )
        : say(
            lang,
            `Now: a learned table of ${m.blockSize} positions × ${m.nEmbd} channels = ${(m.blockSize * m.nEmbd).toLocaleString('en')} parameters.`,
            `现在：可学习的位置表，${m.blockSize} 个位置 × ${m.nEmbd} 个通道，共 ${(m.blockSize * m.nEmbd).toLocaleString('en')} 个参数。`,
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
        'In the Q/K/V calculator: the scores, the division by √d_k (d_k is the size of one head, not the full width), and a softmax row that sums to 1.',
      tryThis: "Step the calculator's query position along the probe and watch which keys win.",
      caveat: 'Attention weights say where a head reads from, not why the model predicts what it does.',
    },
    zh: {
      title: `${G.selfAttention.zh}：Q、K、V 与${'缩放点积'}（self-attention）`,
      intuition: `每个${G.token.zh}提出一个问题（${G.query.zh}），每个${G.token.zh}也都带着一个标签（${G.key.zh}）和一份内容（${G.value.zh}）。输出是各个${G.value.zh}的加权和，权重取决于每个${G.key.zh}与${G.query.zh}有多匹配。`,
      formula: 'Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V',
      lookFor:
        '在 Q/K/V 计算器中看三样东西：分数；分数要除以 √d_k（d_k 是每个头的维度，而非整个嵌入宽度）；softmax 之后每一行的和为 1。',
      tryThis: `在探针上逐个移动计算器的${G.query.zh}位置，看哪些${G.key.zh}胜出。`,
      caveat: `${G.attentionWeight.zh}只说明一个头从哪里读取信息，并不解释模型为什么做出这样的预测。`,
    },
    live: (s, lang) => {
      const q = s.qkv
      if (q) {
        let best = 0
        q.weights.forEach((w, j) => w > q.weights[best] && (best = j))
        return say(
          lang,
          `Now (step ${q.step}): head ${q.layer}.${q.head} at “${visibleText(q.tokens[q.query])}” puts ${pct(q.weights[best])} on “${visibleText(q.tokens[best])}” (position ${best}); √${q.headSize} = ${Math.sqrt(q.headSize).toFixed(3)}.`,
          `现在（第 ${q.step} 步）：第 ${q.layer} 层第 ${q.head} 头在“${visibleText(q.tokens[q.query])}”处把 ${pct(q.weights[best])} 的注意力放在“${visibleText(q.tokens[best])}”（位置 ${best}）上；√${q.headSize} = ${Math.sqrt(q.headSize).toFixed(3)}。`,
        )
      }
      const h = heads(s)
      if (!h) return undefined
      const top = [...h.list].sort((a, b) => b.scores.previous - a.scores.previous)[0]
      return say(
        lang,
        `Now (step ${h.snap.step}): head ${top.name} puts ${pct(top.scores.previous)} of its attention on the previous token, the most of any head.`,
        `现在（第 ${h.snap.step} 步）：${headZh(top.name)}把 ${pct(top.scores.previous)} 的注意力放在前一个${G.token.zh}上，在所有头中最多。`,
      )
    },
  },
  {
    id: 'mask',
    view: 'experiment-h',
    en: {
      title: `The causal mask (${G.causalMask.zh})`,
      intuition:
        'When predicting token i+1, the model may look at tokens 0…i only: the scores of future positions are set to −∞ before the softmax, so their weights are exactly 0.',
      formula: 'scores[i][j] = −∞ for j > i;  softmax → weight 0',
      lookFor: 'The hatched upper triangle in every attention map; with the no-mask twin, that triangle filling in.',
      tryThis: 'Train the no-mask twin: its loss collapses while its generations turn to gibberish.',
      caveat:
        'BERT-style encoders use no causal mask: they hide their targets behind [MASK] and fill them in from both sides. An encoder–decoder adds cross-attention, whose mask is a full rectangle. A GPT has neither.',
      erratum: ERRATA.mask.en,
    },
    zh: {
      title: `${G.causalMask.zh}（causal mask）`,
      intuition: `预测第 i+1 个${G.token.zh}时，模型只能看第 0…i 个${G.token.zh}：未来位置的分数在 softmax 之前被设为 −∞，所以它们的权重恰好为 0（${G.maskedSelfAttention.zh}）。`,
      formula: 'j > i 时 scores[i][j] = −∞；softmax 之后权重为 0',
      lookFor: '每张注意力图中带斜线阴影的上三角；在没有掩码的双胞胎模型里，这个三角会被填满。',
      tryThis: `训练没有掩码的双胞胎模型：它的${G.loss.zh}一路猛降，生成的文本却成了${G.gibberish.zh}。`,
      caveat: `BERT 一类的编码器不用${G.causalMask.zh}：它把要预测的${G.token.zh}换成 [MASK] 藏起来，再根据两侧的上下文补全。编码器–解码器结构还多了交叉注意力，它的掩码是一个完整的矩形。GPT 两者都没有。`,
      erratum: ERRATA.mask.zh,
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
          `现在（第 ${h.snap.step} 步）：没有掩码，单个头放在未来的注意力最多达到 ${pct(Math.max(...shares))}。`,
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
        'Several heads attend in parallel, each in its own smaller space, so one can track the previous token while another parks its attention on the first position of the window (an “attention sink”).',
      formula: 'MultiHead(x) = Concat(head₁, …, head_h) · W_O,  head_i = Attention(x W_Qⁱ, x W_Kⁱ, x W_Vⁱ)',
      lookFor:
        'In the atlas: at step 0 every head’s badge is “spread evenly”. As training goes on each head leans on a few nearby positions and its badge turns to “unclear”: a badge needs 60% of a head’s attention on one pattern, and on ordinary text at these sizes none gets there (measured with Tiny, 500 steps, on each of the four built-in texts — the first names, Moby-Dick, the State of the Union, the Tang poems: the strongest previous-token head scores 0.10–0.14). Clear badges appear in the induction experiment.',
      tryThis:
        'Scrub the atlas back to step 0 and compare the heads then and now. To watch an induction head form, run the induction experiment (the dataset “Repeated random tokens”): on ordinary text at these sizes one rarely forms.',
      caveat:
        'Badges appear only above 60% and can still mislead: a head can do several things at once. “First token” means position 0 of the window, rarely the start of a line: heads often park attention there when they have nothing to read (an attention sink).',
    },
    zh: {
      title: `${G.multiHead.zh}（multi-head attention）`,
      intuition: `几个头并行地做注意力，各自在一个更小的子空间里工作。于是一个头可以盯着前一个${G.token.zh}，另一个头则把注意力停放在窗口的第一个位置上（所谓“注意力汇聚点”，attention sink）。`,
      formula: 'MultiHead(x) = Concat(head₁, …, head_h) · W_O，head_i = Attention(x W_Qⁱ, x W_Kⁱ, x W_Vⁱ)',
      lookFor: `在注意力总览中：第 0 步时每个头的标签都是“均匀分散”。随着训练，每个头开始偏向附近的几个位置，标签变成“不明确”：要得到一个标签，头得把 60% 的注意力放在同一种模式上，而在普通文本上、这样的规模下，没有哪个头做得到（用微型模型在四个内置文本（英文名字、《白鲸》、国情咨文、唐诗）上各训练 500 步的实测：最强的“前一个${G.token.zh}”头得分只有 0.12～0.14）。清晰的标签会出现在${G.inductionHead.zh}实验里。`,
      tryThis: `把注意力总览拖回第 0 步，比较当时和现在的各个头。想亲眼看到${G.inductionHead.zh}形成，就做一次归纳头实验（数据集“重复的随机词元”）：在普通文本上、这样的规模下，它很少出现。`,
      caveat: `某种模式占到 60% 以上才会显示标签，而且标签仍可能误导：一个头可能同时做好几件事。“第一个${G.token.zh}”指窗口中的第 0 个位置，很少恰好是一行的开头；头在无处可看时，常把注意力停放在那里（注意力汇聚点）。`,
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
        `现在（第 ${h.snap.step} 步）：共 ${h.list.length} 个头，其中 ${clear.length} 个有清晰的模式${clear.length ? `（${clear.map((x) => headZh(x.name)).join('、')}）` : ''}。`,
      )
    },
    forDataset: {
      induction: {
        en: {
          lookFor:
            'In the atlas on the repeated probe: within a few hundred steps a layer-0 head earns the previous-token badge (it scores about 0.98) and a layer-1 head the induction badge — heads with different jobs, side by side (five seeds: docs/induction-recipe.md).',
          tryThis:
            'Scrub the atlas back to step 0, where every head spreads its attention evenly, then forward to the step where the purple line marks the induction head forming.',
        },
        zh: {
          lookFor: `在注意力总览的重复探针上：几百步之内，第 0 层的某个头得到“前一个${G.token.zh}”的标签（得分约 0.98），第 1 层的某个头得到“${G.inductionHead.zh}”的标签——分工不同的头并排出现（五个随机种子的实测见 docs/induction-recipe.md）。`,
          tryThis: `把注意力总览拖回第 0 步（那时每个头的注意力都摊得很平），再往后拖到紫色竖线标出${G.inductionHead.zh}形成的那一步。`,
        },
      },
    },
  },
  {
    id: 'induction',
    view: 'atlas-h',
    en: {
      title: `Induction heads: watching one form`,
      intuition:
        'An induction head completes a pattern from the context: after “… A B … A” it predicts B. It takes two heads in two layers. In layer 0 a previous-token head writes into every position which token came just before it; in layer 1 the induction head uses the current token as its query, finds the position whose “token before” matches it, and copies the token found there. On data only the context can predict, this circuit appears suddenly — a phase change — and the loss on the repeated tokens falls from about ln 64 to below 0.5.',
      formula:
        'prefix matching(l, h) = mean over probes [r r] of period p and queries p ≤ i < 2p of A(i, i − p + 1)   (1: a perfect induction head; ≈ 1/(i + 1): uniform attention)',
      lookFor:
        'The purple line “induction head forms” on the loss chart and on the head timeline: a layer-1 head’s score jumps from about 0.1 to over 0.8 within a few hundred steps while the purple curve, the loss on the repeated tokens, drops. In the atlas that head’s map on the repeated probe becomes a diagonal stripe one period back.',
      tryThis:
        'Choose the dataset “Repeated random tokens” (it sets the Induction preset), press Start and wait for the line (about a minute here). Then in Head ablation choose that head as the target and measure: which layer-0 head does it read from? Last, tick “LM head tied to the embedding” back on and train again on the same data.',
      caveat:
        'The recipe was found by search (docs/induction-recipe.md): an attention-only model with an LM head of its own. In PyTorch, with the MLP kept or the head tied, models of this size formed shifted circuits instead — looking two or three tokens past the earlier occurrence — which the prefix-matching score does not count. A toy task on random symbols: in language models induction heads form the same way, among many other circuits.',
    },
    zh: {
      title: `${G.inductionHead.zh}：看着它形成`,
      intuition: `${G.inductionHead.zh}根据上下文补全模式：看到“… A B … A”，它就预测 B。这需要两层里的两个头配合：第 0 层的“前一词元头”把每个位置前面是哪个${G.token.zh}写进该位置；第 1 层的${G.inductionHead.zh}拿当前${G.token.zh}做${G.query.zh}，找到“前面那个${G.token.zh}”与它相同的位置，再把那里的${G.token.zh}抄过来。在只有上下文才能预测的数据上，这个回路会突然出现（${G.phaseChange.zh}），重复部分的${G.loss.zh}从约 ln 64 一下子降到 0.5 以下。`,
      formula:
        '前缀匹配得分(l, h) = 在周期为 p 的探针 [r r] 上、对查询位置 p ≤ i < 2p 取 A(i, i − p + 1) 的平均（完美的归纳头为 1；均匀注意力约为 1/(i + 1)）',
      lookFor: `损失曲线图和头的时间线上那条紫色的“${G.inductionHead.zh}形成”竖线：某个第 1 层的头的得分在几百步之内从 0.1 左右跳到 0.8 以上，同时紫色曲线（重复部分的${G.loss.zh}）陡然下降。在注意力总览里，这个头在重复探针上的图变成一条落后一个周期的斜线。`,
      tryThis: `选择数据集“重复的随机词元”（它会同时选好“归纳头”预设），点击开始，等那条竖线出现（在这台电脑上约一分钟）。然后在“注意力头消融”中把这个头选为目标再测量：它读取的是第 0 层的哪个头？最后，把“输出层与${G.embedding.zh}共享权重”重新勾上，在同样的数据上再训练一次。`,
      caveat: `这个配方是搜索出来的（docs/induction-recipe.md）：只有注意力的模型，加上一个自己的输出层。在 PyTorch 里，保留${G.feedForward.zh}或共享输出层时，这么大的模型形成的是“错位”的回路——看的是上一次出现位置之后第二、三个${G.token.zh}——前缀匹配得分不把它算在内。这是随机符号上的玩具任务：语言模型里的${G.inductionHead.zh}也这样形成，只是混在许多别的回路之中。`,
    },
    live: (s, lang) => {
      const formed = inductionFormed(s)
      if (formed)
        return say(
          lang,
          `Now: head ${formed.head} passed 0.5 at step ${formed.step} (${formed.score.toFixed(2)}).`,
          `现在：${headZh(formed.head)}在第 ${formed.step} 步超过了 0.5（${formed.score.toFixed(2)}）。`,
        )
      const snap = s.atlasSnapshots.at(-1)
      const best = snap && bestInductionHead(snap)
      if (!s.run?.synthetic || !snap || !best) return undefined
      return say(
        lang,
        `Now (step ${snap.step}): the best layer-1 score is ${best.score.toFixed(2)}; no induction head yet.`,
        `现在（第 ${snap.step} 步）：第 1 层最高的得分是 ${best.score.toFixed(2)}，还没有${G.inductionHead.zh}。`,
      )
    },
  },
  {
    id: 'ablation',
    view: 'ablation-h',
    en: {
      title: 'Head ablation (switching a head off)',
      intuition:
        'To find out what a head is worth, take it away: run the same text with its output removed and see how much worse the model predicts. What the atlas shows is where a head looks; ablation says whether the model uses what it finds.',
      formula: 'Δℓ(l, h) = ℓ(model with head l.h removed) − ℓ(model),  removed = output 0, or its mean over the batch',
      lookFor:
        'In the grid: a few orange heads the loss depends on, and pale ones it hardly misses; compare them with the atlas. On ordinary text at these sizes no head has a clear badge, so the orange ones are found only by taking them away.',
      tryThis:
        'Click the most orange head to switch it off, generate from the same prompt and seed as before, and compare the two texts; then switch it back on.',
      caveat:
        'One head at a time: heads that share a job (redundant ones) each look harmless alone. Zeroing also shifts what later layers receive, which the mean replacement avoids; neither proves what a head computes.',
    },
    zh: {
      title: `${G.head.zh}消融（把一个头关掉）`,
      intuition: `想知道一个头有多重要，就把它拿掉：在同一段文本上去掉它的输出，看模型的预测变差多少。注意力总览显示的是一个头在看哪里；消融告诉你模型是否真的用到了它看到的东西。`,
      formula: 'Δℓ(l, h) = ℓ(去掉第 l 层第 h 头的模型) − ℓ(原模型)，去掉 = 输出置零，或换成它在整批上的均值',
      lookFor: `在网格中，找几个橙色的头（${G.loss.zh}依赖它们）和几个浅色的头（少了它们几乎没有影响），再和注意力总览对照。在普通文本上、这样的规模下，没有哪个头有清晰的标签，所以哪些头要紧，只有拿掉它们才知道。`,
      tryThis: '点击最橙的那个头把它关掉，用和之前相同的提示词与随机种子生成，对比两段文本；然后再把它打开。',
      caveat:
        '一次只关一个头：几个头分担同一项工作时（冗余），单独关掉哪一个都显得无关紧要。置零还会改变后面各层收到的输入，换成均值可以避免这一点；但两种做法都不能证明一个头究竟在计算什么。',
    },
    live: (s, lang) => {
      const a = ofModel(s.ablation, s.run)
      if (!a) return undefined
      let best = 0
      a.losses.forEach((l, k) => {
        if (l - a.base > a.losses[best] - a.base) best = k
      })
      const [l, h] = [Math.floor(best / a.nHead), best % a.nHead]
      const d = a.losses[best] - a.base
      return say(
        lang,
        `Now (step ${a.step}): without head ${l}.${h} the loss rises most, by ${d.toFixed(3)} (from ${a.base.toFixed(3)}).`,
        `现在（第 ${a.step} 步）：去掉${headZh(`${l}.${h}`)}后损失上升最多，上升 ${d.toFixed(3)}（原为 ${a.base.toFixed(3)}）。`,
      )
    },
    forDataset: {
      induction: {
        en: {
          lookFor:
            'Choose the induction head as the target: its score collapses without one layer-0 head, the previous-token head it reads from (0.87 → 0.07 on seed 1), or, on some seeds, without two that share the work (docs/induction-recipe.md).',
        },
        zh: {
          lookFor: `把${G.inductionHead.zh}选为目标：去掉第 0 层的某一个头——它所读取的“前一个${G.token.zh}”头——它的得分就会崩掉（种子 1：0.87 → 0.07）；在有些种子上，要同时去掉分担这份工作的两个头才行（见 docs/induction-recipe.md）。`,
        },
      },
    },
  },
  {
    id: 'patching',
    view: 'patching-h',
    en: {
      title: 'Activation patching',
      intuition:
        'Ablation asks whether a head matters; patching asks where the information that decides an answer travels. Run a corrupted prompt, copy one activation in from the clean prompt’s run, and see whether the clean answer comes back.',
      formula:
        'share = (Δ(corrupted, one activation from clean) − Δ(corrupted)) / (Δ(clean) − Δ(corrupted)),  Δ = logit(answer) − logit(wrong)',
      lookFor:
        'In the stream grid: the share is 1 at the changed token entering the first block and 1 at the last position after the last block; follow the bright cells between them to see at which block the information moves from the changed position to the last one.',
      tryThis:
        'Change one character of a name the model has learned (a clean and a corrupted prompt of the same length), with the letter each one predicts next as the answers, and patch.',
      caveat:
        'A patch that recovers the answer shows where the information can be carried, not that it always is; with one token changed the first row is 1 and 0 by construction, and a head’s share can exceed 1 or fall below 0.',
    },
    zh: {
      title: '激活修补（activation patching）',
      intuition: `消融问的是一个头重不重要；修补问的是决定答案的信息走哪条路。让模型读被破坏的提示词，把它读干净提示词时的一个激活复制进去，看干净时的答案会不会回来。`,
      formula:
        '比例 = (Δ(被破坏，换入一个干净激活) − Δ(被破坏)) / (Δ(干净) − Δ(被破坏))，Δ = logit(正确答案) − logit(错误答案)',
      lookFor: `在${G.residualStream.zh}网格中，进入第一块时被改动的那个${G.token.zh}上比例为 1，最后一块之后的最后一个位置上也为 1；顺着两者之间亮的格子，就能看出信息在第几块从被改动的位置移到了最后一个位置。`,
      tryThis:
        '把模型学过的一个名字改一个字符（得到长度相同的干净提示词和被破坏提示词），以二者各自预测的下一个字母作为答案，然后修补。',
      caveat:
        '某次修补能找回答案，只说明信息可以经由那里传递，并不说明总是如此；只改一个词元时，第一行按构造就是 1 和 0；一个头的比例也可能大于 1 或小于 0。',
    },
    live: (s, lang) => {
      const p = ofModel(s.patching, s.run)
      if (!p) return undefined
      let best = 0
      p.heads.forEach((v, k) => {
        if (v > p.heads[best]) best = k
      })
      const [l, h] = [Math.floor(best / p.nHead), best % p.nHead]
      return say(
        lang,
        `Now (step ${p.step}): of the heads, ${l}.${h} recovers most, ${pct(p.heads[best])} of the logit difference.`,
        `现在（第 ${p.step} 步）：各个头里，${headZh(`${l}.${h}`)}找回的最多，占 logit 差的 ${pct(p.heads[best])}。`,
      )
    },
  },
  {
    id: 'ffn',
    view: 'resid-h',
    en: {
      title: `The feed-forward network (${G.feedForward.zh})`,
      intuition:
        "After attention mixes information between tokens, each token is processed on its own by a small two-layer network. It holds about two-thirds of each block's weights (8C² of 12C²); of the whole model it holds less, since the embeddings count too.",
      formula: 'FFN(x) = GELU(x W₁ + b₁) W₂ + b₂,  W₁ ∈ ℝ^{C×4C}',
      lookFor:
        "In “Where the parameters are” (the residual view): the MLPs' share of all parameters, below two-thirds by the embeddings' share (large with a BPE vocabulary); and the MLP bars beside the attention bars, what each adds to the stream.",
      tryThis:
        "Double the embedding width in the settings: the blocks' weights grow four times (they scale with C²), the embeddings only twice.",
      caveat:
        'This page has no neuron view yet: what single hidden units of the feed-forward network detect is not shown.',
    },
    zh: {
      title: `${G.feedForward.zh}（feed-forward network）`,
      intuition: `注意力在${G.token.zh}之间交换信息之后，每个${G.token.zh}再各自经过一个小的两层网络。每个块里约三分之二的权重（12C² 中的 8C²）在${G.feedForward.zh}里；放到整个模型来看，占比会小一些，因为嵌入也有不少参数。`,
      formula: 'FFN(x) = GELU(x W₁ + b₁) W₂ + b₂，W₁ ∈ ℝ^{C×4C}',
      lookFor: `看${G.residualStream.zh}视图里的“参数都在哪里”：${G.feedForward.zh}占全部参数的比例。它低于三分之二，差的就是嵌入所占的份额（词表大的 BPE 模型尤其明显）。再看${G.feedForward.zh}的条和注意力的条：各自往${G.residualStream.zh}里加了多少。`,
      tryThis: '在设置中把嵌入宽度加倍：各个块的权重变为四倍（它们与 C² 成正比），嵌入只变为两倍。',
      caveat: `这个页面还没有神经元视图，看不到${G.feedForward.zh}中单个隐藏单元在检测什么。`,
    },
    forDataset: {
      induction: {
        en: {
          lookFor:
            'The induction experiment trains an attention-only model: it has no feed-forward networks, so “Where the parameters are” shows none. Choose a text dataset to see them hold two-thirds of each block.',
        },
        zh: {
          lookFor: `归纳头实验训练的是只有注意力的模型：它没有${G.feedForward.zh}，所以“参数都在哪里”里看不到它们。换一个文本数据集，就能看到它们占每个块约三分之二的权重。`,
        },
      },
    },
    live: (s, lang) => {
      if (!s.run) return undefined
      const ffn = paramBreakdown(s.run.model).mlp
      if (ffn === 0)
        return say(
          lang,
          'Now: this model has no feed-forward networks (attention-only, as the induction experiment trains it): each block holds only attention’s 4C² weights.',
          `现在：这个模型没有${G.feedForward.zh}（只有注意力，归纳头实验就是这样训练的）：每个块里只有注意力的 4C² 个权重。`,
        )
      return say(
        lang,
        `Now: the feed-forward networks hold ${ffn.toLocaleString('en')} of the ${s.run.paramCount.toLocaleString('en')} parameters (${pct(ffn / s.run.paramCount)}); within each block, 8C² of 12C² weights (67%).`,
        `现在：${G.feedForward.zh}占全部 ${s.run.paramCount.toLocaleString('en')} 个参数中的 ${ffn.toLocaleString('en')} 个（${pct(ffn / s.run.paramCount)}）；在每个块内，占 12C² 个权重中的 8C²（67%）。`,
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
      lookFor:
        'In the residual view, once trained: block 0’s MLP writes a vector several times the size of the embeddings (a second embedding), and every later block adds less than the stream it reads — it nudges the stream, which carries everything below it up (measured with Tiny on the first names). In the logit lens: that stream read out after each block, the guess sharpening on the way up.',
      tryThis:
        'Open the residual view before training (every addition is small: GPT-2’s initialisation scales the residual projections down) and again after a few hundred steps; then move the lens along the probe and find a position where the first block already guesses right.',
      caveat:
        "The logit lens reads intermediate streams with the final layer's readout, which they were not trained for: early rows are rough.",
    },
    zh: {
      title: `${G.residual.zh}（residual connection）`,
      intuition: `每个块不替换输入，而是把自己的计算结果加回${G.residualStream.zh}。信息和梯度因此可以沿着这条“主干”直通很深的堆叠。`,
      formula: 'x ← x + Attn(LN(x))；x ← x + FFN(LN(x))',
      lookFor: `训练之后，在${G.residualStream.zh}视图中：第 0 块的${G.feedForward.zh}写入的向量比嵌入大好几倍（相当于第二层嵌入），而之后的每个块加上的都比它读到的${G.residualStream.zh}小——只是推动${G.residualStream.zh}，下面各层的信息都被它一路带上去（用微型模型在英文名字上测过）。在 Logit 透镜中，看每个块之后读出的${G.residualStream.zh}：越往上，猜测越清晰。`,
      tryThis: `训练前打开${G.residualStream.zh}视图（加上的都很小：GPT-2 的初始化把残差投影的权重调小了），训练几百步后再看一次；然后沿探针移动透镜，找一个第一个块之后就已经猜对的位置。`,
      caveat: `Logit 透镜用最后一层的读出方式去读中间的${G.residualStream.zh}，而这些中间结果并不是为此训练的，所以前几行比较粗糙。`,
    },
    forDataset: {
      induction: {
        en: {
          lookFor:
            'The induction experiment’s model is attention-only: in the residual view each block adds only its attention output to the stream (there is no MLP bar). The block-0 MLP that grows into a second embedding on text is absent here.',
        },
        zh: {
          lookFor: `归纳头实验的模型只有注意力：在${G.residualStream.zh}视图里，每个块加到${G.residualStream.zh}上的只有注意力的输出（没有${G.feedForward.zh}的条）。在文本上第 0 块的${G.feedForward.zh}会长成“第二层嵌入”，这里没有它。`,
        },
      },
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
        `现在（第 ${l.step} 步，位置 ${l.position}）：第 1 块之后，${G.residualStream.zh}读出为“${tok(first)}”；最后一块之后读出为“${tok(last)}”。`,
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
      erratum: ERRATA.layernorm.en,
    },
    zh: {
      title: `${G.layerNorm.zh}（layer normalization）`,
      intuition: `在每个子层之前，每个${G.token.zh}的向量先被缩放成均值 0、方差 1，再乘上可学习的增益、加上偏置。这能让训练保持稳定。`,
      formula: 'LN(x) = γ ⊙ (x − μ) / √(σ² + ε) + β',
      lookFor: `Q/K/V 计算器的第一步：输入的均值被调成 0，${G.sd.zh}被调成 1。`,
      tryThis: `在计算器里，比较两个不同${G.token.zh}的块输入和归一化之后的输入。`,
      caveat: 'GPT-2 和 nanoGPT 在每个子层之前做归一化（Pre-LN）；最初的 Transformer 是在之后做（Post-LN）。',
      erratum: ERRATA.layernorm.zh,
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
        `现在（第 ${q.step} 步）：“${visibleText(q.tokens[q.query])}”的输入均值为 ${mean.toFixed(3)}、${G.sd.zh}为 ${sd.toFixed(3)}；经过${G.layerNorm.zh}（乘增益之前）变为 0 和 1。`,
      )
    },
  },
  ...TRAINING_CONCEPTS,
]
