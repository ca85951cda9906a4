// `npm test`: every test. Type checks, formatting and lint, unit and protocol tests (vitest, Node), the PyTorch
// interop checks, then the end-to-end journeys (Playwright, Chromium). Stops at the first failing stage. Under CI=true nothing may be
// left out: a missing prerequisite fails the run instead of skipping a stage.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { isCI } from './ci.mjs'
import { checkNode } from './engines.mjs'
import { findChromium } from './find-chromium.mjs'
import { findPython } from './python-prereqs.mjs'
import { judgeSkips } from './skipped.mjs'

checkNode() // package.json "engines", as the README promises

// Chromium first: the end-to-end tests drive it, and its SwiftShader Vulkan driver lets the webgpu unit tests
// run tfjs-backend-webgpu in Node (through Dawn) on a machine without a GPU.
let chromium
try {
  chromium = findChromium()
} catch (e) {
  console.error(`npm test cannot run the browser tests: ${e.message}`) // one line, no stack
  process.exit(1)
}
const env = { ...process.env, CHROMIUM_PATH: chromium }
const unitEnv = { ...env } // the Vulkan driver settings are for Dawn in Node only, not for the browser
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json'
if (existsSync(swiftshader) && !process.env.VK_ICD_FILENAMES) {
  unitEnv.VK_ICD_FILENAMES = swiftshader
  unitEnv.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
}
// PyTorch (Debian's python3-torch): found or installed now; without it (and outside CI) its stage is left out, saying why
const torch = findPython()

// Each test runner also writes a JSON report, read after its stage: a skipped test is named, and under CI it fails
// the run (a skip is a check that did not happen).
const REPORTS = 'node_modules/.tmp'
mkdirSync(REPORTS, { recursive: true })
const vitestReport = `${REPORTS}/vitest-report.json`
const playwrightReport = `${REPORTS}/playwright-report.json`
rmSync(vitestReport, { force: true })
rmSync(playwrightReport, { force: true })

const stages = [
  ['Type check', 'npx', ['tsc', '-b'], env],
  ['Format and lint', 'npm', ['run', '--silent', 'lint'], env], // Prettier's check, then ESLint
  [
    'Unit and protocol tests',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    unitEnv,
    undefined,
    vitestReport,
  ],
  ['Interop with PyTorch', 'node', ['scripts/interop.mjs'], env, torch.reason],
  [
    'End-to-end tests',
    'node',
    ['scripts/e2e.mjs'],
    { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
    undefined,
    playwrightReport,
  ],
]
const left = []
for (const [name, cmd, args, stageEnv, cannot, report] of stages) {
  console.log(`\n=== ${name} ===`)
  if (cannot) {
    console.log(`${name}: NOT RUN. ${cannot}`)
    left.push(name)
    continue
  }
  const t0 = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: stageEnv })
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status}).`)
    process.exit(r.status ?? 1)
  }
  if (report) {
    if (!existsSync(report)) {
      console.error(`\n${name}: its runner wrote no report (${report}), so what ran cannot be checked.`)
      process.exit(1)
    }
    const { message, fail } = judgeSkips(name, report, isCI)
    if (message) (fail ? console.error : console.log)(`\n${message}`)
    if (fail) process.exit(1)
  }
  console.log(`${name}: passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}
if (left.length) console.log(`\nEvery stage passed except those not run: ${left.join(', ')} (see above).`)
