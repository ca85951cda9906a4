import { useStore, isTraining } from '../store'
import { setBackendChoice } from '../client'
import type { BackendChoice } from '../../shared/protocol'
import { useT } from '../i18n'

const CHOICES: BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu']

export function BackendPanel() {
  const t = useT()
  const report = useStore((s) => s.report)
  const choice = useStore((s) => s.backendChoice)
  const training = useStore(isTraining)
  const trained = useStore((s) => s.points.length > 0)
  const workerError = useStore((s) => s.workerError)
  return (
    <section className="backend">
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
      {workerError ? (
        <p className="error" role="alert">
          {workerError}
        </p>
      ) : report ? (
        <div className="backend-report" data-testid="backend-report">
          {t.runningOn} <strong data-testid="backend-name">{report.backend}</strong>
          {report.adapter ? t.adapter(report.adapter.software, report.adapter.description) : ''} —{' '}
          {t.backendReason(report.requested, report.backend, report.webgpu, report.webgl) || report.reason}.{' '}
          <span className="muted">{t.webgpuNote(report.webgpu)}.</span>
          {report.attempts.length > 0 && (
            <details className="small">
              <summary>{t.backendsTried}</summary>
              <ul>
                {report.attempts.map((a, i) => (
                  <li key={i}>
                    {a.backend}: {t.backendWorks(a.ok)} — {a.note}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      ) : (
        <p className="muted">{t.startingWorker}</p>
      )}
      {training && <p className="muted small">{t.stopToChangeBackend}</p>}
    </section>
  )
}
