// A repeated-sequence text: lines of random letters, each said twice ("qzkfmwpa qzkfmwpa"). The first half of
// a line cannot be predicted beyond letter frequencies; the second half could be copied by a model that finds
// where the current letter occurred before and predicts what followed it there — an induction head (Olsson et
// al. 2022). It is the repeated-sequence text of the induction spike (docs/induction-spike.md: at Baby GPT
// sizes and 2,000–5,000 steps no induction head formed on it, so the page offers it as no "demo"), and a text
// the tests use where only the first half of each line is unpredictable (the no-mask twin's loss collapse).
// Deterministic (mulberry32 from the seed): scripts/induction_spike.py ports the generator byte for byte.
import { mulberry32 } from '../util/random'

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
