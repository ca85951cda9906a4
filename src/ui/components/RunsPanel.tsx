import { useEffect, useState } from 'react'
import { isTraining, useStore } from '../store'
import { fineTuneFrom, openStoredRun } from '../trainerClient'
import { deleteRun, refreshRuns, renameRun, toggleCompare } from '../runs'
import { formatBytes } from '../../shared/config'
import type { StoredRun } from '../../storage/runStore'

const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })

function RunRow({ run, current }: { run: StoredRun; current: boolean }) {
  const training = useStore(isTraining)
  const compared = useStore((s) => s.compare.some((c) => c.id === run.id))
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState(run.name)
  const [confirm, setConfirm] = useState(false)
  const finished = run.step >= run.train.maxIters
  return (
    <tr aria-current={current ? 'true' : undefined}>
      <td>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault()
              if (name.trim()) void renameRun(run.id, name).then(() => setEditing(false))
            }}
          >
            <input aria-label="Run name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus />
            <button type="submit">Save</button>
          </form>
        ) : (
          <>
            {run.name}
            {current && <span className="muted small"> (open)</span>}{' '}
            <button type="button" className="link small" onClick={() => (setName(run.name), setEditing(true))}>
              Rename
            </button>
            <div className="muted small">saved {when.format(run.updatedAt)}</div>
          </>
        )}
      </td>
      <td className="num">
        {run.step.toLocaleString('en')} / {run.train.maxIters.toLocaleString('en')}
      </td>
      <td className="num">{run.bestValLoss !== undefined ? run.bestValLoss.toFixed(4) : '–'}</td>
      <td className="num small">{run.checkpoint ? formatBytes(run.checkpoint.bytes) : 'no checkpoint'}</td>
      <td>
        <label className="small">
          <input type="checkbox" checked={compared} onChange={() => void toggleCompare(run)} /> Compare
        </label>
      </td>
      <td>
        {!current && (
          <>
            <button type="button" disabled={training || !run.checkpoint} onClick={() => void openStoredRun(run.id)} title={run.checkpoint ? undefined : 'This run closed before its first checkpoint'}>
              {finished ? 'Open' : 'Resume'}
            </button>{' '}
          </>
        )}
        <button type="button" disabled={training || !run.checkpoint} onClick={() => void fineTuneFrom(run.id)} title="A new run from this one's weights, on the text in panel 1, with a ten times lower learning rate">
          Fine-tune
        </button>{' '}
        {confirm ? (
          <>
            <button type="button" onClick={() => void deleteRun(run.id)}>
              Delete for good
            </button>{' '}
            <button type="button" className="link" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" disabled={current && training} onClick={() => setConfirm(true)}>
            Delete
          </button>
        )}
      </td>
    </tr>
  )
}

/**
 * Every run trained in this browser, kept in IndexedDB with its last checkpoint: resume or open one, rename,
 * delete, and overlay the validation curves of several on the loss chart.
 */
export function RunsPanel() {
  const runs = useStore((s) => s.storedRuns)
  const available = useStore((s) => s.storageAvailable)
  const current = useStore((s) => s.saved?.storedId)
  const problems = useStore((s) => s.restoreProblems)
  const hasRun = useStore((s) => Boolean(s.run && s.points.length > 0))
  useEffect(() => {
    void refreshRuns()
  }, [])
  const interrupted = !hasRun ? runs.find((r) => (r.status === 'training' || r.status === 'paused') && r.checkpoint && r.step < r.train.maxIters) : undefined
  return (
    <section className="panel" aria-labelledby="runs-h">
      <h2 id="runs-h">Runs</h2>
      {available === false && <p className="muted small">This browser does not let the page store data (private mode, or storage blocked): runs are not kept after a reload.</p>}
      {interrupted && (
        <p className="notice" data-testid="interrupted-run">
          “{interrupted.name}” stopped at step {interrupted.step.toLocaleString('en')} when the page closed.{' '}
          <button type="button" className="primary" onClick={() => void openStoredRun(interrupted.id)}>
            Resume from step {interrupted.step.toLocaleString('en')}
          </button>
        </p>
      )}
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      {runs.length === 0 ? (
        available !== false && <p className="muted small">Runs you train are kept here, with their last checkpoint, loss history and settings: reload the page and resume where you were.</p>
      ) : (
        <table className="results runs" aria-label="Stored runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Steps</th>
              <th title="The lowest validation loss of the run">Best val loss</th>
              <th>Size</th>
              <th></th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow run={r} current={r.id === current} key={r.id} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
