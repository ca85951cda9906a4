// The built-in downstream tasks of pair mode, made from a list of names by rule (no data of their own, no
// network): each line "prompt<TAB>completion". A name's last letter is the one a small model learns in a minute
// (the letter it writes sits right before the tab); its last two or three letters are harder (a fixed offset
// further back), copying it with its first letter capitalised needs an induction head (the offset grows with the
// name), and reversing it a mirrored offset: measured in docs/pair-tasks.md. Plain TypeScript, deterministic.
import { PAIR_SEPARATOR } from './pairs'

/** The non-empty lines of a text of names, trimmed. */
export function nameLines(text: string): string[] {
  return text
    .split('\n')
    .map((n) => n.trim())
    .filter((n) => n !== '')
}

/** Each name and the name spelled backwards ("Abbey" → "yebbA"). */
export function reversedNamePairs(names: readonly string[]): string {
  return names.map((n) => `${n}${PAIR_SEPARATOR}${[...n].reverse().join('')}`).join('\n')
}

/** How many letters the built-in task's ending holds: the last letter. */
export const ENDING_LENGTH = 1

/** Each name longer than `length` letters and its last `length` letters ("Abbey" → "y"; with 3, "bey"). */
export function nameEndingPairs(names: readonly string[], length = ENDING_LENGTH): string {
  return names
    .filter((n) => [...n].length > length)
    .map((n) => `${n}${PAIR_SEPARATOR}${[...n].slice(-length).join('')}`)
    .join('\n')
}

/** Each name in lower case and the name as written ("abbey" → "Abbey"): copy it, with its first letter upper case. */
export function capitalisedNamePairs(names: readonly string[]): string {
  return names.map((n) => `${n.toLowerCase()}${PAIR_SEPARATOR}${n}`).join('\n')
}
