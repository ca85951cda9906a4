// After `vite build`: the page's own bundle — the scripts index.html loads and everything they import
// statically — holds no tfjs. All tensor code lives in the worker's chunk, so the page stays light and
// nothing on the main thread can block it with tensor maths. Exits 1 and names the chunk otherwise.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const dist = process.argv[2] ?? 'dist'
// strings tfjs-core keeps through minification (its error messages and flag names)
const TFJS = [/Tensor is disposed/, /tfjsflags/, /WEBGL_VERSION/]
const hasTfjs = (code) => TFJS.some((r) => r.test(code))

const html = readFileSync(join(dist, 'index.html'), 'utf8')
const entries = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1])
if (!entries.length) throw new Error(`${dist}/index.html loads no script: is this a build?`)

const seen = new Set()
const queue = [...entries]
while (queue.length) {
  const file = queue.shift()
  if (seen.has(file)) continue
  seen.add(file)
  const code = readFileSync(join(dist, file), 'utf8')
  // static imports between chunks: import{…}from"./x.js" / import"./x.js" (dynamic import() loads on demand and is not followed)
  for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[^'"();]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
    queue.push(`assets/${m[1]}`)
}
const bad = [...seen].filter((f) => hasTfjs(readFileSync(join(dist, f), 'utf8')))
const worker = readdirSync(join(dist, 'assets')).filter((f) => /^train\.worker-.*\.js$/.test(f))
if (!worker.length || !worker.every((f) => hasTfjs(readFileSync(join(dist, 'assets', f), 'utf8')))) {
  console.error(
    'check-bundle: the worker chunk has no tfjs in it either: the markers no longer match tfjs, so this check would pass blindly.',
  )
  process.exit(1)
}
if (bad.length) {
  console.error(
    `check-bundle: tfjs is in the page's bundle (${bad.join(', ')}): something under src/ui imports it, directly or through shared code.`,
  )
  process.exit(1)
}
console.log(
  `check-bundle: the page loads ${seen.size} chunk(s), ${[...seen].map((f) => `${f} ${(readFileSync(join(dist, f)).length / 1024).toFixed(0)} KiB`).join(', ')}: no tfjs; the worker's ${worker.join(', ')} has it.`,
)
