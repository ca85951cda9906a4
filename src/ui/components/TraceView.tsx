import { visibleText } from '../../shared/text'
import { useStore } from '../store'
import { scaled, sequential } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'

/**
 * "Why this token?" (V7): for one generated token, every layer × head's attention row over the context that
 * chose it — the row of the query just before the token — one heat strip per head under the context's tokens,
 * and the single strongest link. Weights arrive as bytes whose rows sum to 255 (SampledToken.attention).
 */
export function TraceView({ attention, keys, chosen, heads }: { attention: { start: number; rows: Uint8Array }; keys: string[]; chosen: string; heads: { nLayer: number; nHead: number } }) {
  const H = heads.nLayer * heads.nHead
  const n = attention.rows.length / H
  const ctx = keys.slice(attention.start, attention.start + n)
  let best = { r: 0, j: 0, w: -1 }
  for (let r = 0; r < H; r++)
    for (let j = 0; j < n; j++) {
      const w = attention.rows[r * n + j]
      if (w > best.w) best = { r, j, w }
    }
  const map = useStore((s) => s.colourMap)
  const scale = useStore((s) => s.attentionScale)
  const name = (r: number) => `layer ${Math.floor(r / heads.nHead) + 1}, head ${(r % heads.nHead) + 1}`
  return (
    <figure className="trace" data-testid="trace">
      <figcaption className="small">
        Where the model looked to choose “{visibleText(chosen)}”: each row is one head’s attention from the token before it over the {n} tokens of its context (each row sums to 1).
        {best.w >= 0 && (
          <>
            {' '}
            Strongest single link: {name(best.r)} put {((best.w / 255) * 100).toFixed(0)}% on “{visibleText(ctx[best.j] ?? '')}” (context token {best.j + 1}).
          </>
        )}{' '}
        <span className="muted">Attention shows where information was read from, not why: it is not an explanation by itself.</span>
      </figcaption>
      <HeatmapKey low="0" high="1" label="Attention weight" scale />
      <div className="trace-grid" role="table" aria-label="Attention of every head for this token" style={{ gridTemplateColumns: `auto repeat(${n}, minmax(0.9em, 1fr))` }}>
        <div role="row" className="trace-row">
          <span role="columnheader" className="trace-label" />
          {ctx.map((t, j) => (
            <span role="columnheader" className="trace-key" key={j} title={`context token ${j + 1}`}>
              {visibleText(t)}
            </span>
          ))}
        </div>
        {Array.from({ length: H }, (_, r) => (
          <div role="row" className="trace-row" key={r}>
            <span role="rowheader" className="trace-label small">
              L{Math.floor(r / heads.nHead) + 1} H{(r % heads.nHead) + 1}
            </span>
            {Array.from({ length: n }, (_, j) => {
              const w = attention.rows[r * n + j] / 255
              return <span role="cell" key={j} className="trace-cell" style={{ background: sequential(map, scaled(w, scale)) }} title={`${name(r)} → “${visibleText(ctx[j] ?? '')}”: ${(w * 100).toFixed(1)}%`} aria-label={`${(w * 100).toFixed(0)}%`} />
            })}
          </div>
        ))}
      </div>
    </figure>
  )
}
