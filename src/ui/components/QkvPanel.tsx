import { useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { askQkv } from '../trainerClient'
import { attendOne, moments } from '../../shared/qkv'
import { visibleText } from '../../shared/text'

const nums = (xs: number[], n = 8) => xs.slice(0, n).map((x) => x.toFixed(2)).join(' ') + (xs.length > n ? ' …' : '')

/**
 * V3: one head's attention for one query token, with the model's real numbers — the LayerNorm'd input, q, the
 * keys' scores, ÷√(head size), the softmax, and the weighted sum of the values. The page recomputes every step
 * from the sent inputs and says how far it is from the model's own numbers.
 */
export function QkvPanel() {
  const run = useStore((s) => s.run)
  const data = useStore((s) => s.qkv)
  const evaluations = useStore((s) => s.evals.length)
  const [open, setOpen] = useState(false)
  const [probe, setProbe] = useState('')
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
    const steps = attendOne({ xhat: data.xhat, wq: data.wq, wk: data.wk, wv: data.wv, bq: data.bq, bk: data.bk, bv: data.bv })
    let worst = 0
    const cmp = (a: number[], b: number[]) => a.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[j]))))
    cmp(steps.q, data.q)
    cmp(steps.weights, data.weights)
    cmp(steps.out, data.out)
    return { steps, worst }
  }, [data])
  return (
    <section className="panel" aria-labelledby="qkv-h">
      <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          <h2 id="qkv-h" className="inline">
            Q/K/V calculator
          </h2>
        </summary>
        {!run ? (
          <p className="muted small">It appears once a model exists.</p>
        ) : (
          <>
            <div className="controls small">
              <label htmlFor="qkv-probe">Calculator probe</label>
              <input id="qkv-probe" className="grow" value={probe} placeholder="a slice of the validation text" onChange={(e) => setProbe(e.target.value)} />
              <label htmlFor="qkv-layer">Calculator layer</label>
              <select id="qkv-layer" value={Math.min(layer, L - 1)} onChange={(e) => setLayer(Number(e.target.value))}>
                {Array.from({ length: L }, (_, l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
              <label htmlFor="qkv-head">Calculator head</label>
              <select id="qkv-head" value={Math.min(head, H - 1)} onChange={(e) => setHead(Number(e.target.value))}>
                {Array.from({ length: H }, (_, h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
              </select>
              {data && (
                <>
                  <label htmlFor="qkv-query">Query position</label>
                  <input id="qkv-query" type="range" min={0} max={data.tokens.length - 1} value={data.query} onChange={(e) => setQuery(Number(e.target.value))} />
                </>
              )}
            </div>
            {data && check && (
              <ol className="qkv small" data-testid="qkv-steps">
                <li>
                  The query token is “{visibleText(data.tokens[data.query])}” (position {data.query}, step {data.step}). Its input to block {data.layer}, after LayerNorm: <span className="mono">{nums(data.xhat[data.query])}</span> ({data.xhat[data.query].length} numbers; before the gain and bias their mean is {moments(data.x[data.query]).mean.toFixed(3)} → 0 and their spread is normalised to 1).
                </li>
                <li>
                  q = x̂·W_q + b_q, this head’s {data.headSize} numbers: <span className="mono">{nums(data.q)}</span>; each earlier token j gets a key k_j = x̂_j·W_k + b_k and a value v_j = x̂_j·W_v + b_v.
                </li>
                <li>
                  Scores q·k_j, divided by √{data.headSize} = {Math.sqrt(data.headSize).toFixed(3)} (the head size, not the width), then softmax (the future is masked, so only positions 0…{data.query} take part):
                  <table className="results" aria-label="Scores and weights">
                    <thead>
                      <tr>
                        <th>key</th>
                        <th>q·k</th>
                        <th>÷√{data.headSize}</th>
                        <th>weight</th>
                      </tr>
                    </thead>
                    <tbody>
                      {check.steps.scores.map((sc, j) => (
                        <tr key={j}>
                          <td className="mono">
                            {j}: {visibleText(data.tokens[j])}
                          </td>
                          <td className="num">{sc.toFixed(3)}</td>
                          <td className="num">{check.steps.scaled[j].toFixed(3)}</td>
                          <td className="num">
                            <span className="bar" style={{ width: `${Math.round(80 * data.weights[j])}px` }} /> {data.weights[j].toFixed(3)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </li>
                <li>
                  The head’s output is Σ_j weight_j · v_j: <span className="mono">{nums(data.out)}</span>. It joins the other heads’ outputs, and the output projection (c_proj) adds the result to the residual stream.
                </li>
                <li className="muted" data-testid="qkv-check">
                  Recomputed here from the inputs the model used: the largest difference from the model’s own numbers is {check.worst.toExponential(1)}.
                </li>
              </ol>
            )}
          </>
        )}
      </details>
    </section>
  )
}
