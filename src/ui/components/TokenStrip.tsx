import { useState } from 'react'
import { visibleText } from '../../text/text'
import type { SampleToken } from '../store'
import { TraceView } from './TraceView'
import { useT } from '../i18n'

/** White (p = 0) to green (p = 1), for a token's probability. */
export function probColour(p: number): string {
  const a = Math.max(0, Math.min(1, p))
  return `rgba(64, 170, 90, ${(0.08 + 0.6 * a).toFixed(3)})`
}

/**
 * Tokens coloured by their probability; a BPE token that holds only part of a character shows its bytes
 * (⟨e4⟩) until the character completes. Hovering or focusing one (Tab reaches each) previews its probability,
 * the entropy of the model's distribution there and its top 5 alternatives in `detail` below the text, and,
 * for a sampled generation, where every head looked to choose it (TraceView). A click, Enter or Space locks
 * that token (hovering others no longer changes the detail); Esc, or a second click, unlocks it.
 */
export function TokenStrip({
  tokens,
  prefix,
  running,
  testId,
  context,
  heads,
}: {
  tokens: SampleToken[]
  prefix?: string
  running?: boolean
  testId: string
  context?: string[]
  heads?: { nLayer: number; nHead: number }
}) {
  const t = useT()
  const [hovered, setHovered] = useState<number | undefined>(undefined)
  const [locked, setLocked] = useState<number | undefined>(undefined)
  const focused = locked ?? hovered
  const detail = focused !== undefined ? tokens[focused] : undefined
  const toggle = (i: number) => setLocked((l) => (l === i ? undefined : i))
  return (
    <>
      <pre
        className="sample"
        aria-label={testId === 'sample-output' ? t.generatedText : t.scoredText}
        data-testid={testId}
        onKeyDown={(e) => e.key === 'Escape' && setLocked(undefined)}
      >
        {prefix !== undefined && <span className="sample-prompt">{prefix}</span>}
        {tokens.map((tok, i) => (
          <span
            key={i}
            className={`tok${locked === i ? ' locked' : ''}`}
            tabIndex={0}
            role="button"
            aria-pressed={locked === i}
            style={{ background: probColour(tok.prob) }}
            aria-label={t.tokenAria(visibleText(tok.token), tok.prob)}
            onMouseEnter={() => setHovered(i)}
            onFocus={() => setHovered(i)}
            onClick={() => toggle(i)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault()
                toggle(i)
              }
            }}
          >
            {tok.text || <span className="partial">{tok.token}</span>}
          </span>
        ))}
        {running && <span className="cursor">▍</span>}
      </pre>
      <p className="small" data-testid={`${testId}-detail`} aria-live="polite">
        {detail ? (
          <>
            {locked !== undefined && <span className="muted">{t.lockedHint}</span>}
            {t.tokenDetail(
              visibleText(detail.token),
              detail.prob,
              detail.entropy,
              detail.top.map((a) => `“${visibleText(a.text)}” ${(a.prob * 100).toFixed(1)}%`).join(', '),
            )}
          </>
        ) : tokens.length ? (
          <span className="muted">{t.tokenStripHint(!!context)}</span>
        ) : null}
      </p>
      {detail?.attention && context && heads && focused !== undefined && (
        <TraceView
          attention={detail.attention}
          keys={[...context, ...tokens.map((tok) => tok.token)]}
          chosen={detail.token}
          heads={heads}
        />
      )}
    </>
  )
}
