import { useStore, isTraining } from '../store'
import { setBackendChoice } from '../trainerClient'
import type { BackendChoice } from '../../shared/protocol'

const CHOICES: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Auto (fastest available)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WebAssembly (wasm)' },
  { value: 'cpu', label: 'Plain JavaScript (cpu)' },
]

const WEBGPU_NOTE = {
  hardware: 'WebGPU: available on a GPU',
  software: 'WebGPU: only a software adapter (no GPU)',
  none: 'WebGPU: not available in this browser',
} as const

export function BackendPanel() {
  const report = useStore((s) => s.report)
  const choice = useStore((s) => s.backendChoice)
  const training = useStore(isTraining)
  const trained = useStore((s) => s.points.length > 0)
  const workerError = useStore((s) => s.workerError)
  return (
    <section className="backend">
      <label htmlFor="backend-choice">Backend</label>
      <select
          id="backend-choice"
          value={choice}
          disabled={training}
          onChange={(e) => {
            if (trained && !confirm('Switching the backend starts a fresh worker: the trained model will be discarded. Continue?')) return
            setBackendChoice(e.target.value as BackendChoice)
          }}
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
      </select>
      {workerError ? (
        <p className="error" role="alert">
          {workerError}
        </p>
      ) : report ? (
        <div className="backend-report" data-testid="backend-report">
          Running on <strong data-testid="backend-name">{report.backend}</strong>
          {report.adapter ? ` (${report.adapter.software ? 'software' : 'hardware'}: ${report.adapter.description})` : ''} — {report.reason}.{' '}
          <span className="muted">{WEBGPU_NOTE[report.webgpu]}.</span>
          {report.attempts.length > 0 && (
            <details className="small">
              <summary>Backends tried</summary>
              <ul>
                {report.attempts.map((a, i) => (
                  <li key={i}>
                    {a.backend}: {a.ok ? 'works' : 'unusable'} — {a.note}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      ) : (
        <p className="muted">Starting the training worker and testing backends…</p>
      )}
      {training && <p className="muted small">Stop training to change the backend.</p>}
    </section>
  )
}
