// `npm test`: every test. Type checks, unit and protocol tests (vitest, Node), then the end-to-end journeys
// (Playwright, Chromium). Stops at the first failing stage.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { findChromium } from './find-chromium.mjs'

// Chromium first: the end-to-end tests drive it, and its SwiftShader Vulkan driver lets the webgpu unit tests
// run tfjs-backend-webgpu in Node (through Dawn) on a machine without a GPU.
const chromium = findChromium()
const env = { ...process.env, CHROMIUM_PATH: chromium }
const unitEnv = { ...env } // the Vulkan driver settings are for Dawn in Node only, not for the browser
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json'
if (existsSync(swiftshader) && !process.env.VK_ICD_FILENAMES) {
  unitEnv.VK_ICD_FILENAMES = swiftshader
  unitEnv.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
}

const stages = [
  ['Type check', 'npx', ['tsc', '-b'], env],
  ['Unit and protocol tests', 'npx', ['vitest', 'run'], unitEnv],
  ['End-to-end tests', 'node', ['scripts/e2e.mjs'], env],
]
for (const [name, cmd, args, stageEnv] of stages) {
  console.log(`\n=== ${name} ===`)
  const t0 = Date.now()
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: stageEnv })
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status}).`)
    process.exit(r.status ?? 1)
  }
  console.log(`${name}: passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}
