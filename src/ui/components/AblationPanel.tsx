import { useState } from 'react'
import { bestInductionHead, scoresOf } from './atlasSnapshots'
import { useStore } from '../store'
import { ofModel, type AblationView } from '../store/views'
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
  const snapshot = useStore((s) => s.atlasSnapshots.at(-1))
  const [mode, setMode] = useState<'zero' | 'mean'>('zero')
  // the measurement asked for: its mode and the model's step then (training goes on while the worker measures)
  const [asked, setAsked] = useState<{ mode: 'zero' | 'mean'; step: number } | undefined>(undefined)
  // the induction head whose score is also measured: chosen, or (until the learner chooses) the best one of layer ≥ 1
  const [chosenTarget, setChosenTarget] = useState<string | undefined>(undefined)
  const induction = (k: number) => (snapshot?.period && run ? scoresOf(snapshot, k).induction : undefined)
  const best = snapshot && bestInductionHead(snapshot)
  const targetKey = chosenTarget ?? (best && best.score >= 0.3 ? best.name : 'none')
  const target =
    targetKey === 'none' ? undefined : { layer: Number(targetKey.split('.')[0]), head: Number(targetKey.split('.')[1]) }
  const measure = (m: 'zero' | 'mean') => {
    setAsked({ mode: m, step })
    askAblation(m, target)
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
          {run.model.nLayer > 1 && (
            <div className="row">
              <label htmlFor="ablation-target" className="small">
                {t.ablationTarget}
              </label>
              <select id="ablation-target" value={targetKey} onChange={(e) => setChosenTarget(e.target.value)}>
                <option value="none">{t.ablationTargetNone}</option>
                {Array.from({ length: (run.model.nLayer - 1) * run.model.nHead }, (_, i) => {
                  const k = i + run.model.nHead
                  const [l, h] = [Math.floor(k / run.model.nHead), k % run.model.nHead]
                  return (
                    <option key={k} value={`${l}.${h}`}>
                      {t.ablationTargetHead(l, h, induction(k))}
                    </option>
                  )
                })}
              </select>
            </div>
          )}
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
              {current.induction && (
                <InductionSources
                  induction={current.induction}
                  nLayer={run.model.nLayer}
                  nHead={run.model.nHead}
                  previous={(k) => (snapshot?.period ? scoresOf(snapshot, k).previous : undefined)}
                />
              )}
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

/**
 * What an induction head reads from: its prefix-matching score with each head switched off in turn (orange: that
 * head is needed), and the head whose removal breaks it — in a two-layer model, the layer-0 previous-token head.
 */
function InductionSources({
  induction,
  nLayer,
  nHead,
  previous,
}: {
  induction: NonNullable<AblationView['induction']>
  nLayer: number
  nHead: number
  previous: (k: number) => number | undefined
}) {
  const t = useT()
  const scheme = useStore((s) => s.scheme)
  const { layer, head, base, scores } = induction
  const deltas = Array.from(scores, (v) => v - base)
  const max = Math.max(1e-6, ...deltas.map(Math.abs))
  const self = layer * nHead + head
  let source: number | undefined
  deltas.forEach((d, k) => {
    if (k !== self && (source === undefined || d < deltas[source])) source = k
  })
  const breaks = source !== undefined && base >= 0.3 && scores[source] <= base / 2
  const prev = breaks ? previous(source!) : undefined
  const pair = !breaks && base >= 0.3 && induction.pair && induction.pair.score <= base / 2 ? induction.pair : undefined
  const name = (k: number) => [Math.floor(k / nHead), k % nHead] as const
  return (
    <div data-testid="induction-sources">
      <p className="small">{t.inductionGridIntro(layer, head, base)}</p>
      <HeadGrid
        nLayer={nLayer}
        nHead={nHead}
        className="ablation-grid"
        testId="induction-grid"
        cell={(l, h) => {
          const d = deltas[l * nHead + h]
          const bg = diverging(d, max, scheme) // orange where removing the head takes the score down
          return (
            <td key={h}>
              <span
                className="ablation-cell"
                style={{ background: bg, color: inkOn(bg) }}
                title={t.inductionCell(l, h, d)}
                aria-label={t.inductionCell(l, h, d)}
                data-testid={`induction-cell-${l}-${h}`}
              >
                {d >= 0 ? '+' : '−'}
                {Math.abs(d).toFixed(2)}
              </span>
            </td>
          )
        }}
      />
      <p className="small" data-testid="induction-source">
        {breaks
          ? t.readsFrom(
              layer,
              head,
              Math.floor(source! / nHead),
              source! % nHead,
              base,
              scores[source!],
              prev !== undefined && prev >= 0.5 ? prev : undefined,
            )
          : pair
            ? t.readsFromPair(
                layer,
                head,
                ...name(pair.heads[0]),
                ...name(pair.heads[1]),
                base,
                scores[pair.heads[0]],
                scores[pair.heads[1]],
                pair.score,
                pair.heads.every((k) => (previous(k) ?? 0) >= 0.5),
              )
            : t.noSource(layer, head)}
      </p>
    </div>
  )
}
