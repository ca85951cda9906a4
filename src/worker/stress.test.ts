// The protocol under abuse: commands at random moments, and a long run with every view watching. Tiny models
// on the cpu backend; what is checked is the host's bookkeeping, not the learning.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { RUN_TRANSITIONS, type FromWorker, type ToWorker } from '../shared/protocol'
import { Inbox, memoryChannel } from '../testing/memoryChannel'
import { mulberry32 } from '../util/random'
import { createTrainerHost, HIDDEN_FLUSH_MS, yieldToEvents } from './host'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { cpuReport } from '../testing/hostHarness'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void // a full collection before each heap reading

const report = cpuReport
const text = 'one small step for a model, one giant leap for a learner. '.repeat(30)
const model = { nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 8, dropout: 0.1, bias: true }
const train = {
  batchSize: 2,
  maxIters: 60,
  learningRate: 3e-3,
  minLr: 3e-4,
  warmupIters: 2,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  gradClip: 1,
  evalInterval: 7,
  evalIters: 1,
  seed: 5,
}

type Of<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>
const is =
  <T extends FromWorker['type']>(type: T, extra: (m: Of<T>) => boolean = () => true) =>
  (m: FromWorker): m is Of<T> =>
    m.type === type && extra(m as Of<T>)

/** The run states a state may be followed by (repeating a state is never announced): the host's own table. */
const NEXT = RUN_TRANSITIONS

function setup() {
  const [page, worker] = memoryChannel<FromWorker, ToWorker>()
  // every message with the moment the host sent it, on the host's own clock (delivery to the page may lag)
  const sent: { at: number; m: FromWorker }[] = []
  const post = worker.postMessage.bind(worker)
  worker.postMessage = (m: FromWorker, transfer?: ArrayBuffer[]) => {
    sent.push({ at: performance.now(), m })
    post(m, transfer)
  }
  const host = createTrainerHost(worker, { initBackend: async () => report, now: () => performance.now() })
  return { host, inbox: new Inbox<FromWorker>(page), send: (m: ToWorker) => page.postMessage(m), sent }
}

/** A host on the cpu backend, past its handshake; with `run`, that run created with these training settings. */
async function ready(run?: { runId: string; train: Partial<typeof train> }) {
  await tf.setBackend('cpu')
  const h = setup()
  h.send({ type: 'init', backend: 'cpu' })
  await h.inbox.next(is('ready'))
  if (run) {
    h.send({ type: 'run.create', runId: run.runId, text, model, train: { ...train, ...run.train } })
    await h.inbox.next(is('run.created', (m) => m.runId === run.runId))
  }
  return h
}

describe('the protocol under abuse', () => {
  it('50 random sequences of start / pause / resume / stop / generate / cancel: no error, no illegal state, tensors back to their count', async () => {
    const { host, inbox, send } = await ready()
    const rng = mulberry32(2024)
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]
    try {
      for (let k = 0; k < 50; k++) {
        const runId = `s${k}`
        send({
          type: 'run.create',
          runId,
          text,
          model,
          train: { ...train, maxIters: 20 + Math.floor(rng() * 40), seed: k },
        })
        await inbox.next(is('run.created', (m) => m.runId === runId))
        await inbox.next(is('run.state', (m) => m.runId === runId && m.state === 'ready'))
        const atRest = tf.memory().numTensors // the model and its optimizer, nothing in flight
        let samples = 0
        for (let c = 0; c < 10; c++) {
          const command = pick([
            'train.start',
            'train.pause',
            'train.resume',
            'train.stop',
            'sample',
            'cancel',
            'pause-twice',
          ] as const)
          if (command === 'sample')
            send({
              type: 'sample.request',
              runId,
              requestId: `${runId}-q${samples++}`,
              settings: {
                prompt: 'one',
                maxNewTokens: 1 + Math.floor(rng() * 30),
                temperature: 1,
                topK: 0,
                seed: c,
                ...(rng() < 0.3 && { strategy: 'beam' as const, beamWidth: 3 }),
              },
            })
          else if (command === 'cancel')
            send({ type: 'sample.cancel', requestId: `${runId}-q${Math.max(0, samples - 1)}` })
          else if (command === 'pause-twice') {
            send({ type: 'train.pause', runId })
            send({ type: 'train.pause', runId }) // idempotent
          } else send({ type: command, runId })
          // the next command comes at once, after an event-loop hop, or once the worker has handled this one
          // (a ping is answered in order, after every message sent before it)
          const wait = rng()
          if (wait < 0.3) await yieldToEvents()
          else if (wait < 0.6) {
            const before = inbox.all.length
            send({ type: 'ping' })
            await inbox.next((m) => m.type === 'alive' && inbox.all.indexOf(m) >= before)
          }
        }
        // settle: stop (a no-op for a run that is ready or finished), then let every queued job finish: a last
        // sample goes through the model's queue after all of them
        send({ type: 'train.stop', runId })
        const last = `${runId}-last`
        send({
          type: 'sample.request',
          runId,
          requestId: last,
          settings: { prompt: 'one', maxNewTokens: 2, temperature: 1, topK: 0, seed: 1 },
        })
        await inbox.next(is('sample.done', (m) => m.requestId === last))
        const mine = inbox.all.filter((m): m is FromWorker & { runId: string } => 'runId' in m && m.runId === runId)
        expect(
          mine.filter((m) => m.type === 'error' || m.type === 'invalid'),
          `sequence ${k}`,
        ).toEqual([])
        // every announced state follows from the one before it
        const states = mine.filter(is('run.state')).map((m) => m.state)
        for (let i = 1; i < states.length; i++)
          expect(NEXT[states[i - 1]], `sequence ${k}: ${states.join(' → ')}`).toContain(states[i])
        // every sample request was answered exactly once
        for (let q = 0; q < samples; q++)
          expect(
            mine.filter(is('sample.done', (m) => m.requestId === `${runId}-q${q}`)),
            `sequence ${k}, sample ${q}`,
          ).toHaveLength(1)
        // steps only go up, one at a time
        const steps = mine.filter(is('metrics')).flatMap((m) => m.points.map((p) => p.step))
        expect(steps, `sequence ${k}`).toEqual(steps.map((_, i) => i + 1))
        const state = states.at(-1)
        expect(state === 'training', `sequence ${k} ends ${state}`).toBe(false)
        expect(tf.memory().numTensors, `sequence ${k}`).toBe(atRest)
      }
    } finally {
      host.dispose()
    }
  }, 300_000)

  it('1,000 steps with attention, atlas, embedding, a watched prompt and samples: tensors flat, heap bounded', async () => {
    const { host, inbox, send } = await ready({ runId: 'long', train: { maxIters: 1000, evalInterval: 5 } })
    send({ type: 'attention.watch', runId: 'long', probe: 'one small step', layer: 0, head: 1 })
    send({ type: 'atlas.watch', runId: 'long', probe: { kind: 'text', text: 'one giant leap' } })
    send({ type: 'embedding.watch', runId: 'long', on: true })
    send({ type: 'positions.watch', runId: 'long', on: true })
    send({
      type: 'watch.prompt',
      requestId: 'w1',
      runId: 'long',
      watch: { prompt: 'one', every: 10, settings: { maxNewTokens: 8, temperature: 1, topK: 0, seed: 2 } },
    })
    send({ type: 'train.start', runId: 'long' })
    const tensorsAt: Record<number, number> = {}
    const heapAt: Record<number, number> = {}
    const seen: Record<string, number> = {}
    // the test's own inbox keeps every message it receives: counted and emptied at each mark, so the heap
    // measured is the host's, after a full garbage collection
    const tally = () => {
      for (const m of inbox.all) seen[m.type] = (seen[m.type] ?? 0) + 1
      inbox.all.length = 0
    }
    let samples = 0
    for (const mark of [100, 250, 500, 750, 1000]) {
      const m = await inbox.next(
        is('metrics', (x) => x.points.some((p) => p.step >= mark)),
        120_000,
      )
      tensorsAt[mark] = m.memory.numTensors
      tally()
      gc()
      heapAt[mark] = process.memoryUsage().heapUsed
      send({
        type: 'sample.request',
        runId: 'long',
        requestId: `long-${samples++}`,
        settings: { prompt: 'one', maxNewTokens: 20, temperature: 0.8, topK: 5, seed: mark },
      })
    }
    await inbox.next(
      is('run.state', (m) => m.state === 'finished'),
      120_000,
    )
    await inbox.next(is('sample.done', (m) => m.requestId === `long-${samples - 1}`))
    tally()
    expect(seen.error ?? 0).toBe(0)
    // the views really were captured all along
    expect(seen.atlas).toBeGreaterThan(150)
    expect(seen['watch.entry']).toBe(101) // at step 0, then every 10 steps
    expect(seen.attention).toBeGreaterThan(150)
    // tensors: the same count at every mark (measured after a step, with nothing else in flight)
    expect(new Set(Object.values(tensorsAt)).size, JSON.stringify(tensorsAt)).toBe(1)
    // heap, after a full collection: 750 more steps with every view grow it by the loss history the host keeps
    // (about a hundred bytes a step; measured 0.05–0.5 MiB in all). 2 MiB is what anything kept per step of
    // 2.8 kB or more would pass: a metrics batch, an attention map or a sample's trace that is never let go.
    const growth = heapAt[1000] - heapAt[250]
    expect(growth, `heap grew ${(growth / 2 ** 20).toFixed(2)} MiB`).toBeLessThan(2 * 2 ** 20)
    host.dispose()
  }, 300_000)
})

describe('a hidden page', () => {
  it('gets metrics coalesced and no attention maps while hidden, and everything at once when it is back', async () => {
    const { host, inbox, send, sent } = await ready({ runId: 'h', train: { maxIters: 100_000, evalInterval: 3 } })
    send({ type: 'attention.watch', runId: 'h', probe: 'one small step', layer: 0, head: 0 })
    send({ type: 'train.start', runId: 'h' })
    await inbox.next(is('metrics', (m) => m.points.some((p) => p.step >= 20)))
    send({ type: 'page.visibility', hidden: true })
    send({ type: 'ping' }) // answered after 'hidden' was handled: from its answer on, the host knows
    await inbox.next(is('alive'))
    const hiddenFrom = sent.length
    // three coalesced metrics messages while hidden
    for (let i = 0; i < 3; i++) await inbox.next(is('metrics'), 10_000)
    const hiddenUntil = sent.length // all sent before the host could have heard that the page is back
    send({ type: 'page.visibility', hidden: false })
    const back = await inbox.next(is('metrics'), 10_000)
    const attentionBack = await inbox.next(is('attention'), 10_000)
    send({ type: 'train.stop', runId: 'h' })
    await inbox.next(is('run.state', (m) => m.state === 'stopped'))
    const whileHidden = sent.slice(hiddenFrom, hiddenUntil)
    const metrics = whileHidden.filter((x) => x.m.type === 'metrics')
    expect(metrics.length).toBeGreaterThanOrEqual(3)
    // nothing but coalesced metrics (and atlas snapshots, none watched here) while hidden: no attention maps
    expect(whileHidden.filter((x) => x.m.type === 'attention')).toEqual([])
    // at most one metrics message per HIDDEN_FLUSH_MS on the host's clock (the few ms are posting's own time)
    for (let i = 1; i < metrics.length; i++)
      expect(metrics[i].at - metrics[i - 1].at).toBeGreaterThan(HIDDEN_FLUSH_MS - 20)
    // each one after the first carries the several steps taken meanwhile (coalesced, not dropped: see below)
    expect(metrics.slice(1).every((x) => (x.m as Of<'metrics'>).points.length > 1)).toBe(true)
    // back: the steps continue where they were, and the latest attention map comes at once
    const steps = inbox.all.filter(is('metrics')).flatMap((m) => m.points.map((p) => p.step))
    expect(steps).toEqual(steps.map((_, i) => i + 1))
    expect(back.points.length).toBeGreaterThan(0)
    expect(attentionBack.step).toBeGreaterThanOrEqual(back.points.at(-1)!.step)
    host.dispose()
  }, 120_000)
})

describe('measuring a long text in the worker', () => {
  it('in slices with progress, to the same numbers as counting it at once; a cancel stops it', async () => {
    const { host, inbox, send } = setup()
    const long = 'naïve 床前明月光 👋 e\u0301 '.repeat(200_000) // 3.6 M UTF-16 units, astral characters across slice ends
    send({ type: 'text.analyze', requestId: 'a', text: long })
    const stats = await inbox.next(is('text.stats', (m) => m.requestId === 'a'))
    const chars = Array.from(long)
    expect(stats).toMatchObject({
      cancelled: false,
      chars: chars.length,
      vocabSize: new Set(chars).size,
      trainTokens: Math.floor(chars.length * 0.9),
      valTokens: chars.length - Math.floor(chars.length * 0.9),
    })
    const progress = inbox.all.filter(is('text.progress', (m) => m.requestId === 'a')).map((m) => m.done)
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(progress).toEqual([...progress].sort((x, y) => x - y))
    expect(progress.at(-1)).toBe(long.length)
    send({ type: 'text.analyze', requestId: 'b', text: long })
    send({ type: 'text.cancel', requestId: 'b' })
    expect(await inbox.next(is('text.stats', (m) => m.requestId === 'b'))).toEqual({
      type: 'text.stats',
      requestId: 'b',
      cancelled: true,
    })
    expect(inbox.all.filter(is('text.progress', (m) => m.requestId === 'b')).length).toBeLessThanOrEqual(1)
    host.dispose()
  })
})
