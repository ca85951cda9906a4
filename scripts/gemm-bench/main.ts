// The page of scripts/gemm-bench.mjs: runs the bench in a dedicated worker (Atomics.wait is not allowed on a
// page's main thread) and leaves its answer on window.__result.
const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
const win = window as unknown as { __result?: unknown; __log: string[] }
win.__log = []
w.postMessage(new URLSearchParams(location.search).get('mode') ?? 'products')
w.onmessage = (e: MessageEvent) => {
  if (e.data?.log) win.__log.push(e.data.log)
  else win.__result = e.data
}
w.onerror = (e) => {
  win.__result = { error: e.message || 'worker error' }
}
