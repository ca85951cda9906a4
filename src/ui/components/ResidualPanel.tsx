import { useEffect, useState } from 'react'
import { useStore } from '../store'
import { askResidual } from '../client'
import { paramBreakdown, type ParamBreakdown } from '../../shared/config'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { ComposedInput } from './ComposedInput'

const fmt = new Intl.NumberFormat('en')
const PARTS: readonly (keyof ParamBreakdown)[] = ['embeddings', 'attention', 'mlp', 'final', 'head']

/**
 * What the residual connection does, made visible (issue 21): on a probe, the size of the stream entering each
 * block beside the size of what the block's attention and MLP add to it (one forward pass, refreshed at each
 * evaluation while open); and where the model's parameters are, the 4C² of attention and the 8C² of the MLP per
 * block drawn as shares of the whole.
 */
export function ResidualPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const residual = useStore((s) => s.residual)
  const evaluations = useStore((s) => s.evals.length)
  const [open, setOpen] = useState(false)
  const [probe, setProbe] = useState('')
  useEffect(() => {
    if (open && run) askResidual(probe)
  }, [open, run, probe, evaluations])
  return (
    <Panel {...panel} folded open={open} onToggle={setOpen} model={run} data={run}>
      {(run) => {
        const L = run.model.nLayer
        const r = residual && residual.attn.length === L ? residual : undefined
        const rows = r
          ? Array.from({ length: L }, (_, l) => [
              { label: t.residualStreamIn(l), value: r.stream[l], kind: 'stream' },
              { label: t.residualAttn(l), value: r.attn[l], kind: 'attn' },
              run.model.mlp === false
                ? { label: t.residualMlp(l), value: undefined, kind: 'mlp' }
                : { label: t.residualMlp(l), value: r.mlp[l], kind: 'mlp' },
            ]).flat()
          : []
        if (r) rows.push({ label: t.residualStreamOut, value: r.stream[L], kind: 'stream' })
        const max = Math.max(1e-9, ...rows.map((x) => x.value ?? 0))
        // each block's additions against the stream it reads: block 0 apart (its MLP acts as a second embedding)
        const added = (l: number) => (r!.attn[l] + (run.model.mlp === false ? 0 : r!.mlp[l])) / r!.stream[l]
        const first = r ? added(0) : 0
        const rest =
          r && L > 1 ? Array.from({ length: L - 1 }, (_, i) => added(i + 1)).reduce((a, b) => a + b, 0) / (L - 1) : 0
        const split = paramBreakdown(run.model)
        const total = PARTS.reduce((a, k) => a + split[k], 0)
        return (
          <>
            <p className="muted small">{t.residualIntro}</p>
            <label className="block" htmlFor="resid-probe">
              {t.residualProbe}
            </label>
            <ComposedInput id="resid-probe" className="wide" onCommit={setProbe} />
            {r && (
              <>
                <table className="resid-bars" data-testid="residual-bars">
                  <tbody>
                    {rows.map((x, i) => (
                      <tr key={i} className={`resid-${x.kind}`}>
                        <th scope="row" className="small">
                          {x.label}
                        </th>
                        <td>
                          {x.value === undefined ? (
                            <span className="muted small">{t.residualNoMlp}</span>
                          ) : (
                            <span className="resid-bar" style={{ width: `${(100 * x.value) / max}%` }} />
                          )}
                        </td>
                        <td className="num small">{x.value === undefined ? '' : x.value.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="small" data-testid="residual-read">
                  {t.residualRead(first, rest, L)}
                </p>
                <p className="muted small">{t.residualStep(r.step)}</p>
              </>
            )}
            <h3 className="small">{t.paramSplitTitle}</h3>
            <div className="param-split" role="img" aria-label={t.paramSplitTitle} data-testid="param-split">
              {PARTS.filter((k) => split[k] > 0).map((k) => (
                <span key={k} className={`split-${k}`} style={{ width: `${(100 * split[k]) / total}%` }} />
              ))}
            </div>
            <ul className="param-split-key small">
              {PARTS.filter((k) => split[k] > 0).map((k) => (
                <li key={k} data-testid={`param-split-${k}`}>
                  <span className={`split-swatch split-${k}`} aria-hidden />
                  {t.paramSplitPart(k)}
                  {t.colon}
                  {t.paramSplitLine(fmt.format(split[k]), `${((100 * split[k]) / total).toFixed(1)}%`)}
                </li>
              ))}
            </ul>
          </>
        )
      }}
    </Panel>
  )
}
