// Finds a Chromium for the end-to-end tests, in this order: $CHROMIUM_PATH, /usr/bin/chromium, Playwright's
// own downloaded browser. When none exists and we are root on a Debian-like system, installs Debian's
// `chromium` package with apt-get, saying so. Returns the path.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function playwrightChromium() {
  try {
    const p = require('playwright-core').chromium.executablePath()
    return p && existsSync(p) ? p : undefined
  } catch {
    return undefined
  }
}

export function findChromium({ log = console.log } = {}) {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there`)
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  const pw = playwrightChromium()
  if (pw) return pw
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'No Chromium found. Install one (Debian: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    )
  }
  log('No Chromium found: installing Debian\'s "chromium" package with apt-get (the end-to-end tests drive it)…')
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit',
    shell: '/bin/bash',
  })
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  throw new Error('apt-get finished, but /usr/bin/chromium is still missing')
}
