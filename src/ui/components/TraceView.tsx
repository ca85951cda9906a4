import { visibleText } from '../../text/text'
import { useStore } from '../store'
import { scaled, sequential } from '../colourMaps'
import { useT } from '../i18n'
import { HeatmapKey } from './HeatmapKey'

/**
 * "Why this token?" (V7): for one generated token, every layer × head's attention row over the context that
 * chose it — the row of the query just before the token — one heat strip per head under the context's tokens,
 * and the single strongest link. Weights arrive as bytes whose rows sum to 255 (SampledToken.attention).
 * Layers and heads are counted from 1 here, as in the generation panel's words.
 */
export function TraceView({
  attention,
  keys,
  chosen,
  heads,
}: {
  attention: { start: number; rows: Uint8Array }
  keys: string[]
  chosen: string
  heads: { nLayer: number; nHead: number }
}) {
  const t = useT()
  const map = useStore((s) => s.colourMap)
  const scale = useStore((s) => s.attentionScale)
  const H = heads.nLayer * heads.nHead
  const n = attention.rows.length / H
  const ctx = keys.slice(attention.start, attention.start + n)
  let best = { r: 0, j: 0, w: -1 }
  for (let r = 0; r < H; r++)
    for (let j = 0; j < n; j++) {
      const w = attention.rows[r * n + j]
      if (w > best.w) best = { r, j, w }
    }
  const layerOf = (r: number) => Math.floor(r / heads.nHead) + 1
  const headOf = (r: number) => (r % heads.nHead) + 1
  return (
    <figure className="trace" data-testid="trace">
      <figcaption className="small">
        {t.traceCaption(visibleText(chosen), n)}{' '}
        {best.w >= 0 &&
          t.traceStrongest(
            layerOf(best.r),
            headOf(best.r),
            best.w / 255,
            visibleText(ctx[best.j] ?? ''),
            best.j + 1,
          )}{' '}
        <span className="muted">{t.traceCaveat}</span>
      </figcaption>
      <HeatmapKey low="0" high="1" label={t.attentionWeight} scale />
      <div
        className="trace-grid"
        role="table"
        aria-label={t.traceTable}
        style={{ gridTemplateColumns: `auto repeat(${n}, minmax(0.9em, 1fr))` }}
      >
        <div role="row" className="trace-row">
          <span role="columnheader" className="trace-label" />
          {ctx.map((tok, j) => (
            <span role="columnheader" className="trace-key" key={j} title={t.contextToken(j + 1)}>
              {visibleText(tok)}
            </span>
          ))}
        </div>
        {Array.from({ length: H }, (_, r) => (
          <div role="row" className="trace-row" key={r}>
            <span role="rowheader" className="trace-label small">
              L{layerOf(r)} H{headOf(r)}
            </span>
            {Array.from({ length: n }, (_, j) => {
              const w = attention.rows[r * n + j] / 255
              return (
                <span
                  role="cell"
                  key={j}
                  className="trace-cell"
                  style={{ background: sequential(map, scaled(w, scale)) }}
                  title={t.traceCell(layerOf(r), headOf(r), visibleText(ctx[j] ?? ''), w)}
                  aria-label={`${(w * 100).toFixed(0)}%`}
                />
              )
            })}
          </div>
        ))}
      </div>
    </figure>
  )
}
