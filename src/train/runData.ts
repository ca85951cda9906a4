// What a run trains on, checked and tokenized on the CPU before anything is allocated: the text as it is or
// (pair mode) its pairs written out, its 90/10 split (or training and held-out pairs), the problems with a text
// in words, and the rows a vocabulary grows by. Run.prepare and Run.prepareFrom are made of these.
import type { Problem } from '../shared/config'
import { mulberry32 } from '../util/random'
import { visibleChar } from '../text/text'
import type { TextTokenizer } from '../text/tokenizer'
import { splitTokens, type Split } from '../data/dataset'
import { pairSplit } from '../data/pairs'
import type { Pair } from '../text/pairs'
import type { RunText } from '../shared/runText'

/** Pair mode: the pairs trained on and those held out for evaluation. */
export type RunPairs = { train: Pair[]; heldOut: Pair[]; format: 'tsv' | 'jsonl' }

/** Tokens for training and validation: a 90/10 split of the text, or (pair mode) training and held-out pairs. */
export function splitData(
  data: RunText,
  tokenizer: TextTokenizer,
  blockSize: number,
  seed: number,
):
  | {
      split: Split
      counts: { trainTokens?: number; valTokens?: number }
      pairs?: RunPairs
    }
  | { problems: Problem[] } {
  if (!data.pairs) {
    const split = splitTokens(tokenizer.encode(data.text))
    return { split, counts: { trainTokens: split.train.length, valTokens: split.val.length } }
  }
  const p = pairSplit(data.pairs.list, (s) => tokenizer.encode(s), seed)
  const need = blockSize + 1
  for (const [name, stream, n] of [
    ['training', p.split.train, p.trainPairs.length],
    ['held-out', p.split.val, p.heldOut.length],
  ] as const) {
    if (stream.length < need) {
      return {
        problems: [
          {
            field: 'text',
            code: 'pairs-short',
            params: { n, heldOut: name === 'held-out' ? 1 : 0, tokens: stream.length, T: blockSize },
            message: `The ${n} ${name} pair${n === 1 ? ' holds' : 's hold'} ${stream.length} tokens, fewer than one window of the context (${blockSize}) + 1: add pairs or use a shorter context.`,
          },
        ],
      }
    }
  }
  return { split: p.split, counts: {}, pairs: { train: p.trainPairs, heldOut: p.heldOut, format: data.pairs.format } }
}

/** `rows` more rows of width `width` after `matrix`, drawn from N(0, 0.02) (GPT-2's embedding init), seeded. */
export function extendRows(matrix: Float32Array, width: number, rows: number, seed: number): Float32Array {
  const out = new Float32Array(matrix.length + rows * width)
  out.set(matrix)
  const rng = mulberry32(seed ^ 0x2545f491)
  for (let i = matrix.length; i < out.length; i++)
    out[i] = 0.02 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()) // Box–Muller
  return out
}

/** A text to train on has characters outside a trained model's vocabulary (and extending it was not asked for). */
export function newCharsProblem(refused: string[]): Problem {
  const shown = refused
    .slice(0, 12)
    .map((c) => `“${visibleChar(c)}”`)
    .join(' ')
  return {
    field: 'text',
    code: 'new-chars',
    params: { n: refused.length, shown, more: Math.max(0, refused.length - 12) },
    message: `The text has ${refused.length} character${refused.length === 1 ? '' : 's'} the model has never seen: ${shown}${refused.length > 12 ? ` and ${refused.length - 12} more` : ''}. Add ${refused.length === 1 ? 'it' : 'them'} to the vocabulary (new embedding rows, the existing ones kept), or use a text without ${refused.length === 1 ? 'it' : 'them'}.`,
  }
}

/** A prompt, probe or text to score has characters the tokenizer has no token for. */
export function unknownCharsProblem(unknown: string[], field: 'prompt' | 'probe' | 'score'): Problem {
  const shown = unknown.slice(0, 8).map((c) => `“${visibleChar(c)}”`)
  const more = unknown.length > 8 ? ` and ${unknown.length - 8} more` : ''
  const what = { prompt: 'The prompt', probe: 'The probe text', score: 'The text to score' }[field]
  return {
    field,
    code: 'unknown-chars',
    params: { field, n: unknown.length, shown: shown.join(' '), more: Math.max(0, unknown.length - 8) },
    message: `${what} has ${unknown.length === 1 ? 'a character' : 'characters'} the model has never seen: ${shown.join(' ')}${more}. Remove ${unknown.length === 1 ? 'it' : 'them'}, or add ${unknown.length === 1 ? 'it' : 'them'} to the training text.`,
  }
}
