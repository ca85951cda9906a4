// One tab trains at a time: the page holds a Web Lock while it trains. Where Web Locks are missing there is
// nothing to coordinate.
import { useStore } from '../store'

const TRAINING_LOCK = 'gpt-playground:training'
let releaseLock: (() => void) | undefined

/**
 * Takes the training lock: at once if no other tab holds it, or from the tab that does (`steal`), which is then
 * told and pauses. `onTakenOver` is what this tab does when another one steals it later.
 */
export function acquireTrainingLock(steal: boolean, onTakenOver: () => void): Promise<boolean> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks || releaseLock) return Promise.resolve(true)
  const { setLock } = useStore.getState()
  return new Promise((resolve) => {
    locks
      .request(TRAINING_LOCK, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
        if (!lock) return resolve(false)
        resolve(true)
        setLock('held')
        return new Promise<void>((release) => (releaseLock = release))
      })
      .catch(() => {
        // another tab took the lock over: this one pauses (a checkpoint is stored) and says so
        releaseLock = undefined
        setLock('taken')
        onTakenOver()
      })
  })
}

export function releaseTrainingLock(): void {
  const release = releaseLock
  releaseLock = undefined
  release?.()
  if (useStore.getState().lock === 'held') useStore.getState().setLock(undefined)
}
