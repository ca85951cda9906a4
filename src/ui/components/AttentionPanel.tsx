import { useEffect, useMemo, useRef, useState } from 'react'
import { useStore, type AttentionView } from '../store'
import { watchAttention } from '../client'
import { visibleChar } from '../../text/text'
import { drawCells, sharpCanvas } from '../canvas'
import { scaled, sequentialRgb, type SequentialMap } from '../colourMaps'
import { cssColour } from '../theme'
import { HeatmapKey } from './HeatmapKey'
import { HeadInWords } from './HeadInWords'
import { quantizeCausal, quantizeRows, triangleSize } from '../../analysis/heads'
import { useSay, useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { IndexSelect } from './IndexSelect'

const LABEL = 22 // px reserved for token labels on the top and left

function cellSize(T: number): number {
  return Math.max(8, Math.min(28, Math.floor(520 / Math.max(T, 1))))
}

function draw(
  canvas: HTMLCanvasElement,
  a: AttentionView,
  focus: [number, number] | undefined,
  map: SequentialMap,
  scale: 'linear' | 'sqrt',
  full: boolean,
) {
  const T = a.tokens.length
  const cs = cellSize(T)
  const size = LABEL + T * cs
  const g = sharpCanvas(canvas, size, size)
  g.clearRect(0, 0, size, size)
  g.font = `${Math.min(13, cs - 1)}px ui-monospace, monospace`
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  const ink = cssColour('--fg', '#334')
  const hot = cssColour('--val', '#c2410c')
  const hatch = cssColour('--hatch', '#f1f1f4')
  const hatchLine = cssColour('--hatch-line', '#d4d4dc')
  for (let i = 0; i < T; i++) {
    const label = visibleChar(a.tokens[i])
    g.fillStyle = focus && (focus[0] === i || focus[1] === i) ? hot : ink
    if (cs >= 10) {
      g.fillText(label.length > 2 ? '·' : label, LABEL + i * cs + cs / 2, LABEL / 2) // keys along the top
      g.fillText(label.length > 2 ? '·' : label, LABEL / 2, LABEL + i * cs + cs / 2) // queries down the side
    }
  }
  if (!full) {
    // the future is masked: hatched, not drawn as a zero weight (one rectangle a row, one path for the hatching)
    g.fillStyle = hatch
    for (let i = 0; i < T - 1; i++) g.fillRect(LABEL + (i + 1) * cs, LABEL + i * cs, (T - 1 - i) * cs, cs)
    g.strokeStyle = hatchLine
    g.beginPath()
    for (let i = 0; i < T; i++)
      for (let j = i + 1; j < T; j++) {
        const x = LABEL + j * cs
        const y = LABEL + i * cs
        g.moveTo(x, y + cs)
        g.lineTo(x + cs, y)
      }
    g.stroke()
  }
  // the weights in 256 levels (as the atlas stores them), each level's colour worked out once
  const colours: (readonly [number, number, number])[] = []
  const colourOf = (w: number) => {
    const level = Math.round(Math.max(0, Math.min(1, w)) * 255)
    return (colours[level] ??= sequentialRgb(map, scaled(level / 255, scale)))
  }
  drawCells(g, LABEL, LABEL, T, T, cs, (i, j) => (j > i && !full ? null : colourOf(a.weights[i * T + j])))
  if (focus) {
    g.lineWidth = 2
    g.strokeStyle = '#000'
    g.strokeRect(LABEL + focus[1] * cs + 1, LABEL + focus[0] * cs + 1, cs - 2, cs - 2)
    g.strokeStyle = '#fff'
    g.lineWidth = 1
    g.strokeRect(LABEL + focus[1] * cs + 2, LABEL + focus[0] * cs + 2, cs - 4, cs - 4)
  }
}

export function AttentionPanel(panel: ViewProps) {
  const t = useT()
  const say = useSay()
  const run = useStore((s) => s.run)
  const attention = useStore((s) => s.attention)
  const layer = useStore((s) => s.layer)
  const head = useStore((s) => s.head)
  const probeSource = useStore((s) => s.probeSource)
  const problems = useStore((s) => s.attentionProblems)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const [focus, setFocus] = useState<[number, number] | undefined>()
  const [locked, setLocked] = useState(false) // P4: hover previews, Enter or a click locks, Esc clears
  const map = useStore((s) => s.colourMap)
  const scale = useStore((s) => s.attentionScale)
  const scheme = useStore((s) => s.scheme)
  const full = run?.model.causal === false // the no-mask twin attends to the future too
  // the same bytes the atlas uses (rows summing to 255), so the words and the table agree with the atlas
  const view = useMemo(() => {
    if (!attention) return undefined
    const T = attention.tokens.length
    const weights = full ? quantizeRows(attention.weights, T, T) : new Uint8Array(triangleSize(T))
    if (!full) quantizeCausal(attention.weights, T, weights)
    return { weights, T, full, tokens: attention.tokens, heads: 1 }
  }, [attention, full])

  useEffect(() => {
    if (canvasRef.current && attention) draw(canvasRef.current, attention, focus, map, scale, full)
  }, [attention, focus, map, scale, full, scheme])

  const nLayer = run?.model.nLayer ?? 1
  const nHead = run?.model.nHead ?? 1
  const T = attention?.tokens.length ?? 0

  function choose(patch: Partial<{ layer: number; head: number; probeSource: 'validation' | 'prompt' }>) {
    useStore.getState().chooseAttention(patch)
    watchAttention()
  }

  function cellAt(e: React.MouseEvent<HTMLCanvasElement>): [number, number] | undefined {
    const rect = e.currentTarget.getBoundingClientRect()
    const cs = cellSize(T)
    const j = Math.floor((e.clientX - rect.left - LABEL) / cs)
    const i = Math.floor((e.clientY - rect.top - LABEL) / cs)
    return i >= 0 && j >= 0 && i < T && j < T ? [i, j] : undefined
  }

  function onMove(e: React.MouseEvent<HTMLCanvasElement>) {
    if (attention && !locked) setFocus(cellAt(e))
  }

  // a click or a tap locks the cell under it (a tap sends no hover React has drawn first); the locked cell again unlocks
  function onPick(e: React.MouseEvent<HTMLCanvasElement>) {
    const c = attention && cellAt(e)
    if (!c) return
    const same = locked && focus?.[0] === c[0] && focus?.[1] === c[1]
    setFocus(c)
    setLocked(!same)
  }

  function onKey(e: React.KeyboardEvent<HTMLCanvasElement>) {
    if (!attention) return
    if (e.key === 'Escape') {
      setLocked(false)
      return setFocus(undefined)
    }
    if ((e.key === 'Enter' || e.key === ' ') && focus) {
      e.preventDefault()
      return setLocked((l) => !l)
    }
    const [i, j] = focus ?? [0, 0]
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    }
    const m = moves[e.key]
    if (!m) return
    e.preventDefault()
    setFocus([Math.max(0, Math.min(T - 1, i + m[0])), Math.max(0, Math.min(T - 1, j + m[1]))])
  }

  let readout = t.attReadoutHint
  if (attention && focus) {
    const [i, j] = focus
    const q = visibleChar(attention.tokens[i])
    const k = visibleChar(attention.tokens[j])
    readout =
      (locked ? t.lockedPair : '') +
      (j > i && !full ? t.attFuture(q, i, k, j) : t.attWeight(q, i, k, j, attention.weights[i * T + j]))
  }

  return (
    <Panel
      {...panel}
      lead={
        <>
          <p className="muted small">{t.attentionIntro(full)}</p>
          <HeatmapKey low="0" high="1" label={t.attentionWeight} scale />
          <div className="row">
            <IndexSelect
              id="att-layer"
              label={t.layer}
              count={nLayer}
              value={layer}
              first={0}
              disabled={!run}
              onChange={(i) => choose({ layer: i })}
            />
            <IndexSelect
              id="att-head"
              label={t.headWord}
              count={nHead}
              value={head}
              first={0}
              disabled={!run}
              onChange={(i) => choose({ head: i })}
            />
            <label htmlFor="att-probe">{t.attProbe}</label>
            <select
              id="att-probe"
              value={probeSource}
              onChange={(e) => choose({ probeSource: e.target.value as 'validation' | 'prompt' })}
              disabled={!run}
            >
              <option value="validation">{t.attProbeValidation}</option>
              <option value="prompt">{t.attProbePrompt}</option>
            </select>
          </div>
          {problems.map((p) => (
            <p className="error" key={p.message}>
              {say(p)}
            </p>
          ))}
        </>
      }
      model={run}
      data={attention}
      noModel={t.attNoModel}
      computing={t.attComputing}
      lineClass="muted"
    >
      {(attention) => (
        <>
          <canvas
            ref={canvasRef}
            className="heatmap"
            tabIndex={0}
            role="img"
            aria-label={t.attAria(attention.layer, attention.head, attention.step, T)}
            data-testid="attention-heatmap"
            onMouseMove={onMove}
            onMouseLeave={() => !locked && setFocus(undefined)}
            onClick={onPick}
            onKeyDown={onKey}
          />
          <p className="readout" aria-live="polite" data-testid="attention-readout">
            {readout}
          </p>
          <p className="muted small">{t.attCaption(attention.layer, attention.head, attention.step)}</p>
          {view && (
            <>
              <HeadInWords
                view={view}
                k={0}
                base={0}
                names={{ layer: attention.layer, head: attention.head }}
                testId="attention-summary"
              />
            </>
          )}
        </>
      )}
    </Panel>
  )
}
