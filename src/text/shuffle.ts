// A seeded shuffle of a line-structured text's items (names, poems, pairs), so that a 90/10 split by position
// draws its validation tenth from the whole text rather than from its end (the last tenth of an alphabetical list).
import { mulberry32, randInt } from '../util/random'

/** The seed of every built-in dataset's shuffle: the same text in the same order on every page load. */
export const DATASET_SHUFFLE_SEED = 1337

/** A new array of the same items in a seeded random order (Fisher–Yates with mulberry32). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice()
  const rng = mulberry32(seed)
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1)
    const tmp = out[i]
    out[i] = out[j]
    out[j] = tmp
  }
  return out
}

/**
 * The text's lines (no blank ones) in a seeded order, one a line, with a final newline when the text had one.
 * Each line is one item: a name, or a prompt⇥completion pair.
 */
export function shuffleLines(text: string, seed: number): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  return shuffled(lines, seed).join('\n') + (text.endsWith('\n') ? '\n' : '')
}
