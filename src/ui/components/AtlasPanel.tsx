import { useState, type KeyboardEvent } from 'react'
import { useStore } from '../store'
import { watchAtlas } from '../client'
import { badgeOf, futureShare, weightAt } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'
import { visibleText } from '../../text/text'
import { HeatmapKey } from './HeatmapKey'
import { HeadInWords } from './HeadInWords'
import { HeadCanvas } from './AtlasHead'
import { HeadTimeline, type ScoreName } from './HeadTimeline'
import { scoresOf, snapshotAt } from './atlasSnapshots'
import { useT } from '../i18n'
import type { Messages } from '../i18n/messages'
import { Panel, type ViewProps } from './Panel'

/**
 * V1 and V2 of the teaching views: every layer × head of the model on one probe at the chosen step (hover or
 * arrow keys pick a query/key pair, highlighted in every head and in the probe), each head's pattern badge when
 * its pattern is clear, and each head's scores over training time. Snapshots are taken at every evaluation, so
 * past steps can be scrubbed without old weights.
 */
export function AtlasPanel(panel: ViewProps) {
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
    <Panel
      {...panel}
      folded
      open={open}
      onToggle={(o) => watchAtlas(o)}
      lead={
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
      }
      model={run}
      data={s}
    >
      {(s) => (
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
          <HeadTimeline snapshots={snapshots} s={s} zoom={zoom} score={score} setScore={setScore} />
        </>
      )}
    </Panel>
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
