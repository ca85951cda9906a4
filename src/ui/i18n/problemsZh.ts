// The Chinese for every coded problem (src/shared/problems.ts), one entry a code: a code without an entry, or an
// entry for a code that does not exist, is a compile error. English needs none of this: a problem carries its own
// English words.
import {
  isModelFileCode,
  type Coded,
  type GeneralProblemCode,
  type ModelFileProblemCode,
  type ProblemParams,
} from '../../shared/problems'

type Sayers<C extends GeneralProblemCode | ModelFileProblemCode> = { [K in C]: (p: ProblemParams<K>) => string }

const FIELDS: Record<string, string> = {
  nLayer: '层数',
  nHead: '头数',
  nEmbd: '嵌入宽度',
  blockSize: '上下文长度',
  dropout: 'Dropout',
  batchSize: '批大小',
  maxIters: '步数',
  learningRate: '学习率',
  warmupIters: '预热步数',
  minLr: '最小学习率',
  weightDecay: '权重衰减',
  beta2: 'β2',
  gradClip: '梯度裁剪',
  evalInterval: '评估间隔',
  evalIters: '验证批数',
  seed: '随机种子',
}

/** A setting's name as the settings panel shows it in Chinese. */
export const fieldZh = (key: string): string => FIELDS[key] ?? key
const name = (f: unknown) => (typeof f === 'string' ? fieldZh(f) : '')
const num = (n: unknown) => new Intl.NumberFormat('zh-CN').format(Number(n))
const bytes = (n: unknown) => `${new Intl.NumberFormat('zh-CN').format(Number(n))} 字节`
const shapeOf = (p: Record<string, string | number>) =>
  `${p.layers} 层、宽 ${p.width}、上下文 ${p.context}、${p.vocab} 个词元${Number(p.bias) ? '' : '、无偏置'}`

const GENERAL: Sayers<GeneralProblemCode> = {
  int: (p) => `${name(p.field)}必须是整数（现在是 ${p.got}）`,
  min: (p) => `${name(p.field)}至少为 ${p.min}（现在是 ${p.got}）`,
  max: (p) => `${name(p.field)}最多为 ${p.max}（现在是 ${p.got}）`,
  'heads-divide': (p) => `嵌入宽度 ${p.C} 不能被 ${p.H} 个头整除（每个头分到 nEmbd / nHead 个通道）`,
  dropout: (p) => `Dropout 必须不小于 0 且小于 1（现在是 ${p.got}）`,
  lr: (p) => `学习率必须是不大于 ${p.max} 的正数（现在是 ${p.got}）`,
  'min-lr': (p) => `最小学习率必须为零或正数（现在是 ${p.got}）`,
  'min-lr-above': (p) => `最小学习率 ${p.min} 高于学习率 ${p.lr}`,
  'weight-decay': (p) => `权重衰减必须在 0 到 10 之间（现在是 ${p.got}）`,
  beta: (p) => `${p.field === 'beta1' ? 'β1' : 'β2'} 必须不小于 0 且小于 1（现在是 ${p.got}）`,
  'grad-clip': (p) => `梯度裁剪必须为零（关闭）或正数（现在是 ${p.got}）`,
  'text-empty': () => '训练文本是空的：请粘贴一些文本或选择一个内置数据集',
  'text-short': (p) =>
    `对于长度为 ${p.T} 的上下文，文本太短：它有 ${p.total} 个词元，而训练集（90%）和验证集（10%）都至少需要 ${p.need} 个——总共约 ${p.needTotal} 个。请使用更长的文本或更短的上下文。`,
  'tensor-too-large': (p) =>
    `对这个设备来说太大了：模型的一个张量需要 ${p.need}，而后端只允许 ${p.limit}。请减小批大小、上下文长度或宽度。`,
  'too-large': (p) =>
    `对这个设备来说太大了：训练大约需要 ${p.need}，超过了这个后端能安全使用的 ${p.limit}。请减少层数、宽度、批大小或上下文长度。`,
  'link-newer': (p) =>
    `这个链接是由更新版本的游乐场生成的（格式 ${p.v}；这个页面最多读取到 ${p.reads}）：请重新加载页面以获得新版本。`,
  'link-version': (p) => `链接中的格式“${p.v}”不是版本号：链接已损坏。`,
  'stored-newer': (p) =>
    `这条保存的${p.what === 'run' ? '训练记录' : p.what === 'checkpoint' ? '检查点' : '历史'}是由更新版本的游乐场保存的（格式 ${p.format}；这个页面最多读取到 ${p.reads}）。请在那里打开它，或者重新加载这个页面以获得新版本。`,
  'stored-damaged': (p) =>
    `保存的${p.what === 'run' ? '训练记录' : p.what === 'checkpoint' ? '检查点' : '历史'}已损坏（详情只有英文：${p.detail}），无法使用。`,
  'engine-stopped': () => '训练引擎在回答之前停止了。',
  'retune-training': () => '请先暂停训练，再修改学习率。',
  'estimate-busy': () => '请先暂停训练：训练进行时测出的时间会把两者混在一起。',
  'storage-off': () => '这个浏览器里无法使用保存的训练记录（存储被关闭或被阻止）。',
  'run-gone': () => '这条训练记录已经不在存储里了：它被删除了，也许是在另一个标签页中。',
  'no-checkpoint': (p) => `“${p.name}”没有可以接着训练的检查点：页面在第一次保存之前就关闭了。`,
  'other-text': (p) =>
    `“${p.name}”是在${p.dataset ? `内置数据集“${p.dataset}”` : `“${p.label}”`}（${num(p.n)} 个字符）上训练的，而面板 1 中的文本不同。请先载入那段文本，再打开这条训练记录。`,
  'no-model': () => '还没有模型：请先选择文本和设置。',
  'export-no-mask': () =>
    '这个模型是在没有因果掩码的情况下训练的；nanoGPT 总是使用掩码，所以它会运行一个不同的模型。请导出为 .safetensors。',
  'export-vocab': (p) => `nanoGPT 用 16 位数字存储词元：${num(p.n)} 个词元的词表放不下。`,
  'score-short': () => '请至少输入两个字符再打分。',
  'not-pairs': () => '这个模型不是用成对模式训练的，没有留出的成对样本可以评估。',
  'watch-every': (p) => `观察提示词的间隔步数必须是 1 或更大的整数（现在是 ${p.got}）。`,
  'bpe-first': () => '请先训练 BPE 分词器（面板 1，词元），或者改用字符。',
  'import-while-training': () => '请先暂停或停止训练，再打开模型文件。',
  'model-file-big': (p) => `“${p.name}”有 ${p.size}；超过 ${p.limit} 的文件不会被读取。`,
  'file-unreadable': (p) => `无法读取“${p.name}”（${p.detail}）。`,
  'text-huge': (p) => `文本有 ${num(p.n)} 个字符；上限是 ${num(p.limit)}。请使用更短的文本。`,
  'periodic-context': (p) =>
    `生成的序列会把一段 3 到 ⌊T/2⌋ 个词元的片段重复下去：上下文长度 ${p.T} 太短了，至少要 ${p.min}。`,
  'pairs-short': (p) =>
    `${num(p.n)} 个${Number(p.heldOut) ? '留出的' : '训练用的'}成对样本只有 ${p.tokens} 个词元，不够上下文的一个窗口（${p.T}）加 1：请添加成对样本，或使用更短的上下文。`,
  'new-chars': (p) =>
    `文本中有 ${p.n} 个模型从未见过的字符：${p.shown}${Number(p.more) > 0 ? ` 等另外 ${p.more} 个` : ''}。把${Number(p.n) === 1 ? '它' : '它们'}加到词表中（新增嵌入行，原有的保留），或者使用不含${Number(p.n) === 1 ? '它' : '它们'}的文本。`,
  'unknown-chars': (p) =>
    `${{ prompt: '提示词', probe: '探针文本', score: '要打分的文本' }[String(p.field)] ?? '文本'}中有模型从未见过的字符：${p.shown}${Number(p.more) > 0 ? ` 等另外 ${p.more} 个` : ''}。删掉${Number(p.n) === 1 ? '它' : '它们'}，或者把${Number(p.n) === 1 ? '它' : '它们'}加到训练文本中。`,
}

const MODEL_FILE: Sayers<ModelFileProblemCode> = {
  'st-short': (p) => `文件太短，不是 safetensors 文件：只有 ${bytes(p.bytes)}，而光是文件头的长度就要占 8 字节。`,
  'st-header-huge': (p) =>
    `文件头声称有 ${bytes(p.claimed)}，超过了 ${bytes(p.limit)} 的上限：这不是 safetensors 文件，或者文件已损坏。`,
  'st-header-truncated': (p) =>
    `文件头声称有 ${bytes(p.claimed)}，但后面只有 ${bytes(p.available)}：文件被截断了，或者不是 safetensors 文件。`,
  'st-header-empty': () => '文件头是空的：这不是 safetensors 文件。',
  'st-header-utf8': () => '文件头不是有效的 UTF-8：这不是 safetensors 文件，或者文件已损坏。',
  'st-header-json': (p) => `文件头不是有效的 JSON（${p.detail}）。`,
  'st-header-object': () => '文件头必须是一个描述张量的 JSON 对象。',
  'st-meta-object': () => '__metadata__ 必须是字符串到字符串的对象。',
  'st-meta-string': (p) => `__metadata__ 中的值必须是字符串；“${p.key}”不是。`,
  'st-tensor-object': (p) => `张量“${p.name}”的描述不是一个对象。`,
  'st-tensor-fields': (p) => `张量“${p.name}”有未知字段：${p.fields}。`,
  'st-dtype': (p) => `张量“${p.name}”的数据类型是 ${p.dtype}；只能读取 ${p.allowed} 的权重。`,
  'st-shape': (p) => `张量“${p.name}”的形状 ${p.shape} 无效：它必须是最多 ${p.rank} 个非负整数组成的列表。`,
  'st-offsets': (p) => `张量“${p.name}”的 data_offsets ${p.offsets} 无效：它必须是两个整数 [起点, 终点]。`,
  'st-range': (p) => `张量“${p.name}”的数据 [${p.begin}, ${p.end}) 超出了文件中 ${bytes(p.bytes)} 的数据范围。`,
  'st-elements': (p) => `张量“${p.name}”的形状 [${p.shape}] 的元素比整个文件能容纳的还多。`,
  'st-size': (p) =>
    `张量“${p.name}”的形状 [${p.shape}] 需要 ${bytes(p.need)} 的 ${p.dtype}，但它的数据范围只有 ${bytes(p.have)}。`,
  'st-overlap': (p) => `张量“${p.a}”和“${p.b}”在文件中互相重叠。`,
  'st-hole': (p) => `文件在“${p.name}”之前有 ${bytes(p.bytes)} 没有被任何张量使用。`,
  'st-tail': (p) => `文件在最后一个张量之后有 ${bytes(p.bytes)} 没有被任何张量使用。`,
  'st-no-tensor': (p) => `文件中没有张量“${p.name}”。`,
  'ck-whole': (p) => `文件中的 ${p.key} 是 ${p.value}，不是整数。`,
  'ck-no-tokenizer': () =>
    '文件的元数据里没有分词器，所以无法把它的词元编号变回文本。本应用导出的文件都带有分词器；nanoGPT 的检查点请用 ckpt_to_playground.py 转换（在 scripts/nanogpt/ 中，每个“导出给 nanoGPT”的压缩包里也有），它会读取 meta.pkl。',
  'ck-tokenizer-json': () => '文件元数据中的分词器不是有效的 JSON。',
  'ck-bpe-size': (p) =>
    `BPE 分词器有 ${p.tokens} 个词元（256 个字节加 ${p.merges} 次合并），但嵌入矩阵有 ${p.rows} 行。`,
  'ck-bpe-merge': (p) => `BPE 分词器的第 ${p.k} 次合并是 ${p.merge}：它必须连接两个更早的词元。`,
  'ck-tokenizer-kind': () =>
    '文件中的分词器不是本应用能读取的格式：它必须是 {"kind": "char", "vocab": [每个词元编号一个字符]} 或 {"kind": "bpe", "merges": [[a, b], …]}。',
  'ck-tokenizer-size': (p) => `分词器有 ${p.tokens} 个词元，但嵌入矩阵有 ${p.rows} 行。`,
  'ck-token-char': (p) => `分词器的第 ${p.i} 个词元是 ${p.value}，不是单个字符。`,
  'ck-token-twice': (p) => `分词器把 ${p.value} 列出了两次。`,
  'ck-layout': () => '这不是 nanoGPT 布局的 GPT：缺少 transformer.wte.weight 和 transformer.wpe.weight（二维）。',
  'ck-no-heads': () => '文件没有说明模型有几个注意力头（元数据中的 n_head），而权重本身看不出来。',
  'ck-pos': (p) => `文件中的 pos_encoding 是 ${p.value}；本应用只认识 "learned"、"sinusoidal" 和 "none"。`,
  'ck-causal': (p) => `文件中的 causal 是 ${p.value}；应当是 True 或 False。`,
  'ck-flag': (p) => `文件中的 ${p.key} 是 ${p.value}；应当是 True 或 False。`,
  'ck-config': (p) => `文件中的模型设置无法使用（详情只有英文）：${p.detail}。`,
  'ck-vocab-huge': (p) => `${p.n} 个词元的词表超出了本应用能处理的上限（1,000,000）。`,
  'ck-wpe-shape': (p) => `transformer.wpe.weight 的形状是 [${p.shape}]，应当是 [${p.expected}]。`,
  'ck-mask-shape': (p) => `因果掩码 ${p.name} 的形状是 [${p.shape}]，应当是 [${p.expected}]。`,
  'ck-extra': (p) =>
    `文件中有一个这个模型没有的张量：“${p.name}”${Number(p.compiled) ? '（这是 torch.compile 加的前缀：请用 ckpt_to_playground.py 转换检查点）' : ''}。`,
  'ck-missing': (p) => `文件缺少“${p.name}”，而 ${shapeOf(p)} 的模型需要它。`,
  'ck-shape': (p) => `“${p.name}”的形状是 [${p.shape}]；${shapeOf(p)} 的模型需要 [${p.expected}]。`,
  'ck-nan': (p) => `“${p.name}”含有 NaN 或无穷大的值：模型在保存之前就已经发散了。`,
  'ck-head-shape': (p) => `lm_head.weight 的形状是 [${p.shape}]，与词元嵌入不同。`,
  'ck-untied': () => 'lm_head.weight 与词元嵌入不同，但文件里写着输出层与嵌入共享权重（tied_head 为 True）。',
}

/** A coded problem in Chinese; '' for a code this page does not know (a newer worker's). */
export function problemZh({
  code,
  params = {},
}: Coded | { code: string; params?: Record<string, string | number> }): string {
  if (isModelFileCode(code)) {
    const said = (MODEL_FILE[code] as ((p: typeof params) => string) | undefined)?.(params) ?? ''
    return said && (params.file ? `“${params.file}”：${said}` : said)
  }
  const say = (GENERAL as Record<string, ((p: typeof params) => string) | undefined>)[code]
  return say ? say(params) : ''
}
