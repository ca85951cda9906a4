import { useEffect, useRef } from 'react'
import { useStore } from '../store'
import { weightAt } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'
import { sharpCanvas } from '../canvas'
import { scaled, sequential, type SequentialMap } from '../colourMaps'
import { cssColour } from '../theme'

/**
 * One head's map: white → blue by weight; the masked future hatched grey (a model without the mask has no
 * hatching: its future cells are drawn like the rest); the focused cell outlined.
 */
function drawHead(
  canvas: HTMLCanvasElement,
  s: AtlasSnapshot,
  k: number,
  px: number,
  focus: [number, number] | undefined,
  map: SequentialMap,
  scale: 'linear' | 'sqrt',
) {
  const T = s.T
  const g = sharpCanvas(canvas, T * px, T * px)
  const hatch = cssColour('--hatch', '#f1f3f5')
  const hatchLine = cssColour('--hatch-line', '#ced4da')
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      if (j > i && !s.full) {
        g.fillStyle = hatch
        g.fillRect(j * px, i * px, px, px)
        if (px >= 3) {
          g.strokeStyle = hatchLine
          g.beginPath()
          g.moveTo(j * px, (i + 1) * px)
          g.lineTo((j + 1) * px, i * px)
          g.stroke()
        }
        continue
      }
      g.fillStyle = sequential(map, scaled(weightAt(s, k, i, j), scale))
      g.fillRect(j * px, i * px, px, px)
    }
  }
  if (focus) {
    // white inside black: visible on the dark and the light end of the map
    g.lineWidth = 2
    g.strokeStyle = '#000'
    g.strokeRect(focus[1] * px - 1, focus[0] * px - 1, px + 2, px + 2)
    g.strokeStyle = '#fff'
    g.lineWidth = 1
    g.strokeRect(focus[1] * px, focus[0] * px, px, px)
  }
}

/** One head of the atlas on its canvas: hovering previews a cell, a click or a tap picks it. */
export function HeadCanvas({
  s,
  k,
  px,
  focus,
  onCell,
  onPick,
  label,
}: {
  s: AtlasSnapshot
  k: number
  px: number
  focus?: [number, number]
  onCell: (c: [number, number]) => void
  onPick: (c: [number, number]) => void
  label: string
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const map = useStore((st) => st.colourMap)
  const scale = useStore((st) => st.attentionScale)
  const scheme = useStore((st) => st.scheme)
  useEffect(() => {
    if (ref.current) drawHead(ref.current, s, k, px, focus, map, scale)
  }, [s, k, px, focus, map, scale, scheme])
  const cellAt = (e: React.MouseEvent<HTMLCanvasElement>): [number, number] | undefined => {
    const r = e.currentTarget.getBoundingClientRect()
    const i = Math.floor((e.clientY - r.top) / px)
    const j = Math.floor((e.clientX - r.left) / px)
    return i >= 0 && i < s.T && j >= 0 && j < s.T && (j <= i || s.full) ? [i, j] : undefined
  }
  return (
    <canvas
      ref={ref}
      aria-label={label}
      data-testid={`atlas-head-${k}`}
      onMouseMove={(e) => {
        const c = cellAt(e)
        if (c) onCell(c)
      }}
      // the cell under the pointer, not the last hovered one: a tap sends no hover first that React has drawn
      onClick={(e) => {
        const c = cellAt(e)
        if (c) onPick(c)
      }}
    />
  )
}
