import { useEffect, useMemo, useRef } from 'react'
import type { EvalPoint } from '../../shared/protocol'
import { sharpCanvas } from '../canvas'
import { useStore } from '../store'
import { sequential } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'
import { useT } from '../i18n'

/**
 * V8: the validation loss at every position of the context (rows, position 0 at the top) at every evaluation
 * (columns, left to right). Once the model uses context, later positions (more tokens to look back at) get
 * darker than early ones.
 */
export function LossByPosition({ evals }: { evals: EvalPoint[] }) {
  const t = useT()
  const ref = useRef<HTMLCanvasElement>(null)
  const cols = useMemo(() => evals.filter((e) => e.valByPosition), [evals])
  const T = cols[0]?.valByPosition?.length ?? 0
  const map = useStore((s) => s.colourMap)
  const range = useMemo(() => {
    let lo = Infinity
    let hi = -Infinity
    for (const e of cols) {
      for (const v of e.valByPosition!) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
    }
    return { lo, hi }
  }, [cols])
  useEffect(() => {
    const canvas = ref.current
    if (!canvas || !cols.length) return
    const w = Math.max(4, Math.min(16, Math.floor(600 / cols.length)))
    const h = Math.max(2, Math.min(6, Math.floor(160 / T)))
    const { lo, hi } = range
    const g = sharpCanvas(canvas, cols.length * w, T * h)
    // dark = low loss (viridis' dark end), light = high
    cols.forEach((e, x) =>
      e.valByPosition!.forEach(
        (v, y) => (
          (g.fillStyle = sequential(map, hi > lo ? (v - lo) / (hi - lo) : 0.5)),
          g.fillRect(x * w, y * h, w, h)
        ),
      ),
    )
  }, [cols, T, map, range])
  if (!cols.length) return null
  const last = cols[cols.length - 1].valByPosition!
  const early = last.slice(1, Math.max(2, Math.floor(T / 8)))
  const late = last.slice(Math.floor((7 * T) / 8))
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length
  return (
    <figure className="loss-by-position">
      <canvas ref={ref} data-testid="loss-by-position" aria-label={t.lossByPositionAria(T, cols.length)} />
      <HeatmapKey low={range.lo.toFixed(2)} high={range.hi.toFixed(2)} label={t.lossByPositionLegend} />
      <figcaption className="small muted">
        {t.lossByPosition(Math.max(1, Math.floor(T / 8) - 1), mean(early), mean(late), mean(late) < mean(early) - 0.05)}
      </figcaption>
    </figure>
  )
}
