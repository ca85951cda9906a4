// Long jobs on the text, beside the model: measuring a long text, and training a BPE tokenizer.
import type { TextStats } from '../../text/text'
import type { TokenizerSpec } from '../../text/tokenizer'

export type TextToWorker =
  /** Measure a long text (code points, distinct characters, split) in slices → text.progress …, text.stats */
  | { type: 'text.analyze'; requestId: string; text: string }
  | { type: 'text.cancel'; requestId: string }
  /** Train a byte-level BPE tokenizer on `text` → tokenizer.progress… → tokenizer.trained; tokenizer.cancel stops it. */
  | { type: 'tokenizer.train'; requestId: string; text: string; vocabSize: number }
  | { type: 'tokenizer.cancel'; requestId: string }

export type TextFromWorker =
  | { type: 'text.progress'; requestId: string; done: number; total: number }
  /** `cancelled`: stopped by text.cancel, no stats */
  | ({ type: 'text.stats'; requestId: string; cancelled: false } & TextStats)
  | { type: 'text.stats'; requestId: string; cancelled: true }
  | { type: 'tokenizer.progress'; requestId: string; merges: number; target: number }
  /** The trained tokenizer; `stoppedEarly` when the text ran out of pairs that occur twice before the target. */
  | {
      type: 'tokenizer.trained'
      requestId: string
      spec: TokenizerSpec
      ms: number
      stoppedEarly: boolean
      cancelled: boolean
      tokens: number
    }
