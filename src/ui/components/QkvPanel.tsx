import { useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { askQkv } from '../client'
import { attendOne, moments } from '../../analysis/qkv'
import { visibleText } from '../../text/text'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { ComposedInput } from './ComposedInput'
import { IndexSelect } from './IndexSelect'

const nums = (xs: number[], n = 8) =>
  xs
    .slice(0, n)
    .map((x) => x.toFixed(2))
    .join(' ') + (xs.length > n ? ' …' : '')

/**
 * V3: one head's attention for one query token, with the model's real numbers — the LayerNorm'd input, q, the
 * keys' scores, ÷√(head size), the softmax, and the weighted sum of the values. The page recomputes every step
 * from the sent inputs and says how far it is from the model's own numbers.
 */
export function QkvPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const data = useStore((s) => s.qkv)
  const evaluations = useStore((s) => s.evals.length)
  const [open, setOpen] = useState(false)
  const [probe, setProbe] = useState('') // what is asked for (ComposedInput: unchanged while an input method composes)
  const [layer, setLayer] = useState(0)
  const [head, setHead] = useState(0)
  const [query, setQuery] = useState(8)
  const L = run?.model.nLayer ?? 1
  const H = run?.model.nHead ?? 1
  useEffect(() => {
    if (open && run) askQkv(probe, Math.min(layer, L - 1), Math.min(head, H - 1), query)
  }, [open, run, probe, layer, head, query, evaluations, L, H])
  const check = useMemo(() => {
    if (!data) return undefined
    const steps = attendOne({
      xhat: data.xhat,
      query: data.query,
      wq: data.wq,
      wk: data.wk,
      wv: data.wv,
      bq: data.bq,
      bk: data.bk,
      bv: data.bv,
    })
    let worst = 0
    const cmp = (a: number[], b: number[]) => a.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[j]))))
    cmp(steps.q, data.q)
    cmp(steps.weights, data.weights)
    cmp(steps.out, data.out)
    return { steps, worst }
  }, [data])
  return (
    <Panel {...panel} folded open={open} onToggle={setOpen} model={run} data={run}>
      {(run) => (
        <>
          <div className="controls small">
            <label htmlFor="qkv-probe">{t.calcProbe}</label>
            <ComposedInput id="qkv-probe" className="grow" placeholder={t.calcProbePlaceholder} onCommit={setProbe} />
            <IndexSelect id="qkv-layer" label={t.calcLayer} count={L} value={layer} first={0} onChange={setLayer} />
            <IndexSelect id="qkv-head" label={t.calcHead} count={H} value={head} first={0} onChange={setHead} />
            {data && (
              <>
                <label htmlFor="qkv-query">{t.queryPosition}</label>
                <input
                  id="qkv-query"
                  type="range"
                  min={0}
                  max={data.tokens.length - 1}
                  value={data.query}
                  onChange={(e) => setQuery(Number(e.target.value))}
                />
              </>
            )}
          </div>
          {data && check && (
            <ol className="qkv small" data-testid="qkv-steps">
              <li>
                {t.qkvStep1(
                  visibleText(data.tokens[data.query]),
                  data.query,
                  data.step,
                  data.layer,
                  nums(data.xhat[data.query]),
                  data.xhat[data.query].length,
                  moments(data.x[data.query]).mean.toFixed(3),
                )}
              </li>
              <li>{t.qkvStep2(data.headSize, nums(data.q))}</li>
              <li>
                {t.qkvStep3(data.headSize, Math.sqrt(data.headSize).toFixed(3), data.query, run.model.causal !== false)}
                <table className="results" aria-label={t.scoresAndWeights}>
                  <thead>
                    <tr>
                      <th>{t.keyColumn}</th>
                      <th>q·k</th>
                      <th>÷√{data.headSize}</th>
                      <th>{t.weightColumn}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {check.steps.scores.map((sc, j) => (
                      <tr key={j} className={j > data.query ? 'future' : undefined}>
                        <td className="mono">
                          {j}: {visibleText(data.tokens[j])}
                        </td>
                        <td className="num">{sc.toFixed(3)}</td>
                        <td className="num">{check.steps.scaled[j].toFixed(3)}</td>
                        <td className="num">
                          <span className="bar" style={{ width: `${Math.round(80 * data.weights[j])}px` }} />{' '}
                          {data.weights[j].toFixed(3)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </li>
              <li>{t.qkvStep4(nums(data.out))}</li>
              <li className="muted" data-testid="qkv-check">
                {t.qkvCheck(check.worst.toExponential(1))}
              </li>
            </ol>
          )}
        </>
      )}
    </Panel>
  )
}
