// The Node.js versions the project promises (package.json "engines", said in the README), and a small reader of
// npm's version ranges (the forms the lockfile's "engines" fields use: `>=`, `>`, `<=`, `<`, `=`, `^`, `~`,
// x-ranges and `||`). `npm test` checks the running Node with `checkNode`; src/engines.test.ts checks that every
// locked package accepts the oldest version of every line the project promises.
import { readFileSync } from 'node:fs'

/** @param {string} v `20.19.0`, `v20.19.0`, `20.19`, `20`, `20.x` → [major, minor, patch] (missing parts are null) */
function parts(v) {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$/.exec(v.trim())
  if (!m) throw new Error(`not a version: ${v}`)
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /[xX*]/.test(p) ? null : Number(p)))
}

/** @param {number[]} a @param {number[]} b */
const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/** One comparator (`>=20.19.0`, `^22`, `~4.1`, `20.x`) → a test on a full version. */
function comparator(c) {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*(.+)$/.exec(c)
  const op = m[1] ?? ''
  const [maj, min, pat] = parts(m[2])
  const lo = [maj ?? 0, min ?? 0, pat ?? 0]
  if (op === '^') {
    const hi = maj !== 0 || min === null ? [maj + 1, 0, 0] : min !== 0 || pat === null ? [0, min + 1, 0] : [0, 0, pat + 1]
    return (v) => cmp(v, lo) >= 0 && cmp(v, hi) < 0
  }
  if (op === '~' || (op === '' && (min === null || pat === null))) {
    if (maj === null) return () => true
    const hi = min === null ? [maj + 1, 0, 0] : pat === null || op === '~' ? [maj, min + 1, 0] : [maj, min, pat + 1]
    return (v) => cmp(v, lo) >= 0 && cmp(v, hi) < 0
  }
  if (op === '>=') return (v) => cmp(v, lo) >= 0
  if (op === '>') return (v) => cmp(v, lo) > 0
  if (op === '<=') return (v) => cmp(v, lo) <= 0
  if (op === '<') return (v) => cmp(v, lo) < 0
  return (v) => cmp(v, lo) === 0
}

/** Whether `version` (e.g. process.version) satisfies an npm range such as `^20.19.0 || >=22.12.0`. */
export function satisfies(version, range) {
  const v = parts(version).map((p) => p ?? 0)
  return range.split('||').some((alt) => {
    const cs = alt.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean)
    return cs.every((c) => comparator(c)(v))
  })
}

/** The oldest version of each line a range admits: `^20.19.0 || ^22.12.0 || >=24.0.0` → 20.19.0, 22.12.0, 24.0.0. */
export function lowerBounds(range) {
  return range.split('||').map((alt) => {
    const m = /(?:>=|\^|~|=)?\s*v?(\d+(?:\.\d+){0,2})/.exec(alt.trim())
    const [a, b, c] = parts(m[1]).map((p) => p ?? 0)
    return `${a}.${b}.${c}`
  })
}

/** The range package.json promises. */
export function promisedNode(dir = new URL('..', import.meta.url)) {
  return JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')).engines.node
}

/** Exits with one clear line when this Node is not one the project supports. */
export function checkNode() {
  const range = promisedNode()
  if (!satisfies(process.version, range)) {
    console.error(`This project needs Node.js ${range} (package.json "engines"); this is ${process.version}. Install a supported Node.js and run npm ci again.`)
    process.exit(1)
  }
}
