// Only for `node scripts/gemm-bench.mjs --node` and `--profile`: runs the Node step timing (BENCH_TEST names the
// file), which is not a test.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: [process.env.BENCH_TEST ?? 'scripts/gemm-bench/*.bench-test.ts'],
    pool: 'forks',
  },
})
