// The "Induction demo" text: lines of random letters, each said twice ("qzkfmwpa qzkfmwpa"). The first half of
// a line cannot be predicted beyond letter frequencies; the second half can be copied exactly by a model that
// finds where the current letter occurred before and predicts what followed it there: an induction head
// (Olsson et al. 2022), built from a previous-token head in an earlier layer. The loss on this text falls in
// two stages, and the second stage is the head forming: a phase change the head timeline can show.
// Deterministic (mulberry32 from the seed), so the same seed gives the same text in the page, in tests and in
// scripts/induction_spike.py (which ports the generator).
import { mulberry32 } from './random'

export const REPEAT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz'
export const REPEAT_MIN = 8
export const REPEAT_MAX = 24

/** `lines` lines "r r\n", r of REPEAT_MIN…REPEAT_MAX letters drawn uniformly from REPEAT_ALPHABET. */
export function repeatedSequences(lines = 20_000, seed = 1): string {
  const rng = mulberry32(seed)
  const out: string[] = []
  for (let n = 0; n < lines; n++) {
    const len = REPEAT_MIN + Math.floor(rng() * (REPEAT_MAX - REPEAT_MIN + 1))
    let r = ''
    for (let i = 0; i < len; i++) r += REPEAT_ALPHABET[Math.floor(rng() * REPEAT_ALPHABET.length)]
    out.push(`${r} ${r}\n`)
  }
  return out.join('')
}
