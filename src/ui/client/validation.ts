// The page's check of the text and settings before anything is sent: the text read as the run reads it
// (shared/runText.ts), then the same validateConfig the worker runs, on the facts the page can know.
import { validateConfig, type Problem } from '../../shared/config'
import { readRunText, syntheticProblems } from '../../shared/runText'
import { PERIODIC_ALPHABET } from '../../text/periodic'
import type { AppState } from '../store'
import { currentPairs, currentTextStats } from './text'

/** Problems with the current text and settings, checked on the page before anything is sent. */
export function localProblems(
  s: Pick<AppState, 'text' | 'model' | 'train' | 'report' | 'pairMode' | 'tokenizerChoice' | 'bpe' | 'synthetic'>,
): Problem[] {
  const limits = s.report?.limits
  // generated batches: no text to check, the generator's alphabet is the vocabulary
  if (s.synthetic)
    return [
      ...syntheticProblems(s.model.blockSize),
      ...validateConfig({ ...s.model, vocabSize: PERIODIC_ALPHABET.length }, s.train, { limits }),
    ]
  if (s.tokenizerChoice === 'bpe') {
    if (!s.bpe)
      return [
        {
          field: 'text',
          code: 'bpe-first',
          message: 'Train the BPE tokenizer first (panel 1, Tokens), or choose characters',
        },
      ]
    // sequence lengths depend on the tokenizer: the worker checks the split; the sizes are checked here
    return validateConfig({ ...s.model, vocabSize: 256 + s.bpe.spec.merges.length }, s.train, { limits })
  }
  const data = s.pairMode ? currentPairs(s.text).run : readRunText(s.text)
  if ('problems' in data) return data.problems
  // characters: the vocabulary is the text's distinct characters, and a plain text's split is known here;
  // the held-out pairs' length is checked by the worker, which splits them
  const stats = currentTextStats(data.text)
  return validateConfig({ ...s.model, vocabSize: stats.vocabSize }, s.train, {
    ...(!data.pairs && { trainTokens: stats.trainTokens, valTokens: stats.valTokens }),
    limits,
  })
}
