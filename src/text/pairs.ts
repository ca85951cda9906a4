// Pair mode, for fine-tuning on a downstream task: the training text is a list of prompt → completion pairs,
// one per line — tab-separated ("prompt<TAB>completion"), or JSON lines ({"prompt": …, "completion": …}).
// Each pair is shown to the model as prompt + TAB + completion + newline, and the loss counts only the
// completion and its newline: the model learns to answer, not to write prompts. Plain TypeScript.

export interface Pair {
  prompt: string
  completion: string
}

export const PAIR_SEPARATOR = '\t'
export const PAIR_END = '\n'

export interface ParsedPairs {
  pairs: Pair[]
  format: 'tsv' | 'jsonl'
}

/** At most this many bad lines are listed in a message. */
const SHOWN_PROBLEMS = 5

/** The pairs of a text, or the problems with it (each naming its line). */
export function parsePairs(text: string): ParsedPairs | { problems: string[] } {
  const lines = text.split(/\r?\n/)
  const numbered = lines.map((line, i) => ({ line, n: i + 1 })).filter((l) => l.line.trim() !== '')
  if (!numbered.length)
    return {
      problems: [
        'There are no pairs: write one per line, “prompt<TAB>completion”, or a JSON object with "prompt" and "completion"',
      ],
    }
  const format = numbered[0].line.trimStart().startsWith('{') ? 'jsonl' : 'tsv'
  const pairs: Pair[] = []
  const problems: string[] = []
  for (const { line, n } of numbered) {
    let pair: Pair | string
    if (format === 'tsv') {
      const tab = line.indexOf(PAIR_SEPARATOR)
      pair =
        tab < 0
          ? `line ${n} has no tab between prompt and completion`
          : { prompt: line.slice(0, tab), completion: line.slice(tab + 1) }
    } else {
      try {
        const o = JSON.parse(line) as unknown
        const r = o as Record<string, unknown>
        pair =
          typeof o === 'object' && o !== null && typeof r.prompt === 'string' && typeof r.completion === 'string'
            ? { prompt: r.prompt, completion: r.completion }
            : `line ${n} is not an object with string "prompt" and "completion"`
      } catch {
        pair = `line ${n} is not valid JSON`
      }
    }
    if (typeof pair !== 'string') {
      if (pair.completion === '') pair = `line ${n} has an empty completion`
      else if (pair.prompt.includes(PAIR_SEPARATOR) || pair.prompt.includes(PAIR_END))
        pair = `line ${n}: the prompt holds a tab or a line break, which mark where a pair's parts end`
      else if (pair.completion.includes(PAIR_END))
        pair = `line ${n}: the completion holds a line break, which marks where a completion ends`
    }
    if (typeof pair === 'string') problems.push(pair)
    else pairs.push(pair)
  }
  if (problems.length) {
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : ''
    return {
      problems: [
        `${problems.length} line${problems.length === 1 ? '' : 's'} could not be read as pairs: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}`,
      ],
    }
  }
  if (pairs.length < 2)
    return { problems: ['Pair mode needs at least two pairs: one to train on and one held out to evaluate'] }
  return { pairs, format }
}

/** How a pair is written into the token stream. */
export function pairText(p: Pair): string {
  return p.prompt + PAIR_SEPARATOR + p.completion + PAIR_END
}

/** How many pairs are held out for evaluation: a tenth, at least one, and at least one left to train on. */
export function heldOutCount(n: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(n / 10)))
}
