import { useEffect, useMemo, useState } from 'react'
import {
  PRESETS,
  estimateMemory,
  formatBytes,
  paramCount,
  type ModelSettings,
  type Problem,
  type TrainConfig,
} from '../../shared/config'
import { isTraining, useStore } from '../store'
import { currentPairs, currentTextStats, estimateKey, estimateRunTime, localProblems } from '../client'
import { PERIODIC_ALPHABET } from '../../text/periodic'
import { settingsHash } from '../shareLink'
import { DATASETS } from '../datasets'
import { useSay, useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { LinkBox } from './LinkBox'

type Field =
  | { group: 'model'; key: keyof ModelSettings; step?: string }
  | { group: 'train'; key: keyof TrainConfig; step?: string } // labels and hints: the catalogue's field() and fieldHint()

const FIELDS: Field[] = [
  { group: 'model', key: 'nLayer' },
  { group: 'model', key: 'nHead' },
  { group: 'model', key: 'nEmbd' },
  { group: 'model', key: 'blockSize' },
  { group: 'model', key: 'dropout', step: '0.05' },
  { group: 'train', key: 'batchSize' },
  { group: 'train', key: 'maxIters' },
  { group: 'train', key: 'learningRate', step: 'any' },
  { group: 'train', key: 'warmupIters' },
  { group: 'train', key: 'minLr', step: 'any' },
  { group: 'train', key: 'weightDecay', step: 'any' },
  { group: 'train', key: 'beta2', step: 'any' },
  { group: 'train', key: 'gradClip', step: 'any' },
  { group: 'train', key: 'evalInterval' },
  { group: 'train', key: 'evalIters' },
  { group: 'train', key: 'seed' },
]

/** On the first screen (with the dataset and the preset): the rest open under "All settings". */
const FIRST: readonly string[] = ['maxIters', 'learningRate']

const fmt = new Intl.NumberFormat('en')

/**
 * What a field shows: what the user typed while it still means the stored value ("0.10", "1e-3", "" for NaN),
 * else the stored value — which a preset, an opened model or a new learning rate after a divergence has changed.
 */
function shownValue(draft: string | undefined, value: number): string {
  const parsed = draft === undefined || draft.trim() === '' ? Number.NaN : Number(draft)
  if (
    draft !== undefined &&
    (Object.is(parsed, value) || parsed === value || (Number.isNaN(parsed) && Number.isNaN(value)))
  )
    return draft
  return Number.isFinite(value) ? String(value) : ''
}

export function SettingsPanel(panel: ViewProps) {
  const t = useT()
  const say = useSay()
  const presetId = useStore((s) => s.presetId)
  const model = useStore((s) => s.model)
  const train = useStore((s) => s.train)
  const text = useStore((s) => s.text)
  const report = useStore((s) => s.report)
  const locked = useStore(isTraining)
  const runProblems = useStore((s) => s.runProblems)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const linkProblems = useStore((s) => s.linkProblems)
  const datasetId = useStore((s) => s.datasetId)
  const [shared, setShared] = useState<string>()
  const [allOpen, setAllOpen] = useState(false)

  /** Puts these settings in the address (never the text or weights) and copies it. */
  function share() {
    const url = new URL(location.href)
    url.hash = settingsHash({
      model,
      train,
      datasetId: DATASETS.some((d) => d.id === datasetId) ? datasetId : undefined,
    })
    history.replaceState(null, '', url)
    setShared(url.href)
    void navigator.clipboard?.writeText(url.href).catch(() => undefined) // the link is shown either way
  }

  const pairMode = useStore((s) => s.pairMode)
  const tokenizerChoice = useStore((s) => s.tokenizerChoice)
  const bpe = useStore((s) => s.bpe)
  const synthetic = useStore((s) => s.synthetic)
  const vocabSize = synthetic
    ? PERIODIC_ALPHABET.length
    : tokenizerChoice === 'bpe' && bpe
      ? 256 + bpe.spec.merges.length
      : currentTextStats(pairMode ? currentPairs(text).written : text).vocabSize
  const problems: Problem[] = useMemo(
    () => localProblems({ model, train, text, report, pairMode, tokenizerChoice, bpe, synthetic }),
    [model, train, text, report, pairMode, tokenizerChoice, bpe, synthetic],
  )
  const byField = (key: string) => problems.filter((p) => p.field === key)
  const cfg = { ...model, vocabSize: Math.max(vocabSize, 1) }
  const sizesOk = !problems.some((p) => ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'batchSize'].includes(p.field))
  const params = sizesOk ? paramCount(cfg) : undefined
  const mem = sizesOk ? estimateMemory(cfg, train, { fused: report?.limits.fused }) : undefined

  function applyPreset(id: string) {
    if (id === 'custom') return
    setDrafts({})
    useStore.getState().applyPreset(id)
  }

  function edit(f: Field, raw: string) {
    setDrafts((d) => ({ ...d, [f.key]: raw }))
    const v = raw.trim() === '' ? NaN : Number(raw)
    if (f.group === 'model') useStore.getState().editModel(f.key, v)
    else useStore.getState().editTrain(f.key, v)
  }

  const current = PRESETS.find((p) => p.id === presetId)
  const field = (f: Field) => {
    const value = f.group === 'model' ? model[f.key] : train[f.key]
    const errs = byField(f.key)
    const id = `f-${f.key}`
    return (
      <div className={`field${errs.length ? ' invalid' : ''}`} key={f.key}>
        <label htmlFor={id} title={t.fieldHint(f.key)}>
          {t.field(f.key)}
        </label>
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={f.step ?? '1'}
          disabled={locked}
          value={shownValue(drafts[f.key], value as number)}
          aria-invalid={errs.length > 0}
          aria-describedby={errs.length ? `${id}-err` : undefined}
          onChange={(e) => edit(f, e.target.value)}
        />
        {errs.length > 0 && (
          <span id={`${id}-err`} className="field-error">
            {errs.map((e) => say(e)).join(' ')}
          </span>
        )}
      </div>
    )
  }
  const rest = FIELDS.filter((f) => !FIRST.includes(f.key))
  const restInvalid = rest.some((f) => byField(f.key).length > 0)
  return (
    <Panel {...panel}>
      <div className="row">
        <label htmlFor="preset">{t.preset}</label>
        <select id="preset" value={presetId} disabled={locked} onChange={(e) => applyPreset(e.target.value)}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {t.presetName(p.id, p.label)}
            </option>
          ))}
          <option value="custom">{t.custom}</option>
        </select>
      </div>
      <p className="muted small">{current ? t.presetDescription(current.id, current.description) : t.ownSettings}</p>
      <>
        <div className="fields">{FIELDS.filter((f) => FIRST.includes(f.key)).map(field)}</div>
        <details
          className="all-settings"
          open={allOpen || restInvalid}
          onToggle={(e) => setAllOpen(e.currentTarget.open)}
        >
          <summary>{t.allSettings}</summary>
          <div className="fields">
            {rest.map(field)}
            <div className="field">
              <label htmlFor="f-pos" title={t.positionsTitleHint}>
                {t.positions}
              </label>
              <select
                id="f-pos"
                disabled={locked}
                value={model.posEncoding ?? 'learned'}
                onChange={(e) =>
                  useStore.getState().editModel('posEncoding', e.target.value as 'learned' | 'sinusoidal' | 'none')
                }
              >
                <option value="learned">{t.learnedTable}</option>
                <option value="sinusoidal">{t.fixedSinusoid}</option>
                <option value="none">{t.noPositions}</option>
              </select>
            </div>
            {(
              [
                ['bias', t.bias, undefined, model.bias],
                ['mlp', t.mlpOn, t.mlpOnHint, model.mlp !== false],
                ['tiedHead', t.tiedHead, t.tiedHeadHint, model.tiedHead !== false],
              ] as const
            ).map(([key, label, hint, checked]) => (
              <div className="field" key={key}>
                <label htmlFor={`f-${key}`} title={hint}>
                  {label}
                </label>
                <input
                  id={`f-${key}`}
                  type="checkbox"
                  disabled={locked}
                  checked={checked}
                  onChange={(e) => useStore.getState().editModel(key, e.target.checked)}
                />
              </div>
            ))}
          </div>
          <div className="controls">
            <button type="button" onClick={share}>
              {t.shareSettings}
            </button>
            {shared && <LinkBox label={t.linkToSettings} value={shared} />}
          </div>
          {shared && <p className="muted small">{t.shareNote(DATASETS.some((d) => d.id === datasetId))}</p>}
        </details>
      </>
      {problems
        .filter((p) => p.field === 'text' || p.field === 'model')
        .map((p) => (
          <p className="error" role="alert" key={p.message}>
            {say(p)}
          </p>
        ))}
      {runProblems
        .filter((p) => !problems.some((q) => q.message === p.message))
        .map((p) => (
          <p className="error" role="alert" key={p.message}>
            {say(p)}
          </p>
        ))}
      <p className="stats" data-testid="param-count">
        {params !== undefined
          ? t.paramCount(
              fmt.format(params),
              fmt.format(cfg.vocabSize),
              model.posEncoding ?? 'learned',
              fmt.format(model.blockSize * model.nEmbd),
              formatBytes(mem!.totalBytes),
            )
          : t.fixSizes}
      </p>
      {params !== undefined && <TimeEstimateLine locked={locked} />}
      {locked && <p className="muted small">{t.settingsLocked}</p>}
      {linkProblems.length > 0 && (
        <div role="alert">
          <p className="error">{t.badLink}</p>
          <ul className="error small">
            {linkProblems.map((p) => (
              <li key={p.message}>{say(p)}</li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  )
}

/**
 * "How long will it take?": the worker times a throwaway model of these settings on the backend in use (a few
 * steps and an evaluation batch) and the whole run's time is said from that, beside the memory estimate. The
 * answer stays while the settings, the text and the backend are the ones it was measured for.
 */
function TimeEstimateLine({ locked }: { locked: boolean }) {
  const t = useT()
  const say = useSay()
  const estimate = useStore((s) => s.timeEstimate)
  const key = useStore(estimateKey)
  const current = estimate?.key === key ? estimate : undefined
  const measuring = current?.state === 'measuring'
  // seconds since the measuring began, ticking: a big model's estimate takes a minute or more
  const [since, setSince] = useState<{ key: string; at: number } | undefined>()
  const [now, setNow] = useState(0)
  useEffect(() => {
    if (!measuring) return
    const at = Date.now()
    setSince({ key, at })
    setNow(at)
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [measuring, key])
  const waited = measuring && since?.key === key ? Math.floor((now - since.at) / 1000) : 0
  return (
    <p className="stats" data-testid="time-estimate">
      <button
        type="button"
        className="link"
        disabled={locked || current?.state === 'measuring'}
        onClick={() => estimateRunTime()}
      >
        {t.estimateTime}
      </button>{' '}
      <span aria-live="polite" data-testid="time-estimate-text">
        {measuring && t.estimating(waited)}
        {current?.state === 'done' && t.estimated(t.duration(current.totalMs), Math.round(current.stepMs))}
      </span>
      {current?.state === 'failed' && (
        <span className="error" role="alert">
          {current.problems.map((p) => say(p)).join(' ')}
        </span>
      )}
    </p>
  )
}
