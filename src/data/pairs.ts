// Pair mode's token streams: the pairs shuffled with the run's seed, a tenth held out (at least one), and each
// split written as prompt + TAB + completion + newline with a mask that marks the completion and its newline —
// the only targets the loss counts.
import { heldOutCount, pairText, PAIR_SEPARATOR, type Pair } from '../text/pairs'
import { mulberry32 } from '../util/random'
import type { Split } from './dataset'

export interface PairData {
  split: Split
  trainPairs: Pair[]
  heldOut: Pair[]
}

/** The text every pair is written as: its characters are the vocabulary. */
export function pairsText(pairs: readonly Pair[]): string {
  return pairs.map(pairText).join('')
}

/** A stream of pairs and its mask, given an encoder. */
export function pairStream(
  pairs: readonly Pair[],
  encode: (s: string) => Int32Array,
): { tokens: Int32Array; mask: Uint8Array } {
  const parts = pairs.map((p) => ({ prompt: encode(p.prompt + PAIR_SEPARATOR), answer: encode(p.completion + '\n') }))
  const length = parts.reduce((n, p) => n + p.prompt.length + p.answer.length, 0)
  const tokens = new Int32Array(length)
  const mask = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    tokens.set(p.prompt, at)
    at += p.prompt.length
    tokens.set(p.answer, at)
    mask.fill(1, at, at + p.answer.length)
    at += p.answer.length
  }
  return { tokens, mask }
}

/** Shuffles the pairs with `seed` (Fisher–Yates), holds out the last tenth, and builds both streams. */
export function pairSplit(pairs: readonly Pair[], encode: (s: string) => Int32Array, seed: number): PairData {
  const order = pairs.map((_, i) => i)
  const rng = mulberry32(seed ^ 0x6a09e667)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const k = heldOutCount(pairs.length)
  const trainPairs = order.slice(0, order.length - k).map((i) => pairs[i])
  const heldOut = order.slice(order.length - k).map((i) => pairs[i])
  const train = pairStream(trainPairs, encode)
  const val = pairStream(heldOut, encode)
  return {
    split: { train: train.tokens, val: val.tokens, trainMask: train.mask, valMask: val.mask },
    trainPairs,
    heldOut,
  }
}
