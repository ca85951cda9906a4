// Character-level tokenizer over Unicode code points: every distinct code point of the text is one token.
// An emoji or a CJK character is one token; a combining mark is its own token; decode(encode(s)) === s.
// Never `split('')`, which cuts astral characters (emoji) into UTF-16 halves.
import { unknownChars } from './text'
import type { TextTokenizer } from './tokenizer'

export class CharTokenizer implements TextTokenizer {
  readonly kind = 'char' as const
  readonly vocab: readonly string[]
  private readonly ids: Map<string, number>

  private constructor(vocab: string[]) {
    this.vocab = vocab
    this.ids = new Map(vocab.map((c, i) => [c, i]))
  }

  /** The vocabulary of a text: its distinct code points, sorted by code point (as nanoGPT's sorted(set(data))). */
  static fromText(text: string): CharTokenizer {
    const set = new Set<string>()
    for (const c of text) set.add(c)
    const vocab = [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
    return new CharTokenizer(vocab)
  }

  static fromVocab(vocab: readonly string[]): CharTokenizer {
    return new CharTokenizer([...vocab])
  }

  encode(text: string): Int32Array {
    const out = new Int32Array(text.length) // ≥ the number of code points
    let n = 0
    for (const c of text) {
      const id = this.ids.get(c)
      if (id === undefined)
        throw new Error(
          `character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary`,
        )
      out[n++] = id
    }
    return out.slice(0, n)
  }

  decode(ids: ArrayLike<number>): string {
    let s = ''
    for (let i = 0; i < ids.length; i++) {
      const c = this.vocab[ids[i]]
      if (c === undefined) throw new Error(`token id ${ids[i]} is outside the vocabulary of ${this.vocab.length}`)
      s += c
    }
    return s
  }

  unknown(text: string): string[] {
    return unknownChars(text, this.ids.keys())
  }

  get size(): number {
    return this.vocab.length
  }

  streamDecoder(): (id: number) => string {
    return (id) => this.decode([id])
  }

  spec(): { kind: 'char'; vocab: string[] } {
    return { kind: 'char', vocab: [...this.vocab] }
  }
}
