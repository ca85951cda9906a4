// The text a run trains on, read the one way both sides need: the worker's Run.prepare builds the run from it,
// and the page checks the settings against it before anything is sent (ui/client/validation.ts).
import type { Problem } from './config'
import { pairText, parsePairs, type Pair } from '../text/pairs'
import { MAX_TEXT_CHARS } from '../text/text'
import { MIN_PERIODIC_CONTEXT } from '../text/periodic'

/** Why a generated run (the induction experiment's sequences) cannot have this context, in words; [] if it can. */
export function syntheticProblems(blockSize: number): Problem[] {
  if (!(Number.isInteger(blockSize) && blockSize < MIN_PERIODIC_CONTEXT)) return []
  return [
    {
      field: 'blockSize',
      code: 'periodic-context',
      params: { T: blockSize, min: MIN_PERIODIC_CONTEXT },
      message: `The generated sequences repeat a segment of 3 to ⌊T/2⌋ tokens: a context of ${blockSize} is too short for that; use at least ${MIN_PERIODIC_CONTEXT}.`,
    },
  ]
}

/** The text as the model sees it: as it is, or (pair mode) its pairs written out, with the pairs. */
export interface RunText {
  text: string
  pairs?: { list: Pair[]; format: 'tsv' | 'jsonl' }
}

/** The text a run trains on: as it is, or (pair mode) its pairs written out; or why it cannot be. */
export function readRunText(text: string, pairs?: boolean): RunText | { problems: Problem[] } {
  if (typeof text !== 'string') return { problems: [{ field: 'text', message: 'The training text is missing' }] }
  if (text.length > MAX_TEXT_CHARS)
    return {
      problems: [
        {
          field: 'text',
          code: 'text-huge',
          params: { n: text.length, limit: MAX_TEXT_CHARS },
          message: `The text has ${text.length.toLocaleString('en')} characters; the limit is ${MAX_TEXT_CHARS.toLocaleString('en')}. Use a shorter text.`,
        },
      ],
    }
  if (!pairs) return { text }
  const parsed = parsePairs(text)
  if ('problems' in parsed) return { problems: parsed.problems.map((message) => ({ field: 'text' as const, message })) }
  return { text: parsed.pairs.map(pairText).join(''), pairs: { list: parsed.pairs, format: parsed.format } }
}
