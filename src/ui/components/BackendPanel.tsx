import { useStore, isTraining } from '../store'
import { setBackendChoice } from '../client'
import type { BackendChoice } from '../../shared/protocol'
import { useT } from '../i18n'
import { chipParts } from '../backendLabel'

const CHOICES: BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu']

/**
 * The backend as a chip in the header — "CPU · WebAssembly", "GPU · WebGPU (NVIDIA)" — that opens the full
 * report: the backend in use and why, the adapter, every backend tried, the limits used to refuse a model too
 * big for it, and the picker to choose another.
 */
export function BackendPanel() {
  const t = useT()
  const report = useStore((s) => s.report)
  const choice = useStore((s) => s.backendChoice)
  const training = useStore(isTraining)
  const trained = useStore((s) => s.points.length > 0)
  const workerError = useStore((s) => s.workerError)
  return (
    <div className="backend">
      <details className="backend-chip">
        <summary data-testid="backend-chip" data-backend={report?.backend} title={t.backendChipTitle}>
          <span className="visually-hidden">
            {t.backend}
            {t.colon}
          </span>
          {report ? t.backendChip(...chipParts(report)) : t.backendStarting}
        </summary>
        <div className="backend-details">
          {report ? (
            <div className="backend-report" data-testid="backend-report">
              <p>
                {t.runningOn} <strong data-testid="backend-name">{report.backend}</strong>
                {report.adapter ? t.adapter(report.adapter.software, report.adapter.description) : ''} —{' '}
                {t.backendReason(report.requested, report.backend, report.webgpu, report.webgl) || report.reason}.{' '}
                <span className="muted">{t.webgpuNote(report.webgpu)}.</span>
              </p>
              {report.attempts.length > 0 && (
                <>
                  <p className="small">
                    <strong>{t.backendsTried}</strong>
                  </p>
                  <ul className="small">
                    {report.attempts.map((a, i) => (
                      <li key={i}>
                        {a.backend}: {t.backendWorks(a.ok)} — {a.note}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <p className="small muted">
                {t.backendLimits(report.limits.maxTensorBytes, report.limits.maxTotalBytes)}
              </p>
              <p
                className="small muted"
                data-testid="backend-threads"
                data-isolated={String(report.isolated)}
                data-threads={report.threads}
              >
                {t.backendThreads(report.isolated, report.threads)}
              </p>
            </div>
          ) : (
            <p className="muted">{t.startingWorker}</p>
          )}
          <div className="row">
            <label htmlFor="backend-choice">{t.backend}</label>
            <select
              id="backend-choice"
              value={choice}
              disabled={training}
              onChange={(e) => {
                if (trained && !confirm(t.switchBackendConfirm)) return
                setBackendChoice(e.target.value as BackendChoice)
              }}
            >
              {CHOICES.map((c) => (
                <option key={c} value={c}>
                  {t.backendChoice(c)}
                </option>
              ))}
            </select>
          </div>
          {training && <p className="muted small">{t.stopToChangeBackend}</p>}
        </div>
      </details>
      {workerError && (
        <p className="error" role="alert">
          {workerError}
        </p>
      )}
    </div>
  )
}
