// Threads for the products' pool in Node tests: gemm.ts's thread body in a worker_threads Worker, the module and
// the shared memory posted to it as workerData (the page's are blob workers: src/worker/gemmPool.ts).
import { Worker } from 'node:worker_threads'
import type { SpawnThread } from '../model/gemm'

export const spawnNode: SpawnThread = (body, init) =>
  new Promise((resolve, reject) => {
    const src = `const { parentPort, workerData } = require('node:worker_threads');\n(${body})(workerData, () => parentPort.postMessage('ready'))`
    const w = new Worker(src, { eval: true, workerData: init })
    w.once('message', () => resolve({ terminate: () => void w.terminate() }))
    w.once('error', reject)
  })
