// Only for `node scripts/gemm-bench.mjs --node`: runs the Node step timing, which is not a test.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['scripts/gemm-bench/*.bench-test.ts'],
    pool: 'forks',
  },
})
