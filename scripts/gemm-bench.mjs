// Micro-benchmark of the matrix products of a Baby GPT step (scripts/gemm-bench/worker.ts has the list): tfjs-wasm's
// own matMul (XNNPACK) and bmm.wat against gemm.wat (src/model/gemm.ts), plain and relaxed SIMD, 1 and N
// threads, raw and through tfjs, in headless Chromium under cross-origin isolation (COOP/COEP from a vite dev
// server). Prints one JSON object. Not a test: timings vary with the machine's load.
//   node scripts/gemm-bench.mjs [--port 4312]          the products, one by one
//   node scripts/gemm-bench.mjs --step [--port 4312]   whole training steps on each path (scripts/gemm-bench/step.ts)
//   node scripts/gemm-bench.mjs --node                 whole steps in Node, in CPU time (node-step.bench-test.ts;
//                                                      GEMM_BENCH_PRESET=tiny for the tiny preset)
//   node scripts/gemm-bench.mjs --profile              kernels of one wasm step in Node: count and time by name,
//                                                      and the step's CPU time (profile.bench-test.ts)
import { spawnSync } from 'node:child_process'
import { chromium } from '@playwright/test'
import { createServer } from 'vite'
import { findChromium } from './find-chromium.mjs'

const i = process.argv.indexOf('--port')
const port = i > 0 ? Number(process.argv[i + 1]) : 4312
const root = new URL('..', import.meta.url).pathname
if (process.argv.includes('--node') || process.argv.includes('--profile')) {
  // CPU time is what this process used, so the machine's other load does not count (one thread only)
  const file = process.argv.includes('--profile') ? 'profile' : 'node-step'
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--config', 'scripts/gemm-bench/vitest.config.ts', '--execArgv=--experimental-wasm-relaxed-simd'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_TEST: `scripts/gemm-bench/${file}.bench-test.ts` } },
  )
  process.exit(r.status ?? 1)
}
const server = await createServer({
  configFile: false,
  root,
  logLevel: 'error',
  server: {
    port,
    strictPort: true,
    host: 'localhost',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  worker: { format: 'es' },
})
await server.listen()
const browser = await chromium.launch({
  executablePath: findChromium({ log: (s) => console.error(s) }),
  args: ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking'],
})
try {
  const page = await browser.newPage()
  page.on('console', (m) => console.error(`[page] ${m.text()}`))
  await page.goto(
    `http://localhost:${port}/scripts/gemm-bench/index.html${process.argv.includes('--step') ? '?mode=step' : ''}`,
  )
  let seen = 0
  for (;;) {
    const { result, log } = await page.evaluate(() => ({ result: window.__result, log: window.__log ?? [] }))
    for (const line of log.slice(seen)) console.error(`gemm-bench: ${line}`)
    seen = log.length
    if (result) {
      console.log(JSON.stringify(result, null, 1))
      if (result.error) process.exitCode = 1
      break
    }
    await new Promise((r) => setTimeout(r, 500))
  }
} finally {
  await browser.close()
  await server.close()
}
