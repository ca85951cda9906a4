import { useStore } from '../store'
import { restartEngine } from '../client'
import { useT } from '../i18n'

/**
 * "Training engine stopped": the worker crashed, was killed or fell silent; Restart resumes from the last checkpoint.
 * Or, after a lost GPU device (restarted without asking), what happened and where the run is now.
 */
export function EngineBanner() {
  const t = useT()
  const stopped = useStore((s) => s.engineStopped)
  const lost = useStore((s) => s.deviceLoss)
  if (!stopped && lost)
    return (
      <div className="callout" role="status" data-testid="device-lost">
        <p>{t.deviceLost(lost.backend, lost.message, lost.step, lost.fallback)}</p>
        <button type="button" onClick={() => useStore.getState().dismissDeviceLoss()}>
          {t.dismiss}
        </button>
      </div>
    )
  if (!stopped) return null
  return (
    <div className="callout error" role="alert" data-testid="engine-stopped">
      <p>
        <b>{t.engineStoppedTitle}</b> {t.engineStoppedWhy(stopped.why, stopped.detail)}{' '}
        {stopped.storedId && stopped.step !== undefined
          ? t.engineRestartResumes(stopped.name ?? '', stopped.step, stopped.wasTraining)
          : t.engineRestartFresh}
      </p>
      <button type="button" className="primary" onClick={restartEngine}>
        {t.restartEngine}
      </button>
    </div>
  )
}
