// Cross-origin isolation where the host cannot set headers (a static host): this service worker answers the
// page's own requests with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp added, so the page — and its training worker — are `crossOriginIsolated` and may share memory
// between threads. vite dev and preview send the same headers themselves (vite.config.ts), and then the page
// never registers it. src/ui/isolation.ts registers it and reloads the page once, never more.
//
// Written here rather than taken from the coi-serviceworker package: ours is registered by the page's own
// module (no classic <script> that must find itself through document.currentScript), rewrites only this
// origin's responses (the Content-Security-Policy fetches nothing else), and reloads at most once a session
// (the package reloads whenever its service worker updates, and again on every load it is not in control).

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

/** The response with the isolation headers added; an opaque or error response (status 0) cannot be rebuilt. */
function isolated(response) {
  if (response.status === 0) return response
  const headers = new Headers(response.headers)
  headers.set('Cross-Origin-Opener-Policy', 'same-origin')
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp')
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (new URL(request.url).origin !== self.location.origin) return // not ours: the browser's own handling
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return // DevTools' quirk: fetch would throw
  event.respondWith(fetch(request).then(isolated))
})
