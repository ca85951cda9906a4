// The README's screenshot: the built app in headless Chromium at 1280 × 800, trained for a couple of hundred
// steps on the built-in first-names dataset, then its first screen (docs/screenshot.png).
// Usage: node scripts/screenshot.mjs [--steps N] [--lang en|zh] [--out FILE]
import { spawn, spawnSync } from 'node:child_process'
import { chromium } from '@playwright/test'
import { findChromium } from './find-chromium.mjs'

const argv = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt
}
const steps = Number(opt('steps', '200'))
const lang = opt('lang', 'en')
const out = opt('out', 'docs/screenshot.png')
const PORT = 4199

if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1)
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
  stdio: 'ignore',
  detached: true,
})
process.on('exit', () => {
  try {
    process.kill(-server.pid)
  } catch {
    /* already gone */
  }
})
let up = false
for (let i = 0; i < 150 && !up; i++) {
  try {
    up = (await fetch(`http://localhost:${PORT}/`)).ok
  } catch {
    await new Promise((r) => setTimeout(r, 200))
  }
}
if (!up) throw new Error(`vite preview did not answer on port ${PORT}`)

const browser = await chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox'] })
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
await page.goto(`http://localhost:${PORT}/?lang=${lang}`)
await page.getByLabel(lang === 'zh' ? '步数' : 'Steps', { exact: true }).fill(String(steps))
await page.getByRole('button', { name: lang === 'zh' ? '开始训练' : 'Start training' }).click()
await page.waitForFunction(
  (n) => Number(document.querySelector('[data-testid="status-step"]')?.textContent) >= n,
  steps,
  { timeout: 600_000, polling: 500 },
)
// the loss chart redraws at most every 750 ms (LossChart.tsx): let its last redraw land
await page.waitForTimeout(1500)
// filling Steps scrolled the data column to that field: the first screen is each column from its top
await page.evaluate(() => document.querySelectorAll('.stage-col').forEach((c) => (c.scrollTop = 0)))
await page.screenshot({ path: out })
await browser.close()
console.log(`wrote ${out}`)
process.exit(0)
