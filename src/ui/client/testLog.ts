// With ?test-hooks: what the workers said, in order and across restarts, in brief (end-to-end tests read it
// through `__playgroundTest.log()`), and the test hooks' options for the worker's init.
import type { FromWorker } from '../../shared/protocol'

export type TestEvent =
  | { kind: 'ready'; backend: string }
  | { kind: 'created'; runId: string; learningRate: number; minLr: number; restored?: { steps: number[] } }
  | { kind: 'state'; runId: string; state: string; step: number }
  | { kind: 'point'; runId: string; step: number; loss: number }
  | { kind: 'eval'; runId: string; step: number; trainLoss: number; valLoss: number }
  | { kind: 'saved'; runId: string; step: number }
  | { kind: 'lost'; backend: string }
  | { kind: 'text'; done: number; total: number }

const testLog: TestEvent[] = []

export function record(msg: FromWorker): void {
  if (msg.type === 'ready') testLog.push({ kind: 'ready', backend: msg.report.backend })
  else if (msg.type === 'run.created')
    testLog.push({
      kind: 'created',
      runId: msg.runId,
      learningRate: msg.train.learningRate,
      minLr: msg.train.minLr,
      ...(msg.restored && { restored: { steps: msg.restored.points.map((p) => p.step) } }),
    })
  else if (msg.type === 'run.state') testLog.push({ kind: 'state', runId: msg.runId, state: msg.state, step: msg.step })
  else if (msg.type === 'metrics') {
    for (const p of msg.points) testLog.push({ kind: 'point', runId: msg.runId, step: p.step, loss: p.loss })
    for (const e of msg.evals)
      testLog.push({ kind: 'eval', runId: msg.runId, step: e.step, trainLoss: e.trainLoss, valLoss: e.valLoss })
  } else if (msg.type === 'run.saved') testLog.push({ kind: 'saved', runId: msg.runId, step: msg.step })
  else if (msg.type === 'device.lost') testLog.push({ kind: 'lost', backend: msg.backend })
  else if (msg.type === 'text.progress') testLog.push({ kind: 'text', done: msg.done, total: msg.total })
}

export function testEvents(): TestEvent[] {
  return testLog.slice()
}

/** ?test-hooks turns on the worker's failure injection (end-to-end tests); ?test-budget=BYTES lowers its memory limit. */
export function testOptions(): { testHooks?: boolean; budget?: { maxTotalBytes: number } } {
  if (typeof location === 'undefined') return {}
  const q = new URLSearchParams(location.search)
  const budget = Number(q.get('test-budget'))
  return { ...(q.has('test-hooks') && { testHooks: true }), ...(budget > 0 && { budget: { maxTotalBytes: budget } }) }
}
