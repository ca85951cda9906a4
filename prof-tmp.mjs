import { spawn } from 'node:child_process'
import { chromium } from '@playwright/test'
const server = spawn('npx', ['vite', 'preview', '--port', '4190', '--strictPort', '--outDir', '/tmp/dist-dev'], { stdio: 'ignore', detached: true })
await new Promise((r) => setTimeout(r, 2500))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] })
const page = await browser.newPage()
await page.goto('http://localhost:4190/?backend=wasm')
await page.getByTestId('backend-name').waitFor()
await page.locator('#f-maxIters').fill('60')
const cdp = await page.context().newCDPSession(page)
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
await cdp.send('Profiler.start')
await page.getByRole('button', { name: 'Start training' }).click()
await page.waitForTimeout(2500)
const { profile } = await cdp.send('Profiler.stop')
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const dt = profile.timeDeltas
let t = 0
const samples = profile.samples.map((s, i) => { t += dt[i] / 1000; return { t, id: s, name: byId.get(s).callFrame.functionName } })
// busy stretches
let start = null, stretch = []
const stretches = []
for (let i = 0; i < samples.length; i++) {
  const idle = samples[i].name === '(idle)'
  if (!idle) { if (start === null) start = i } else if (start !== null) { stretches.push([start, i]); start = null }
}
for (const [a, b] of stretches) {
  const ms = samples[b].t - samples[a].t
  if (ms < 60) continue
  const incl = new Map()
  for (let i = a; i < b; i++) {
    const seen = new Set(); let id = samples[i].id
    while (id !== undefined) { const n = byId.get(id); const key = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`; if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + (samples[i + 1]?.t - samples[i].t || 0)) } id = parent.get(id) }
  }
  console.log(`--- busy ${ms.toFixed(0)} ms at ${samples[a].t.toFixed(0)}`)
  for (const [k, v] of [...incl.entries()].filter(([k]) => /^[A-Z][a-z]|Panel|App|click|onmessage|handle|set|post/.test(k)).sort((x, y) => y[1] - x[1]).slice(0, 12)) console.log(v.toFixed(1).padStart(8), k)
}
await browser.close()
process.kill(-server.pid)
