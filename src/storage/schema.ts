// What comes back from IndexedDB is checked before use, as a file from disk would be: another version of the
// app may have written it, a browser extension or a damaged profile may have changed it. Each reader returns
// the record rebuilt from what it checked (maps as null-prototype objects, so a key called "__proto__" is just
// a key), or throws a StoredRecordError that says what is wrong. A record written by a newer version of the
// app (a `format` above RECORD_FORMAT) is refused rather than guessed at.
import type { StoredCheckpoint, StoredHistory, StoredRun } from './runStore'
import { CodedError } from '../shared/codedError'
import { TRAIN_KEYS } from '../shared/config'

/** The version of the records this app writes; older records (no `format`) are version 1. */
export const RECORD_FORMAT = 1

export class StoredRecordError<
  C extends 'stored-newer' | 'stored-damaged' = 'stored-newer' | 'stored-damaged',
> extends CodedError<C> {
  override name = 'StoredRecordError'
}

type Obj = Record<string, unknown>

function damaged(what: string, detail: string): never {
  throw new StoredRecordError(`The stored ${what} is damaged (${detail}); it cannot be used.`, 'stored-damaged', {
    what,
    detail,
  })
}

function obj(v: unknown, what: string, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) damaged(what, `${path} is not an object`)
  return v as Obj
}
function str(v: unknown, what: string, path: string): string {
  if (typeof v !== 'string') damaged(what, `${path} is not text`)
  return v
}
function num(v: unknown, what: string, path: string, o: { int?: boolean; min?: number } = {}): number {
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    (o.int && !Number.isInteger(v)) ||
    (o.min !== undefined && v < o.min)
  )
    damaged(what, `${path} is not a ${o.int ? 'whole ' : ''}number${o.min !== undefined ? ` ≥ ${o.min}` : ''}`)
  return v
}
function oneOf<T extends string>(v: unknown, options: readonly T[], what: string, path: string): T {
  if (!options.includes(v as T)) damaged(what, `${path} is ${JSON.stringify(v)}, not one of ${options.join(', ')}`)
  return v as T
}
function format(r: Obj, what: string): void {
  const f = r.format ?? 1
  if (typeof f !== 'number' || !Number.isInteger(f) || f < 1) damaged(what, 'its format is not a version number')
  if (f > RECORD_FORMAT)
    throw new StoredRecordError(
      `This ${what} was stored by a newer version of the playground (format ${f}; this page reads up to ${RECORD_FORMAT}). Open it there, or reload this page to get the newer version.`,
      'stored-newer',
      { what, format: f, reads: RECORD_FORMAT },
    )
}
/** A map of names to float arrays, as a null-prototype object. */
function floats(v: unknown, what: string, path: string, finite: boolean): Record<string, Float32Array> {
  const src = obj(v, what, path)
  const out: Record<string, Float32Array> = Object.create(null)
  for (const [k, a] of Object.entries(src)) {
    if (!(a instanceof Float32Array)) damaged(what, `${path}.${k} is not an array of float32 values`)
    if (finite && !a.every(Number.isFinite)) damaged(what, `${path}.${k} holds NaN or infinite values`)
    out[k] = a
  }
  return out
}
function settings(v: unknown, what: string, path: string, keys: readonly string[]): Obj {
  const src = obj(v, what, path)
  const out: Obj = Object.create(null)
  for (const [k, x] of Object.entries(src)) {
    if (x === undefined) continue
    if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') out[k] = x
    else damaged(what, `${path}.${k} is not a setting`)
  }
  for (const k of keys)
    if (typeof out[k] !== 'number' || !Number.isFinite(out[k] as number))
      damaged(what, `${path}.${k} is missing or not a number`)
  return { ...out } // an ordinary object again: settings are spread and compared elsewhere
}

const MODEL_NUMBERS = ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd', 'dropout'] as const
const TRAIN_NUMBERS = TRAIN_KEYS // every training setting is a number

export function checkStoredRun(v: unknown): StoredRun {
  const what = 'run'
  const r = obj(v, what, 'the record')
  format(r, what)
  const model = settings(r.model, what, 'model', MODEL_NUMBERS)
  if (typeof model.bias !== 'boolean') damaged(what, 'model.bias is not true or false')
  const text = obj(r.text, what, 'text')
  const kind = oneOf(text.kind, ['inline', 'dataset', 'digest'] as const, what, 'text.kind')
  const source =
    kind === 'inline'
      ? {
          kind,
          text: str(text.text, what, 'text.text'),
          digest: str(text.digest, what, 'text.digest'),
          length: num(text.length, what, 'text.length', { int: true, min: 0 }),
        }
      : kind === 'dataset'
        ? {
            kind,
            datasetId: str(text.datasetId, what, 'text.datasetId'),
            digest: str(text.digest, what, 'text.digest'),
            length: num(text.length, what, 'text.length', { int: true, min: 0 }),
          }
        : {
            kind,
            digest: str(text.digest, what, 'text.digest'),
            length: num(text.length, what, 'text.length', { int: true, min: 0 }),
            label: str(text.label, what, 'text.label'),
          }
  if (!Array.isArray(r.vocab) || !r.vocab.every((c) => typeof c === 'string'))
    damaged(what, 'vocab is not a list of tokens')
  let tokenizer: StoredRun['tokenizer']
  if (r.tokenizer !== undefined) {
    const t = obj(r.tokenizer, what, 'tokenizer')
    if (t.kind === 'char' && Array.isArray(t.vocab) && t.vocab.every((c) => typeof c === 'string'))
      tokenizer = { kind: 'char', vocab: [...(t.vocab as string[])] }
    else if (
      t.kind === 'bpe' &&
      Array.isArray(t.merges) &&
      t.merges.every((m) => Array.isArray(m) && m.length === 2 && m.every((x) => Number.isInteger(x) && x >= 0))
    )
      tokenizer = { kind: 'bpe', merges: (t.merges as [number, number][]).map(([a, b]) => [a, b]) }
    else damaged(what, 'tokenizer is neither characters nor BPE merges')
  }
  let checkpoint: StoredRun['checkpoint']
  if (r.checkpoint !== undefined) {
    const c = obj(r.checkpoint, what, 'checkpoint')
    checkpoint = {
      id: str(c.id, what, 'checkpoint.id'),
      step: num(c.step, what, 'checkpoint.step', { int: true, min: 0 }),
      bytes: num(c.bytes, what, 'checkpoint.bytes', { min: 0 }),
    }
  }
  let origin: StoredRun['origin']
  if (r.origin !== undefined) {
    const o = obj(r.origin, what, 'origin')
    if (!Array.isArray(o.added) || !o.added.every((c) => typeof c === 'string'))
      damaged(what, 'origin.added is not a list of characters')
    origin = {
      from: oneOf(o.from, ['file', 'run'] as const, what, 'origin.from'),
      name: str(o.name, what, 'origin.name'),
      ...(o.step !== undefined && { step: num(o.step, what, 'origin.step', { int: true, min: 0 }) }),
      added: [...(o.added as string[])],
    }
  }
  return {
    id: str(r.id, what, 'id'),
    name: str(r.name, what, 'name'),
    createdAt: num(r.createdAt, what, 'createdAt'),
    updatedAt: num(r.updatedAt, what, 'updatedAt'),
    model: model as unknown as StoredRun['model'],
    train: settings(r.train, what, 'train', TRAIN_NUMBERS) as unknown as StoredRun['train'],
    vocab: [...(r.vocab as string[])],
    ...(tokenizer && { tokenizer }),
    text: source,
    status: oneOf(r.status, ['ready', 'training', 'paused', 'stopped', 'finished'] as const, what, 'status'),
    step: num(r.step, what, 'step', { int: true, min: 0 }),
    ...(r.bestValLoss !== undefined && { bestValLoss: num(r.bestValLoss, what, 'bestValLoss') }),
    ...(checkpoint && { checkpoint }),
    ...(origin && { origin }),
    ...(r.pairs === true && { pairs: true }),
    ...(r.synthetic !== undefined && { synthetic: oneOf(r.synthetic, ['periodic'] as const, what, 'synthetic') }),
    format: RECORD_FORMAT,
  }
}

export function checkStoredCheckpoint(v: unknown): StoredCheckpoint {
  const what = 'checkpoint'
  const c = obj(v, what, 'the record')
  format(c, what)
  const weights = floats(c.weights, what, 'weights', true)
  const o = obj(c.optimizer, what, 'optimizer')
  const m = floats(o.m, what, 'optimizer.m', true)
  const vv = floats(o.v, what, 'optimizer.v', true)
  for (const k of Object.keys(weights))
    if (m[k]?.length !== weights[k].length || vv[k]?.length !== weights[k].length)
      damaged(what, `the optimizer state of ${k} does not match its weights`)
  if (!Array.isArray(c.sampler) || !c.sampler.every((s) => Number.isInteger(s)))
    damaged(what, 'sampler is not a list of generator states')
  return {
    id: str(c.id, what, 'id'),
    runId: str(c.runId, what, 'runId'),
    step: num(c.step, what, 'step', { int: true, min: 0 }),
    createdAt: num(c.createdAt, what, 'createdAt'),
    elapsedMs: num(c.elapsedMs, what, 'elapsedMs', { min: 0 }),
    weights,
    optimizer: { t: num(o.t, what, 'optimizer.t', { int: true, min: 0 }), m, v: vv },
    sampler: [...(c.sampler as number[])],
  }
}

export function checkStoredHistory(v: unknown, runId: string): StoredHistory {
  const what = 'history'
  const h = obj(v, what, 'the record')
  format(h, what)
  const list = (x: unknown, path: string) => {
    if (!Array.isArray(x)) damaged(what, `${path} is not a list`)
    return x.map((p, i) => {
      const e = obj(p, what, `${path}[${i}]`)
      num(e.step, what, `${path}[${i}].step`, { int: true, min: 0 })
      return { ...e }
    })
  }
  let watch: StoredHistory['watch'] = null
  if (h.watch !== null && h.watch !== undefined) {
    const w = obj(h.watch, what, 'watch')
    watch = {
      prompt: str(w.prompt, what, 'watch.prompt'),
      entries: list(w.entries, 'watch.entries') as unknown as NonNullable<StoredHistory['watch']>['entries'],
    }
  }
  return {
    runId,
    points: list(h.points, 'points') as unknown as StoredHistory['points'],
    evals: list(h.evals, 'evals') as unknown as StoredHistory['evals'],
    watch,
  }
}
