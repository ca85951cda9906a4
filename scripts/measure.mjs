// Measures training speed through the real page and worker, per backend and preset:
//   npm run bench -- [--backends wasm,webgl,webgpu,cpu] [--presets tiny,baby] [--steps N]
// Builds the app, serves it with `vite preview`, drives Chromium (WebGPU enabled: a software adapter here),
// and prints one JSON line per run: median / p10 / p90 ms per step (first 3 steps excluded), tokens/s,
// first-step ms, and the last loss. The step clock is the worker's own (it includes the loss readback).
import { spawn, spawnSync } from 'node:child_process'
import { chromium } from '@playwright/test'
import { findChromium } from './find-chromium.mjs'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : dflt
}
const backends = arg('backends', 'wasm,webgl,webgpu,cpu').split(',')
const presets = arg('presets', 'tiny,baby').split(',')
const stepsFor = (backend, preset) => Number(arg('steps', preset === 'baby' && (backend === 'webgpu' || backend === 'cpu') ? 8 : 30))
const PORT = 4188

spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' })
const exe = findChromium()
const browser = await chromium.launch({ executablePath: exe, args: ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'] })
try {
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://localhost:${PORT}/`)
      break
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  for (const backend of backends) {
    for (const preset of presets) {
      const page = await browser.newPage()
      await page.goto(`http://localhost:${PORT}/?backend=${backend}`)
      await page.getByTestId('backend-name').waitFor({ timeout: 120_000 })
      const used = await page.getByTestId('backend-name').textContent()
      await page.getByLabel('Preset').selectOption(preset)
      const steps = stepsFor(backend, preset)
      await page.getByLabel('Steps', { exact: true }).fill(String(steps))
      await page.getByLabel('Evaluate every').fill(String(steps))
      await page.getByLabel('Validation batches').fill('1') // evaluation is not what is measured
      await page.getByRole('button', { name: 'Start training' }).click()
      await page.waitForFunction(() => window.__playgroundStore.getState().runState === 'finished', null, { timeout: 1_800_000, polling: 500 })
      const r = await page.evaluate(() => {
        const s = window.__playgroundStore.getState()
        return { points: s.points, run: { paramCount: s.run.paramCount, tokensPerStep: s.run.tokensPerStep }, report: s.report }
      })
      const ms = r.points.slice(3).map((p) => p.stepMs).sort((a, b) => a - b)
      const q = (f) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))]
      console.log(
        JSON.stringify({
          backend: used,
          adapter: r.report.adapter ? `${r.report.adapter.software ? 'software' : 'hardware'}: ${r.report.adapter.description}` : 'none (runs on the CPU)',
          preset,
          params: r.run.paramCount,
          tokensPerStep: r.run.tokensPerStep,
          steps: r.points.length,
          msPerStep: { median: +q(0.5).toFixed(1), p10: +q(0.1).toFixed(1), p90: +q(0.9).toFixed(1) },
          tokensPerSec: Math.round((r.run.tokensPerStep * 1000) / q(0.5)),
          firstStepMs: Math.round(r.points[0].stepMs),
          lastLoss: +r.points.at(-1).loss.toFixed(4),
        }),
      )
      await page.close()
    }
  }
} finally {
  await browser.close()
  server.kill()
}
