// The learner's answers to the concept cards' questions ("predict, then see", lesson/predict.ts), as the page
// keeps them in the browser: one per card id. Read back structurally checked; a card ignores an answer that
// does not fit its question. Kept apart from the questions so the store does not load the cards.

/** What the learner said: a number, one of the choices, or "show me without guessing". */
export type Answer = { kind: 'number'; value: number } | { kind: 'choice'; value: string } | { kind: 'skipped' }

export const PREDICTIONS_KEY = 'gpt-playground:predictions'

/** The answers kept in the browser, read back: anything malformed is dropped, never trusted. */
export function readAnswers(json: string | null): Record<string, Answer> {
  if (!json) return {}
  let o: unknown
  try {
    o = JSON.parse(json)
  } catch {
    return {}
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return {}
  const out: Record<string, Answer> = {}
  for (const [id, a] of Object.entries(o as Record<string, unknown>)) {
    if (typeof a !== 'object' || a === null) continue
    const { kind, value } = a as { kind?: unknown; value?: unknown }
    if (kind === 'skipped') out[id] = { kind }
    else if (kind === 'number' && typeof value === 'number' && Number.isFinite(value)) out[id] = { kind, value }
    else if (kind === 'choice' && typeof value === 'string' && value.length <= 40) out[id] = { kind, value }
  }
  return out
}
