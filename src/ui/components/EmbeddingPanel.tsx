import { useMemo, useState } from 'react'
import { useStore } from '../store'
import { askNeighbours, watchEmbedding } from '../client'
import { visibleText } from '../../text/text'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

const W = 420
const H = 300

/**
 * V4: the token embeddings (wte) in two dimensions by PCA, redrawn after each evaluation with each frame
 * aligned to the last (no random mirroring). The share of the variance the picture keeps is said; hovering a
 * token asks for its nearest neighbours in the full space, so a 2-D closeness is not taken for the truth.
 */
export function EmbeddingPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const open = useStore((s) => s.embeddingOpen)
  const view = useStore((s) => s.embedding)
  const neighbours = useStore((s) => s.neighbours)
  const [top, setTop] = useState(100)
  const shown = useMemo(() => {
    if (!view) return []
    const ids = view.tokens.map((_, i) => i).sort((a, b) => view.counts[b] - view.counts[a] || a - b)
    return top > 0 ? ids.slice(0, top) : ids
  }, [view, top])
  const scale = useMemo(() => {
    if (!view || !shown.length) return { x: (v: number) => v, y: (v: number) => v }
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
    for (const i of shown) {
      x0 = Math.min(x0, view.coords[2 * i])
      x1 = Math.max(x1, view.coords[2 * i])
      y0 = Math.min(y0, view.coords[2 * i + 1])
      y1 = Math.max(y1, view.coords[2 * i + 1])
    }
    const sx = x1 > x0 ? (W - 30) / (x1 - x0) : 1
    const sy = y1 > y0 ? (H - 30) / (y1 - y0) : 1
    return { x: (v: number) => 15 + (v - x0) * sx, y: (v: number) => H - 15 - (v - y0) * sy }
  }, [view, shown])
  return (
    <Panel {...panel} folded open={open} onToggle={watchEmbedding} model={run} data={view}>
      {(view) => (
        <>
          <div className="controls">
            <label htmlFor="emb-top">{t.show}</label>
            <select id="emb-top" value={top} onChange={(e) => setTop(Number(e.target.value))}>
              <option value={50}>{t.mostFrequent(50)}</option>
              <option value={100}>{t.mostFrequent(100)}</option>
              <option value={300}>{t.mostFrequent(300)}</option>
              <option value={0}>{t.allTokens(view.tokens.length)}</option>
            </select>
            {/* the scatter's equivalent for a keyboard, a screen reader and a finger: its points are too small to tap */}
            <label htmlFor="emb-token">{t.nearestOf}</label>
            <select
              id="emb-token"
              value={neighbours ? String(neighbours.id) : ''}
              onChange={(e) => e.target.value !== '' && askNeighbours(Number(e.target.value))}
            >
              <option value="">{t.chooseToken}</option>
              {shown.map((i) => (
                <option key={i} value={i}>
                  {visibleText(view.tokens[i])}
                </option>
              ))}
            </select>
          </div>
          <p className="small" data-testid="embedding-caption">
            {t.embeddingCaption(
              view.step,
              view.C,
              100 * (view.explained[0] + view.explained[1]),
              100 * view.explained[0],
              100 * view.explained[1],
            )}
          </p>
          <svg
            width={W}
            height={H}
            className="embedding"
            role="img"
            aria-label={t.embeddingAria(view.step)}
            data-testid="embedding-map"
          >
            {shown.map((i) => (
              <text
                key={i}
                x={scale.x(view.coords[2 * i])}
                y={scale.y(view.coords[2 * i + 1])}
                className={
                  neighbours?.id === i ? 'focus' : neighbours?.list.some((n) => n.id === i) ? 'near' : undefined
                }
                onMouseEnter={() => askNeighbours(i)}
                onClick={() => askNeighbours(i)}
              >
                {visibleText(view.tokens[i])}
              </text>
            ))}
          </svg>
          <p className="small" aria-live="polite" data-testid="embedding-neighbours">
            {neighbours
              ? t.neighbours(
                  visibleText(view.tokens[neighbours.id]),
                  view.C,
                  neighbours.list.map((n) => `“${visibleText(view.tokens[n.id])}” ${n.cos.toFixed(2)}`).join(', '),
                )
              : t.neighboursHint}
          </p>
          <p className="muted small">{t.embeddingLookFor}</p>
        </>
      )}
    </Panel>
  )
}
