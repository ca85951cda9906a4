import { defineConfig } from '@playwright/test'
import { isCI } from './scripts/ci.mjs'

// Playwright drives a system Chromium (Debian's, or CHROMIUM_PATH): scripts/e2e.mjs finds or installs it.
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const baseArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const PORT = Number(process.env.E2E_PORT || 4173)
const DEV_PORT = PORT + 1 // the development server, for the one test that the Content-Security-Policy holds there too

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // two cores: one browser at a time keeps the timings sane
  forbidOnly: isCI,
  retries: 0, // one try, everywhere: a journey that needs a second try is a bug in the test or in the app
  // list on the console; JSON too when npm test asks for it (scripts/test-all.mjs reads it: nothing may be skipped under CI)
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 1000 },
  },
  webServer: [
    {
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: !isCI,
      timeout: 60_000,
    },
    {
      command: `npx vite --port ${DEV_PORT} --strictPort`,
      url: `http://localhost:${DEV_PORT}`,
      reuseExistingServer: !isCI,
      timeout: 120_000,
    },
  ],
  projects: [
    {
      name: 'webgpu-enabled',
      testMatch: /(journey|webgpu|generate|backends)\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...baseArgs, '--enable-unsafe-webgpu'] } },
    },
    {
      name: 'bench', // drives its own preview server and browser through scripts/bench.mjs
      testMatch: /bench\.spec\.ts/,
    },
    {
      name: 'dev-server',
      testMatch: /(devserver|webglKernels)\.spec\.ts/,
      use: { baseURL: `http://localhost:${DEV_PORT}`, launchOptions: { executablePath, args: baseArgs } },
    },
    {
      name: 'no-webgpu',
      testMatch:
        /(fallback|modelfile|gallery|runs|pairs|predict|estimate|tokens|atlas|ablation|induction|residual|a11y|i18n|light|tour|touch|hardening|onescreen|isolation)\.spec\.ts/,
      use: { launchOptions: { executablePath, args: baseArgs } },
    },
  ],
})
