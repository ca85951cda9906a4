// A monotonic clock in milliseconds for code that must not depend on DOM or worker typings.
const perf = (globalThis as { performance?: { now(): number; timeOrigin?: number } }).performance

export const nowMs: () => number = perf ? () => perf.now() : () => Date.now()

/** Milliseconds since the epoch at sub-millisecond resolution, comparable between a page and its workers. */
export const epochMs: () => number =
  perf && perf.timeOrigin !== undefined ? () => perf.timeOrigin! + perf.now() : () => Date.now()
