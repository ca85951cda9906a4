// The PyTorch side of the tests (the interop stage of `npm test`, `npm run interop`, `npm run bench -- --vs-torch`):
// Debian's python3-torch (with numpy) and libopenblas0-pthread (without it torch multiplies with the reference
// BLAS, 14× slower). Found, or — as root on Debian or Ubuntu, the way scripts/find-chromium.mjs installs
// Chromium — installed with apt-get, saying so. Where it can do neither it says why in one line.
import { execSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isCI } from './ci.mjs'

// TORCH_PYTHON names another Python with torch and numpy (a virtual environment, say); nothing is installed for it
export const PYTHON = process.env.TORCH_PYTHON || '/usr/bin/python3'
const DEBIAN = PYTHON === '/usr/bin/python3'
const PACKAGES = ['python3-torch', 'libopenblas0-pthread']
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0'

/** What is missing, in words; empty when everything is there. */
function missing() {
  const out = []
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }) // a bare name is looked up on PATH
  if (r.status !== 0) out.push(`${PYTHON} cannot import torch and numpy (Debian: python3-torch)`)
  if (DEBIAN && process.arch === 'x64' && !existsSync(OPENBLAS))
    out.push('OpenBLAS with threads is not installed (Debian: libopenblas0-pthread)')
  return out
}

/**
 * `{ python }`: the Python to run the PyTorch scripts with. When something is missing and cannot be installed:
 * with `required` (or under CI=true) it stops the process with one line saying why; otherwise it returns
 * `{ reason }`, that line.
 */
export function findPython({ required = false, log = console.log } = {}) {
  let gaps = missing()
  if (!gaps.length) return { python: PYTHON }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (DEBIAN && isRoot && existsSync('/usr/bin/apt-get')) {
    log(`PyTorch checks: ${gaps.join('; ')}. Installing Debian's ${PACKAGES.join(' and ')} with apt-get…`)
    try {
      execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${PACKAGES.join(' ')}`, {
        stdio: 'inherit',
        shell: '/bin/bash',
      })
    } catch {
      // said below, with what is still missing
    }
    gaps = missing()
    if (!gaps.length) return { python: PYTHON }
  }
  const how = !DEBIAN
    ? `TORCH_PYTHON is set, so nothing is installed for it`
    : !existsSync('/usr/bin/apt-get')
      ? `this is not Debian or Ubuntu (no apt-get): install PyTorch and numpy and set TORCH_PYTHON to that Python`
      : isRoot
        ? 'apt-get could not install them'
        : `installing them needs root (sudo apt-get install -y ${PACKAGES.join(' ')}), or set TORCH_PYTHON to a Python with torch`
  const why = `The PyTorch checks cannot run: ${gaps.join('; ')}; ${how}.`
  if (required || isCI) {
    console.error(why)
    process.exit(1)
  }
  return { reason: why }
}
