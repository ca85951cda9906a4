// Facts about a training text that both sides need: the page shows them before any model exists, and the
// worker's tokenizer and split agree with them. Characters are code points (Array.from), never UTF-16 units.

export const TRAIN_FRACTION = 0.9

/** Index where the validation part starts: the first 90% of the tokens train, the rest validates (nanoGPT's prepare.py). */
export function trainSplitIndex(tokens: number): number {
  return Math.floor(tokens * TRAIN_FRACTION)
}

export interface TextStats {
  chars: number // code points = tokens for the character tokenizer
  vocabSize: number // distinct code points
  trainTokens: number
  valTokens: number
}

export function textStats(text: string): TextStats {
  const counter = new TextStatsCounter()
  counter.add(text)
  return counter.finish()
}

/** textStats over a text given in pieces (the worker measures a long text in slices, with progress and cancel). */
export class TextStatsCounter {
  private readonly seen = new Set<string>()
  private chars = 0
  add(piece: string): void {
    for (const c of piece) {
      this.seen.add(c)
      this.chars++
    }
  }
  finish(): TextStats {
    const trainTokens = trainSplitIndex(this.chars)
    return { chars: this.chars, vocabSize: this.seen.size, trainTokens, valTokens: this.chars - trainTokens }
  }
}

/** The longest text a run trains on, in UTF-16 units (50 Mi). A longer paste or file is offered cut to this. */
export const MAX_TEXT_CHARS = 50 * 2 ** 20

/** Texts longer than this are measured in the worker, with progress and cancel, before the page takes them. */
export const LARGE_TEXT_CHARS = 1_000_000

/** Where to cut `text` at about `n` UTF-16 units without splitting a surrogate pair: n, or n − 1. */
export function cutAt(text: string, n: number): number {
  if (n >= text.length) return text.length
  const code = text.charCodeAt(n - 1)
  return code >= 0xd800 && code <= 0xdbff ? n - 1 : n
}

/** Distinct characters of `text` missing from `vocab`, in order of first appearance. */
export function unknownChars(text: string, vocab: Iterable<string>): string[] {
  const known = new Set(vocab)
  const out = new Set<string>()
  for (const c of text) if (!known.has(c)) out.add(c)
  return [...out]
}

/** How a character is shown in messages and labels: visible stand-ins for whitespace and control characters. */
export function visibleChar(c: string): string {
  if (c === '\n') return '⏎'
  if (c === '\t') return '⇥'
  if (c === ' ') return '␣'
  const cp = c.codePointAt(0)!
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || c.trim() === '')
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  return c
}

/** A text with its white space and control characters made visible (visibleChar on each); spaces as `space`. */
export function visibleText(text: string, space = '␣'): string {
  let out = ''
  for (const c of text) out += c === ' ' ? space : visibleChar(c)
  return out
}
