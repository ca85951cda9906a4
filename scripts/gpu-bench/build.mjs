// Bundles scripts/gpu-bench/bench.ts (the GPU bench: src/train/run.ts, tfjs, tfjs-backend-webgpu) into ONE .mjs
// that plain Node runs, with vite's own build (its SSR mode, every package bundled in). The only thing it loads
// at run time is Dawn's dawn.node (see loadDawn in bench.ts).
//   node scripts/gpu-bench/build.mjs [OUT_DIR]     (default gpu-kit-build/bench; writes gpu-bench.mjs there)
import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Builds the bundle into outDir; returns its path. */
export async function buildBench(outDir = join(ROOT, 'gpu-kit-build/bench')) {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: join(ROOT, 'scripts/gpu-bench/bench.ts'),
      outDir: resolve(outDir),
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      rollupOptions: { output: { entryFileNames: 'gpu-bench.mjs', format: 'es', codeSplitting: false } },
    },
  })
  return join(resolve(outDir), 'gpu-bench.mjs')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildBench(process.argv[2])
  console.log(`${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`)
}
