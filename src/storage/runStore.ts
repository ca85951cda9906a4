// Runs that survive a reload: every run the user trains is kept in IndexedDB (through `idb`) with its config,
// tokenizer, where its text came from, its loss history and pinned samples, and its last good checkpoint
// (weights, AdamW state, step, batch-generator states). Used by the worker (which writes checkpoints) and the
// page (which lists, renames, deletes and compares runs). No tfjs, no DOM: IndexedDB exists in both.
//
// Atomicity: a checkpoint is written in one transaction with the run record that points to it and the
// history that goes with it; the previous checkpoint is deleted in the same transaction. A transaction that
// fails (storage full, a value that cannot be stored, a closed tab) changes nothing, so the last good
// checkpoint is never replaced by a partial one. A full disk is a StorageFullError: training goes on in memory.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { ModelConfig, TrainConfig } from '../shared/config'
import type { EvalPoint, MetricPoint, SyntheticData } from '../shared/protocol'
import type { TokenizerSpec } from '../text/tokenizer'
import { checkStoredCheckpoint, checkStoredHistory, checkStoredRun, RECORD_FORMAT, StoredRecordError } from './schema'

export const DB_NAME = 'gpt-playground'
const DB_VERSION = 1

/** Texts up to this many characters are stored with the run; longer ones by their SHA-256 digest only. */
export const MAX_INLINE_TEXT_CHARS = 2_000_000

/** Where a run's text came from: enough to train on it again, or to recognise it when it is loaded again. */
export type TextSource =
  | { kind: 'inline'; text: string; digest: string; length: number }
  | { kind: 'dataset'; datasetId: string; digest: string; length: number }
  | { kind: 'digest'; digest: string; length: number; label: string }

export type StoredStatus = 'ready' | 'training' | 'paused' | 'stopped' | 'finished'

export interface StoredRun {
  id: string
  name: string
  createdAt: number
  updatedAt: number
  model: ModelConfig
  train: TrainConfig
  vocab: string[] // token id → text, as shown
  tokenizer?: TokenizerSpec // the run's tokenizer (characters when absent: runs stored before BPE)
  text: TextSource
  status: StoredStatus
  step: number // of the last checkpoint
  bestValLoss?: number
  checkpoint?: { id: string; step: number; bytes: number }
  origin?: { from: 'file' | 'run'; name: string; step?: number; added: string[] }
  /** Pair mode: the text is prompt → completion pairs and the loss counts completions only. */
  pairs?: boolean
  /** Batches generated fresh every step (the induction experiment): no text is read. */
  synthetic?: SyntheticData
  /** The record's version (schema.ts): absent in records older than the field, which are version 1. */
  format?: number
}

export interface WatchEntry {
  step: number
  loss: number
  valLoss?: number
  text: string
}

export interface StoredHistory {
  runId: string
  points: MetricPoint[]
  evals: EvalPoint[]
  watch: { prompt: string; entries: WatchEntry[] } | null
}

export interface StoredCheckpoint {
  id: string
  runId: string
  step: number
  createdAt: number
  elapsedMs: number
  weights: Record<string, Float32Array>
  optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }
  sampler: number[]
}

interface Schema extends DBSchema {
  runs: { key: string; value: StoredRun }
  checkpoints: { key: string; value: StoredCheckpoint }
  histories: { key: string; value: StoredHistory }
}

export class StorageFullError extends Error {
  override name = 'StorageFullError'
}

/** The run was deleted (in another tab, or by the user) while a checkpoint of it was being written. */
export class RunGoneError extends Error {
  override name = 'RunGoneError'
}

function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED'
}

/** SHA-256 of the text's UTF-8 bytes, hex: how a run recognises its text. */
export async function textDigest(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text)
  const hash = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** How a text is stored with a run: inline when small enough, by dataset id when built in, else by digest. */
export async function textSource(text: string, o: { datasetId?: string; label?: string } = {}): Promise<TextSource> {
  const digest = await textDigest(text)
  const length = text.length
  if (o.datasetId) return { kind: 'dataset', datasetId: o.datasetId, digest, length }
  if (length <= MAX_INLINE_TEXT_CHARS) return { kind: 'inline', text, digest, length }
  return { kind: 'digest', digest, length, label: o.label ?? 'the training text' }
}

function bytesOf(c: Pick<StoredCheckpoint, 'weights' | 'optimizer'>): number {
  let n = 0
  for (const part of [c.weights, c.optimizer.m, c.optimizer.v]) for (const a of Object.values(part)) n += a.byteLength
  return n
}

export class RunStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = DB_NAME): Promise<RunStore> {
    const db = await openDB<Schema>(name, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' })
        d.createObjectStore('checkpoints', { keyPath: 'id' })
        d.createObjectStore('histories', { keyPath: 'runId' })
      },
    })
    return new RunStore(db)
  }

  close(): void {
    this.db.close()
  }

  /** Every stored run that reads as one, most recently updated first (see `unreadable` for the others). */
  async list(): Promise<StoredRun[]> {
    return (await this.listAll()).runs
  }

  /** The stored runs, and the records that could not be read as runs, each with the reason (schema.ts). */
  async listAll(): Promise<{ runs: StoredRun[]; unreadable: { id: string; error: StoredRecordError }[] }> {
    const runs: StoredRun[] = []
    const unreadable: { id: string; error: StoredRecordError }[] = []
    for (const raw of await this.db.getAll('runs')) {
      try {
        runs.push(checkStoredRun(raw))
      } catch (e) {
        if (!(e instanceof StoredRecordError)) throw e
        unreadable.push({
          id: typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '?',
          error: e,
        })
      }
    }
    return { runs: runs.sort((a, b) => b.updatedAt - a.updatedAt), unreadable }
  }

  /** The run's record, checked; a record that does not read as a run throws a StoredRecordError. */
  async get(id: string): Promise<StoredRun | undefined> {
    const raw = await this.db.get('runs', id)
    return raw === undefined ? undefined : checkStoredRun(raw)
  }

  async history(id: string): Promise<StoredHistory | undefined> {
    const raw = await this.db.get('histories', id)
    return raw === undefined ? undefined : checkStoredHistory(raw, id)
  }

  /** A new run, before its first checkpoint. */
  async create(run: StoredRun): Promise<void> {
    await this.write(async () => {
      const tx = this.db.transaction(['runs', 'histories'], 'readwrite')
      await Promise.all([
        tx.objectStore('runs').put({ ...run, format: RECORD_FORMAT }),
        tx.objectStore('histories').put({ runId: run.id, points: [], evals: [], watch: null }),
        tx.done,
      ])
    })
  }

  /**
   * Replaces the run's checkpoint and history in one transaction, updating its record (step, status, best
   * validation loss, size). Either all of it is stored or none of it: the previous checkpoint survives any failure.
   */
  async saveCheckpoint(
    runId: string,
    checkpoint: Omit<StoredCheckpoint, 'id' | 'runId' | 'createdAt'>,
    history: Omit<StoredHistory, 'runId'>,
    update: Partial<Pick<StoredRun, 'status' | 'bestValLoss'>> = {},
  ): Promise<StoredRun> {
    return this.write(async () => {
      const tx = this.db.transaction(['runs', 'checkpoints', 'histories'], 'readwrite')
      const runs = tx.objectStore('runs')
      const run = await runs.get(runId)
      if (!run) {
        tx.abort()
        await tx.done.catch(() => undefined)
        throw new RunGoneError(`run ${runId} is no longer stored`)
      }
      const now = Date.now()
      const id = `${runId}@${checkpoint.step}-${now}`
      const previous = run.checkpoint?.id
      const bytes = bytesOf(checkpoint)
      const next: StoredRun = {
        ...run,
        ...update,
        step: checkpoint.step,
        updatedAt: now,
        checkpoint: { id, step: checkpoint.step, bytes },
      }
      try {
        // each request is watched as soon as it is made: after an abort, the ones already made reject too
        const ops: Promise<unknown>[] = []
        const issue = (request: Promise<unknown>) => {
          request.catch(() => undefined)
          ops.push(request)
        }
        issue(tx.objectStore('checkpoints').put({ ...checkpoint, id, runId, createdAt: now }))
        issue(tx.objectStore('histories').put({ ...history, runId }))
        issue(runs.put(next))
        if (previous && previous !== id) issue(tx.objectStore('checkpoints').delete(previous))
        await Promise.all([...ops, tx.done])
      } catch (e) {
        // a request that throws (say, a value that cannot be stored) does not abort the transaction by itself
        try {
          tx.abort()
        } catch {
          // already finished or aborted
        }
        await tx.done.catch(() => undefined)
        throw e
      }
      return next
    })
  }

  /** Updates a run's status (training, paused…) without touching its checkpoint. */
  async setStatus(id: string, status: StoredStatus): Promise<void> {
    await this.write(async () => {
      const tx = this.db.transaction('runs', 'readwrite')
      const run = await tx.store.get(id)
      if (run) await tx.store.put({ ...run, status, updatedAt: Date.now() })
      await tx.done
    })
  }

  /** The run's training settings from now on (a new learning rate after a divergence). */
  async setTrain(id: string, train: StoredRun['train']): Promise<void> {
    await this.write(async () => {
      const tx = this.db.transaction('runs', 'readwrite')
      const run = await tx.store.get(id)
      if (run) await tx.store.put({ ...run, train, updatedAt: Date.now() })
      await tx.done
    })
  }

  async rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim().slice(0, 200)
    if (!trimmed) throw new Error('A run needs a name')
    await this.write(async () => {
      const tx = this.db.transaction('runs', 'readwrite')
      const run = await tx.store.get(id)
      if (run) await tx.store.put({ ...run, name: trimmed })
      await tx.done
    })
  }

  /** Removes a run with its checkpoint and history. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints', 'histories'], 'readwrite')
    const run = await tx.objectStore('runs').get(id)
    const ops: Promise<unknown>[] = [tx.objectStore('runs').delete(id), tx.objectStore('histories').delete(id)]
    if (run?.checkpoint) ops.push(tx.objectStore('checkpoints').delete(run.checkpoint.id))
    await Promise.all([...ops, tx.done])
  }

  /**
   * The run, its last good checkpoint (if it has one) and its history, each checked (schema.ts): a record that
   * does not read as what it should be throws a StoredRecordError saying what is wrong.
   */
  async load(
    id: string,
  ): Promise<{ run: StoredRun; checkpoint?: StoredCheckpoint; history: StoredHistory } | undefined> {
    const tx = this.db.transaction(['runs', 'checkpoints', 'histories'], 'readonly')
    const raw = await tx.objectStore('runs').get(id)
    if (!raw) return undefined
    const run = checkStoredRun(raw)
    const [checkpoint, history] = await Promise.all([
      run.checkpoint ? tx.objectStore('checkpoints').get(run.checkpoint.id) : undefined,
      tx.objectStore('histories').get(id),
    ])
    await tx.done
    return {
      run,
      checkpoint: checkpoint === undefined ? undefined : checkStoredCheckpoint(checkpoint),
      history: history ? checkStoredHistory(history, id) : { runId: id, points: [], evals: [], watch: null },
    }
  }

  /** Runs a write, turning a full disk into a StorageFullError. */
  private async write<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (e) {
      if (isQuotaError(e))
        throw new StorageFullError(
          'The browser’s storage for this page is full: the run goes on in memory but is not saved. Delete old runs to make room.',
        )
      throw e
    }
  }
}
