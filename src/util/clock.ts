// A monotonic clock in milliseconds for code that must not depend on DOM or worker typings.
const perf = (globalThis as { performance?: { now(): number } }).performance

export const nowMs: () => number = perf ? () => perf.now() : () => Date.now()
