import { useState } from 'react'
import { useStore } from '../store'
import { ofModel } from '../store/views'
import { askAblation } from '../client'
import { diverging, inkOn } from '../colourMaps'
import { HeadGrid } from './HeadGrid'
import { useT } from '../i18n'
import { HeatmapKey } from './HeatmapKey'
import { Panel, type ViewProps } from './Panel'

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
  // the measurement asked for: its mode and the model's step then (training goes on while the worker measures)
  const [asked, setAsked] = useState<{ mode: 'zero' | 'mean'; step: number } | undefined>(undefined)
  const measure = (m: 'zero' | 'mean') => {
    setAsked({ mode: m, step })
    askAblation(m)
  }
  const current = ofModel(ablation, run)
  const waiting = asked !== undefined && !(current && current.mode === asked.mode && current.step >= asked.step)
  const deltas = current ? Array.from(current.losses, (l) => l - current.base) : [] // the rise in loss, layer-major
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
                {t.ablationBase(current.base, current.B, current.T, current.step)}
              </p>
              {current.step < step && <p className="muted small">{t.ablationStale(current.step)}</p>}
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
