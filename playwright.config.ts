import { defineConfig } from '@playwright/test'

// Playwright drives a system Chromium (Debian's, or CHROMIUM_PATH): scripts/e2e.mjs finds or installs it.
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const baseArgs = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const PORT = Number(process.env.E2E_PORT || 4173)
const DEV_PORT = PORT + 1 // the development server, for the one test that the Content-Security-Policy holds there too

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // two cores: one browser at a time keeps the timings sane
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 1000 },
  },
  webServer: [
    {
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite --port ${DEV_PORT} --strictPort`,
      url: `http://localhost:${DEV_PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
  projects: [
    {
      name: 'webgpu-enabled',
      testMatch: /(journey|webgpu|generate)\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...baseArgs, '--enable-unsafe-webgpu'] } },
    },
    {
      name: 'bench', // drives its own preview server and browser through scripts/bench.mjs
      testMatch: /bench\.spec\.ts/,
    },
    {
      name: 'dev-server',
      testMatch: /devserver\.spec\.ts/,
      use: { baseURL: `http://localhost:${DEV_PORT}`, launchOptions: { executablePath, args: baseArgs } },
    },
    {
      name: 'no-webgpu',
      testMatch: /(fallback|modelfile|runs|pairs|tokens|atlas|a11y|i18n|tour|touch|hardening)\.spec\.ts/,
      use: { launchOptions: { executablePath, args: baseArgs } },
    },
  ],
})
