// Cross-origin isolation on a host that cannot send the headers: register public/coi-sw.js (a service worker that
// adds them) and reload once under its control. Where the page is isolated already (vite dev and preview send the
// headers: vite.config.ts), nothing is registered. Where isolation cannot be had (no service workers, not a
// secure context, or the one reload did not bring it), the page goes on without it: training uses one thread.

/** What the page knows at start. */
export interface IsolationFacts {
  isolated: boolean
  secureContext: boolean
  serviceWorkers: boolean
  /** this tab already reloaded once for the service worker (sessionStorage) */
  reloadedOnce: boolean
}

/**
 * `isolated`: nothing to do. `register`: register the service worker, then reload once. `unavailable`: this
 * browser or address cannot be isolated by a service worker. `gave-up`: the one reload did not isolate the page,
 * so it is not tried again in this tab (never a reload loop).
 */
export type IsolationStep = 'isolated' | 'register' | 'unavailable' | 'gave-up'

export function isolationStep(f: IsolationFacts): IsolationStep {
  if (f.isolated) return 'isolated'
  if (!f.secureContext || !f.serviceWorkers) return 'unavailable'
  if (f.reloadedOnce) return 'gave-up'
  return 'register'
}

const RELOADED = 'gpt-playground.isolation-reload'
/** How long to wait for the service worker to take control before going on without it. */
const ACTIVATE_MS = 5000

function reloadedOnce(): boolean {
  try {
    return sessionStorage.getItem(RELOADED) !== null
  } catch {
    return true // no storage: a reload could not be counted, so none is made
  }
}

/** Resolves when the page may start; never resolves when it is reloading under the service worker. */
export async function crossOriginIsolate(): Promise<IsolationStep> {
  const step = isolationStep({
    isolated: globalThis.crossOriginIsolated === true,
    secureContext: globalThis.isSecureContext === true,
    serviceWorkers: 'serviceWorker' in navigator,
    reloadedOnce: reloadedOnce(),
  })
  if (step === 'isolated') {
    try {
      sessionStorage.removeItem(RELOADED)
    } catch {
      /* nothing to clear */
    }
  }
  if (step !== 'register') return step
  try {
    const ready = navigator.serviceWorker
      .register(new URL('coi-sw.js', document.baseURI))
      .then(() => navigator.serviceWorker.ready)
      .then(() => true)
    // a browser that refuses service workers may leave the registration unanswered
    const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), ACTIVATE_MS))
    if (!(await Promise.race([ready, late]))) return 'unavailable'
    sessionStorage.setItem(RELOADED, '1')
  } catch (e) {
    console.warn('cross-origin isolation: the service worker could not be registered', e)
    return 'unavailable'
  }
  location.reload()
  return new Promise<never>(() => {})
}
