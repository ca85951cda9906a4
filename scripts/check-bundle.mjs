// After `vite build`: the page's own bundle — the scripts index.html loads and everything they import
// statically — holds no tfjs. All tensor code lives in the worker's chunk, so the page stays light and
// nothing on the main thread can block it with tensor maths. That bundle is at most 200 KB gzip (the views the
// first screen does not show and each language's catalogue are chunks of their own, loaded when needed), and it
// holds neither language's catalogue, nor does either catalogue's chunk hold the other's words. Exits 1 and
// names the chunk otherwise.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const MAX_GZIP = 200 * 1024

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

// the size of the page's bundle, gzip as `gzip -c` makes it (level 6)
const gzip = (f) => gzipSync(readFileSync(join(dist, f))).length
const page = [...seen].map((f) => ({ f, gz: gzip(f) }))
const pageGz = page.reduce((sum, c) => sum + c.gz, 0)
if (pageGz > MAX_GZIP) {
  console.error(
    `check-bundle: the page's bundle is ${(pageGz / 1024).toFixed(1)} KiB gzip (${page.map((c) => `${c.f} ${(c.gz / 1024).toFixed(1)} KiB`).join(', ')}), over ${MAX_GZIP / 1024} KiB: load what the first screen does not show lazily (views/registry.tsx's lazyView).`,
  )
  process.exit(1)
}

// each language's catalogue in a chunk of its own (src/ui/i18n/catalogue.*.ts), and only that language in it
const assets = readdirSync(join(dist, 'assets'))
const catalogue = (lang) => {
  const files = assets.filter((f) => f.startsWith(`catalogue.${lang}-`) && f.endsWith('.js'))
  if (files.length !== 1) {
    console.error(`check-bundle: no chunk of its own for the ${lang} catalogue (${files.join(', ') || 'none'}).`)
    process.exit(1)
  }
  return { file: `assets/${files[0]}`, code: readFileSync(join(dist, 'assets', files[0]), 'utf8') }
}
// a catalogue's words: its long string literals (messages and the fixed parts of templates): English ones of 30
// characters or more with a space, Chinese ones with six characters in a row
const words = (code) =>
  new Set(
    [...code.matchAll(/`([^`$\\]{10,})|"([^"\\]{10,})"/g)]
      .map((m) => m[1] ?? m[2])
      .filter((w) => (w.length >= 30 && /\s/.test(w)) || /[\u4e00-\u9fff]{6}/.test(w)),
  )
const en = catalogue('en')
const zh = catalogue('zh-CN')
const enWords = words(en.code)
const zhWords = words(zh.code)
if (enWords.size < 100 || zhWords.size < 100) {
  console.error(
    `check-bundle: the catalogue chunks hold too few messages (${enWords.size}, ${zhWords.size}): is the check still reading them?`,
  )
  process.exit(1)
}
const holds = (code, ws) => [...ws].find((w) => code.includes(w))
for (const [file, code] of [
  ...[...seen].map((f) => [f, readFileSync(join(dist, f), 'utf8')]),
  [zh.file, zh.code],
  [en.file, en.code],
]) {
  const other = [en, zh].filter((c) => c.file !== file)
  for (const c of other) {
    const w = holds(code, c.file === en.file ? enWords : zhWords)
    if (w) {
      console.error(
        `check-bundle: ${file} holds words of ${c.file}: “${w.slice(0, 60)}”. Each language must load on its own.`,
      )
      process.exit(1)
    }
  }
}

console.log(
  `check-bundle: ${(pageGz / 1024).toFixed(1)} KiB gzip (limit ${MAX_GZIP / 1024}); the catalogues load apart (${en.file} ${(gzip(en.file) / 1024).toFixed(1)} KiB, ${zh.file} ${(gzip(zh.file) / 1024).toFixed(1)} KiB gzip).`,
)
console.log(
  `check-bundle: the page loads ${seen.size} chunk(s), ${[...seen].map((f) => `${f} ${(readFileSync(join(dist, f)).length / 1024).toFixed(0)} KiB`).join(', ')}: no tfjs; the worker's ${worker.join(', ')} has it.`,
)
