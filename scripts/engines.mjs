// The Node.js versions the project promises (package.json "engines", said in the README), and a small reader of
// npm's version ranges as npm (node-semver) desugars them: `>=`, `>`, `<=`, `<`, `=`, `^`, `~`, partial and
// x-ranges, hyphen ranges, `||`, and prereleases that count only where a comparator names one. `npm test` checks the running Node with `checkNode`; src/engines.test.ts checks that every
// locked package accepts the oldest version of every line the project promises.
import { readFileSync } from 'node:fs'

/** `20.19.0`, `v20.19.0`, `20.19`, `20`, `20.x`, `22.0.0-rc.1` → { v: [major, minor, patch] (missing parts null), pre } */
function parts(v) {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v.trim())
  if (!m) throw new Error(`not a version: ${v}`)
  return { v: [m[1], m[2], m[3]].map((p) => (p === undefined || /[xX*]/.test(p) ? null : Number(p))), pre: m[4] }
}

/** [major, minor, patch] order; a prerelease sorts before its release (their order among themselves: by text). */
function cmp(a, b) {
  const d = a.v[0] - b.v[0] || a.v[1] - b.v[1] || a.v[2] - b.v[2]
  if (d || a.pre === b.pre) return d
  if (!a.pre) return 1
  if (!b.pre) return -1
  return a.pre < b.pre ? -1 : 1
}

const full = (v, pre) => ({ v: v.map((p) => p ?? 0), pre })
/** The first version past a partial one: 1.2 → 1.3.0, 1 → 2.0.0. */
const past = ([a, b, c]) => (b === null ? [a + 1, 0, 0] : c === null ? [a, b + 1, 0] : [a, b, c + 1])

/** One comparator (`>=20.19.0`, `>1.2`, `^22`, `~4.1`, `20.x`, `*`) as npm desugars it: a list of [op, version]. */
function desugar(c) {
  const m = /^(>=|<=|>|<|=|\^|~>?|)\s*(.*)$/.exec(c)
  const op = m[1] === '~>' ? '~' : m[1]
  if (m[2] === '' || /^[xX*]$/.test(m[2])) return op === '<' || op === '>' ? [['<', full([0, 0, 0], '0')]] : [] // any
  const { v, pre } = parts(m[2])
  const [maj, min, pat] = v
  const lo = full(v, pre)
  const partial = min === null || pat === null
  switch (op) {
    case '^': {
      const hi =
        maj !== 0 || min === null ? [maj + 1, 0, 0] : min !== 0 || pat === null ? [0, min + 1, 0] : [0, 0, pat + 1]
      return [
        ['>=', lo],
        ['<', full(hi)],
      ]
    }
    case '~':
      return [
        ['>=', lo],
        ['<', full(min === null ? [maj + 1, 0, 0] : [maj, min + 1, 0])],
      ]
    case '>':
      return [partial ? ['>=', full(past(v))] : ['>', lo]]
    case '<=':
      return [partial ? ['<', full(past(v))] : ['<=', lo]]
    case '>=':
    case '<':
      return [[op, lo]]
    default: // '' or '=': a partial version is a range
      return partial
        ? [
            ['>=', lo],
            ['<', full(past(v))],
          ]
        : [['=', lo]]
  }
}

const TEST = { '>=': (d) => d >= 0, '>': (d) => d > 0, '<=': (d) => d <= 0, '<': (d) => d < 0, '=': (d) => d === 0 }

/** One alternative (between `||`): comparators separated by spaces, or a hyphen range `A - B`. */
function comparators(alt) {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alt)
  if (hyphen) return [...desugar(`>=${hyphen[1]}`), ...desugar(`<=${hyphen[2]}`)]
  return alt
    .replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, '$1')
    .split(/\s+/)
    .filter(Boolean)
    .flatMap(desugar)
}

/** Whether `version` (e.g. process.version) satisfies an npm range such as `^20.19.0 || >=22.12.0`, as npm reads it. */
export function satisfies(version, range) {
  const v = full(parts(version).v, parts(version).pre)
  return range.split('||').some((alt) => {
    const cs = comparators(alt.trim())
    if (!cs.every(([op, x]) => TEST[op](cmp(v, x)))) return false
    // npm: a prerelease satisfies a range only where a comparator names a prerelease of the same version
    return !v.pre || cs.some(([, x]) => x.pre && x.v.every((p, i) => p === v.v[i]))
  })
}

/** The oldest version of each line a range admits: `^20.19.0 || ^22.13.0 || >=24.0.0` → 20.19.0, 22.13.0, 24.0.0. */
export function lowerBounds(range) {
  return range.split('||').map((alt) => {
    const lows = comparators(alt.trim()).filter(([op]) => op === '>=' || op === '=')
    if (lows.length !== 1)
      throw new Error(`lowerBounds reads ranges of the form ^a.b.c, ~a.b.c, >=a.b.c or a.b.c, not “${alt.trim()}”`)
    return lows[0][1].v.join('.')
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
    console.error(
      `This project needs Node.js ${range} (package.json "engines"); this is ${process.version}. Install a supported Node.js and run npm ci again.`,
    )
    process.exit(1)
  }
}
