import { useMemo, useState } from 'react'
import { useStore, type PairRow } from '../store'
import { evaluatePairsNow } from '../client'
import { meteor, rougeL, sentenceBleu } from '../../analysis/metrics'
import { visibleText } from '../../text/text'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

type Unit = 'characters' | 'words'

interface Scored extends PairRow {
  exact: boolean
  bleu: number
  rouge: number
  meteor: number
}

function split(text: string, unit: Unit): string[] {
  return unit === 'characters' ? [...text] : text.split(/\s+/).filter(Boolean)
}

/** Exact match, BLEU-4 (add-one smoothed), ROUGE-L F and METEOR of one generation against its reference. */
export function scorePair(row: PairRow, unit: Unit): Scored {
  const hyp = split(row.generation, unit)
  const ref = split(row.reference, unit)
  const empty = !hyp.length || !ref.length
  return {
    ...row,
    exact: row.generation === row.reference,
    bleu: empty ? 0 : sentenceBleu([ref], hyp, { smoothing: 'add-one' }),
    rouge: empty ? 0 : rougeL(ref, hyp).f,
    meteor: empty ? 0 : meteor([ref], hyp, { caseFold: false }).score,
  }
}

/**
 * Pair mode's evaluation: every held-out prompt, the completion it should have, what the model wrote, and
 * the scores — after training ends, and whenever asked.
 */
export function PairsPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const pairEval = useStore((s) => s.pairEval)
  const [unit, setUnit] = useState<Unit>('characters')
  const scored = useMemo(() => (pairEval?.rows ?? []).map((r) => scorePair(r, unit)), [pairEval, unit])
  if (!run?.pairs) return null
  const mean = (f: (s: Scored) => number) => (scored.length ? scored.reduce((a, s) => a + f(s), 0) / scored.length : 0)
  const running = pairEval && !pairEval.done
  return (
    <Panel {...panel}>
      <p className="muted small">{t.pairsIntro(run.pairs.heldOut, run.pairs.train + run.pairs.heldOut)}</p>
      <div className="controls">
        <button type="button" onClick={evaluatePairsNow} disabled={Boolean(running)}>
          {t.evaluateNow}
        </button>
        <label htmlFor="pair-unit">{t.scoreOver}</label>
        <select id="pair-unit" value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
          <option value="characters">{t.unitName('characters')}</option>
          <option value="words">{t.unitName('words')}</option>
        </select>
        <span className="muted small" aria-live="polite">
          {running
            ? t.pairsEvaluating(pairEval.rows.length, pairEval.total)
            : pairEval
              ? t.pairsModelAt(pairEval.step)
              : t.pairsWhen}
        </span>
      </div>
      {scored.length > 0 && (
        <>
          <p className="stats" data-testid="pair-scores">
            {t.exactMatch} <b>{(100 * mean((s) => Number(s.exact))).toFixed(1)}%</b> · BLEU-4{' '}
            <b>{mean((s) => s.bleu).toFixed(3)}</b> · ROUGE-L F <b>{mean((s) => s.rouge).toFixed(3)}</b> · METEOR{' '}
            <b>{mean((s) => s.meteor).toFixed(3)}</b>{' '}
            <span className="muted small">{t.pairMeans(scored.length, t.unitName(unit))}</span>
          </p>
          <div className="table-scroll">
            <table className="results" aria-label={t.pairsTable}>
              <thead>
                <tr>
                  <th>{t.promptColumn}</th>
                  <th>{t.referenceColumn}</th>
                  <th>{t.generatedColumn}</th>
                  <th title={t.exactMatch}>EM</th>
                  <th>BLEU-4</th>
                  <th>ROUGE-L</th>
                  <th>METEOR</th>
                </tr>
              </thead>
              <tbody>
                {scored.map((s) => (
                  <tr key={s.index}>
                    <td className="mono">{visibleText(s.prompt, ' ')}</td>
                    <td className="mono">{visibleText(s.reference, ' ')}</td>
                    <td className="mono">{visibleText(s.generation, ' ')}</td>
                    <td>{s.exact ? '✓' : '✗'}</td>
                    <td className="num">{s.bleu.toFixed(2)}</td>
                    <td className="num">{s.rouge.toFixed(2)}</td>
                    <td className="num">{s.meteor.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  )
}
