import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import 'fake-indexeddb/auto'
import { is, model, setup, text, train, withRun } from '../testing/hostHarness'

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
    const { send, inbox } = await withRun('r1')
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
    const { send, inbox } = await withRun('r1')
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
    const { send, inbox } = await withRun('r1')
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
    const { send, inbox } = await withRun('r1')
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
})
