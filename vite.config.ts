import { randomBytes } from 'node:crypto'
import { defineConfig, type Plugin } from 'vitest/config'
import react from '@vitejs/plugin-react'

/**
 * The page's Content-Security-Policy, as a <meta> tag in index.html (so it holds wherever the files are served):
 * scripts and workers only from this origin (workers also from blob:), no inline script, no eval, nothing
 * fetched from elsewhere. In development the dev server's own inline scripts (React Refresh's preamble) carry a
 * nonce made fresh for each server start; the built app has no inline script at all.
 */
export function contentSecurityPolicy(nonce?: string): string {
  return [
    "default-src 'self'",
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ''}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'", // React and recharts set style attributes; scripts stay strict
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ')
}

function csp(): Plugin {
  let nonce: string | undefined
  return {
    name: 'content-security-policy',
    config(_, env) {
      if (env.command !== 'serve') return
      nonce = randomBytes(16).toString('base64')
      return { html: { cspNonce: nonce } }
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(nonce) },
          injectTo: 'head-prepend',
        },
      ],
    },
  }
}

/**
 * Cross-origin isolation (`crossOriginIsolated`, hence SharedArrayBuffer for the training worker's threads) from
 * both servers. A static host that cannot set headers gets them from public/coi-sw.js, a service worker that adds
 * them (src/ui/isolation.ts registers it only where the page is not isolated already, and reloads once at most).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
}

/**
 * The message catalogue (src/ui/i18n/messages.ts) keeps both languages in one file, typed together; the page
 * loads one language's chunk (i18n/catalogue.en.ts, catalogue.zh-CN.ts). In a build each of those two imports
 * messages.ts as a module of its own (`messages.ts?catalogue=en`), so tree-shaking leaves only its language in
 * its chunk. scripts/check-bundle.mjs checks that neither chunk holds the other's words and the page's main chunk
 * neither's.
 */
function catalogueChunks(): Plugin {
  return {
    name: 'catalogue-chunks',
    enforce: 'pre',
    apply: 'build',
    async resolveId(source, importer) {
      const lang = importer?.match(/[/\\]i18n[/\\]catalogue\.(en|zh-CN)\.ts$/)?.[1]
      if (!lang || source !== './messages') return null
      const resolved = await this.resolve(source, importer, { skipSelf: true })
      return resolved && { ...resolved, id: `${resolved.id}?catalogue=${lang}` }
    },
  }
}

export default defineConfig({
  plugins: [csp(), catalogueChunks(), react()],
  server: { host: 'localhost', headers: ISOLATION_HEADERS },
  preview: { host: 'localhost', headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // recharts and what it brings (d3, redux, immer…) in a chunk of that name, loaded with the first chart
    rolldownOptions: {
      output: {
        codeSplitting: {
          includeDependenciesRecursively: false, // React stays in the page's chunk
          groups: [
            {
              name: 'recharts',
              test: /node_modules[\\/](recharts|victory-vendor|d3-[a-z]+|internmap|decimal\.js-light|@reduxjs|redux|redux-thunk|react-redux|reselect|immer|es-toolkit|eventemitter3|use-sync-external-store|clsx|tiny-invariant)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // PyTorch on both sides: only the interop stage (scripts/interop.mjs) runs it, with INTEROP_STAGE set
    exclude: process.env.INTEROP_STAGE ? [] : ['src/**/*.torch.test.ts'],
    setupFiles: ['src/testSetup.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
})
