import { useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { askLens } from '../client'
import { rankByProb, softmax, topK, topP } from '../../analysis/sampling'
import { visibleText } from '../../text/text'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { ComposedInput } from './ComposedInput'
import { ShortInput } from './ShortInput'

/**
 * V6: what the model believes comes next at any position of a probe — probability bars with the true next
 * token marked, reshaped live in the page by temperature, top-k and top-p (the same functions generation uses,
 * on the raw logits) — and the logit lens: the residual stream after each block read out as if it were the last.
 */
export function LensPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const lens = useStore((s) => s.lens)
  const evaluations = useStore((s) => s.evals.length) // refreshed at each evaluation, not at every step
  const [open, setOpen] = useState(false)
  const [probe, setProbe] = useState('') // what is asked for (ComposedInput: unchanged while an input method composes)
  const [position, setPosition] = useState(8)
  const [temperature, setTemperature] = useState(1)
  const [k, setK] = useState(0)
  const [p, setP] = useState(1)
  // a new request when the probe, the position or the model (an evaluation) changes; the worker serves the newest
  useEffect(() => {
    if (open && run) askLens(probe, position)
  }, [open, run, probe, position, evaluations])
  const V = run?.model.vocabSize ?? 0
  const view = useMemo(() => {
    // a lens of the previous model (another vocabulary) until the new one's answer arrives: nothing to show
    if (!lens || !V || lens.logits.length !== lens.layers * V) return undefined
    const last = lens.logits.subarray((lens.layers - 1) * V, lens.layers * V)
    let probs = temperature > 0 ? softmax(last, temperature) : softmax(last, 1e-6)
    probs = topK(probs, k)
    if (p < 1) probs = topP(probs, p)
    const bars = rankByProb(probs).slice(0, 10)
    const layers = Array.from({ length: lens.layers }, (_, l) => {
      const q = softmax(lens.logits.subarray(l * V, (l + 1) * V))
      return rankByProb(q)
        .slice(0, 3)
        .map((id) => ({ id, prob: q[id] }))
    })
    return { probs, bars, layers, target: lens.ids[lens.position + 1] }
  }, [lens, V, temperature, k, p])
  return (
    <Panel {...panel} folded open={open} onToggle={setOpen} model={run} data={run}>
      {(run) => (
        <>
          <label className="block" htmlFor="lens-probe">
            {t.lensProbe}
          </label>
          <ComposedInput id="lens-probe" className="wide" onCommit={setProbe} />
          {lens && (
            <>
              <div className="controls">
                <label htmlFor="lens-pos">{t.position}</label>
                <input
                  id="lens-pos"
                  type="range"
                  min={0}
                  max={lens.tokens.length - 1}
                  value={lens.position}
                  onChange={(e) => setPosition(Number(e.target.value))}
                />
                <span className="small" data-testid="lens-where">
                  {t.lensWhere(
                    visibleText(lens.tokens.slice(Math.max(0, lens.position - 11), lens.position + 1).join('')),
                    lens.position,
                    lens.step,
                  )}
                </span>
              </div>
              <div className="controls small">
                <ShortInput
                  id="lens-t"
                  label={t.temperatureLabel}
                  min={0}
                  max={10}
                  step={0.1}
                  value={temperature}
                  onValue={(v) => setTemperature(Math.max(0, Number(v) || 0))}
                />
                <ShortInput
                  id="lens-k"
                  label={t.topK}
                  min={0}
                  step={1}
                  value={k}
                  onValue={(v) => setK(Math.max(0, Math.floor(Number(v) || 0)))}
                />
                <ShortInput
                  id="lens-p"
                  label={t.topP}
                  min={0.05}
                  max={1}
                  step={0.05}
                  value={p}
                  onValue={(v) => setP(Math.min(1, Math.max(0.05, Number(v) || 1)))}
                />
              </div>
              {view && (
                <>
                  <table className="results lens" aria-label={t.nextTokenProbs}>
                    <tbody>
                      {view.bars.map((id) => (
                        <tr key={id} className={id === view.target ? 'target' : undefined}>
                          <td className="mono">{visibleText(run.vocab[id])}</td>
                          <td>
                            <span className="bar" style={{ width: `${Math.round(200 * view.probs[id])}px` }} />
                          </td>
                          <td className="num">{(100 * view.probs[id]).toFixed(1)}%</td>
                          <td className="small">{id === view.target ? t.trueNext : ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {view.target !== undefined && !view.bars.includes(view.target) && (
                    <p className="small" data-testid="lens-target">
                      {t.trueNextOutside(visibleText(run.vocab[view.target]), 100 * view.probs[view.target])}
                    </p>
                  )}
                  <p className="small muted">{t.lensSettingsNote}</p>
                  <table className="results" aria-label={t.logitLens}>
                    <thead>
                      <tr>
                        <th>{t.readOutAfter}</th>
                        <th>{t.topGuesses}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {view.layers.map((row, l) => (
                        <tr key={l}>
                          <td>{l === 0 ? t.theEmbeddings : t.blockN(l)}</td>
                          <td className="mono" data-testid={`lens-layer-${l}`}>
                            {row
                              .map((g) => `${visibleText(run.vocab[g.id])} ${(100 * g.prob).toFixed(0)}%`)
                              .join(' · ')}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="small muted">{t.logitLensNote}</p>
                </>
              )}
            </>
          )}
        </>
      )}
    </Panel>
  )
}
