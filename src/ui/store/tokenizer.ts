// Which tokenizer a new run uses, and the byte-level BPE tokenizer: its size, its training in the worker
// (progress, cancel) and the one trained, with the text version it was trained on.
import type { StateCreator } from 'zustand'
import { BPE_VOCAB } from '../../text/tokenizer'
import type { Problem } from '../../shared/config'
import type { FromWorker } from '../../shared/protocol'
import type { AppState } from '.'

export interface TrainedBpe {
  spec: { kind: 'bpe'; merges: [number, number][] }
  textVersion: number
  ms: number
  stoppedEarly: boolean
  tokens: number
  chars: number
  id: number
}

export interface TokenizerSlice {
  tokenizerChoice: 'char' | 'bpe'
  bpeVocabSize: number
  /** The trained BPE tokenizer: on which text version, how long it took, how many tokens that text became. */
  bpe?: TrainedBpe
  bpeTraining?: { requestId: string; merges: number; target: number }
  bpeProblems: Problem[]
  setTokenizerChoice(choice: 'char' | 'bpe'): void
  setBpeVocabSize(size: number): void
  bpeStarted(requestId: string, target: number): void
  bpeProgress(msg: Extract<FromWorker, { type: 'tokenizer.progress' }>): void
  /** The worker's answer (cancelled: nothing trained), for the text version and length it was asked on. */
  bpeTrained(
    msg: Extract<FromWorker, { type: 'tokenizer.trained' }>,
    from: { textVersion: number; chars: number },
  ): void
  /** Refused, or the engine stopped: no tokenizer, and why. */
  bpeRefused(problems: Problem[]): void
}

let trainedCount = 0

export const tokenizerSlice: StateCreator<AppState, [], [], TokenizerSlice> = (set) => ({
  tokenizerChoice: 'char',
  bpeVocabSize: BPE_VOCAB.default,
  bpeProblems: [],
  setTokenizerChoice: (tokenizerChoice) => set({ tokenizerChoice }),
  setBpeVocabSize: (bpeVocabSize) => set({ bpeVocabSize }),
  bpeStarted: (requestId, target) => set({ bpeTraining: { requestId, merges: 0, target }, bpeProblems: [] }),
  bpeProgress: (msg) => set({ bpeTraining: { requestId: msg.requestId, merges: msg.merges, target: msg.target } }),
  bpeTrained: (msg, from) => {
    if (msg.cancelled || msg.spec.kind !== 'bpe') return set({ bpeTraining: undefined })
    set({
      bpeTraining: undefined,
      bpeProblems: [],
      bpe: {
        spec: { kind: 'bpe', merges: msg.spec.merges.map(([a, b]) => [a, b]) },
        textVersion: from.textVersion,
        ms: msg.ms,
        stoppedEarly: msg.stoppedEarly,
        tokens: msg.tokens,
        chars: from.chars,
        id: ++trainedCount,
      },
    })
  },
  bpeRefused: (bpeProblems) => set({ bpeTraining: undefined, bpeProblems }),
})

/** Which tokenizer a new run would use: characters, or one trained BPE (a new training is a new tokenizer). */
export function tokenizerKey(s: Pick<AppState, 'tokenizerChoice' | 'bpe'>): string {
  return s.tokenizerChoice === 'bpe' ? `bpe-${s.bpe?.id ?? 'none'}` : 'char'
}
