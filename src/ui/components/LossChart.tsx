import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
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
import { LossByPosition } from './LossByPosition'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import type { EvalPoint, MetricPoint } from '../../shared/protocol'

/** 300 buckets: a 2,000-step run still draws a point every 7 steps, and each redraw costs recharts less. */
const MAX_POINTS = 300

export interface Row {
  step: number
  train?: number
  val?: number
  rep?: number // a generated run's loss on the repeated tokens
  [compared: `c${number}`]: number | undefined // validation loss of compared stored run number n
}

/** The induction head's colour: the phase-change line and the loss on the repeated tokens it brings down. */
const INDUCTION_COLOUR = '#7048e8'

/** Colours of compared runs' validation curves. */
const COMPARE_COLOURS = ['#7048e8', '#2b8a3e', '#c2255c', '#1098ad', '#5c940d', '#862e9c']

/**
 * The training loss averaged into at most MAX_POINTS buckets (so thousands of steps stay smooth and cheap
 * to draw), merged with the validation losses at their own steps.
 */
export function chartRows(points: MetricPoint[], evals: EvalPoint[], compare: { evals: EvalPoint[] }[] = []): Row[] {
  const rows: Row[] = []
  const size = Math.max(1, Math.ceil(points.length / MAX_POINTS))
  for (let i = 0; i < points.length; i += size) {
    const chunk = points.slice(i, i + size)
    const finite = chunk.filter((p) => Number.isFinite(p.loss))
    rows.push({
      step: chunk[chunk.length - 1].step,
      train: finite.length ? finite.reduce((a, p) => a + p.loss, 0) / finite.length : undefined,
    })
  }
  for (const e of evals) rows.push({ step: e.step, val: e.valLoss, ...(e.repLoss !== undefined && { rep: e.repLoss }) })
  compare.forEach((c, i) => {
    for (const e of c.evals) rows.push({ step: e.step, [`c${i}`]: e.valLoss })
  })
  rows.sort((a, b) => a.step - b.step)
  return rows
}

/**
 * The loss axis: recharts' own nice range, except over a nearly flat stretch (the first steps), where that range
 * is so narrow that its ticks round to the same label: then a range 0.1 wide around the data.
 */
export function yDomain(rows: Row[], log: boolean): [number | 'auto', number | 'auto'] {
  let lo = Infinity
  let hi = -Infinity
  for (const r of rows)
    for (const [k, v] of Object.entries(r))
      if (k !== 'step' && typeof v === 'number' && Number.isFinite(v)) {
        lo = Math.min(lo, v)
        hi = Math.max(hi, v)
      }
  if (!(hi - lo < 0.1)) return ['auto', 'auto']
  const mid = (lo + hi) / 2
  const bottom = Math.max(mid - 0.05, log ? mid / 2 : 0)
  return [bottom, bottom + 0.1]
}

/**
 * Redraws of the chart while training, at most this often (ms): recharts re-renders the whole SVG each time, on
 * the main thread, and on two cores every millisecond of it is taken from training (docs/performance.md).
 */
const REDRAW_EVERY_MS = 750

/** `value`, passed on at most once per `ms` (the latest one wins; the last change always arrives). */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value)
  const last = useRef(0)
  useEffect(() => {
    const wait = last.current + ms - performance.now()
    if (wait <= 0) {
      last.current = performance.now()
      setShown(value)
      return
    }
    const id = setTimeout(() => {
      last.current = performance.now()
      setShown(value)
    }, wait)
    return () => clearTimeout(id)
  }, [value, ms])
  return shown
}

export function LossChart(panel: ViewProps) {
  const t = useT()
  const points = useStore((s) => s.points)
  const evals = useStore((s) => s.evals)
  const compare = useStore((s) => s.compare)
  const reference = useStore((s) => s.run?.reference)
  const maxIters = useStore((s) => s.run?.train.maxIters ?? 0)
  const viewStep = useStore((s) => s.viewStep)
  const divergedAt = useStore((s) => s.divergedAt)
  const atlasOpen = useStore((s) => s.atlasOpen)
  const marker = useStore((s) => s.atlasMarker)
  const [log, setLog] = useState(false)
  const [refs, setRefs] = useState(true)
  // Throttled and deferred, so drawing never holds the page while metrics stream in (measured: a synchronous
  // recharts redraw took up to ~200 ms of main thread on 2 cores).
  const shown = useDeferredValue(
    useThrottled(
      useMemo(() => ({ points, evals }), [points, evals]),
      REDRAW_EVERY_MS,
    ),
  )
  const rows = useMemo(() => chartRows(shown.points, shown.evals, compare), [shown, compare])
  return (
    <Panel
      {...panel}
      aside={
        <span>
          <label className="small">
            <input type="checkbox" checked={refs} onChange={(e) => setRefs(e.target.checked)} />{' '}
            {t.referenceLinesToggle}
          </label>{' '}
          <label className="small">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> {t.logScale}
          </label>
        </span>
      }
    >
      {evals.length > 0 && (
        <p className="small muted" data-testid="chart-last-eval">
          {t.lastEval(evals.at(-1)!.step, evals.at(-1)!.valLoss)}
          {evals.at(-1)!.repLoss !== undefined && t.lastRepLoss(evals.at(-1)!.repLoss!)}
        </p>
      )}
      <div className="chart" data-testid="loss-chart">
        {/* the chart stays mounted (its first render is the costly one), with the hint over it while empty */}
        {rows.length === 0 && <p className="muted chart-hint">{t.chartHint}</p>}
        <Plot
          rows={rows}
          log={log}
          refs={refs}
          reference={reference}
          maxIters={maxIters}
          compare={compare}
          marker={marker}
          repeated={evals.some((e) => e.repLoss !== undefined)}
          divergedAt={divergedAt}
          atlasOpen={atlasOpen}
          viewStep={viewStep}
        />
      </div>
      <LossByPosition evals={shown.evals} />
      {refs && reference && (
        <p className="muted small" data-testid="reference-lines">
          {t.referenceText(reference.uniform, reference.unigram, reference.bigram, atlasOpen)}
        </p>
      )}
    </Panel>
  )
}

interface PlotProps {
  rows: Row[]
  log: boolean
  refs: boolean
  reference: { uniform: number; unigram: number; bigram: number } | undefined
  maxIters: number
  compare: { id: number | string; name: string; twin?: { masked: boolean; step: number } }[]
  marker: { step: number } | null | undefined
  repeated: boolean
  divergedAt: number[]
  atlasOpen: boolean
  viewStep: number | 'live'
}

/**
 * The chart itself, drawn again only when what it shows changes: the panel around it re-renders with every
 * metrics batch (4 a second), and a recharts tree rebuilt with new props re-registers every axis, line and
 * reference line in recharts' own store, ~30 ms of the main thread each time (docs/performance.md).
 */
const Plot = memo(function Plot({
  rows,
  log,
  refs,
  reference,
  maxIters,
  compare,
  marker,
  repeated,
  divergedAt,
  atlasOpen,
  viewStep,
}: PlotProps) {
  const t = useT()
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart
        data={rows}
        margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
        onClick={(e) =>
          atlasOpen && e && typeof e.activeLabel === 'number' && useStore.getState().setViewStep(e.activeLabel)
        }
      >
        <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
        <XAxis
          dataKey="step"
          type="number"
          // to the run's last step, so the curve grows across the chart as training goes
          domain={['dataMin', (dataMax: number) => Math.max(dataMax, maxIters)]}
          allowDecimals={false}
          label={{ value: t.stepAxis, position: 'insideBottomRight', offset: -4 }}
        />
        <YAxis
          scale={log ? 'log' : 'linear'}
          domain={yDomain(rows, log)}
          allowDataOverflow
          width={48}
          tickFormatter={(v: number) => v.toFixed(2)}
        />
        <Tooltip
          isAnimationActive={false}
          formatter={(v, _name, item) =>
            typeof v !== 'number'
              ? String(v)
              : ['val', 'rep'].includes(String(item?.dataKey)) || /^c\d+$/.test(String(item?.dataKey))
                ? t.withPerplexity(v)
                : v.toFixed(4)
          }
          labelFormatter={(l) => t.stepN(Number(l))}
        />
        <Legend />
        {refs && reference && (
          <>
            <ReferenceLine
              y={reference.uniform}
              stroke="var(--line-strong)"
              strokeDasharray="4 4"
              label={{ value: t.uniformGuess, position: 'insideTopRight', fontSize: 11, fill: 'var(--muted)' }}
            />
            <ReferenceLine
              y={reference.unigram}
              stroke="var(--line-strong)"
              strokeDasharray="4 4"
              label={{ value: t.tokenFrequencies, position: 'insideTopRight', fontSize: 11, fill: 'var(--muted)' }}
            />
            <ReferenceLine
              y={reference.bigram}
              stroke="var(--line-strong)"
              strokeDasharray="4 4"
              label={{
                value: t.previousTokenOnly,
                position: 'insideBottomRight',
                fontSize: 11,
                fill: 'var(--muted)',
              }}
            />
          </>
        )}
        {marker && (
          <ReferenceLine
            x={marker.step}
            stroke={INDUCTION_COLOUR}
            strokeDasharray="5 3"
            label={{ value: t.inductionHeadLine, position: 'insideTopLeft', fontSize: 11, fill: INDUCTION_COLOUR }}
          />
        )}
        {divergedAt.map((step) => (
          <ReferenceLine
            key={`d${step}`}
            x={step}
            ifOverflow="extendDomain"
            stroke="var(--error)"
            strokeWidth={2}
            label={{ value: t.divergedLine, position: 'insideTopLeft', fontSize: 11, fill: 'var(--error)' }}
          />
        ))}
        {atlasOpen && viewStep !== 'live' && (
          <ReferenceLine
            x={viewStep}
            stroke="var(--val)"
            label={{ value: t.stepN(viewStep), position: 'top', fontSize: 11, fill: 'var(--val)' }}
          />
        )}
        <Line
          name={t.trainLine}
          dataKey="train"
          stroke="var(--train)"
          dot={false}
          isAnimationActive={false}
          connectNulls
          strokeWidth={1.5}
        />
        <Line
          name={t.validationLine}
          dataKey="val"
          stroke="var(--val)"
          dot={false}
          isAnimationActive={false}
          connectNulls
          strokeWidth={2}
        />
        {repeated && (
          <Line
            name={t.repeatedLine}
            dataKey="rep"
            stroke={INDUCTION_COLOUR}
            dot={false}
            isAnimationActive={false}
            connectNulls
            strokeWidth={2}
          />
        )}
        {compare.map((c, i) => (
          <Line
            key={c.id}
            name={t.compareLine(c.twin ? (c.twin.masked ? t.maskedCompare : t.wholeCompare)(c.twin.step) : c.name)}
            dataKey={`c${i}`}
            stroke={COMPARE_COLOURS[i % COMPARE_COLOURS.length]}
            strokeDasharray="5 3"
            dot={false}
            isAnimationActive={false}
            connectNulls
            strokeWidth={1.5}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  )
})
