import { expect, test, type Page } from '@playwright/test'
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { statusNumber } from './helpers'

// Cross-origin isolation (SharedArrayBuffer for the training threads): vite preview sends COOP and COEP itself
// (vite.config.ts); a static host that cannot is isolated by public/coi-sw.js after one reload; and a browser
// where no service worker may run trains without it, on one thread. The backend report says which.

const DIST = join(process.cwd(), 'dist')
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/** The built app from a plain static server: no COOP, no COEP, as a static host serves it. */
async function staticHost(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    )
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path)
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
        res.end(body)
      },
      () => {
        res.writeHead(404)
        res.end()
      },
    )
  })
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return { url: `http://localhost:${address.port}/`, server }
}

/** The backend report's isolation line, once the worker has answered. */
async function reported(page: Page) {
  const line = page.getByTestId('backend-threads')
  await expect(line).toHaveAttribute('data-threads', /\d/, { timeout: 120_000 })
  await page.getByTestId('backend-chip').click() // the chip opens the report
  await expect(line).toBeVisible()
  return {
    isolated: await line.getAttribute('data-isolated'),
    threads: Number(await line.getAttribute('data-threads')),
    text: (await line.textContent()) ?? '',
  }
}

/** The threads an isolated page trains on with wasm: one per core, at most 8 (src/worker/gemmPool.ts). */
const poolSize = (page: Page) => page.evaluate(() => Math.min(navigator.hardwareConcurrency || 1, 8))

async function trainTwoSteps(page: Page) {
  await page.getByTestId('backend-chip').click() // closes the report
  await page.getByLabel('Steps', { exact: true }).fill('2')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  expect(await statusNumber(page, 'status-step')).toBe(2)
}

test('the preview server isolates the page and its worker: no service worker is registered', async ({ page }) => {
  await page.goto('/?lang=en')
  expect(await page.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true)
  const r = await reported(page)
  expect(r).toMatchObject({ isolated: 'true', threads: await poolSize(page) })
  expect(r.text).toMatch(/^Cross-origin isolated/)
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)
})

test.describe('a static host without the headers', () => {
  let host: { url: string; server: Server }
  test.beforeAll(async () => {
    host = await staticHost()
  })
  test.afterAll(() => new Promise<void>((resolve) => host.server.close(() => resolve())))

  test('the service worker isolates the page after one reload, and the next visit from its first load', async ({
    page,
  }) => {
    // each document's crossOriginIsolated as it starts, kept in the tab's sessionStorage across the reload
    await page.addInitScript(() => {
      const seen = JSON.parse(sessionStorage.getItem('e2e-documents') ?? '[]') as boolean[]
      sessionStorage.setItem('e2e-documents', JSON.stringify([...seen, crossOriginIsolated]))
    })
    const documents = () =>
      page.evaluate(() => JSON.parse(sessionStorage.getItem('e2e-documents') ?? '[]') as boolean[])
    const response = await page.request.get(host.url)
    expect(response.headers()['cross-origin-embedder-policy']).toBeUndefined() // the host itself sends none
    await page.goto(`${host.url}?lang=en`)
    const r = await reported(page)
    expect(r).toMatchObject({ isolated: 'true', threads: await poolSize(page) })
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${host.url}coi-sw.js`)
    await trainTwoSteps(page) // the worker's script and the wasm binaries came through the service worker
    expect(await documents()).toEqual([false, true]) // the first load, and the one reload under the service worker

    await page.goto(`${host.url}?lang=en`) // under the service worker from the start: no reload
    expect((await reported(page)).isolated).toBe('true')
    expect(await documents()).toEqual([false, true, true])
  })

  test.describe('where no service worker may run', () => {
    test.use({ serviceWorkers: 'block' })
    test('the page is not isolated and still trains, on one thread, and says so', async ({ page }) => {
      let documents = 0
      page.on('load', () => documents++)
      await page.goto(`${host.url}?lang=en`)
      const r = await reported(page)
      expect(r).toMatchObject({ isolated: 'false', threads: 1 })
      expect(r.text).toMatch(/^Not cross-origin isolated/)
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false)
      await trainTwoSteps(page)
      expect(documents).toBe(1) // no reload
    })
  })
})
