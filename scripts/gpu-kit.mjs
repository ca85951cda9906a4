// Assembles the real-GPU kit: one self-contained folder (under 64 MiB) that a machine with an NVIDIA GPU, Python and
// PyTorch CUDA — but no Node and no network — runs with one command, `bash gpu-kit/run.sh` (the recipe and how to
// read its output: docs/gpu.md). In it:
//   node.xz              this Node binary (process.execPath), xz-compressed
//   dawn.node.xz         Dawn's WebGPU for Node (the `webgpu` package's linux-x64 build), xz-compressed
//   gpu-bench.mjs        the GPU bench bundled (scripts/gpu-bench/build.mjs): the playground's training step
//   vulkan-loader.tar.xz Debian's Vulkan loader (libvulkan1), for a machine that has the driver but no loader
//   glibc.tar.xz         Debian's C and C++ runtime (libc6, libstdc++6, libgcc-s1), for a machine whose C library is
//                        older than dawn.node needs (glibc 2.34, GLIBCXX 3.4.30); run.sh uses it only then
//   tinyshakespeare.txt  the text both sides train on (copied; the kit folder is ignored by git)
//   torch/               scripts/torch_gpt.py and scripts/pg_nanogpt.py (PyTorch's side, --device cuda)
//   run.sh               scripts/gpu-kit/run.sh;  MANIFEST.json: every file's size and sha256
//
//   node scripts/gpu-kit.mjs [--out gpu-kit] [--corpus ../shared/data/tinyshakespeare.txt]
//
// Needs xz and apt-get (the Debian packages are fetched with `apt-get download`, kept in gpu-kit-build/ with the
// compressed binaries, so a second build takes seconds).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildBench } from './gpu-bench/build.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt
}
const OUT = resolve(arg('out', join(ROOT, 'gpu-kit')))
const CACHE = join(ROOT, 'gpu-kit-build')
const corpus = resolve(arg('corpus', join(ROOT, '../shared/data/tinyshakespeare.txt')))
const LIMIT = 64 * 1024 * 1024
const log = (s) => console.error(`gpu-kit: ${s}`)

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts })
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`)
  return r.stdout?.toString() ?? ''
}

/** xz -9 of a file into the cache, made again only when the source's size or time changes. */
function xzCached(src, name) {
  const out = join(CACHE, `${name}.xz`)
  const st = statSync(src)
  const stamp = `${realpathSync(src)} ${st.size} ${st.mtimeMs}`
  if (existsSync(out) && existsSync(`${out}.stamp`) && readFileSync(`${out}.stamp`, 'utf8') === stamp) return out
  log(`compressing ${src} (${(st.size / 1e6).toFixed(1)} MB) with xz -9…`)
  const r = spawnSync('sh', ['-c', 'xz -9 -T0 -c "$0" > "$1"', src, out], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`xz failed on ${src}`)
  writeFileSync(`${out}.stamp`, stamp)
  return out
}

/** The files of Debian packages (apt-get download, dpkg-deb -x), unpacked once into the cache. */
function debian(packages) {
  const dir = join(CACHE, 'deb')
  mkdirSync(dir, { recursive: true })
  for (const p of packages) {
    if (!readdirSync(dir).some((f) => f.startsWith(`${p}_`) && f.endsWith('.deb'))) {
      log(`apt-get download ${p}`)
      sh('apt-get', ['download', p], { cwd: dir })
    }
    const deb = readdirSync(dir).find((f) => f.startsWith(`${p}_`) && f.endsWith('.deb'))
    const root = join(CACHE, 'root', p)
    if (!existsSync(root)) {
      rmSync(`${root}.part`, { recursive: true, force: true })
      mkdirSync(`${root}.part`, { recursive: true })
      sh('dpkg-deb', ['-x', join(dir, deb), `${root}.part`])
      renameSync(`${root}.part`, root)
    }
  }
  return (p, path) => join(CACHE, 'root', p, path)
}

/** A tar.xz of files (each dereferenced, flat), written into the kit. */
function tarXz(name, files) {
  const stage = join(CACHE, 'stage', name)
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  for (const [from, as] of files) copyFileSync(realpathSync(from), join(stage, as))
  sh('tar', ['-cJf', join(OUT, `${name}.tar.xz`), '-C', stage, ...files.map(([, as]) => as)])
}

if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the kit is for linux x64: build it there')
if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus} (--corpus FILE)`)
if (existsSync(OUT) && readdirSync(OUT).length && !existsSync(join(OUT, 'MANIFEST.json')))
  throw new Error(`${OUT} is not empty and is not a kit (no MANIFEST.json): not deleting it`)
mkdirSync(CACHE, { recursive: true })
rmSync(OUT, { recursive: true, force: true })
mkdirSync(join(OUT, 'torch'), { recursive: true })

await buildBench(OUT)
copyFileSync(xzCached(process.execPath, 'node'), join(OUT, 'node.xz'))
const dawn = join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node')
copyFileSync(xzCached(dawn, 'dawn.node'), join(OUT, 'dawn.node.xz'))
const deb = debian(['libvulkan1', 'libc6', 'libstdc++6', 'libgcc-s1'])
/** A library's file in an unpacked package: under lib/ or usr/lib/ (Debian moves them between releases). */
const lib = (p, name) => {
  const at = ['lib', 'usr/lib'].map((d) => deb(p, `${d}/x86_64-linux-gnu/${name}`)).find((f) => existsSync(f))
  if (!at) throw new Error(`${p} has no ${name}`)
  return [at, name]
}
tarXz('vulkan-loader', [lib('libvulkan1', 'libvulkan.so.1')])
tarXz('glibc', [
  ...['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1'].map((f) =>
    lib('libc6', f),
  ),
  lib('libstdc++6', 'libstdc++.so.6'),
  lib('libgcc-s1', 'libgcc_s.so.1'),
])
copyFileSync(corpus, join(OUT, 'tinyshakespeare.txt'))
for (const f of ['torch_gpt.py', 'pg_nanogpt.py']) copyFileSync(join(ROOT, 'scripts', f), join(OUT, 'torch', f))
copyFileSync(join(ROOT, 'scripts/gpu-kit/run.sh'), join(OUT, 'run.sh'))
sh('chmod', ['+x', join(OUT, 'run.sh')])

const files = []
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) walk(p)
    else files.push(p)
  }
}
walk(OUT)
const manifest = {
  built: new Date().toISOString(),
  node: process.version,
  files: Object.fromEntries(
    files.map((p) => [
      p.slice(OUT.length + 1),
      { bytes: statSync(p).size, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') },
    ]),
  ),
}
writeFileSync(join(OUT, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 1)}\n`)
const total = files.reduce((a, p) => a + statSync(p).size, 0) + statSync(join(OUT, 'MANIFEST.json')).size
for (const [f, { bytes }] of Object.entries(manifest.files)) log(`${f.padEnd(22)} ${(bytes / 1048576).toFixed(2)} MiB`)
log(`${OUT}: ${(total / 1048576).toFixed(1)} MiB in ${files.length + 1} files (limit 64 MiB)`)
if (total > LIMIT) throw new Error(`the kit is ${(total / 1048576).toFixed(1)} MiB, over 64 MiB`)
