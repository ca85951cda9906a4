// End-to-end tests: find (or install) Chromium, build the app, and run the Playwright journeys against
// `vite preview` on localhost. Extra arguments go to `playwright test`.
import { spawnSync } from 'node:child_process'
import { findChromium } from './find-chromium.mjs'

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const chromium = findChromium()
console.log(`End-to-end tests use ${chromium}`)
run('npx', ['vite', 'build', '--logLevel', 'warn'])
run('node', ['scripts/check-bundle.mjs']) // the page's bundle holds no tfjs
run('npx', ['playwright', 'test', ...process.argv.slice(2)], { ...process.env, CHROMIUM_PATH: chromium })
