import { useEffect, useState } from 'react'
import { isStepping, isTraining, useStore } from '../store'
import { fineTuneFrom, openStoredRun } from '../client'
import { deleteRun, refreshRuns, renameRun, toggleCompare } from '../runs'
import { formatBytes } from '../../shared/config'
import type { StoredRun } from '../../storage/runStore'
import { useSay, useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

function RunRow({ run, current }: { run: StoredRun; current: boolean }) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const when = new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
  // another run opens (or fine-tunes) once this one is not taking steps; the open run is deleted once it is stopped
  const stepping = useStore(isStepping)
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
            <input
              aria-label={t.runName}
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              autoFocus
            />
            <button type="submit">{t.save}</button>
          </form>
        ) : (
          <>
            {run.name}
            {current && <span className="muted small">{t.openMark}</span>}{' '}
            <button type="button" className="link small" onClick={() => (setName(run.name), setEditing(true))}>
              {t.rename}
            </button>
            <div className="muted small">{t.savedWhen(when.format(run.updatedAt))}</div>
          </>
        )}
      </td>
      <td className="num">
        {run.step.toLocaleString('en')} / {run.train.maxIters.toLocaleString('en')}
      </td>
      <td className="num">{run.bestValLoss !== undefined ? run.bestValLoss.toFixed(4) : '–'}</td>
      <td className="num small">{run.checkpoint ? formatBytes(run.checkpoint.bytes) : t.noCheckpoint}</td>
      <td>
        <label className="small">
          <input type="checkbox" checked={compared} onChange={() => void toggleCompare(run)} /> {t.compare}
        </label>
      </td>
      <td>
        {!current && (
          <>
            <button
              type="button"
              disabled={stepping || !run.checkpoint}
              onClick={() => void openStoredRun(run.id)}
              title={run.checkpoint ? undefined : t.noCheckpointYet}
            >
              {finished ? t.open : t.resume}
            </button>{' '}
          </>
        )}
        <button
          type="button"
          disabled={stepping || !run.checkpoint}
          onClick={() => void fineTuneFrom(run.id)}
          title={t.fineTuneTitle}
        >
          {t.fineTune}
        </button>{' '}
        {confirm ? (
          <>
            <button type="button" onClick={() => void deleteRun(run.id)}>
              {t.deleteForGood}
            </button>{' '}
            <button type="button" className="link" onClick={() => setConfirm(false)}>
              {t.keep}
            </button>
          </>
        ) : (
          <button
            type="button"
            disabled={current && training}
            title={current && training ? t.stopToDeleteRun : undefined}
            onClick={() => setConfirm(true)}
          >
            {t.deleteRun}
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
export function RunsPanel(panel: ViewProps) {
  const t = useT()
  const say = useSay()
  const runs = useStore((s) => s.storedRuns)
  const available = useStore((s) => s.storageAvailable)
  const current = useStore((s) => s.saved?.storedId)
  const problems = useStore((s) => s.restoreProblems)
  const unreadable = useStore((s) => s.unreadableRuns)
  const hasRun = useStore((s) => Boolean(s.run && s.points.length > 0))
  const stepping = useStore(isStepping)
  const training = useStore(isTraining)
  useEffect(() => {
    void refreshRuns()
  }, [])
  const interrupted = !hasRun
    ? runs.find((r) => (r.status === 'training' || r.status === 'paused') && r.checkpoint && r.step < r.train.maxIters)
    : undefined
  return (
    <Panel {...panel}>
      {available === false && <p className="muted small">{t.noStorage}</p>}
      {interrupted && (
        <p className="notice" data-testid="interrupted-run">
          {t.interrupted(interrupted.name, interrupted.step.toLocaleString('en'))}{' '}
          <button type="button" className="primary" onClick={() => void openStoredRun(interrupted.id)}>
            {t.resumeFrom(interrupted.step.toLocaleString('en'))}
          </button>
        </p>
      )}
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {say(p)}
        </p>
      ))}
      {runs.length === 0 ? (
        available !== false && <p className="muted small">{t.runsEmpty}</p>
      ) : (
        <table className="results runs" aria-label={t.storedRuns}>
          <thead>
            <tr>
              <th>{t.runColumn}</th>
              <th>{t.stepsColumn}</th>
              <th title={t.bestValTitle}>{t.bestVal}</th>
              <th>{t.sizeColumn}</th>
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
      {runs.length > 0 && stepping && <p className="muted small">{t.pauseToOpenRun}</p>}
      {current !== undefined && training && <p className="muted small">{t.stopToDeleteRun}</p>}
      {unreadable.length > 0 && (
        <ul className="small" data-testid="unreadable-runs">
          {unreadable.map((u) => (
            <li key={u.id} className="error">
              {t.unreadableRun(u.id)} {say({ ...u, field: 'stored' })}{' '}
              <button type="button" className="link" onClick={() => void deleteRun(u.id)}>
                {t.deleteRecord}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  )
}
