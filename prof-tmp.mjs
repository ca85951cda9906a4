import { spawn } from 'node:child_process'
import { chromium } from '@playwright/test'
const server = spawn('npx', ['vite', 'preview', '--port', '4190', '--strictPort', '--outDir', '/tmp/dist-dev'], { stdio: 'ignore', detached: true })
await new Promise((r) => setTimeout(r, 2500))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] })
const page = await browser.newPage()
await page.goto('http://localhost:4190/?backend=wasm')
await page.getByTestId('backend-name').waitFor()
await page.locator('#upload').setInputFiles('/work/shared/data/tinyshakespeare.txt')
await page.waitForTimeout(1500)
await page.locator('#f-maxIters').fill('300')
await page.getByRole('button', { name: 'Start training' }).click()
await page.waitForTimeout(3000)
const cdp = await page.context().newCDPSession(page)
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
await cdp.send('Profiler.start')
await page.waitForTimeout(3000)
const { profile } = await cdp.send('Profiler.stop')
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const incl = new Map(), self = new Map()
const dt = profile.timeDeltas
for (let i = 0; i < profile.samples.length; i++) {
  const seen = new Set()
  let id = profile.samples[i]
  const n0 = byId.get(id); const k0 = `${n0.callFrame.functionName || '(anon)'}:${n0.callFrame.lineNumber}`
  self.set(k0, (self.get(k0) ?? 0) + (dt[i] ?? 0) / 1000)
  while (id !== undefined) {
    const n = byId.get(id)
    const key = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`
    if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + (dt[i] ?? 0) / 1000) }
    id = parent.get(id)
  }
}
console.log('SELF'); for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v.toFixed(1).padStart(8), k)
console.log('COMPONENTS'); for (const [k, v] of [...incl.entries()].filter(([k]) => /^[A-Z][a-z]/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(v.toFixed(1).padStart(8), k)
await browser.close()
process.kill(-server.pid)
