import { useState } from 'react'
import { useStore } from '../store'
import { askAblation } from '../client'
import { diverging, inkOn } from '../colourMaps'
import { HeadGrid } from './HeadGrid'
import { useT } from '../i18n'
import { HeatmapKey } from './HeatmapKey'
import { Panel, type ViewProps } from './Panel'

/** The change in loss each head's removal makes, from an ablation result (layer-major). */
export function ablationDeltas(base: number, losses: ArrayLike<number>): number[] {
  return Array.from(losses, (l) => l - base)
}

/**
 * Head ablation (issue 20): each head switched off in turn on a fixed batch of validation text, the rise in loss
 * per head as a layer × head grid (orange: the model needs it; blue: better without it), zeroed or replaced by
 * its mean. Clicking a head switches it off for generation too, so the learner reads what the model writes
 * without it.
 */
export function AblationPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const ablation = useStore((s) => s.ablation)
  const offHeads = useStore((s) => s.offHeads)
  const scheme = useStore((s) => s.scheme)
  const step = useStore((s) => s.points.at(-1)?.step ?? 0)
  const [mode, setMode] = useState<'zero' | 'mean'>('zero')
  const [asked, setAsked] = useState<string | undefined>(undefined) // the mode measuring now
  const measure = (m: 'zero' | 'mean') => {
    setAsked(m)
    askAblation(m)
  }
  const current = ablation && run && ablation.nLayer === run.model.nLayer && ablation.nHead === run.model.nHead
  const waiting = asked !== undefined && (!current || ablation.mode !== asked || ablation.step < step)
  const deltas = current ? ablationDeltas(ablation.base, ablation.losses) : []
  const max = Math.max(1e-6, ...deltas.map(Math.abs))
  const isOff = (l: number, h: number) => offHeads.some(([a, b]) => a === l && b === h)
  return (
    <Panel {...panel} folded model={run} data={run}>
      {(run) => (
        <>
          <p className="muted small">{t.ablationIntro}</p>
          <fieldset className="controls">
            <legend className="small">{t.ablationMode}</legend>
            {(['zero', 'mean'] as const).map((m) => (
              <label key={m} className="small">
                <input
                  type="radio"
                  name="ablation-mode"
                  value={m}
                  checked={mode === m}
                  onChange={() => {
                    setMode(m)
                    if (current) measure(m)
                  }}
                />{' '}
                {m === 'zero' ? t.ablationZero : t.ablationMean}
              </label>
            ))}
          </fieldset>
          <button type="button" onClick={() => measure(mode)} disabled={waiting} data-testid="ablation-measure">
            {waiting ? t.ablationMeasuring : t.ablationMeasure}
          </button>
          {current && (
            <>
              <p className="small" data-testid="ablation-base">
                {t.ablationBase(ablation.base, ablation.B, ablation.T, ablation.step)}
              </p>
              {ablation.step < step && <p className="muted small">{t.ablationStale(ablation.step)}</p>}
              <HeadGrid
                nLayer={run.model.nLayer}
                nHead={run.model.nHead}
                className="ablation-grid"
                testId="ablation-grid"
                cell={(l, h) => {
                  const d = deltas[l * run.model.nHead + h]
                  // orange where removing the head hurts (the loss rises), blue where it helps
                  const bg = diverging(-d, max, scheme)
                  const off = isOff(l, h)
                  return (
                    <td key={h}>
                      <button
                        type="button"
                        className={off ? 'ablation-cell off' : 'ablation-cell'}
                        style={{ background: bg, color: inkOn(bg) }}
                        aria-pressed={off}
                        aria-label={t.ablationCell(l, h, d, off)}
                        title={t.ablationCell(l, h, d, off)}
                        data-testid={`ablation-cell-${l}-${h}`}
                        onClick={() => useStore.getState().toggleOffHead(l, h)}
                      >
                        {d >= 0 ? '+' : '−'}
                        {Math.abs(d).toFixed(3)}
                      </button>
                    </td>
                  )
                }}
              />
              <HeatmapKey low={`+${max.toFixed(3)}`} high={`−${max.toFixed(3)}`} label={t.ablationTitle} diverging />
              <p className="muted small">{t.ablationClickHint}</p>
            </>
          )}
          {offHeads.length > 0 && (
            <p className="small" data-testid="ablation-off">
              {t.ablationOffList(offHeads.map(([l, h]) => t.headLabel(l, h)).join(', '))}{' '}
              <button type="button" className="link" onClick={() => useStore.getState().clearOffHeads()}>
                {t.ablationAllOn}
              </button>
            </p>
          )}
        </>
      )}
    </Panel>
  )
}
