import { useState } from 'react'
import { visibleText } from '../../shared/text'
import type { SampleToken } from '../store'

/** White (p = 0) to green (p = 1), for a token's probability. */
export function probColour(p: number): string {
  const a = Math.max(0, Math.min(1, p))
  return `rgba(64, 170, 90, ${(0.08 + 0.6 * a).toFixed(3)})`
}

/**
 * Tokens coloured by their probability; a BPE token that holds only part of a character shows its bytes
 * (⟨e4⟩) until the character completes. hovering or focusing one (Tab reaches each) shows its probability, the
 * entropy of the model's distribution there and its top 5 alternatives, in `detail` below the text.
 */
export function TokenStrip({ tokens, prefix, running, testId }: { tokens: SampleToken[]; prefix?: string; running?: boolean; testId: string }) {
  const [focused, setFocused] = useState<number | undefined>(undefined)
  const detail = focused !== undefined ? tokens[focused] : undefined
  return (
    <>
      <pre className="sample" aria-label={testId === 'sample-output' ? 'Generated text' : 'Scored text'} data-testid={testId}>
        {prefix !== undefined && <span className="sample-prompt">{prefix}</span>}
        {tokens.map((tok, i) => (
          <span
            key={i}
            className="tok"
            tabIndex={0}
            style={{ background: probColour(tok.prob) }}
            aria-label={`${visibleText(tok.token)}: probability ${(tok.prob * 100).toFixed(1)}%`}
            onMouseEnter={() => setFocused(i)}
            onFocus={() => setFocused(i)}
          >
            {tok.text || <span className="partial">{tok.token}</span>}
          </span>
        ))}
        {running && <span className="cursor">▍</span>}
      </pre>
      <p className="small" data-testid={`${testId}-detail`} aria-live="polite">
        {detail ? (
          <>
            “{visibleText(detail.token)}” had probability {(detail.prob * 100).toFixed(1)}% · entropy {detail.entropy.toFixed(2)} nats · the model’s top 5:{' '}
            {detail.top.map((a) => `“${visibleText(a.text)}” ${(a.prob * 100).toFixed(1)}%`).join(', ')}
          </>
        ) : tokens.length ? (
          <span className="muted">Colour shows each token’s probability (white = unlikely, green = likely). Hover or focus a token to see what else the model considered.</span>
        ) : null}
      </p>
    </>
  )
}
