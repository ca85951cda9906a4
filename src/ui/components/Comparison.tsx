import { useDeferredValue, useMemo } from 'react'
import { meteor, rougeL, sentenceBleu } from '../../analysis/metrics'
import { useT } from '../i18n'

/**
 * Character-level ROUGE-L and METEOR grow with n·m (measured in Node: 2,000 characters each way, 65 and
 * 170 ms): above this many cells they are skipped rather than hold the page.
 */
const MAX_PAIR_CELLS = 4_000_000

/**
 * BLEU-4 (add-one smoothed, so one short text still scores), ROUGE-L F1 and METEOR (exact matching, case
 * folded) of the generated text against a reference, over words (split on white space) — and over
 * characters, which suit a character-level model. The reference is deferred so typing stays responsive.
 */
export function Comparison({ generated, reference: typed }: { generated: string; reference: string }) {
  const t = useT()
  const reference = useDeferredValue(typed)
  const rows = useMemo(() => {
    const splits: [string, (x: string) => string[]][] = [
      [t.words, (x) => x.split(/\s+/).filter(Boolean)],
      [t.characters, (x) => [...x]],
    ]
    return splits.map(([name, split]) => {
      const hyp = split(generated)
      const ref = split(reference)
      if (!hyp.length || !ref.length) return { name, text: t.nothingToCompare }
      const bleu = sentenceBleu([ref], hyp, { smoothing: 'add-one' }).toFixed(3)
      if (hyp.length * ref.length > MAX_PAIR_CELLS) return { name, text: t.tooLong(bleu) }
      const m = meteor([ref], hyp)
      const meteorText = t.meteorDetail(m.score.toFixed(3), m.matches, m.chunks, m.exact)
      return { name, text: `BLEU-4 ${bleu} · ROUGE-L F ${rougeL(ref, hyp).f.toFixed(3)} · METEOR ${meteorText}` }
    })
  }, [generated, reference, t])
  return (
    <ul className="small" data-testid="comparison">
      {rows.map((r) => (
        <li key={r.name}>
          {r.name}
          {t.colon}
          {r.text}
        </li>
      ))}
    </ul>
  )
}
