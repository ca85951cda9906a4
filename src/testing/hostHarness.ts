// The host under test in Node: a host on an in-memory channel, the cpu backend, a tiny model and text.
import { afterEach } from 'vitest'
import { getPreset } from '../shared/config'
import type { BackendReport, FromWorker, ToWorker } from '../shared/protocol'
import { Inbox, memoryChannel } from './memoryChannel'
import { createTrainerHost } from '../worker/host'
import { RunStore } from '../storage/runStore'

export const cpuReport: BackendReport = {
  backend: 'cpu',
  requested: 'cpu',
  reason: 'unit test',
  attempts: [],
  limits: { maxTensorBytes: 2 ** 30, maxTotalBytes: 2 ** 31 },
  webgpu: 'none',
  webgl: 'none',
  isolated: false,
  threads: 1,
}

export const text = 'hello world, hello tiny transformer. '.repeat(40)
const tiny = getPreset('tiny')
export const model = { ...tiny.model, blockSize: 8, nEmbd: 16 }
export const train = { ...tiny.train, batchSize: 4, evalInterval: 5, evalIters: 2, maxIters: 400 }

let disposeHost: (() => void) | undefined
afterEach(() => disposeHost?.())

/**
 * A host with a page end: `send` a message, read what comes back from `inbox`, `dispose` it as a closed tab would;
 * `dbName` gives it a run store (or `openStore`, a store of the test's own).
 */
export function setup(dbName?: string, openStore?: () => Promise<RunStore>) {
  const [page, worker] = memoryChannel<FromWorker, ToWorker>()
  const host = createTrainerHost(worker, {
    initBackend: async () => cpuReport,
    openStore: openStore ?? (dbName ? () => RunStore.open(dbName) : undefined),
  })
  disposeHost = host.dispose
  const inbox = new Inbox<FromWorker>(page)
  const send = (m: ToWorker) => page.postMessage(m)
  return { send, inbox, dispose: host.dispose }
}

type Of<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>
export const is =
  <T extends FromWorker['type']>(type: T, extra: (m: Of<T>) => boolean = () => true) =>
  (m: FromWorker): m is Of<T> =>
    m.type === type && extra(m as Of<T>)

/** A host past its handshake with a run of the tiny model on the test text, not yet training. */
export async function withRun(runId: string) {
  const host = setup()
  host.send({ type: 'init', backend: 'cpu' })
  await host.inbox.next(is('ready'))
  host.send({ type: 'run.create', runId, text, model, train })
  await host.inbox.next(is('run.created'))
  return host
}
