import { describe, expect, it } from 'vitest'
import { is, model, setup, text, train } from '../testing/hostHarness'

/** The training losses a run sends, step by step. */
const losses = (all: unknown[]) =>
  (all as { type: string; points?: { step: number; loss: number }[] }[])
    .filter((m) => m.type === 'metrics')
    .flatMap((m) => m.points ?? [])

describe('trainer host: step once', () => {
  it('takes exactly one step and pauses each time; stepping is the same training as running straight through', async () => {
    const config = { ...train, maxIters: 4, evalInterval: 2 }
    // the run trained straight through
    const straight = setup()
    straight.send({ type: 'init', backend: 'cpu' })
    await straight.inbox.next(is('ready'))
    straight.send({ type: 'run.create', runId: 's', text, model, train: config })
    await straight.inbox.next(is('run.created'))
    straight.send({ type: 'train.start', runId: 's' })
    await straight.inbox.next(is('run.state', (m) => m.state === 'finished'))
    const expected = losses(straight.inbox.all)
    expect(expected.map((p) => p.step)).toEqual([1, 2, 3, 4])
    straight.dispose()

    // the same run, one step at a time: from ready, then from paused
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'o', text, model, train: config })
    await inbox.next(is('run.created'))
    for (const step of [1, 2, 3]) {
      send({ type: 'train.step', runId: 'o' })
      const paused = await inbox.next(is('run.state', (m) => m.state === 'paused' && m.step === step))
      expect(paused.step).toBe(step)
    }
    // paused after step 3, no step 4 was taken on its own
    expect(losses(inbox.all).map((p) => p.step)).toEqual([1, 2, 3])
    // the last step ends the run: finished, not paused
    send({ type: 'train.step', runId: 'o' })
    const end = await inbox.next(is('run.state', (m) => m.state === 'finished'))
    expect(end.step).toBe(4)
    const stepped = losses(inbox.all)
    expect(stepped.map((p) => p.step)).toEqual([1, 2, 3, 4])
    for (let i = 0; i < 4; i++) expect(stepped[i].loss).toBe(expected[i].loss) // same seed, same batches, same weights
    // the evaluations came at the same steps as in the straight run
    const evalSteps = (all: unknown[]) =>
      (all as { type: string; evals?: { step: number }[] }[])
        .filter((m) => m.type === 'metrics')
        .flatMap((m) => (m.evals ?? []).map((e) => e.step))
    expect(evalSteps(inbox.all)).toEqual([0, 2, 4])
    // a finished run takes no step: it would say it is training at once (run.state is sent as the state moves)
    const before = inbox.all.length
    send({ type: 'train.step', runId: 'o' })
    send({ type: 'ping' })
    await inbox.next(is('alive'))
    expect(inbox.all.slice(before).filter(is('run.state'))).toEqual([])
  })
})
