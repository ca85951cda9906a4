import { useMemo } from 'react'
import { useStore, runMatchesSettings, hasTrainedModel } from '../store'
import { localProblems, pauseTraining, resumeTraining, startTraining, stopTraining, takeOverTraining } from '../trainerClient'
import type { MetricPoint } from '../../shared/protocol'
import { formatBytes } from '../../shared/config'

const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  const s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`
}

/** Median step time over the last few steps (the first steps compile kernels and are slow). */
function recentStepMs(points: MetricPoint[]): number | undefined {
  const tail = points.slice(-20).map((p) => p.stepMs).sort((a, b) => a - b)
  return tail.length ? tail[Math.floor(tail.length / 2)] : undefined
}

const STATE_LABEL = { ready: 'Ready', training: 'Training', paused: 'Paused', stopped: 'Stopped', finished: 'Finished' } as const

export function TrainingPanel() {
  const state = useStore((s) => s.runState)
  const run = useStore((s) => s.run)
  const points = useStore((s) => s.points)
  const evals = useStore((s) => s.evals)
  const report = useStore((s) => s.report)
  const memory = useStore((s) => s.memory)
  const runError = useStore((s) => s.runError)
  const blocked = useStore((s) => localProblems(s).length > 0)
  const stale = useStore((s) => hasTrainedModel(s) && !runMatchesSettings(s))
  const fineTuning = useStore((s) => Boolean(s.run?.origin && s.fineTuneSource))
  const lock = useStore((s) => s.lock)
  const saved = useStore((s) => s.saved)
  const storageProblem = useStore((s) => s.storageProblem)

  const last = points.at(-1)
  const lastEval = evals.at(-1)
  const stepMs = useMemo(() => recentStepMs(points), [points])
  const tokensPerSec = stepMs && run ? (run.tokensPerStep * 1000) / stepMs : undefined
  const maxIters = run?.train.maxIters ?? 0
  const step = last?.step ?? 0
  const eta = stepMs !== undefined && state === 'training' ? (maxIters - step) * stepMs : undefined
  const training = state === 'training'
  const paused = state === 'paused'

  return (
    <section className="panel" aria-labelledby="train-h">
      <h2 id="train-h">3. Train</h2>
      <div className="controls">
        <button type="button" className="primary" onClick={startTraining} disabled={!report || training || paused || blocked}>
          Start training
        </button>
        {paused ? (
          <button type="button" onClick={resumeTraining}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={pauseTraining} disabled={!training}>
            Pause
          </button>
        )}
        <button type="button" onClick={stopTraining} disabled={!training && !paused}>
          Stop
        </button>
      </div>
      {lock === 'other' && (
        <p className="error" role="alert">
          Another tab of this page is training a model: one tab trains at a time.{' '}
          <button type="button" className="link" onClick={() => void takeOverTraining()}>
            Take over
          </button>{' '}
          (that tab pauses, and its run is saved).
        </p>
      )}
      {lock === 'taken' && (
        <p className="muted small" role="status">
          Another tab took over training, so this one paused{saved ? ` (saved at step ${saved.step})` : ''}. Resume here to take it back.
        </p>
      )}
      {run?.origin && (
        <p className="small" data-testid="origin">
          Starts from {run.origin.from === 'file' ? 'the model file' : 'the stored run'} “{run.origin.name}”{run.origin.step !== undefined ? ` (trained ${run.origin.step.toLocaleString('en')} steps)` : ''}
          {run.origin.added.length > 0 ? `, with ${run.origin.added.length} new character${run.origin.added.length === 1 ? '' : 's'} in its vocabulary` : ''}: training fine-tunes it on the text in panel 1.
        </p>
      )}
      {stale && (
        <p className="muted small">
          {fineTuning && state === 'ready'
            ? 'The text or settings changed: “Start training” fine-tunes the same starting model with them (a different shape of model starts from scratch).'
            : 'The text, the tokenizer or the settings changed since this model was trained. Generate still uses the trained model; “Start training” begins a new one.'}
        </p>
      )}
      {(state === 'stopped' || state === 'finished') && !stale && <p className="muted small">{fineTuning ? '“Start training” fine-tunes the same starting model again, from its first weights.' : '“Start training” begins a new model from scratch with the same settings.'}</p>}
      <div role="status" aria-label="Training status" className="status" data-testid="status">
        <span>
          <b>{state ? STATE_LABEL[state] : report ? 'Preparing model' : 'Starting'}</b>
        </span>
        <span>
          Step <b data-testid="status-step">{step}</b> / {maxIters || '–'}
        </span>
        <span>
          Train loss <b data-testid="status-loss">{last ? last.loss.toFixed(4) : '–'}</b>
        </span>
        <span>
          Val loss <b data-testid="status-val">{lastEval ? lastEval.valLoss.toFixed(4) : '–'}</b>
        </span>
        <span title="Validation perplexity, e^loss: as uncertain as a uniform choice among this many tokens">
          Perplexity <b data-testid="status-ppl">{lastEval ? Math.exp(lastEval.valLoss).toFixed(2) : '–'}</b>
        </span>
        <span>
          <b>{tokensPerSec ? fmt.format(tokensPerSec) : '–'}</b> tokens/s
        </span>
        <span>
          Elapsed <b>{formatDuration(last?.elapsedMs ?? 0)}</b>
        </span>
        <span>
          ETA <b>{eta !== undefined ? formatDuration(eta) : '–'}</b>
        </span>
        <span>
          Backend <b data-testid="status-backend">{report?.backend ?? '–'}</b>
        </span>
        <span title="Live tensors in the training engine and the memory they hold; the count stays flat from step to step">
          Tensors <b data-testid="status-tensors">{memory ? `${fmt.format(memory.numTensors)} · ${formatBytes(memory.numBytes)}` : '–'}</b>
        </span>
      </div>
      <p className="small muted" data-testid="saved-status" aria-live="polite">
        {storageProblem ? <span className="error">{storageProblem.message}</span> : saved ? `Saved in this browser at step ${saved.step}: a reload keeps it (see Runs).` : ''}
      </p>
      {runError && (
        <p className="error" role="alert">
          {runError}
        </p>
      )}
    </section>
  )
}
