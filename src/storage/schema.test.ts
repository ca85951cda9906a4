// Records read back from IndexedDB are checked before use: a damaged one is refused saying what is wrong, one
// from a newer version of the app is refused rather than guessed at, and maps cannot pollute prototypes.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { RunStore, type StoredRun } from './runStore'
import { checkStoredCheckpoint, checkStoredRun, RECORD_FORMAT, StoredRecordError } from './schema'
import { smallestModel, tenSteps } from '../testing/configs'

let n = 0
let store: RunStore | undefined
afterEach(() => store?.close())

const model = smallestModel
const train = tenSteps()
const good = (): StoredRun => ({
  id: 'a',
  name: 'run a',
  createdAt: 1,
  updatedAt: 2,
  model,
  train,
  vocab: ['a', 'b', 'c'],
  text: { kind: 'inline', text: 'abc', digest: 'd', length: 3 },
  status: 'paused',
  step: 0,
})

/** Puts a raw record straight into the store, as another version or a damaged profile might have. */
async function withRaw(raw: unknown): Promise<RunStore> {
  store = await RunStore.open(`schema-${++n}`)
  const db = (store as unknown as { db: { put(s: string, v: unknown): Promise<unknown> } }).db
  await db.put('runs', raw)
  return store
}

function refusal(f: () => unknown): StoredRecordError {
  try {
    f()
  } catch (e) {
    if (e instanceof StoredRecordError) return e
    throw e
  }
  throw new Error('not refused')
}

describe('stored records', () => {
  it('a run written by this version reads back as written, with its format; one from before formats existed reads too', async () => {
    store = await RunStore.open(`schema-${++n}`)
    await store.create(good())
    expect(await store.get('a')).toEqual({ ...good(), format: RECORD_FORMAT })
    expect(checkStoredRun(good())).toEqual({ ...good(), format: 1 }) // no format field: version 1
  })

  it('refuses a run from a newer version of the app, saying so, and lists it as unreadable', async () => {
    const s = await withRaw({ ...good(), format: RECORD_FORMAT + 1, somethingNew: { x: 1 } })
    await expect(s.get('a')).rejects.toThrow(
      /stored by a newer version of the playground \(format 2; this page reads up to 1\)/,
    )
    const listed = await s.listAll()
    expect(listed.runs).toEqual([])
    expect(listed.unreadable).toMatchObject([{ id: 'a', error: { code: 'stored-newer' } }])
    await expect(s.load('a')).rejects.toBeInstanceOf(StoredRecordError)
  })

  const damaged: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ['not an object', (r) => Object.assign(r, { model: 'x' }), /model is not an object/],
    [
      'a setting that is not a number',
      (r) => Object.assign(r, { train: { ...train, learningRate: 'fast' } }),
      /train\.learningRate is not a setting|train\.learningRate is missing or not a number/,
    ],
    [
      'a missing setting',
      (r) => Object.assign(r, { model: { ...model, nLayer: undefined } }),
      /model\.nLayer is missing or not a number/,
    ],
    [
      'a nested object in the settings',
      (r) => Object.assign(r, { model: { ...model, nHead: { valueOf: 2 } } }),
      /model\.nHead is not a setting/,
    ],
    [
      'bias not a boolean',
      (r) => Object.assign(r, { model: { ...model, bias: 'yes' } }),
      /model\.bias is not true or false/,
    ],
    [
      'an unknown status',
      (r) => Object.assign(r, { status: 'exploded' }),
      /status is "exploded", not one of ready, training/,
    ],
    ['a fractional step', (r) => Object.assign(r, { step: 2.5 }), /step is not a whole number/],
    [
      'an unknown text kind',
      (r) => Object.assign(r, { text: { kind: 'url', url: 'http://x' } }),
      /text\.kind is "url"/,
    ],
    ['a vocabulary of numbers', (r) => Object.assign(r, { vocab: [1, 2, 3] }), /vocab is not a list of tokens/],
    [
      'a tokenizer of another kind',
      (r) => Object.assign(r, { tokenizer: { kind: 'sentencepiece' } }),
      /tokenizer is neither/,
    ],
    ['a negative format', (r) => Object.assign(r, { format: -1 }), /format is not a version number/],
  ]
  for (const [what, spoil, message] of damaged) {
    it(`refuses a damaged run: ${what}`, () => {
      const r = good() as unknown as Record<string, unknown>
      spoil(r)
      const e = refusal(() => checkStoredRun(r))
      expect(e.code).toBe('stored-damaged')
      expect(e.message).toMatch(message)
      expect(e.message).toMatch(/^The stored run is damaged \(.*\); it cannot be used\.$/)
    })
  }

  const checkpoint = () => ({
    id: 'c',
    runId: 'a',
    step: 3,
    createdAt: 1,
    elapsedMs: 30,
    weights: { w: new Float32Array([1, 2]) },
    optimizer: { t: 3, m: { w: new Float32Array(2) }, v: { w: new Float32Array(2) } },
    sampler: [1, 2],
  })

  it('reads a checkpoint into null-prototype maps: a weight called __proto__ is only a name', () => {
    const c = checkpoint()
    Object.defineProperty(c.weights, '__proto__', { value: new Float32Array([7, 7]), enumerable: true })
    Object.defineProperty(c.optimizer.m, '__proto__', { value: new Float32Array(2), enumerable: true })
    Object.defineProperty(c.optimizer.v, '__proto__', { value: new Float32Array(2), enumerable: true })
    const read = checkStoredCheckpoint(c)
    expect(Object.getPrototypeOf(read.weights)).toBeNull()
    expect(Object.keys(read.weights).sort()).toEqual(['__proto__', 'w'])
    expect(({} as Record<string, unknown>).length).toBeUndefined()
  })

  it('refuses a checkpoint with NaN weights, a moment of the wrong size, or something that is not float32', () => {
    const nan = checkpoint()
    nan.weights.w[1] = Number.NaN
    expect(refusal(() => checkStoredCheckpoint(nan)).message).toMatch(/weights\.w holds NaN or infinite values/)
    const short = checkpoint()
    short.optimizer.m.w = new Float32Array(1)
    expect(refusal(() => checkStoredCheckpoint(short)).message).toMatch(
      /the optimizer state of w does not match its weights/,
    )
    const plain = checkpoint() as unknown as { weights: Record<string, unknown> }
    plain.weights.w = [1, 2]
    expect(refusal(() => checkStoredCheckpoint(plain)).message).toMatch(/weights\.w is not an array of float32 values/)
  })
})
