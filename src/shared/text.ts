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
  const seen = new Set<string>()
  let chars = 0
  for (const c of text) {
    seen.add(c)
    chars++
  }
  const trainTokens = trainSplitIndex(chars)
  return { chars, vocabSize: seen.size, trainTokens, valTokens: chars - trainTokens }
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
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || c.trim() === '') return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  return c
}

/** A text with its white space and control characters made visible (visibleChar on each); spaces as `space`. */
export function visibleText(text: string, space = '␣'): string {
  let out = ''
  for (const c of text) out += c === ' ' ? space : visibleChar(c)
  return out
}
