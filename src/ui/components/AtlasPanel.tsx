import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { useStore } from '../store'
import { watchAtlas } from '../client'
import {
  badgeOf,
  futureShare,
  PHASE_RISE,
  PHASE_WINDOW,
  phaseChange,
  weightAt,
  type HeadScores,
  type PhaseChange,
} from '../../shared/heads'
import type { AtlasSnapshot } from '../../shared/protocol'
import { visibleText } from '../../shared/text'
import { sharpCanvas } from '../canvas'
import { scaled, sequential, type SequentialMap } from '../colourMaps'
import { HeatmapKey } from './HeatmapKey'
import { HeadInWords } from './HeadInWords'
import { useT } from '../i18n'
import type { Messages } from '../i18n/messages'

const SCORE_NAMES = ['previous', 'self', 'first', 'induction', 'entropy'] as const
type ScoreName = (typeof SCORE_NAMES)[number]
const LINE_COLOURS = [
  '#2f6fdf',
  '#e8590c',
  '#2b8a3e',
  '#7048e8',
  '#c2255c',
  '#1098ad',
  '#5c940d',
  '#862e9c',
  '#d9480f',
  '#364fc7',
  '#0b7285',
  '#a61e4d',
]

function scoresOf(s: AtlasSnapshot, k: number): HeadScores {
  const [previous, self, first, induction, entropy] = s.scores.subarray(k * 5, k * 5 + 5)
  return { previous, self, first, induction, entropy }
}

/** The phase-change marker over the atlas snapshots, when they are of the repeated probe (the only one with induction scores). */
export function inductionMarker(snapshots: AtlasSnapshot[]): PhaseChange | undefined {
  if (!snapshots.length || !snapshots[0].period) return undefined
  return phaseChange(
    snapshots.map((s) => ({
      step: s.step,
      valLoss: s.valLoss,
      induction: Array.from({ length: s.layers * s.heads }, (_, k) => s.scores[k * 5 + 3]),
    })),
  )
}

/** The snapshot the views show: the newest (live), or the last one at or before the chosen step. */
export function snapshotAt(list: AtlasSnapshot[], step: number | 'live'): AtlasSnapshot | undefined {
  if (!list.length) return undefined
  if (step === 'live') return list[list.length - 1]
  return [...list].reverse().find((s) => s.step <= step) ?? list[0]
}

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
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      if (j > i && !s.full) {
        g.fillStyle = '#f1f3f5'
        g.fillRect(j * px, i * px, px, px)
        if (px >= 3) {
          g.strokeStyle = '#ced4da'
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

function HeadCanvas({
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
  useEffect(() => {
    if (ref.current) drawHead(ref.current, s, k, px, focus, map, scale)
  }, [s, k, px, focus, map, scale])
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

/**
 * V1 and V2 of the teaching views: every layer × head of the model on one probe at the chosen step (hover or
 * arrow keys pick a query/key pair, highlighted in every head and in the probe), each head's pattern badge when
 * its pattern is clear, and each head's scores over training time. Snapshots are taken at every evaluation, so
 * past steps can be scrubbed without old weights.
 */
export function AtlasPanel() {
  const t = useT()
  const run = useStore((s) => s.run)
  const open = useStore((s) => s.atlasOpen)
  const probe = useStore((s) => s.atlasProbe)
  const snapshots = useStore((s) => s.atlasSnapshots)
  const viewStep = useStore((s) => s.viewStep)
  const [focus, setFocusNow] = useState<[number, number] | undefined>()
  const [locked, setLocked] = useState(false) // P4: hover previews; click, Enter or Space locks; Esc clears
  const hoverFocus = (c: [number, number]) => !locked && setFocusNow(c)
  // a click or a tap on a cell locks it; on the locked cell again, unlocks
  const pick = (c: [number, number]) => {
    const same = locked && focus?.[0] === c[0] && focus?.[1] === c[1]
    setFocusNow(c)
    setLocked(!same)
  }
  const [zoom, setZoom] = useState(0)
  const [score, setScore] = useState<ScoreName>('previous')
  const [text, setText] = useState('')
  const s = snapshotAt(snapshots, viewStep)
  const px = s ? Math.max(2, Math.min(6, Math.floor(128 / s.T))) : 2
  const lines = useMemo(() => {
    const heads = snapshots[0] ? snapshots[0].layers * snapshots[0].heads : 0
    const idx = SCORE_NAMES.indexOf(score)
    return snapshots.map((snap) => {
      const row: Record<string, number> = { step: snap.step }
      for (let k = 0; k < heads; k++) row[`h${k}`] = snap.scores[k * 5 + idx]
      return row
    })
  }, [snapshots, score])
  const H = s?.heads ?? 1
  const marker = useMemo(() => inductionMarker(snapshots), [snapshots])
  const move = (e: KeyboardEvent) => {
    if (!s) return
    const [i, j] = focus ?? [0, 0]
    const last = (row: number) => (s.full ? s.T - 1 : row) // the last key a query may look at
    const keys: Record<string, [number, number]> = {
      ArrowUp: [i - 1, Math.min(j, last(i - 1))],
      ArrowDown: [i + 1, j],
      ArrowLeft: [i, j - 1],
      ArrowRight: [i, Math.min(last(i), j + 1)],
      Home: e.ctrlKey ? [0, 0] : [i, 0],
      End: e.ctrlKey ? [s.T - 1, last(s.T - 1)] : [i, last(i)],
      PageUp: [Math.max(0, i - 8), Math.min(j, last(Math.max(0, i - 8)))],
      PageDown: [Math.min(s.T - 1, i + 8), j],
    }
    if (e.key === 'Escape') {
      setLocked(false)
      return setFocusNow(undefined)
    }
    if ((e.key === 'Enter' || e.key === ' ') && focus) {
      e.preventDefault()
      return setLocked((l) => !l)
    }
    const next = keys[e.key]
    if (!next) return
    e.preventDefault()
    const [ni, nj] = next
    if (ni >= 0 && ni < s.T && nj >= 0 && nj <= last(ni)) setFocusNow([ni, nj])
  }
  const described = s && focus ? describeCell(t, s, zoom, focus) : ''

  return (
    <section className="panel" aria-labelledby="atlas-h">
      <details open={open} onToggle={(e) => watchAtlas((e.target as HTMLDetailsElement).open)}>
        <summary>
          <h2 id="atlas-h" className="inline">
            {t.atlasTitle}
          </h2>
        </summary>
        <div className="controls">
          <label htmlFor="atlas-probe">{t.probe}</label>
          <select
            id="atlas-probe"
            value={probe.kind}
            onChange={(e) => {
              const k = e.target.value
              watchAtlas(
                true,
                k === 'repeated'
                  ? { kind: 'repeated', seed: 1 }
                  : k === 'text'
                    ? { kind: 'text', text }
                    : { kind: 'validation' },
              )
            }}
          >
            <option value="validation">{t.probeValidation}</option>
            <option value="text">{t.probeOwn}</option>
            <option value="repeated">{t.probeRepeated}</option>
          </select>
          {probe.kind === 'text' && (
            <input
              className="grow"
              aria-label={t.probeText}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onBlur={() => watchAtlas(true, { kind: 'text', text })}
              onKeyDown={(e) =>
                e.key === 'Enter' && !e.nativeEvent.isComposing && watchAtlas(true, { kind: 'text', text })
              }
            />
          )}
        </div>
        {!run ? (
          <p className="muted small">{t.appearsWithModel}</p>
        ) : !s ? (
          <p className="muted small">{t.computing}</p>
        ) : (
          <>
            <div className="controls">
              <label htmlFor="atlas-step">{t.step}</label>
              <input
                id="atlas-step"
                type="range"
                min={0}
                max={snapshots.length - 1}
                value={snapshots.indexOf(s)}
                onChange={(e) => useStore.getState().setViewStep(snapshots[Number(e.target.value)].step)}
                aria-valuetext={`step ${s.step}`}
              />
              <span data-testid="atlas-step" className="small">
                {t.atlasStep(s.step, s.valLoss, snapshots.length)}
              </span>
              <label className="small">
                <input
                  type="checkbox"
                  checked={viewStep === 'live'}
                  onChange={(e) => useStore.getState().setViewStep(e.target.checked ? 'live' : s.step)}
                />{' '}
                {t.live}
              </label>
            </div>
            <p className="tokens probe-strip" aria-label={t.probeTokens}>
              {s.tokens.map((tok, i) => (
                <span
                  key={i}
                  className={focus && (i === focus[0] ? 'q' : i === focus[1] ? 'k' : '')}
                  title={t.positionN(i)}
                >
                  {visibleText(tok, '·')}
                </span>
              ))}
            </p>
            <div
              className="atlas"
              role="grid"
              tabIndex={0}
              aria-label={t.atlasGrid}
              aria-describedby="atlas-readout"
              onKeyDown={move}
              onMouseLeave={() => !locked && setFocusNow(undefined)}
            >
              {Array.from({ length: s.layers }, (_, l) => (
                <div className="atlas-row" role="row" key={l}>
                  {Array.from({ length: s.heads }, (_, h) => {
                    const k = l * s.heads + h
                    const b = badgeOf(scoresOf(s, k), s.T)
                    return (
                      <figure
                        key={h}
                        role="gridcell"
                        className={k === zoom ? 'zoomed' : undefined}
                        onClick={() => setZoom(k)}
                      >
                        <HeadCanvas
                          s={s}
                          k={k}
                          px={px}
                          focus={focus}
                          onCell={hoverFocus}
                          onPick={pick}
                          label={t.headLabel(l, h)}
                        />
                        <figcaption className="small">
                          {l}.{h}{' '}
                          <span className={`badge ${b.badge}`} data-testid={`badge-${k}`}>
                            {t.badge(b.badge)}
                            {b.badge !== 'unclear' && b.badge !== 'diffuse' ? ` ${b.score.toFixed(2)}` : ''}
                          </span>
                          {s.full && (
                            <span className="badge future" data-testid={`future-${k}`} title={t.futureTitle}>
                              {t.futureShare(futureShare(s, k))}
                            </span>
                          )}
                        </figcaption>
                      </figure>
                    )
                  })}
                </div>
              ))}
            </div>
            <HeatmapKey low="0" high="1" label={t.attentionWeight} scale />
            {s.full && (
              <p className="notice small" data-testid="atlas-no-mask">
                {t.noMaskNotice}
              </p>
            )}
            <p id="atlas-readout" className="small" aria-live="polite" data-testid="atlas-readout">
              {locked && described ? t.lockedPair : ''}
              {described || t.atlasHint(!s.full)}
            </p>
            <HeadInWords
              view={s}
              k={zoom}
              base={0}
              names={{ layer: Math.floor(zoom / s.heads), head: zoom % s.heads }}
              testId="head-summary"
            />
            <p className="muted small">{t.atlasLookFor}</p>
            <div className="controls">
              <label htmlFor="atlas-score">{t.headScoresOverTraining}</label>
              <select id="atlas-score" value={score} onChange={(e) => setScore(e.target.value as ScoreName)}>
                {SCORE_NAMES.map((n) => (
                  <option key={n} value={n}>
                    {t.scoreName(n)}
                  </option>
                ))}
              </select>
            </div>
            <div className="chart" data-testid="head-timeline">
              <ResponsiveContainer width="100%" height={180}>
                <LineChart
                  data={lines}
                  margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
                  onClick={(e) =>
                    e && typeof e.activeLabel === 'number' && useStore.getState().setViewStep(e.activeLabel)
                  }
                >
                  <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ee" />
                  <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
                  <YAxis
                    width={40}
                    domain={score === 'entropy' ? ['auto', 'auto'] : [0, 1]}
                    tickFormatter={(v: number) => v.toFixed(1)}
                  />
                  <Tooltip
                    isAnimationActive={false}
                    formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
                    labelFormatter={(l) => `step ${l}`}
                  />
                  <Legend />
                  {marker && (
                    <ReferenceLine
                      x={marker.step}
                      stroke="#7048e8"
                      strokeDasharray="5 3"
                      label={{
                        value: t.inductionHeadForms(`${Math.floor(marker.head / H)}.${marker.head % H}`),
                        position: 'insideTopLeft',
                        fontSize: 11,
                        fill: '#7048e8',
                      }}
                    />
                  )}
                  {Array.from({ length: s.layers * H }, (_, k) => (
                    <Line
                      key={k}
                      name={`${Math.floor(k / H)}.${k % H}`}
                      dataKey={`h${k}`}
                      stroke={LINE_COLOURS[k % LINE_COLOURS.length]}
                      dot={false}
                      isAnimationActive={false}
                      strokeWidth={k === zoom ? 2.5 : 1}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
            <p className="small" data-testid="phase-change">
              {!s.period ? (
                <span className="muted">{t.needRepeated}</span>
              ) : marker ? (
                <>
                  <strong>{t.phaseChangeAt(marker.step)}</strong>
                  {t.phaseChange(
                    `${Math.floor(marker.head / H)}.${marker.head % H}`,
                    marker.rise,
                    Math.round(PHASE_WINDOW * 100),
                    marker.lossDrop,
                    marker.previousDrop,
                  )}
                </>
              ) : (
                <span className="muted">{t.noPhaseChange(PHASE_RISE, Math.round(PHASE_WINDOW * 100))}</span>
              )}
            </p>
          </>
        )}
      </details>
    </section>
  )
}

/** The focused pair in words, for the zoomed head (and the screen reader). */
function describeCell(t: Messages, s: AtlasSnapshot, k: number, [i, j]: [number, number]): string {
  const l = Math.floor(k / s.heads)
  const h = k % s.heads
  const w = weightAt(s, k, i, j)
  let best = 0
  for (let x = 0; x <= (s.full ? s.T - 1 : i); x++) if (weightAt(s, k, i, x) > weightAt(s, k, i, best)) best = x
  return t.describeCell(
    l,
    h,
    s.step,
    visibleText(s.tokens[i]),
    i,
    visibleText(s.tokens[j]),
    j,
    w,
    visibleText(s.tokens[best]),
    best,
  )
}
