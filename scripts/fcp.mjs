// The first contentful paint of a cold load: `vite preview` serves a build (default dist/), and each run starts a
// fresh Chromium (no HTTP cache, no compiled-code cache), opens the page at 1280×800 in the given language and
// reads performance.getEntriesByName('first-contentful-paint'). Prints every run (with when the first render
// reached the document and which scripts had come before the paint) and the median.
// Several builds (--dist a --dist b) are measured in turn, run by run, so that a machine whose load changes
// (shared cores) weighs on each alike; each is served on its own port (--port, --port + 1, …).
//   node scripts/fcp.mjs [--dist dist]… [--runs 3] [--port 47499] [--lang en|zh-CN]
import { spawn } from 'node:child_process'
import { chromium } from '@playwright/test'
import { findChromium } from './find-chromium.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const dists = process.argv.flatMap((a, i) => (a === '--dist' ? [process.argv[i + 1]] : []))
if (!dists.length) dists.push('dist')
const runs = Number(arg('runs', 3))
const firstPort = Number(arg('port', 47499))
const lang = arg('lang', 'en')

const servers = []
process.on('exit', () => {
  for (const s of servers) {
    try {
      process.kill(-s.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
})
/** A preview server for one build; resolves once it listens. */
function serve(dist, port) {
  const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, so that stopping it stops the server npx started too
  })
  servers.push(server)
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => String(d).includes(`${port}`) && resolve())
    server.on('exit', (code) => reject(new Error(`vite preview of ${dist} exited (${code}) before serving`)))
  })
}
await Promise.all(dists.map((d, i) => serve(d, firstPort + i)))

const executablePath = findChromium()

async function coldLoad(url) {
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox'] })
  try {
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
          .map(
            (r) => `${r.name.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, '')} ${r.responseEnd.toFixed(0)}`,
          )
        return { fcp: fcp.startTime, scripts, title: document.title, h1At: window.__h1At }
      },
      undefined,
      { timeout: 60_000 },
    )
    return await entry.jsonValue()
  } finally {
    await browser.close()
  }
}

const figures = dists.map(() => [])
for (let i = 0; i < runs; i++) {
  for (const [d, dist] of dists.entries()) {
    const { fcp, scripts, title, h1At } = await coldLoad(`http://localhost:${firstPort + d}/?lang=${lang}`)
    figures[d].push(fcp)
    console.log(
      `${dist} run ${i + 1}: first contentful paint ${fcp.toFixed(0)} ms (${title}; first render in the document at ${h1At?.toFixed(0)} ms); scripts that had come (ms): ${scripts.join(', ')}`,
    )
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [d, dist] of dists.entries())
  console.log(
    `fcp ${dist} ${lang}: median ${median(figures[d]).toFixed(0)} ms over ${runs} cold loads (${figures[d].map((f) => f.toFixed(0)).join(', ')})`,
  )
process.exit(0)
