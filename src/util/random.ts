// A small seeded PRNG (mulberry32) so batches, sampling and anything else random are reproducible
// from one seed, on every backend. Not for cryptography.

/** Uniform in [0, 1); `state()` is the whole generator state: mulberry32(rng.state()) continues the sequence. */
export interface Rng {
  (): number
  state(): number
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return Object.assign(next, { state: () => a })
}

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}
