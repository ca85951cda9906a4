// Every problem the user can be told about has a code, and the parameters its words need: the worker and the
// page say it in English (`message`), and the page's other language says it from the code and the parameters
// (src/ui/i18n/messages.ts). The tables below are the list: a code that is not in them does not compile, and
// neither does a catalogue that cannot say one of them.
import type { ModelSettings, TrainConfig } from './config'

/** Problems with the settings, the text, a request or the run store: each code and the parameters it carries. */
export const PROBLEMS = {
  int: ['field', 'got'],
  min: ['field', 'got', 'min'],
  max: ['field', 'got', 'max'],
  'heads-divide': ['C', 'H'],
  dropout: ['got'],
  lr: ['got', 'max'],
  'min-lr': ['got'],
  'min-lr-above': ['lr', 'min'],
  'weight-decay': ['got'],
  beta: ['field', 'got'],
  'grad-clip': ['got'],
  'text-empty': [],
  'text-short': ['T', 'need', 'needTotal', 'total'],
  'tensor-too-large': ['limit', 'need'],
  'too-large': ['limit', 'need'],
  'link-newer': ['reads', 'v'],
  'link-version': ['v'],
  'stored-newer': ['format', 'reads', 'what'],
  'stored-damaged': ['detail', 'what'],
  'engine-stopped': [],
  'retune-training': [],
  'estimate-busy': [],
  'storage-off': [],
  'run-gone': [],
  'no-checkpoint': ['name'],
  'other-text': ['dataset', 'label', 'n', 'name'],
  'no-model': [],
  'export-no-mask': [],
  'export-vocab': ['n'],
  'score-short': [],
  'not-pairs': [],
  'watch-every': ['got'],
  'bpe-first': [],
  'import-while-training': [],
  'model-file-big': ['limit', 'name', 'size'],
  'file-unreadable': ['detail', 'name'],
  'text-huge': ['limit', 'n'],
  'pairs-short': ['T', 'heldOut', 'n', 'tokens'],
  'periodic-context': ['T', 'min'],
  'new-chars': ['more', 'n', 'shown'],
  'unknown-chars': ['field', 'more', 'n', 'shown'],
} as const satisfies Record<string, readonly string[]>

/** Why a model file (safetensors, nanoGPT's layout) was refused: its reader's and its checkpoint's codes. */
export const MODEL_FILE_PROBLEMS = {
  'st-short': ['bytes'],
  'st-header-huge': ['claimed', 'limit'],
  'st-header-truncated': ['available', 'claimed'],
  'st-header-empty': [],
  'st-header-utf8': [],
  'st-header-json': ['detail'],
  'st-header-object': [],
  'st-meta-object': [],
  'st-meta-string': ['key'],
  'st-tensor-object': ['name'],
  'st-tensor-fields': ['fields', 'name'],
  'st-dtype': ['allowed', 'dtype', 'name'],
  'st-shape': ['name', 'rank', 'shape'],
  'st-offsets': ['name', 'offsets'],
  'st-range': ['begin', 'bytes', 'end', 'name'],
  'st-elements': ['name', 'shape'],
  'st-size': ['dtype', 'have', 'name', 'need', 'shape'],
  'st-overlap': ['a', 'b'],
  'st-hole': ['bytes', 'name'],
  'st-tail': ['bytes'],
  'st-no-tensor': ['name'],
  'ck-whole': ['key', 'value'],
  'ck-no-tokenizer': [],
  'ck-tokenizer-json': [],
  'ck-bpe-size': ['merges', 'rows', 'tokens'],
  'ck-bpe-merge': ['k', 'merge'],
  'ck-tokenizer-kind': [],
  'ck-tokenizer-size': ['rows', 'tokens'],
  'ck-token-char': ['i', 'value'],
  'ck-token-twice': ['value'],
  'ck-layout': [],
  'ck-no-heads': [],
  'ck-pos': ['value'],
  'ck-causal': ['value'],
  'ck-flag': ['key', 'value'],
  'ck-config': ['detail'],
  'ck-vocab-huge': ['n'],
  'ck-wpe-shape': ['expected', 'shape'],
  'ck-mask-shape': ['expected', 'name', 'shape'],
  'ck-extra': ['compiled', 'name'],
  'ck-missing': ['bias', 'context', 'layers', 'name', 'vocab', 'width'],
  'ck-shape': ['bias', 'context', 'expected', 'layers', 'name', 'shape', 'vocab', 'width'],
  'ck-nan': ['name'],
  'ck-head-shape': ['shape'],
  'ck-untied': [],
} as const satisfies Record<string, readonly string[]>

export type GeneralProblemCode = keyof typeof PROBLEMS
export type ModelFileProblemCode = keyof typeof MODEL_FILE_PROBLEMS
export type ProblemCode = GeneralProblemCode | ModelFileProblemCode

type Value = string | number
type Names<C extends ProblemCode> = C extends GeneralProblemCode
  ? (typeof PROBLEMS)[C][number]
  : C extends ModelFileProblemCode
    ? (typeof MODEL_FILE_PROBLEMS)[C][number]
    : never
/** The parameters a code's words need (more may come along: a model file's problems carry the file's name). */
export type ProblemParams<C extends ProblemCode> = Record<Names<C>, Value> & Record<string, Value>

/** A code and its parameters, one of the tables' rows (a code whose words need none may come without). */
export type Coded<C extends ProblemCode = ProblemCode> = {
  [K in C]: [Names<K>] extends [never] ? { code: K; params?: ProblemParams<K> } : { code: K; params: ProblemParams<K> }
}[C]

/** A problem the user can fix: where it is (`field`), in English, and (when it has one) its code and parameters. */
export type Problem = { field: ProblemField; message: string } & (Coded | { code?: undefined; params?: undefined })

export type ProblemField =
  | keyof ModelSettings
  | keyof TrainConfig
  | 'text'
  | 'model'
  | 'prompt'
  | 'probe'
  | 'sample'
  | 'score'
  | 'ablation'
  | 'patching'
  | 'file'
  | 'stored'

export const isModelFileCode = (code: string): code is ModelFileProblemCode => Object.hasOwn(MODEL_FILE_PROBLEMS, code)
