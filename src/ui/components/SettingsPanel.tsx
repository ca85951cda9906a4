import { useMemo, useState } from 'react'
import { PRESETS, estimateMemory, formatBytes, getPreset, paramCount, type ModelSettings, type Problem, type TrainConfig } from '../../shared/config'
import { isTraining, useStore } from '../store'
import { currentPairs, currentTextStats, localProblems } from '../trainerClient'
import { settingsHash } from '../shareLink'
import { DATASETS } from '../datasets'

type Field = { group: 'model'; key: keyof ModelSettings; label: string; hint: string; step?: string } | { group: 'train'; key: keyof TrainConfig; label: string; hint: string; step?: string }

const FIELDS: Field[] = [
  { group: 'model', key: 'nLayer', label: 'Layers', hint: 'Transformer blocks stacked on top of each other' },
  { group: 'model', key: 'nHead', label: 'Heads', hint: 'Attention heads per block; must divide the embedding width' },
  { group: 'model', key: 'nEmbd', label: 'Embedding width', hint: 'Channels in the residual stream (C)' },
  { group: 'model', key: 'blockSize', label: 'Context length', hint: 'How many tokens the model sees at once (block size)' },
  { group: 'model', key: 'dropout', label: 'Dropout', hint: 'Fraction of activations zeroed in training (0 – 0.9)', step: '0.05' },
  { group: 'train', key: 'batchSize', label: 'Batch size', hint: 'Sequences per step' },
  { group: 'train', key: 'maxIters', label: 'Steps', hint: 'Training stops here; the learning rate decays to its minimum by then' },
  { group: 'train', key: 'learningRate', label: 'Learning rate', hint: 'Peak AdamW learning rate', step: 'any' },
  { group: 'train', key: 'warmupIters', label: 'Warmup steps', hint: 'Linear warmup before the cosine decay' },
  { group: 'train', key: 'minLr', label: 'Minimum learning rate', hint: 'Where the cosine decay ends', step: 'any' },
  { group: 'train', key: 'weightDecay', label: 'Weight decay', hint: 'AdamW decay on 2-D weights', step: 'any' },
  { group: 'train', key: 'beta2', label: 'β2', hint: "AdamW's second-moment decay", step: 'any' },
  { group: 'train', key: 'gradClip', label: 'Gradient clip', hint: 'Global-norm clipping; 0 turns it off', step: 'any' },
  { group: 'train', key: 'evalInterval', label: 'Evaluate every', hint: 'Steps between validation losses' },
  { group: 'train', key: 'evalIters', label: 'Validation batches', hint: 'Batches averaged for each validation loss' },
  { group: 'train', key: 'seed', label: 'Seed', hint: 'Same seed, same weights and batches' },
]

const fmt = new Intl.NumberFormat('en')

export function SettingsPanel() {
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

  /** Puts these settings in the address (never the text or weights) and copies it. */
  function share() {
    const url = new URL(location.href)
    url.hash = settingsHash({ model, train, datasetId: DATASETS.some((d) => d.id === datasetId) ? datasetId : undefined })
    history.replaceState(null, '', url)
    setShared(url.href)
    void navigator.clipboard?.writeText(url.href).catch(() => undefined) // the link is shown either way
  }

  const pairMode = useStore((s) => s.pairMode)
  const tokenizerChoice = useStore((s) => s.tokenizerChoice)
  const bpe = useStore((s) => s.bpe)
  const vocabSize = tokenizerChoice === 'bpe' && bpe ? 256 + bpe.spec.merges.length : currentTextStats(pairMode ? currentPairs(text).written : text).vocabSize
  const problems: Problem[] = useMemo(() => localProblems({ model, train, text, report, pairMode, tokenizerChoice, bpe }), [model, train, text, report, pairMode, tokenizerChoice, bpe])
  const byField = (key: string) => problems.filter((p) => p.field === key)
  const cfg = { ...model, vocabSize: Math.max(vocabSize, 1) }
  const sizesOk = !problems.some((p) => ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'batchSize'].includes(p.field))
  const params = sizesOk ? paramCount(cfg) : undefined
  const mem = sizesOk ? estimateMemory(cfg, train) : undefined

  function applyPreset(id: string) {
    if (id === 'custom') return
    const p = getPreset(id)
    setDrafts({})
    useStore.setState({ presetId: id, model: { ...p.model }, train: { ...p.train } })
  }

  function edit(f: Field, raw: string) {
    setDrafts((d) => ({ ...d, [f.key]: raw }))
    const v = raw.trim() === '' ? NaN : Number(raw)
    if (f.group === 'model') useStore.setState((s) => ({ presetId: 'custom', model: { ...s.model, [f.key]: v } }))
    else useStore.setState((s) => ({ presetId: 'custom', train: { ...s.train, [f.key]: v } }))
  }

  const current = PRESETS.find((p) => p.id === presetId)
  return (
    <section className="panel" aria-labelledby="settings-h">
      <h2 id="settings-h">2. Model and training</h2>
      <label htmlFor="preset">Preset</label>{' '}
      <select id="preset" value={presetId} disabled={locked} onChange={(e) => applyPreset(e.target.value)}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom</option>
      </select>
      <p className="muted small">{current ? current.description : 'Your own settings.'}</p>
      <div className="fields">
        {FIELDS.map((f) => {
          const value = f.group === 'model' ? model[f.key] : train[f.key]
          const errs = byField(f.key)
          const id = `f-${f.key}`
          return (
            <div className={`field${errs.length ? ' invalid' : ''}`} key={f.key}>
              <label htmlFor={id} title={f.hint}>
                {f.label}
              </label>
              <input
                id={id}
                type="number"
                inputMode="decimal"
                step={f.step ?? '1'}
                disabled={locked}
                value={drafts[f.key] ?? (Number.isFinite(value as number) ? String(value) : '')}
                aria-invalid={errs.length > 0}
                aria-describedby={errs.length ? `${id}-err` : undefined}
                onChange={(e) => edit(f, e.target.value)}
              />
              {errs.length > 0 && (
                <span id={`${id}-err`} className="field-error">
                  {errs.map((e) => e.message).join(' ')}
                </span>
              )}
            </div>
          )
        })}
        <div className="field">
          <label htmlFor="f-pos" title="How the model knows where a token is: a learned table (nanoGPT) or the fixed sinusoid of the original Transformer (no parameters)">
            Positions
          </label>
          <select id="f-pos" disabled={locked} value={model.posEncoding ?? 'learned'} onChange={(e) => useStore.setState((s) => ({ presetId: 'custom', model: { ...s.model, posEncoding: e.target.value as 'learned' | 'sinusoidal' } }))}>
            <option value="learned">learned table</option>
            <option value="sinusoidal">fixed sinusoid</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-bias">Bias</label>
          <input id="f-bias" type="checkbox" disabled={locked} checked={model.bias} onChange={(e) => useStore.setState((s) => ({ presetId: 'custom', model: { ...s.model, bias: e.target.checked } }))} />
        </div>
      </div>
      {problems
        .filter((p) => p.field === 'text' || p.field === 'model')
        .map((p) => (
          <p className="error" role="alert" key={p.message}>
            {p.message}
          </p>
        ))}
      {runProblems
        .filter((p) => !problems.some((q) => q.message === p.message))
        .map((p) => (
          <p className="error" role="alert" key={p.message}>
            {p.message}
          </p>
        ))}
      <p className="stats" data-testid="param-count">
        {params !== undefined ? (
          <>
            <strong>{fmt.format(params)}</strong> parameters ({fmt.format(cfg.vocabSize)}-token vocabulary{model.posEncoding === 'sinusoidal' ? '; the fixed sinusoid adds none' : `; ${fmt.format(model.blockSize * model.nEmbd)} of them the position table`}) · about {formatBytes(mem!.totalBytes)} to train
          </>
        ) : (
          'Fix the sizes above to see the parameter count.'
        )}
      </p>
      {locked && <p className="muted small">Settings are locked while training. Stop training to change them.</p>}
      <div className="controls">
        <button type="button" onClick={share}>
          Share these settings
        </button>
        {shared && <input className="grow" readOnly aria-label="Link to these settings" value={shared} onFocus={(e) => e.target.select()} />}
      </div>
      {shared && <p className="muted small">The link carries the settings{DATASETS.some((d) => d.id === datasetId) ? ' and the built-in dataset' : ''} — never your text or the model. It is copied to the clipboard where the browser allows.</p>}
      {linkProblems.length > 0 && (
        <div role="alert">
          <p className="error">The settings in this page’s link could not be used, so the defaults stay:</p>
          <ul className="error small">
            {linkProblems.map((p) => (
              <li key={p.message}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
