// run.estimate: the time of a run of given settings, from a throwaway model timed on the backend in use. What
// can be held without timing anything: the count of evaluations is the count a real run makes, the parts add up
// to the total as documented, the run the page holds is untouched by it (the same losses after it as without
// it), nothing is left behind, and it is refused while a run trains or for settings that cannot run.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { is, model, setup, text, train } from '../testing/hostHarness'
import { evaluationsIn } from './estimate'

const evalSteps = (all: unknown[]) =>
  (all as { type: string; evals?: { step: number }[] }[])
    .filter((m) => m.type === 'metrics')
    .flatMap((m) => (m.evals ?? []).map((e) => e.step))
const losses = (all: unknown[]) =>
  (all as { type: string; points?: { loss: number }[] }[])
    .filter((m) => m.type === 'metrics')
    .flatMap((m) => (m.points ?? []).map((p) => p.loss))

describe('run.estimate', () => {
  it('counts the evaluations a real run makes (at 0, every interval and at the end)', async () => {
    for (const [maxIters, evalInterval] of [
      [5, 2],
      [4, 2],
      [3, 5],
    ]) {
      const { send, inbox, dispose } = setup()
      send({ type: 'init', backend: 'cpu' })
      await inbox.next(is('ready'))
      send({ type: 'run.create', runId: 'r', text, model, train: { ...train, maxIters, evalInterval } })
      await inbox.next(is('run.created'))
      send({ type: 'train.start', runId: 'r' })
      await inbox.next(is('run.state', (m) => m.state === 'finished'))
      expect(evaluationsIn(maxIters, evalInterval), `${maxIters} / ${evalInterval}`).toBe(evalSteps(inbox.all).length)
      dispose()
    }
  })

  it('times a throwaway model, adds its parts up to the total, and leaves the held run as it was', async () => {
    const config = { ...train, maxIters: 3, evalInterval: 2 }
    // the losses of a run that was never interrupted by an estimate
    const plain = setup()
    plain.send({ type: 'init', backend: 'cpu' })
    await plain.inbox.next(is('ready'))
    plain.send({ type: 'run.create', runId: 'p', text, model, train: config })
    await plain.inbox.next(is('run.created'))
    plain.send({ type: 'train.start', runId: 'p' })
    await plain.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const expected = losses(plain.inbox.all)
    plain.dispose()

    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'a', text, model, train: config })
    await inbox.next(is('run.created'))
    const tensors = tf.memory().numTensors
    const asked = { ...train, maxIters: 1000, evalInterval: 100, evalIters: 7 }
    send({ type: 'run.estimate', requestId: 'e', text, model, train: asked })
    const e = await inbox.next(is('run.estimated'))
    expect(tf.memory().numTensors).toBe(tensors) // the throwaway model is gone
    for (const part of [e.stepMs, e.evalPassMs, e.startMs]) expect(part).toBeGreaterThan(0)
    expect(e.evaluations).toBe(11)
    expect(e.totalMs).toBeCloseTo(e.startMs + 999 * e.stepMs + 11 * 2 * 7 * e.evalPassMs, 6)
    // the held run trains as if nothing had happened
    send({ type: 'train.start', runId: 'a' })
    await inbox.next(is('run.state', (m) => m.state === 'finished'))
    expect(losses(inbox.all)).toEqual(expected)
  })

  it('is refused while a run trains, and for settings that cannot run', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'b', text, model, train })
    await inbox.next(is('run.created'))
    send({ type: 'train.start', runId: 'b' })
    await inbox.next(is('run.state', (m) => m.state === 'training'))
    send({ type: 'run.estimate', requestId: 'busy', text, model, train })
    const busy = await inbox.next(is('invalid', (m) => m.requestId === 'busy'))
    expect(busy.problems[0].code).toBe('estimate-busy')
    send({ type: 'train.pause', runId: 'b' })
    await inbox.next(is('run.state', (m) => m.state === 'paused'))
    send({ type: 'run.estimate', requestId: 'bad', text, model: { ...model, nHead: 3 }, train })
    const bad = await inbox.next(is('invalid', (m) => m.requestId === 'bad'))
    expect(bad.problems.map((p) => p.code)).toContain('heads-divide')
  })
})
