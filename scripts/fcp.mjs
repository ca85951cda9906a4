// The first contentful paint of a cold load: `vite preview` serves a build (default dist/), and each run starts a
// fresh Chromium (no HTTP cache, no compiled-code cache), opens the page in the given language and reads
// performance.getEntriesByName('first-contentful-paint'). Prints every run and the median, and the page's scripts
// that loaded before that paint (what the first screen had to wait for).
//   node scripts/fcp.mjs [--dist dist] [--runs 3] [--port 47499] [--lang en|zh-CN]
import { spawn } from 'node:child_process'
import { chromium } from '@playwright/test'
import { findChromium } from './find-chromium.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const dist = arg('dist', 'dist')
const runs = Number(arg('runs', 3))
const port = Number(arg('port', 47499))
const lang = arg('lang', 'en')
const url = `http://localhost:${port}/?lang=${lang}`

const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(port), '--strictPort'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true, // its own process group, so that stopping it stops the server npx started too
})
const stopServer = () => {
  try {
    process.kill(-server.pid, 'SIGTERM')
  } catch {
    // already gone
  }
}
process.on('exit', stopServer)
await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => String(d).includes(`${port}`) && resolve())
  server.on('exit', (code) => reject(new Error(`vite preview exited (${code}) before serving`)))
})

const executablePath = findChromium()
const figures = []
for (let i = 0; i < runs; i++) {
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox'] })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  // when the page's heading entered the document (React's first commit), to tell rendering from painting
  await page.addInitScript(() => {
    new MutationObserver((_, seen) => {
      if (!document.querySelector('h1')) return
      window.__h1At = performance.now()
      seen.disconnect()
    }).observe(document, { childList: true, subtree: true })
  })
  await page.goto(url)
  const entry = await page.waitForFunction(
    () => {
      const [fcp] = performance.getEntriesByName('first-contentful-paint')
      if (!fcp) return null
      const scripts = performance
        .getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.js') && r.responseEnd <= fcp.startTime)
        .map((r) => `${r.name.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, '')} ${r.responseEnd.toFixed(0)}`)
      return { fcp: fcp.startTime, scripts, title: document.title, h1At: window.__h1At }
    },
    undefined,
    { timeout: 60_000 },
  )
  const { fcp, scripts, title, h1At } = await entry.jsonValue()
  figures.push(fcp)
  console.log(
    `run ${i + 1}: first contentful paint ${fcp.toFixed(0)} ms (${title}; the first render in the document at ${h1At?.toFixed(0)} ms); scripts loaded before it (ms when each had come): ${scripts.join(', ')}`,
  )
  await browser.close()
}
const sorted = [...figures].sort((a, b) => a - b)
const median = sorted[Math.floor(sorted.length / 2)]
console.log(
  `fcp ${dist} ${lang}: median ${median.toFixed(0)} ms over ${runs} cold loads (${figures.map((f) => f.toFixed(0)).join(', ')})`,
)
stopServer()
process.exit(0)
