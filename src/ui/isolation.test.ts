import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { isolationStep, type IsolationFacts } from './isolation'

const facts = (f: Partial<IsolationFacts>): IsolationFacts => ({
  isolated: false,
  secureContext: true,
  serviceWorkers: true,
  reloadedOnce: false,
  ...f,
})

describe('whether the page registers the isolation service worker', () => {
  it('does nothing when the page is isolated already (the servers send the headers)', () => {
    expect(isolationStep(facts({ isolated: true }))).toBe('isolated')
    expect(isolationStep(facts({ isolated: true, reloadedOnce: true }))).toBe('isolated')
  })

  it('registers it on a host without the headers', () => {
    expect(isolationStep(facts({}))).toBe('register')
  })

  it('reloads at most once a tab: after that one reload it goes on without isolation', () => {
    expect(isolationStep(facts({ reloadedOnce: true }))).toBe('gave-up')
  })

  it('goes on with one thread where a service worker cannot help', () => {
    expect(isolationStep(facts({ secureContext: false }))).toBe('unavailable')
    expect(isolationStep(facts({ serviceWorkers: false }))).toBe('unavailable')
  })
})

/** public/coi-sw.js run in a context of its own with a fake service-worker scope and a fake network. */
function serviceWorker(network: (r: Request) => Promise<Response>) {
  const listeners = new Map<string, (e: unknown) => void>()
  const scope = {
    location: new URL('https://example.org/app/coi-sw.js'),
    addEventListener: (type: string, f: (e: unknown) => void) => listeners.set(type, f),
    skipWaiting: () => Promise.resolve(),
    clients: { claim: () => Promise.resolve() },
  }
  const code = readFileSync(new URL('../../public/coi-sw.js', import.meta.url), 'utf8')
  runInNewContext(code, { self: scope, fetch: network, Headers, Response, Request, URL })
  /** The service worker's answer to a request, or undefined when it leaves the request to the browser. */
  const fetchEvent = (request: Request): Promise<Response> | undefined => {
    let answer: Promise<Response> | undefined
    listeners.get('fetch')!({ request, respondWith: (p: Promise<Response>) => (answer = p) })
    return answer
  }
  return { listeners, fetchEvent }
}

describe('the isolation service worker (public/coi-sw.js)', () => {
  it('adds COOP and COEP to this origin’s responses and keeps the rest of them', async () => {
    const sw = serviceWorker(
      async () =>
        new Response(new Uint8Array([0, 97, 115, 109]), {
          status: 200,
          statusText: 'OK',
          headers: { 'Content-Type': 'application/wasm', 'Cache-Control': 'max-age=60' },
        }),
    )
    expect([...sw.listeners.keys()].sort()).toEqual(['activate', 'fetch', 'install'])
    const r = await sw.fetchEvent(new Request('https://example.org/app/assets/tfjs-backend-wasm-simd.wasm'))!
    expect(r.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin')
    expect(r.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp')
    expect(r.headers.get('Content-Type')).toBe('application/wasm') // instantiateStreaming needs it
    expect(r.headers.get('Cache-Control')).toBe('max-age=60')
    expect([r.status, r.statusText]).toEqual([200, 'OK'])
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([0, 97, 115, 109])
  })

  it('keeps a missing file missing (status and body)', async () => {
    const sw = serviceWorker(async () => new Response('not here', { status: 404, statusText: 'Not Found' }))
    const r = await sw.fetchEvent(new Request('https://example.org/app/nothing.txt'))!
    expect(r.status).toBe(404)
    expect(await r.text()).toBe('not here')
    expect(r.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp')
  })

  it('leaves other origins’ requests to the browser, and passes an opaque or error response through', async () => {
    const failed = Response.error()
    const sw = serviceWorker(async () => failed)
    expect(sw.fetchEvent(new Request('https://elsewhere.example/x.js'))).toBeUndefined()
    expect(await sw.fetchEvent(new Request('https://example.org/app/x.js'))!).toBe(failed)
  })

  it('leaves DevTools’ only-if-cached requests alone (fetching them would throw)', () => {
    const sw = serviceWorker(() => Promise.reject(new Error('must not fetch')))
    const request = { url: 'https://example.org/app/', cache: 'only-if-cached', mode: 'no-cors' } as Request
    expect(sw.fetchEvent(request)).toBeUndefined()
  })
})
