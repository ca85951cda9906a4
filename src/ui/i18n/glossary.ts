// One spelling per term, in both languages (TEACHING-VIEWS §4's glossary, preferring the founding tutorial's
// own words). Messages that name a concept build on these, so "自注意力" is written one way everywhere; AVOID
// lists the second forms a translation drifts to, which the Chinese catalogue, cards and tour never use.
export const GLOSSARY = {
  token: { en: 'token', zh: '词元' },
  tokenization: { en: 'tokenization', zh: '分词' },
  subword: { en: 'subword', zh: '子词' },
  embedding: { en: 'token embedding', zh: '词嵌入' },
  positionalEncoding: { en: 'positional encoding', zh: '位置编码' },
  selfAttention: { en: 'self-attention', zh: '自注意力' },
  maskedSelfAttention: { en: 'masked self-attention', zh: '掩码自注意力' },
  multiHead: { en: 'multi-head attention', zh: '多头注意力' },
  head: { en: 'attention head', zh: '注意力头' },
  query: { en: 'query', zh: '查询' },
  key: { en: 'key', zh: '键' },
  value: { en: 'value', zh: '值' },
  attentionWeight: { en: 'attention weight', zh: '注意力权重' },
  causalMask: { en: 'causal mask', zh: '因果掩码' },
  feedForward: { en: 'feed-forward network', zh: '前馈网络' },
  sd: { en: 'standard deviation', zh: '标准差' },
  residual: { en: 'residual connection', zh: '残差连接' },
  residualStream: { en: 'residual stream', zh: '残差流' },
  layerNorm: { en: 'layer normalization', zh: '层归一化' },
  pretraining: { en: 'generative pre-training', zh: '生成式预训练' },
  fineTuning: { en: 'fine-tuning', zh: '微调' },
  greedy: { en: 'greedy decoding', zh: '贪心解码' },
  beamSearch: { en: 'beam search', zh: '束搜索' },
  beam: { en: 'beam', zh: '候选序列' }, // one of the sequences beam search keeps
  pairMode: { en: 'pair mode', zh: '成对模式' },
  pair: { en: 'pair', zh: '成对样本' }, // a prompt and its completion
  run: { en: 'run', zh: '训练记录' }, // a run as the Runs panel keeps it ("this run" is 这次训练)
  validationSet: { en: 'validation text', zh: '验证集' },
  uniform: { en: 'uniform guessing', zh: '均匀猜测' },
  gibberish: { en: 'gibberish', zh: '胡言乱语' },
  temperature: { en: 'temperature', zh: '温度' },
  loss: { en: 'loss', zh: '损失' },
  crossEntropy: { en: 'cross-entropy', zh: '交叉熵' },
  perplexity: { en: 'perplexity', zh: '困惑度' },
  inductionHead: { en: 'induction head', zh: '归纳头' },
  phaseChange: { en: 'phase change', zh: '相变' },
  heatmap: { en: 'heatmap', zh: '热力图' },
  pca: { en: 'PCA', zh: '主成分分析' },
} as const satisfies Record<string, { en: string; zh: string }>

export type Term = keyof typeof GLOSSARY

/** The second forms of a term: a Chinese message, card or tour step that uses one fails i18n.test.ts. */
export const AVOID: Partial<Record<Term, RegExp>> = {
  token: /标记|令牌/,
  beamSearch: /集束搜索|波束搜索/,
  beam: /候选(?!序列)|(?<![结约])束(?!搜索|宽)/,
  causalMask: /因果遮罩|因果屏蔽/,
  greedy: /贪心(?!解码)/,
  pairMode: /问答对模式|样本对模式/,
  pair: /样本对|问答对/,
  uniform: /平均猜测/,
  feedForward: /MLP|前馈单元|前馈层/,
  sd: /离散程度/,
  validationSet: /验证部分|验证文本|训练部分/,
  run: /(?<!由 TensorFlow\.js )运行(?!在|一个不同)/, // only the verb: runs on a backend, runs a model
  head: /(?<!开)头部/, // 头部 is a body’s head (开头部分 is not it)
  gibberish: /乱码/,
}

/** A head named "layer.head" (0.1), as the Chinese says it: 第 0 层第 1 头 (not “第 0.1 头”, the 0.1th head). */
export function headZh(name: string): string {
  const [layer, head] = name.split('.')
  return head === undefined ? `第 ${layer} 头` : `第 ${layer} 层第 ${head} 头`
}
