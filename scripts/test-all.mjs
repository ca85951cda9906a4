// `npm test`: every test. Type checks, unit and protocol tests (vitest, Node), then the end-to-end journeys
// (Playwright, Chromium). Stops at the first failing stage.
import { spawnSync } from 'node:child_process'

const stages = [
  ['Type check', 'npx', ['tsc', '-b']],
  ['Unit and protocol tests', 'npx', ['vitest', 'run']],
  ['End-to-end tests', 'node', ['scripts/e2e.mjs']],
]
for (const [name, cmd, args] of stages) {
  console.log(`\n=== ${name} ===`)
  const t0 = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status}).`)
    process.exit(r.status ?? 1)
  }
  console.log(`${name}: passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}
