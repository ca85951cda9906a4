import { useMemo } from 'react'
import { MIN_PERIODIC_CONTEXT, periodicExamples, PERIODIC_ALPHABET, TRAINING_MIX } from '../../text/periodic'
import { useT } from '../i18n'
import { useStore } from '../store'

const EXAMPLES = 6
/** The examples are written at the context being trained, up to this many symbols (a row must fit the column). */
const SHOWN_T = 32

/**
 * The induction experiment's data, shown instead of a text box: a few of the generated sequences, each written in
 * its parts — the random prefix (muted), then the segment and its repeats in alternating shades, with the period
 * beside it — so the learner sees what "the token one period back" means before training starts.
 */
export function GeneratedData() {
  const t = useT()
  const blockSize = useStore((s) => s.model.blockSize)
  const T = Number.isInteger(blockSize) && blockSize >= MIN_PERIODIC_CONTEXT ? Math.min(blockSize, SHOWN_T) : SHOWN_T
  const examples = useMemo(() => periodicExamples(7, EXAMPLES, T), [T])
  return (
    <div className="generated" data-testid="generated-data">
      <p className="small">
        {t.generatedIntro(
          TRAINING_MIX.minPeriod,
          Math.floor((Number.isInteger(blockSize) ? blockSize : SHOWN_T) / 2),
          Math.round(TRAINING_MIX.short * 100),
        )}
      </p>
      <ol className="generated-rows" aria-label={t.generatedExamples}>
        {examples.map((e, k) => {
          const chars = [...e.text]
          const parts: { text: string; kind: 'prefix' | 'a' | 'b' }[] = [
            { text: chars.slice(0, e.prefix).join(''), kind: 'prefix' },
          ]
          for (let at = e.prefix, n = 0; at < chars.length; at += e.period, n++)
            parts.push({ text: chars.slice(at, at + e.period).join(''), kind: n % 2 ? 'b' : 'a' })
          return (
            <li key={k}>
              <code>
                {parts
                  .filter((p) => p.text)
                  .map((p, i) => (
                    <span key={i} className={`gen-${p.kind}`}>
                      {p.text}
                    </span>
                  ))}
              </code>
              <span className="muted small">{t.generatedPeriod(e.period)}</span>
            </li>
          )
        })}
      </ol>
      <p id="text-stats" className="stats" data-testid="text-stats">
        {t.generatedStats(PERIODIC_ALPHABET.length)}
      </p>
    </div>
  )
}
