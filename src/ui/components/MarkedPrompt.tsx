import { visibleChar } from '../../text/text'
import { useT } from '../i18n'

/** How many characters of a prompt with unknown characters are shown, marked, around the first unknown one. */
const MARKED_WINDOW = 160

/** The prompt again, with each character the model has never seen marked where it stands. */
export function MarkedPrompt({ prompt, unknown }: { prompt: string; unknown: string[] }) {
  const t = useT()
  const chars = [...prompt]
  const bad = new Set(unknown)
  const first = chars.findIndex((c) => bad.has(c))
  const start = Math.max(0, Math.min(first - MARKED_WINDOW / 4, chars.length - MARKED_WINDOW))
  const shown = chars.slice(start, start + MARKED_WINDOW)
  return (
    <p className="small marked-prompt" data-testid="prompt-unknown" aria-label={t.markedPrompt}>
      {start > 0 && '…'}
      {shown.map((c, i) =>
        bad.has(c) ? (
          <mark key={i} title={t.notInVocab}>
            {visibleChar(c)}
          </mark>
        ) : c === '\n' ? (
          '⏎'
        ) : (
          c
        ),
      )}
      {start + MARKED_WINDOW < chars.length && '…'}
    </p>
  )
}
