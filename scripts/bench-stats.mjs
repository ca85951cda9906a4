// The bench's figures from a run's step-time series, one rule for the tab and for PyTorch (scripts/bench.mjs).
//
// Steady state: the steps after a warm-up (the JIT compiling, the first allocations of every tensor size), less
// every step that follows other work between two steps (an evaluation, the live sample's continuation): such a
// step pays for that work's garbage and cold caches. Median, the 10th and 90th percentiles and the quartiles.
// Whole run: wall time from the first step to the last over the steps, everything between them included.

/** The default warm-up: a fifth of a short run, 20 steps from 100 on. */
export const defaultWarmup = (steps) => Math.min(20, Math.floor(steps / 5))

const quantile = (sorted, f) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]
const round = (x, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null)

/** Median, p10, p90, quartiles, mean and count of a list of milliseconds (null figures for an empty list). */
export function spread(ms) {
  const s = [...ms].sort((a, b) => a - b)
  const mean = s.reduce((a, b) => a + b, 0) / s.length
  return {
    median: round(quantile(s, 0.5)),
    p10: round(quantile(s, 0.1)),
    p90: round(quantile(s, 0.9)),
    q1: round(quantile(s, 0.25)),
    q3: round(quantile(s, 0.75)),
    mean: round(mean),
    n: s.length,
  }
}

/**
 * `stepMs[i]` is step i + 1's time; `after` the steps after which other work ran (an evaluation after step 100
 * puts 100 in it, so step 101 is left out; 0 for the evaluation before the first step). Returns the steady
 * state, the steps left out for following other work (their own spread, to show what that costs), and the
 * warm-up's.
 */
export function stepStats(stepMs, { warmup = defaultWarmup(stepMs.length), after = [] } = {}) {
  const follows = new Set(after.map((s) => s + 1))
  const steady = []
  const following = []
  stepMs.forEach((ms, i) => {
    const step = i + 1
    if (step <= warmup) return
    ;(follows.has(step) ? following : steady).push(ms)
  })
  // a run too short for any steady step: every step after the warm-up, or every step
  const base = steady.length ? steady : following.length ? following : stepMs
  return {
    steady: { ...spread(base), warmup, excluded: following.length },
    afterOtherWork: following.length ? spread(following) : null,
    warmupSteps: warmup ? spread(stepMs.slice(0, warmup)) : null,
  }
}

/** The steps at which a run with evaluations every `evalEvery` steps evaluated (0: the one before the first step). */
export function evalSteps(steps, evalEvery) {
  const out = [0]
  for (let s = evalEvery; s < steps; s += evalEvery) out.push(s)
  if (out.at(-1) !== steps) out.push(steps)
  return out
}
