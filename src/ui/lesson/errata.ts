// The founding tutorial's errors about GPT (../shared/reference/founding-tutorial.md), corrected where the learner
// meets the claim: the pretraining card and the tour's first steps list them all, the embedding, mask and
// layer-normalisation cards correct their own, and the no-mask experiment opens with the mask's (twinCorrection
// in the catalogue). Each says what the tutorial claims and what is true, in both languages.
export interface Erratum {
  en: string
  zh: string
}

export const ERRATA = {
  pretraining: {
    en: 'The tutorial gets GPT wrong in six places. (1) GPT is not pre-trained by masked language modelling or next-sentence prediction: both are BERT’s objectives. Its one objective is the next token, at every position, as this card shows. (2) GPT-1 was not an encoder to which GPT-2 added a decoder: both are decoder-only stacks of masked self-attention, with no encoder and no encoder–decoder attention; GPT-2 is larger, trained on more text, with LayerNorm moved. (3) The mask acts on the attention scores, not on the values (the causal-mask card). (4) The embeddings are learned with the model, not looked up in a pre-trained word-vector table (the token-embedding card). (5) GPT-2 and nanoGPT normalise before each sub-layer (pre-LN), not after it (the layer-normalisation card). (6) BERT’s lack of a causal mask is no cheat: it hides its targets behind [MASK], while the no-mask twin sees the very token it predicts (the experiment “Break it to learn it”).',
    zh: '教程在六个地方把 GPT 讲错了。① GPT 的预训练不用掩码语言模型，也不用下一句预测（Next Sentence Prediction），这两个都是 BERT 的目标；GPT 只有一个目标，就是在每个位置预测下一个词元，正如这张卡片所示。② 并不是“GPT-1 是编码器，GPT-2 才加上解码器”：两者都只由带掩码自注意力的解码器块堆叠而成，既没有编码器，也没有编码器–解码器注意力；GPT-2 只是模型更大、训练文本更多，并挪动了层归一化的位置。③ 掩码作用在注意力分数上，而不是值上（见“因果掩码”卡片）。④ 词嵌入是和模型一起学出来的，并不是从预训练的词向量表里查出来的（见“词嵌入”卡片）。⑤ GPT-2 和 nanoGPT 在每个子层之前做层归一化（Pre-LN），而不是之后（见“层归一化”卡片）。⑥ BERT 不用因果掩码并不算作弊：它用 [MASK] 把要预测的词元藏了起来；没有掩码的双胞胎模型却能直接看到它要预测的词元（见“动手破坏，才能真正理解”实验）。',
  },
  embedding: {
    en: 'The tutorial says word embeddings are usually looked up in a pre-trained word-vector table. A GPT learns its embedding table from random numbers, together with the rest of the model; nothing is loaded from elsewhere (here too: the map at step 0 is noise).',
    zh: '教程说词嵌入“通常通过查询预训练的词向量表实现”。GPT 的嵌入表是和模型其余部分一起、从随机数开始学出来的，并不加载现成的词向量表（这里也一样：第 0 步的嵌入图只是噪声）。',
  },
  mask: {
    en: 'The tutorial says the mask is applied to the values of future positions. It is applied to the scores: above the diagonal Q·Kᵀ is set to −∞ before the softmax, so the weights there are 0, and the values are untouched. The tutorial also calls GPT’s pre-training masked language modelling, which is BERT’s objective (the pretraining card).',
    zh: '教程说掩码作用在未来位置的“值”上。其实掩码作用在分数上：softmax 之前，把对角线以上的 Q·Kᵀ 设为 −∞，这些位置的权重就成了 0，值本身并没有被改动。教程还把 GPT 的预训练说成掩码语言模型，那是 BERT 的目标（见“生成式预训练”卡片）。',
  },
  layernorm: {
    en: 'The tutorial normalises the output of each residual addition (post-LN), as the original Transformer and GPT-1 did. GPT-2 and nanoGPT — and this page — normalise the input of each sub-layer instead (pre-LN), and add one final LayerNorm before the output.',
    zh: '教程把层归一化放在每次残差相加之后（Post-LN），这是最初的 Transformer 和 GPT-1 的做法。GPT-2、nanoGPT 以及这个页面都改为先对每个子层的输入做归一化（Pre-LN），并在输出之前再加一层最终的层归一化。',
  },
} as const satisfies Record<string, Erratum>
