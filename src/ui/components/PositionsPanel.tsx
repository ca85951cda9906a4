import { useEffect, useMemo, useRef } from 'react'
import { useStore } from '../store'
import { watchPositions } from '../client'
import { cosineSimilarities } from '../../analysis/similarity'
import { sharpCanvas } from '../canvas'
import { diverging } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

/** A rows × cols matrix as a heatmap, each cell `cell` px. */
function paint(
  canvas: HTMLCanvasElement,
  m: ArrayLike<number>,
  rows: number,
  cols: number,
  max: number,
  cell: number,
  scheme: 'light' | 'dark',
) {
  const g = sharpCanvas(canvas, cols * cell, rows * cell)
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      g.fillStyle = diverging(m[r * cols + c], max, scheme)
      g.fillRect(c * cell, r * cell, cell, cell)
    }
}

/**
 * The positional encoding the model adds to every token: each row a position, each column a channel; and how
 * alike any two positions' vectors are (cosine). A fixed sinusoid shows its stripes of falling frequency and a
 * similarity that fades with distance; a learned table starts as noise and is redrawn after each evaluation.
 */
export function PositionsPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const open = useStore((s) => s.positionsOpen)
  const view = useStore((s) => s.positions)
  const tableRef = useRef<HTMLCanvasElement>(null)
  const simRef = useRef<HTMLCanvasElement>(null)
  const sim = useMemo(() => (view ? cosineSimilarities(view.table, view.T, view.C) : undefined), [view])
  const scheme = useStore((s) => s.scheme)
  useEffect(() => {
    if (!view || !sim || !tableRef.current || !simRef.current) return
    const cell = Math.max(2, Math.min(8, Math.floor(480 / Math.max(view.T, view.C))))
    let max = 0
    for (const v of view.table) max = Math.max(max, Math.abs(v))
    paint(tableRef.current, view.table, view.T, view.C, max, cell, scheme)
    paint(simRef.current, sim, view.T, view.T, 1, Math.max(2, Math.min(8, Math.floor(320 / view.T))), scheme)
  }, [view, sim, scheme])
  return (
    <Panel {...panel} folded open={open} onToggle={watchPositions} model={run} data={view} computing={t.loading}>
      {(view) =>
        view.kind === 'none' ? (
          <p className="muted small" data-testid="positions-caption">
            {t.positionsNone}
          </p>
        ) : (
          <>
            <p className="muted small" data-testid="positions-caption">
              {t.positionsCaption(view.kind === 'sinusoidal', view.step, view.T, view.C)}
            </p>
            <div className="positions">
              <figure>
                <canvas ref={tableRef} data-testid="positions-table" aria-label={t.positionsAria(view.T, view.C)} />
                <figcaption className="small muted">{t.positionsAxes}</figcaption>
                <HeatmapKey low="−" high="+" label={t.channelValue} diverging />
              </figure>
              <figure>
                <canvas ref={simRef} data-testid="positions-similarity" aria-label={t.similarityAria} />
                <figcaption className="small muted">{t.similarityCaption}</figcaption>
                <HeatmapKey low="−1" high="1" label={t.cosineSimilarity} diverging />
              </figure>
            </div>
          </>
        )
      }
    </Panel>
  )
}
