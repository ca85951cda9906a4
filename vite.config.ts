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

export default defineConfig({
  plugins: [csp(), react()],
  server: { host: 'localhost' },
  preview: { host: 'localhost' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
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
