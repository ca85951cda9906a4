// The run store on fake-indexeddb: a checkpoint replaces the last one atomically, a failure in the middle of a
// write (a value IndexedDB cannot store, a full disk) leaves the last good checkpoint readable, and a deleted
// run is not brought back by a late write.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { smallestModel, tenSteps } from '../testing/configs'
import {
  RunGoneError,
  RunStore,
  StorageFullError,
  textDigest,
  textSource,
  type StoredCheckpoint,
  type StoredRun,
} from './runStore'

let n = 0
let store: RunStore | undefined
afterEach(() => {
  vi.restoreAllMocks()
  store?.close()
})

async function fresh(): Promise<RunStore> {
  store = await RunStore.open(`test-${++n}`)
  return store
}

const model = smallestModel
const train = tenSteps()

function run(id: string): StoredRun {
  return {
    id,
    name: `run ${id}`,
    createdAt: 1,
    updatedAt: 1,
    model,
    train,
    vocab: ['a', 'b', 'c'],
    text: { kind: 'inline', text: 'abc', digest: 'd', length: 3 },
    status: 'training',
    step: 0,
  }
}

function checkpoint(step: number, fill: number): Omit<StoredCheckpoint, 'id' | 'runId' | 'createdAt'> {
  const w = () => ({ 'wte.weight': new Float32Array(6).fill(fill) })
  return { step, elapsedMs: step * 10, weights: w(), optimizer: { t: step, m: w(), v: w() }, sampler: [1, 2, 3] }
}

const history = (steps: number) => ({
  points: Array.from({ length: steps }, (_, i) => ({
    step: i + 1,
    loss: 3 - i / 10,
    lr: 1e-3,
    stepMs: 5,
    elapsedMs: 5 * (i + 1),
  })),
  evals: [],
  watch: null,
})

describe('RunStore', () => {
  it('stores a run, replaces its checkpoint, and keeps only the newest', async () => {
    const s = await fresh()
    await s.create(run('a'))
    expect((await s.load('a'))!.checkpoint).toBeUndefined()
    await s.saveCheckpoint('a', checkpoint(5, 0.5), history(5), { bestValLoss: 2.5 })
    const second = await s.saveCheckpoint('a', checkpoint(10, 1), history(10), { status: 'paused', bestValLoss: 2.1 })
    const loaded = (await s.load('a'))!
    expect(loaded.run).toMatchObject({
      step: 10,
      status: 'paused',
      bestValLoss: 2.1,
      checkpoint: { step: 10, bytes: 72 },
    })
    expect(loaded.checkpoint!.weights['wte.weight']).toEqual(new Float32Array(6).fill(1))
    expect(loaded.checkpoint!.optimizer.t).toBe(10)
    expect(loaded.history.points).toHaveLength(10)
    expect(second.checkpoint!.id).toBe(loaded.checkpoint!.id)
    // the step-5 checkpoint is gone: one checkpoint per run
    const tx = (s as unknown as { db: { getAllKeys(store: string): Promise<string[]> } }).db
    expect(await tx.getAllKeys('checkpoints')).toEqual([loaded.checkpoint!.id])
  })

  it('a write that fails half-way changes nothing: the last good checkpoint stays', async () => {
    const s = await fresh()
    await s.create(run('a'))
    await s.saveCheckpoint('a', checkpoint(5, 0.5), history(5))
    // the checkpoint is put first; the history then holds a value IndexedDB cannot clone, and the transaction aborts
    const bad = {
      ...history(8),
      points: [{ step: 1, loss: 1, lr: 1, stepMs: 1, elapsedMs: 1, oops: () => 1 } as never],
    }
    await expect(s.saveCheckpoint('a', checkpoint(8, 0.8), bad)).rejects.toThrow()
    const loaded = (await s.load('a'))!
    expect(loaded.run.step).toBe(5)
    expect(loaded.checkpoint!.step).toBe(5)
    expect(loaded.checkpoint!.weights['wte.weight'][0]).toBeCloseTo(0.5)
    expect(loaded.history.points).toHaveLength(5)
    const db = (s as unknown as { db: { getAllKeys(store: string): Promise<string[]> } }).db
    expect(await db.getAllKeys('checkpoints')).toEqual([loaded.checkpoint!.id]) // no orphan from the failed write
  })

  it('a full disk is a StorageFullError, and the last good checkpoint stays', async () => {
    const s = await fresh()
    await s.create(run('a'))
    await s.saveCheckpoint('a', checkpoint(5, 0.5), history(5))
    const put = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'checkpoints') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      return put.apply(this, args as Parameters<typeof put>)
    })
    await expect(s.saveCheckpoint('a', checkpoint(9, 0.9), history(9))).rejects.toBeInstanceOf(StorageFullError)
    vi.restoreAllMocks()
    const loaded = (await s.load('a'))!
    expect(loaded.checkpoint!.step).toBe(5)
    expect(loaded.run.step).toBe(5)
    const db = (s as unknown as { db: { getAllKeys(store: string): Promise<string[]> } }).db
    expect(await db.getAllKeys('checkpoints')).toEqual([loaded.checkpoint!.id])
  })

  it('lists newest first, renames, deletes with checkpoint and history; a deleted run is not written again', async () => {
    const s = await fresh()
    await s.create({ ...run('old'), updatedAt: 1 })
    await s.create({ ...run('new'), updatedAt: 2 })
    expect((await s.list()).map((r) => r.id)).toEqual(['new', 'old'])
    await s.rename('old', '  Shakespeare, 2000 steps  ')
    expect((await s.get('old'))!.name).toBe('Shakespeare, 2000 steps')
    await expect(s.rename('old', '   ')).rejects.toThrow(/needs a name/)
    await s.saveCheckpoint('old', checkpoint(3, 0.3), history(3))
    await s.delete('old')
    expect(await s.load('old')).toBeUndefined()
    expect(await s.history('old')).toBeUndefined()
    await expect(s.saveCheckpoint('old', checkpoint(4, 0.4), history(4))).rejects.toBeInstanceOf(RunGoneError)
    expect(await s.get('old')).toBeUndefined()
    await s.setStatus('new', 'stopped')
    expect((await s.get('new'))!.status).toBe('stopped')
  })

  it('keeps small texts inline, built-in datasets by id, and large texts by their SHA-256', async () => {
    // SHA-256("abc") from FIPS 180-2, appendix B.1
    expect(await textDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(await textSource('abc')).toMatchObject({ kind: 'inline', text: 'abc', length: 3 })
    expect(await textSource('abc', { datasetId: 'names' })).toEqual({
      kind: 'dataset',
      datasetId: 'names',
      digest: await textDigest('abc'),
      length: 3,
    })
    const big = 'x'.repeat(2_000_001)
    expect(await textSource(big, { label: 'big.txt' })).toMatchObject({
      kind: 'digest',
      length: 2_000_001,
      label: 'big.txt',
    })
  })
})
