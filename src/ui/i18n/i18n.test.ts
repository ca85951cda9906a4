// The catalogue in both languages: every key present and non-empty (the type check also insists), every key
// used somewhere in the page's code, no key used that does not exist, and the glossary's terms used as spelled.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en, zhCN } from './messages'
import {
  MODEL_FILE_PROBLEMS,
  PROBLEMS,
  type Coded,
  type GeneralProblemCode,
  type ModelFileProblemCode,
} from '../../shared/problems'
import { AVOID, GLOSSARY, type Term } from './glossary'
import { CONCEPTS } from '../lesson/concepts'
import { TOUR } from '../lesson/tour'
import { PRESETS, getPreset, validateConfig } from '../../shared/config'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/i18n\/(messages|glossary)\.ts$/.test(p) ? [p] : []
  })
}

// the files that translate: they take the catalogue as `t` from useT() (or messagesFor)
const code = sources(join(__dirname, '..'))
  .map((p) => readFileSync(p, 'utf8'))
  .filter((src) => /\buseT\(\)|CATALOGUES\[lang\]|messagesFor\(/.test(src))
  .join('\n')
const used = new Set([...code.matchAll(/\bt\.(\w+)|messagesFor\([^)]*\)\.(\w+)/g)].map((m) => m[1] ?? m[2]))

/** Sample arguments for a message function: most take numbers; lookups take one of their keys. */
const SAMPLE: Record<string, unknown[]> = {
  fileRefused: ['empty', { name: 'a.txt' }],
  problem: [{ code: 'text-empty' }],
  backendChoice: ['auto'],
  webgpuNote: ['software'],
  adapter: [true, 'x'],
  presetName: ['baby', 'Baby'],
  presetDescription: ['baby', 'x'],
  field: ['nLayer'],
  fieldHint: ['nLayer'],
  runState: ['paused'],
  origin: [true, 'x', 10, 2],
  badge: ['previous-token'],
  scoreName: ['previous'],
  twinTraining: ['paused'],
  storageProblem: ['full'],
  diverged: ['spike', 5, 4.2, 2.1],
  engineStoppedWhy: ['silent', '12'],
  engineRestartResumes: ['r', 5, true],
  deviceLost: ['webgpu', 'destroyed', 5, 'wasm'],
  beamNode: [1, 'a', -1, 'kept'],
  backendReason: ['auto', 'wasm', 'software', 'none'],
  backendChip: ['webgpu', false, 'NVIDIA'],
  viewAsTable: ['0.1'],
  tableLabel: ['0.1'],
  inductionHeadForms: ['1.0'],
  phaseChange: ['0.1', 0.5, 10, 0.2, 0.05],
  predictVerdict: ['close'],
}
const args = (k: string) => SAMPLE[k] ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

/** What a message says, with sample arguments. */
function say(k: string, v: unknown): string {
  return typeof v === 'function' ? String((v as (...a: unknown[]) => string)(...args(k))) : String(v)
}

/** The text around the first match of `re` (undefined when there is none), so a failure shows where. */
function around(text: string, re: RegExp): string | undefined {
  const m = re.exec(text)
  return m ? text.slice(Math.max(0, m.index - 30), m.index + 30) : undefined
}

describe('the message catalogue', () => {
  it('has the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort())
    for (const [k, v] of Object.entries(zhCN)) {
      expect(typeof v, k).toBe(typeof en[k as keyof typeof en])
      if (typeof v === 'string') expect(v.trim(), k).not.toBe('')
    }
  })

  it('uses every key somewhere, and uses no key it lacks', () => {
    const unused = Object.keys(en).filter((k) => !used.has(k))
    expect(unused).toEqual([])
    const unknown = [...used].filter((k) => !(k in en))
    expect(unknown).toEqual([])
  })

  it('writes Chinese in Chinese: every message holds CJK text, except symbols kept as they are', () => {
    const symbols = new Set(['viridis', 'fullStop', 'colon', 'predictSep', 'topK', 'topP', 'paramSplitLine'])
    for (const [k, v] of Object.entries(zhCN)) {
      if (symbols.has(k)) continue
      const text = say(k, v)
      expect(/[\u4e00-\u9fff]/.test(text), `${k}: ${text}`).toBe(true)
    }
  })

  it('spells glossary terms one way: a Chinese message, card or tour step uses the glossary’s word, never a second form', () => {
    // what the learner reads: the catalogue (with sample arguments), the cards, their errata, the tour's tasks
    const cards = CONCEPTS.flatMap((c) => [
      ...Object.values(c.zh),
      ...Object.values(c.forDataset ?? {}).flatMap((d) => Object.values(d.zh)),
    ])
    const zh = [
      ...Object.entries(zhCN).map(([k, v]) => say(k, v)),
      ...cards,
      ...TOUR.flatMap((s) => (s.task ? [s.task.zh] : [])),
    ].join('\n')
    // and every Chinese line of the sources, so a branch the sample arguments miss is read too
    const here = (f: string) => readFileSync(join(__dirname, f), 'utf8')
    const catalogue = here('messages.ts')
    const source = [catalogue.slice(catalogue.indexOf('export const zhCN')), here('problemsZh.ts')]
      .concat(
        ['concepts.ts', 'conceptsTraining.ts', 'tour.ts', 'errata.ts', 'predict.ts'].map((f) => here(`../lesson/${f}`)),
      )
      .join('\n')
      .split('\n')
      .filter((line) => /[\u4e00-\u9fff]/.test(line))
      .join('\n')
    expect(Object.keys(AVOID).length).toBeGreaterThanOrEqual(14)
    for (const [term, bad] of Object.entries(AVOID) as [Term, RegExp][]) {
      const good = GLOSSARY[term].zh
      expect(around(zh, bad), `${term}: use “${good}”`).toBeUndefined()
      if (!/MLP/.test(bad.source)) expect(around(source, bad), `${term}: use “${good}”`).toBeUndefined()
      expect(zh, `${term}: “${good}” is used`).toContain(good)
    }
    // a head is 第 0 层第 1 头, never “第 0.1 头” (the 0.1th head)
    expect(zh).not.toMatch(/第 \d+\.\d+ 头/)
    expect(source).not.toMatch(/第 \$\{[\w.]*name\} 头/)
    expect(zhCN.viewAsTable('1.0')).toBe('以表格查看第 1 层第 0 头')
    expect(zhCN.fineTuneTitle).toContain('学习率降为原来的十分之一')
  })

  it('fails a second form: each pattern catches the drift it names', () => {
    const drifts: Partial<Record<Term, string>> = {
      greedy: '贪心搜索',
      beam: '离开了束',
      pair: '留出的样本对',
      uniform: '平均猜测',
      feedForward: '每个块的 MLP',
      sd: '离散程度',
      validationSet: '验证文本的一段',
      run: '这次运行',
      head: '头部得分',
      gibberish: '全是乱码',
    }
    for (const [term, text] of Object.entries(drifts) as [Term, string][]) expect(text, term).toMatch(AVOID[term]!)
    // and the verb stays: the page runs on a backend
    expect(zhCN.runningOn).not.toMatch(AVOID.run!)
    expect('已结束的候选序列，束宽 3 的束搜索').not.toMatch(AVOID.beam!)
  })

  it('names every preset, setting and built-in dataset in Chinese (a new one cannot fall back to English unnoticed)', () => {
    for (const p of PRESETS) {
      expect(zhCN.presetName(p.id, p.label), p.id).not.toBe(p.label)
      expect(zhCN.presetDescription(p.id, p.description), p.id).not.toBe(p.description)
    }
    for (const key of [
      'nLayer',
      'nHead',
      'nEmbd',
      'blockSize',
      'dropout',
      'batchSize',
      'maxIters',
      'learningRate',
      'warmupIters',
      'minLr',
      'weightDecay',
      'beta2',
      'gradClip',
      'evalInterval',
      'evalIters',
      'seed',
    ]) {
      expect(en.field(key), key).not.toBe(key)
      if (key !== 'dropout' && key !== 'beta2') expect(zhCN.field(key), key).toMatch(/[\u4e00-\u9fff]/)
      expect(zhCN.fieldHint(key), key).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('says the settings’ problems in Chinese: every problem validateConfig finds has a code the catalogue knows', () => {
    const base = getPreset('tiny')
    const bad = [
      validateConfig(
        { ...base.model, nLayer: 0.5, nHead: 3, nEmbd: 32, blockSize: 100000, dropout: 1 },
        { ...base.train, learningRate: 0, minLr: -1, weightDecay: 20, beta1: 1, gradClip: -1, batchSize: 0 },
      ),
      validateConfig(base.model, { ...base.train, minLr: 0.5, learningRate: 0.1 }, { trainTokens: 0 }),
      validateConfig(base.model, base.train, { trainTokens: 10, valTokens: 2 }),
      validateConfig({ ...base.model, vocabSize: 50 }, base.train, {
        limits: { maxTensorBytes: 16, maxTotalBytes: 1e12 },
      }),
      validateConfig({ ...base.model, vocabSize: 50 }, base.train, {
        limits: { maxTensorBytes: 1e12, maxTotalBytes: 16 },
      }),
    ].flat()
    expect(new Set(bad.map((p) => p.code)).size).toBeGreaterThanOrEqual(14)
    for (const p of bad) {
      expect(p.code, p.message).toBeDefined()
      const zh = zhCN.problem(p as Coded)
      expect(zh, `${p.code}: ${p.message}`).toMatch(/[\u4e00-\u9fff]/)
      expect(en.problem(p as Coded)).toBe('') // English: the problem's own words
    }
  })

  it('says every refusal of a model file in Chinese, with its names and numbers', () => {
    // the readers' codes are this table's rows (CheckpointError and SafetensorsError take no other)
    const codes = Object.keys(MODEL_FILE_PROBLEMS) as ModelFileProblemCode[]
    expect(codes.length).toBeGreaterThan(40)
    const params = {
      file: 'model.safetensors',
      name: 'transformer.ln_f.bias',
      bytes: 12345,
      claimed: 99999,
      available: 32,
      limit: 100,
      key: 'n_head',
      fields: 'foo',
      dtype: '"I64"',
      allowed: 'F32',
      shape: '4, 3',
      rank: 8,
      offsets: '["0",64]',
      begin: 0,
      end: 64,
      need: 48,
      have: 64,
      a: 'x',
      b: 'y',
      value: '"maybe"',
      detail: 'oops',
      tokens: 7,
      merges: 1,
      rows: 6,
      k: 3,
      merge: '[1]',
      i: 2,
      n: 5,
      expected: '8, 4',
      compiled: 1,
      layers: 2,
      width: 4,
      context: 8,
      vocab: 6,
      bias: 1,
    }
    for (const code of codes) {
      const zh = zhCN.problem({ code, params } as Coded)
      expect(zh, code).toMatch(/^“model\.safetensors”：.*[\u4e00-\u9fff]/)
      expect(en.problem({ code, params } as Coded), code).toBe('') // English: the error's own words
    }
    expect(zhCN.problem({ code: 'st-size', params })).toContain('需要 48 字节')
    expect(zhCN.problem({ code: 'st-hole', params })).toContain('12,345 字节')
    expect(zhCN.problem({ code: 'ck-shape', params })).toContain('2 层、宽 4、上下文 8、6 个词元')
    expect(zhCN.problem({ code: 'no-such-code', params } as never)).toBe('') // a newer worker's code
  })

  it('says in Chinese every coded problem the worker, the run and the page send (not only the settings’)', () => {
    // every code anything can send is a row of the table (Problem takes no other), so the table is the list
    const codes = Object.keys(PROBLEMS) as GeneralProblemCode[]
    expect(codes).toEqual(
      expect.arrayContaining([
        'run-gone',
        'no-checkpoint',
        'other-text',
        'storage-off',
        'export-vocab',
        'new-chars',
        'text-huge',
        'model-file-big',
      ]),
    )
    const params = {
      name: 'r',
      dataset: 'names',
      label: 'x.txt',
      n: 12345,
      got: 0,
      shown: '“Ω”',
      more: 0,
      size: '9 MB',
      limit: 100,
      detail: 'x',
      heldOut: 1,
      tokens: 3,
      T: 8,
      what: 'run',
      format: 2,
      reads: 1,
      v: 2,
    }
    for (const code of codes) expect(zhCN.problem({ code, params } as Coded), code).toMatch(/[\u4e00-\u9fff]/)
    expect(zhCN.problem({ code: 'other-text', params })).toContain('12,345 个字符')
  })

  it('says why a backend runs in Chinese from the report’s facts (English keeps the worker’s sentence)', () => {
    expect(zhCN.backendReason('auto', 'wasm', 'software', 'none')).toBe(
      '自动：WebGPU 只有软件适配器（不是 GPU），WebGL 2 不可用，所以用 WebAssembly（wasm）在 CPU 上训练——这是这里真正可用的最快后端',
    )
    expect(zhCN.backendReason('auto', 'webgpu', 'hardware', 'hardware')).toBe('自动：通过 WebGPU 使用 GPU')
    expect(zhCN.backendReason('webgpu', 'wasm', 'none', 'none')).toMatch(
      /^你选择了 webgpu，但它在这里不可用；WebGPU 不可用/,
    )
    expect(zhCN.backendReason('webgpu', 'webgpu', 'software', 'none')).toContain('软件模拟')
    expect(en.backendReason('auto', 'wasm', 'none', 'none')).toBe('')
  })

  it('says the engine’s unknown-character problem in Chinese, naming the characters', () => {
    expect(zhCN.problem({ code: 'unknown-chars', params: { field: 'probe', n: 2, shown: '“Ω” “é”', more: 0 } })).toBe(
      '探针文本中有模型从未见过的字符：“Ω” “é”。删掉它们，或者把它们加到训练文本中。',
    )
    expect(
      zhCN.problem({ code: 'unknown-chars', params: { field: 'prompt', n: 10, shown: '“a”', more: 2 } }),
    ).toContain('等另外 2 个')
  })
})
