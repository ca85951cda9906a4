import { useEffect, useRef, useState } from 'react'
import { useStore, type AttentionView } from '../store'
import { watchAttention } from '../trainerClient'
import { visibleChar } from '../../shared/text'
import { sharpCanvas } from '../canvas'
import { scaled, sequential, type SequentialMap } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'
import { useT } from '../i18n'

const LABEL = 22 // px reserved for token labels on the top and left


function cellSize(T: number): number {
  return Math.max(8, Math.min(28, Math.floor(520 / Math.max(T, 1))))
}

function draw(canvas: HTMLCanvasElement, a: AttentionView, focus: [number, number] | undefined, map: SequentialMap, scale: 'linear' | 'sqrt', full: boolean) {
  const T = a.tokens.length
  const cs = cellSize(T)
  const size = LABEL + T * cs
  const g = sharpCanvas(canvas, size, size)
  g.clearRect(0, 0, size, size)
  g.font = `${Math.min(13, cs - 1)}px ui-monospace, monospace`
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  for (let i = 0; i < T; i++) {
    const label = visibleChar(a.tokens[i])
    g.fillStyle = focus && (focus[0] === i || focus[1] === i) ? '#c2410c' : '#334'
    if (cs >= 10) {
      g.fillText(label.length > 2 ? '·' : label, LABEL + i * cs + cs / 2, LABEL / 2) // keys along the top
      g.fillText(label.length > 2 ? '·' : label, LABEL / 2, LABEL + i * cs + cs / 2) // queries down the side
    }
    for (let j = 0; j < T; j++) {
      const x = LABEL + j * cs
      const y = LABEL + i * cs
      if (j > i && !full) {
        // the future is masked: hatched, not drawn as a zero weight
        g.fillStyle = '#f1f1f4'
        g.fillRect(x, y, cs, cs)
        g.strokeStyle = '#d4d4dc'
        g.beginPath()
        g.moveTo(x, y + cs)
        g.lineTo(x + cs, y)
        g.stroke()
      } else {
        g.fillStyle = sequential(map, scaled(a.weights[i * T + j], scale))
        g.fillRect(x, y, cs, cs)
      }
    }
  }
  if (focus) {
    g.lineWidth = 2
    g.strokeStyle = '#000'
    g.strokeRect(LABEL + focus[1] * cs + 1, LABEL + focus[0] * cs + 1, cs - 2, cs - 2)
    g.strokeStyle = '#fff'
    g.lineWidth = 1
    g.strokeRect(LABEL + focus[1] * cs + 2, LABEL + focus[0] * cs + 2, cs - 4, cs - 4)
  }
}

/** A select over 0..count-1, shown 1-based as learners count layers and heads. */
function IndexSelect(p: { id: string; count: number; value: number; disabled: boolean; onChange: (i: number) => void }) {
  return (
    <select id={p.id} value={Math.min(p.value, p.count - 1)} disabled={p.disabled} onChange={(e) => p.onChange(Number(e.target.value))}>
      {Array.from({ length: p.count }, (_, i) => (
        <option key={i} value={i}>
          {i + 1}
        </option>
      ))}
    </select>
  )
}

export function AttentionPanel() {
  const t = useT()
  const run = useStore((s) => s.run)
  const attention = useStore((s) => s.attention)
  const layer = useStore((s) => s.layer)
  const head = useStore((s) => s.head)
  const probeSource = useStore((s) => s.probeSource)
  const problems = useStore((s) => s.attentionProblems)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const [focus, setFocus] = useState<[number, number] | undefined>()
  const map = useStore((s) => s.colourMap)
  const scale = useStore((s) => s.attentionScale)
  const full = run?.model.causal === false // the no-mask twin attends to the future too

  useEffect(() => {
    if (canvasRef.current && attention) draw(canvasRef.current, attention, focus, map, scale, full)
  }, [attention, focus, map, scale, full])

  const nLayer = run?.model.nLayer ?? 1
  const nHead = run?.model.nHead ?? 1
  const T = attention?.tokens.length ?? 0

  function choose(patch: Partial<{ layer: number; head: number; probeSource: 'validation' | 'prompt' }>) {
    useStore.setState(patch)
    watchAttention()
  }

  function onMove(e: React.MouseEvent<HTMLCanvasElement>) {
    if (!attention) return
    const rect = e.currentTarget.getBoundingClientRect()
    const cs = cellSize(T)
    const j = Math.floor((e.clientX - rect.left - LABEL) / cs)
    const i = Math.floor((e.clientY - rect.top - LABEL) / cs)
    setFocus(i >= 0 && j >= 0 && i < T && j < T ? [i, j] : undefined)
  }

  function onKey(e: React.KeyboardEvent<HTMLCanvasElement>) {
    if (!attention) return
    const [i, j] = focus ?? [0, 0]
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }
    const m = moves[e.key]
    if (!m) return
    e.preventDefault()
    setFocus([Math.max(0, Math.min(T - 1, i + m[0])), Math.max(0, Math.min(T - 1, j + m[1]))])
  }

  let readout = 'Hover over a cell (or focus the map and use the arrow keys) to read one weight.'
  if (attention && focus) {
    const [i, j] = focus
    const q = `“${visibleChar(attention.tokens[i])}” (position ${i})`
    const k = `“${visibleChar(attention.tokens[j])}” (position ${j})`
    readout = j > i && !full ? `Query ${q} cannot see key ${k}: it lies in the future, so the causal mask hides it.` : `Query ${q} → key ${k}: weight ${attention.weights[i * T + j].toFixed(3)}`
  }

  return (
    <section className="panel" aria-labelledby="att-h">
      <h2 id="att-h">Attention</h2>
      <p className="muted small">Each row is a query token; each column a key token it may attend to. A row's weights sum to 1. {full ? 'This model has no causal mask: it attends to the future too.' : 'The hatched triangle is the future, hidden by the causal mask.'}</p>
      <HeatmapKey low="0" high="1" label={t.attentionWeight} scale />
      <div className="row">
        <label htmlFor="att-layer">Layer</label>
        <IndexSelect id="att-layer" count={nLayer} value={layer} disabled={!run} onChange={(i) => choose({ layer: i })} />
        <label htmlFor="att-head">Head</label>
        <IndexSelect id="att-head" count={nHead} value={head} disabled={!run} onChange={(i) => choose({ head: i })} />
        <label htmlFor="att-probe">Probe text</label>
        <select id="att-probe" value={probeSource} onChange={(e) => choose({ probeSource: e.target.value as 'validation' | 'prompt' })} disabled={!run}>
            <option value="validation">A slice of the validation text</option>
            <option value="prompt">The prompt</option>
        </select>
      </div>
      {problems.map((p) => (
        <p className="error" key={p.message}>
          {p.message}
        </p>
      ))}
      {attention ? (
        <>
          <canvas
            ref={canvasRef}
            className="heatmap"
            tabIndex={0}
            role="img"
            aria-label={`Attention of layer ${attention.layer + 1}, head ${attention.head + 1} at step ${attention.step} over ${T} tokens`}
            data-testid="attention-heatmap"
            onMouseMove={onMove}
            onMouseLeave={() => setFocus(undefined)}
            onKeyDown={onKey}
          />
          <p className="readout" aria-live="polite" data-testid="attention-readout">
            {readout}
          </p>
          <p className="muted small">
            Layer {attention.layer + 1}, head {attention.head + 1}, at step {attention.step}; refreshed while training.
          </p>
        </>
      ) : (
        <p className="muted">{run ? 'Computing the attention map…' : 'The attention map appears once a model exists.'}</p>
      )}
    </section>
  )
}
