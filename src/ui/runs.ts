// The page's view of the runs kept in IndexedDB (the worker writes checkpoints; the page lists, renames,
// deletes and compares runs, and asks the worker to reopen one). No tfjs here: the run store is plain data.
import { RunStore, type StoredRun } from '../storage/runStore'
import { StoredRecordError } from '../storage/schema'
import type { EvalPoint } from '../shared/protocol'
import { useStore } from './store'

const get = useStore.getState
let opening: Promise<RunStore | undefined> | undefined

/** The page's connection to the run store; undefined where IndexedDB is unavailable (storage blocked). */
export function pageStore(): Promise<RunStore | undefined> {
  opening ??= (typeof indexedDB === 'undefined' ? Promise.resolve(undefined) : RunStore.open()).catch(() => undefined)
  return opening
}

/** Reads the list of stored runs into the store. */
export async function refreshRuns(): Promise<StoredRun[]> {
  const store = await pageStore()
  if (!store) {
    get().runsListed(undefined)
    return []
  }
  const { runs, unreadable } = await store.listAll()
  get().runsListed({
    runs,
    unreadable: unreadable.map((u) => ({ id: u.id, message: u.error.message, ...u.error.coded() })),
  })
  return runs
}

export async function renameRun(id: string, name: string): Promise<void> {
  const store = await pageStore()
  await store?.rename(id, name)
  await refreshRuns()
}

export async function deleteRun(id: string): Promise<void> {
  const store = await pageStore()
  await store?.delete(id)
  get().compareRemoved(id)
  await refreshRuns()
}

/** Adds a stored run's validation curve to the loss chart, or removes it. */
export async function toggleCompare(run: StoredRun): Promise<void> {
  if (get().compare.some((c) => c.id === run.id)) return get().compareRemoved(run.id)
  // ticked at once (the box follows the click); its curve follows from storage
  get().compareAdded(run)
  let evals: EvalPoint[] = []
  try {
    evals = (await (await pageStore())?.history(run.id))?.evals ?? []
  } catch (e) {
    if (!(e instanceof StoredRecordError)) throw e
    get().setRestoreProblems([{ field: 'stored', code: e.code, params: e.params, message: e.message }])
  }
  get().compareLoaded(run.id, evals)
}
