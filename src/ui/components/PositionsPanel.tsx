import { useEffect, useMemo, useRef } from 'react'
import { useStore } from '../store'
import { watchPositions } from '../trainerClient'
import { cosineSimilarities } from '../../shared/similarity'
import { sharpCanvas } from '../canvas'
import { diverging } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'


/** A rows × cols matrix as a heatmap, each cell `cell` px. */
function paint(canvas: HTMLCanvasElement, m: ArrayLike<number>, rows: number, cols: number, max: number, cell: number) {
  const g = sharpCanvas(canvas, cols * cell, rows * cell)
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      g.fillStyle = diverging(m[r * cols + c], max)
      g.fillRect(c * cell, r * cell, cell, cell)
    }
}

/**
 * The positional encoding the model adds to every token: each row a position, each column a channel; and how
 * alike any two positions' vectors are (cosine). A fixed sinusoid shows its stripes of falling frequency and a
 * similarity that fades with distance; a learned table starts as noise and is redrawn after each evaluation.
 */
export function PositionsPanel() {
  const run = useStore((s) => s.run)
  const open = useStore((s) => s.positionsOpen)
  const view = useStore((s) => s.positions)
  const tableRef = useRef<HTMLCanvasElement>(null)
  const simRef = useRef<HTMLCanvasElement>(null)
  const sim = useMemo(() => (view ? cosineSimilarities(view.table, view.T, view.C) : undefined), [view])
  useEffect(() => {
    if (!view || !sim || !tableRef.current || !simRef.current) return
    const cell = Math.max(2, Math.min(8, Math.floor(480 / Math.max(view.T, view.C))))
    let max = 0
    for (const v of view.table) max = Math.max(max, Math.abs(v))
    paint(tableRef.current, view.table, view.T, view.C, max, cell)
    paint(simRef.current, sim, view.T, view.T, 1, Math.max(2, Math.min(8, Math.floor(320 / view.T))))
  }, [view, sim])
  return (
    <section className="panel" aria-labelledby="pos-h">
      <details open={open} onToggle={(e) => watchPositions((e.target as HTMLDetailsElement).open)}>
        <summary>
          <h2 id="pos-h" className="inline">
            Positional encoding
          </h2>
        </summary>
        {!run ? (
          <p className="muted small">It appears once a model exists.</p>
        ) : !view ? (
          <p className="muted small">Loading…</p>
        ) : (
          <>
            <p className="muted small" data-testid="positions-caption">
              {view.kind === 'sinusoidal' ? 'The fixed sinusoid' : `The learned table at step ${view.step}`}: {view.T} positions × {view.C} channels (red positive, blue negative), added to each token’s embedding so the model can tell where a token stands.
            </p>
            <div className="positions">
              <figure>
                <canvas ref={tableRef} data-testid="positions-table" aria-label={`Positional encoding: ${view.T} positions by ${view.C} channels`} />
                <figcaption className="small muted">position (rows) × channel (columns)</figcaption>
                <HeatmapKey low="−" high="+" label="Channel value: orange negative, grey 0, blue positive" diverging />
              </figure>
              <figure>
                <canvas ref={simRef} data-testid="positions-similarity" aria-label="Cosine similarity between positions" />
                <figcaption className="small muted">similarity of each position to every other (cosine: blue alike, orange opposite)</figcaption>
                <HeatmapKey low="−1" high="1" label="Cosine similarity" diverging />
              </figure>
            </div>
          </>
        )}
      </details>
    </section>
  )
}
