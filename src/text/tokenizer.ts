// The two tokenizers behind one interface: characters (code points; the default for small texts) and
// byte-level BPE (trained on the text; shorter sequences, a larger vocabulary). A run keeps its tokenizer as a
// spec — the character list, or the merges — which is what files, stored runs and messages carry.
import { BpeTokenizer, type Merge } from './bpe'
import { CharTokenizer } from './charTokenizer'

export type TokenizerSpec = { kind: 'char'; vocab: string[] } | { kind: 'bpe'; merges: Merge[] }

export interface TextTokenizer {
  readonly kind: 'char' | 'bpe'
  /** How each token shows on its own (BPE: its text, or ⟨hex⟩ bytes where it holds part of a character). */
  readonly vocab: readonly string[]
  readonly size: number
  encode(text: string): Int32Array
  decode(ids: ArrayLike<number>): string
  /** The distinct characters of `text` that have no token (BPE: none, every byte has one). */
  unknown(text: string): string[]
  /** Text as tokens arrive, one token at a time (BPE waits for the rest of a character's bytes). */
  streamDecoder(): (id: number) => string
  spec(): TokenizerSpec
}

/** BPE behind the common interface. */
class Bpe implements TextTokenizer {
  readonly kind = 'bpe' as const
  private readonly bpe: BpeTokenizer
  private shown?: string[]
  constructor(merges: readonly Merge[]) {
    this.bpe = new BpeTokenizer(merges)
  }
  get vocab(): readonly string[] {
    this.shown ??= Array.from({ length: this.bpe.size }, (_, i) => this.bpe.display(i))
    return this.shown
  }
  get size(): number {
    return this.bpe.size
  }
  encode(text: string): Int32Array {
    return this.bpe.encode(text)
  }
  decode(ids: ArrayLike<number>): string {
    return this.bpe.decode(ids)
  }
  unknown(): string[] {
    return []
  }
  streamDecoder(): (id: number) => string {
    return this.bpe.streamDecoder()
  }
  spec(): TokenizerSpec {
    return { kind: 'bpe', merges: this.bpe.merges.map(([a, b]) => [a, b] as const) }
  }
}

export function makeTokenizer(spec: TokenizerSpec): TextTokenizer {
  return spec.kind === 'char' ? CharTokenizer.fromVocab(spec.vocab) : new Bpe(spec.merges)
}

/** The limits of the BPE vocabulary-size setting. */
export const BPE_VOCAB = { min: 257, max: 16384, default: 1024 } as const
