// Types for bench-stats.mjs (the bench's figures from a step-time series), for src/benchStats.test.ts.
export interface Spread {
  median: number | null
  p10: number | null
  p90: number | null
  q1: number | null
  q3: number | null
  mean: number | null
  n: number
}
export function defaultWarmup(steps: number): number
export function spread(ms: number[]): Spread
export function stepStats(
  stepMs: number[],
  options?: { warmup?: number; after?: number[] },
): {
  steady: Spread & { warmup: number; excluded: number }
  afterOtherWork: Spread | null
  warmupSteps: Spread | null
}
export function evalSteps(steps: number, evalEvery: number): number[]
