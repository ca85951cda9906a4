import { useMemo } from 'react'
import { useStore, runMatchesSettings, hasTrainedModel } from '../store'
import {
  localProblems,
  pauseTraining,
  resetRun,
  restartWithLearningRate,
  resumeTraining,
  resumeWithLearningRate,
  rewindWithLearningRate,
  startTraining,
  stepOnce,
  stopTraining,
  takeOverTraining,
} from '../client'
import type { MetricPoint } from '../../shared/protocol'
import { formatBytes } from '../../shared/config'
import { useSay, useT } from '../i18n'
import { chipParts } from '../backendLabel'
import { Panel, type ViewProps } from './Panel'

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  const s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return h
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`
}

/** Median step time over the last few steps (the first steps compile kernels and are slow). */
function recentStepMs(points: MetricPoint[]): number | undefined {
  const tail = points
    .slice(-20)
    .map((p) => p.stepMs)
    .sort((a, b) => a - b)
  return tail.length ? tail[Math.floor(tail.length / 2)] : undefined
}

export function TrainingPanel(panel: ViewProps) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const fmt = useMemo(() => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }), [lang])
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
  const divergence = useStore((s) => s.divergence)
  const retuneProblems = useStore((s) => s.retuneProblems)
  const say = useSay()

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
    <Panel {...panel}>
      <div className="controls">
        <button
          type="button"
          className="primary"
          onClick={startTraining}
          disabled={!report || training || paused || blocked}
        >
          {t.startTraining}
        </button>
        {paused ? (
          <button type="button" onClick={resumeTraining}>
            {t.resume}
          </button>
        ) : (
          <button type="button" onClick={pauseTraining} disabled={!training}>
            {t.pause}
          </button>
        )}
        <button
          type="button"
          onClick={() => void stepOnce()}
          disabled={!report || training || blocked || (state === 'finished' && !stale)}
          title={t.stepOnceHint}
          aria-describedby="step-once-hint"
          data-testid="step-once"
        >
          {t.stepOnce}
        </button>
        <button type="button" onClick={stopTraining} disabled={!training && !paused}>
          {t.stop}
        </button>
        <button
          type="button"
          onClick={resetRun}
          disabled={!report || blocked || !run || (step === 0 && state === 'ready')}
          title={t.resetHint}
          aria-describedby="reset-hint"
        >
          {t.reset}
        </button>
        <span id="step-once-hint" className="visually-hidden">
          {t.stepOnceHint}
        </span>
        <span id="reset-hint" className="visually-hidden">
          {t.resetHint}
        </span>
      </div>
      {lock === 'other' && (
        <p className="error" role="alert">
          {t.otherTab}{' '}
          <button type="button" className="link" onClick={() => void takeOverTraining()}>
            {t.takeOver}
          </button>{' '}
          {t.otherTabPauses}
        </p>
      )}
      {lock === 'taken' && (
        <p className="muted small" role="status">
          {t.tookOver(saved?.step)}
        </p>
      )}
      {run?.origin && (
        <p className="small" data-testid="origin">
          {t.origin(run.origin.from === 'file', run.origin.name, run.origin.step, run.origin.added.length)}
        </p>
      )}
      {stale && <p className="muted small">{fineTuning && state === 'ready' ? t.staleFineTune : t.staleNew}</p>}
      {(state === 'stopped' || state === 'finished') && !stale && (
        <p className="muted small">{fineTuning ? t.againFineTune : t.againNew}</p>
      )}
      <div role="status" aria-label={t.trainingStatus} className="status" data-testid="status">
        <span>
          <b>{t.runState(state ?? (report ? 'preparing' : 'starting'))}</b>
        </span>
        <span>
          {t.stepLabel} <b data-testid="status-step">{step}</b> / {maxIters || '–'}
        </span>
        <span>
          {t.trainLoss} <b data-testid="status-loss">{last ? last.loss.toFixed(4) : '–'}</b>
        </span>
        <span>
          {t.valLoss} <b data-testid="status-val">{lastEval ? lastEval.valLoss.toFixed(4) : '–'}</b>
        </span>
        <span title={t.perplexityTitle}>
          {t.perplexityLabel} <b data-testid="status-ppl">{lastEval ? Math.exp(lastEval.valLoss).toFixed(2) : '–'}</b>
        </span>
        <span>
          <b>{tokensPerSec ? fmt.format(tokensPerSec) : '–'}</b> {t.tokensPerSec}
        </span>
        <span>
          {t.elapsed} <b>{formatDuration(last?.elapsedMs ?? 0)}</b>
        </span>
        <span>
          {t.eta} <b>{eta !== undefined ? formatDuration(eta) : '–'}</b>
        </span>
        <span>
          {t.backend} <b data-testid="status-backend">{report ? t.backendChip(...chipParts(report)) : '–'}</b>
        </span>
        <span title={t.tensorsTitle}>
          {t.tensors}{' '}
          <b data-testid="status-tensors">
            {memory ? `${fmt.format(memory.numTensors)} · ${formatBytes(memory.numBytes)}` : '–'}
          </b>
        </span>
      </div>
      <p className="small muted" data-testid="saved-status" aria-live="polite">
        {storageProblem ? (
          <span className="error">{t.storageProblem(storageProblem.reason) || storageProblem.message}</span>
        ) : saved ? (
          t.savedAt(saved.step)
        ) : (
          ''
        )}
      </p>
      {runError && (
        <p className="error" role="alert">
          {runError}
        </p>
      )}
      {divergence && paused && (
        <div className="callout error" role="alert" data-testid="divergence">
          <p>
            <b>{t.divergedTitle}</b>{' '}
            {t.diverged(divergence.kind, divergence.step, divergence.loss, divergence.reference ?? Number.NaN)}{' '}
            {t.divergedAdvice(divergence.learningRate, divergence.suggested)}{' '}
            {divergence.savedStep !== undefined && t.divergedKept(divergence.savedStep)}
          </p>
          <div className="controls">
            {/* a non-finite step changed nothing, so going on from here is sound; after a blow-up the weights are
                damaged, and the saved checkpoint is the good place to go on from */}
            {divergence.kind !== 'non-finite' && divergence.savedStep !== undefined && (
              <button
                type="button"
                className="primary"
                onClick={() => void rewindWithLearningRate(divergence.suggested)}
              >
                {t.rewindAtLr(divergence.savedStep, divergence.suggested)}
              </button>
            )}
            {divergence.kind !== 'non-finite' && divergence.savedStep === undefined && (
              <button
                type="button"
                className="primary"
                onClick={() => void restartWithLearningRate(divergence.suggested)}
              >
                {t.restartAtLr(divergence.suggested)}
              </button>
            )}
            <button
              type="button"
              className={divergence.kind === 'non-finite' ? 'primary' : undefined}
              onClick={() => void resumeWithLearningRate(divergence.suggested)}
            >
              {t.resumeAtLr(divergence.suggested)}
            </button>
            <button type="button" onClick={() => void resumeTraining()}>
              {t.resumeAnyway}
            </button>
          </div>
          {retuneProblems.map((p, i) => (
            <p key={i} className="error">
              {say(p)}
            </p>
          ))}
        </div>
      )}
    </Panel>
  )
}
