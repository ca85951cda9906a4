import { useMemo } from 'react'
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
import { PHASE_RISE, PHASE_WINDOW } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'
import { useT } from '../i18n'

const SCORE_NAMES = ['previous', 'self', 'first', 'induction', 'entropy'] as const
export type ScoreName = (typeof SCORE_NAMES)[number]
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

/**
 * Every head's chosen score over training time, one line per head (the zoomed one thicker), the induction
 * phase change marked when the probe is the repeated one; a click on the chart picks that step.
 */
export function HeadTimeline({
  snapshots,
  s,
  zoom,
  score,
  setScore,
}: {
  snapshots: AtlasSnapshot[]
  s: AtlasSnapshot
  zoom: number
  score: ScoreName
  setScore: (score: ScoreName) => void
}) {
  const t = useT()
  const lines = useMemo(() => {
    const heads = snapshots[0] ? snapshots[0].layers * snapshots[0].heads : 0
    const idx = SCORE_NAMES.indexOf(score)
    return snapshots.map((snap) => {
      const row: Record<string, number> = { step: snap.step }
      for (let k = 0; k < heads; k++) row[`h${k}`] = snap.scores[k * 5 + idx]
      return row
    })
  }, [snapshots, score])
  const H = s.heads
  const marker = useStore((s) => s.atlasMarker)
  return (
    <>
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
            onClick={(e) => e && typeof e.activeLabel === 'number' && useStore.getState().setViewStep(e.activeLabel)}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
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
  )
}
