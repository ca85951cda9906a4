// Turning the model's final logits into the next token: temperature, top-k, top-p, and a draw from the
// result; and what the model believes at a position (its top alternatives, the entropy).
// Plain maths over number arrays, run on the CPU in the worker (tf.multinomial is buggy on webgpu, and
// one (V,) readback per token is cheap). Pure and unit-tested.
import type { Rng } from '../util/random'

/** softmax(logits / temperature), max-subtracted for stability. temperature must be > 0. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const n = logits.length
  const out = new Float64Array(n)
  let max = -Infinity
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i]
  let sum = 0
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i] - max) / temperature)
    out[i] = e
    sum += e
  }
  for (let i = 0; i < n; i++) out[i] /= sum
  return out
}

/** Index of the largest value; the lowest index wins a tie. */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i
  return best
}

/**
 * Keep the k largest probabilities (ties broken towards the lower id, so the result is deterministic),
 * zero the rest and renormalise. k ≤ 0 or k ≥ n keeps everything.
 */
export function topK(probs: Float64Array, k: number): Float64Array {
  const n = probs.length
  if (k <= 0 || k >= n) return probs
  const order = rankByProb(probs)
  const out = new Float64Array(n)
  let sum = 0
  for (let j = 0; j < k; j++) {
    out[order[j]] = probs[order[j]]
    sum += probs[order[j]]
  }
  for (let i = 0; i < n; i++) out[i] /= sum
  return out
}

/** Token ids by descending probability; equal probabilities keep the lower id first (deterministic). */
export function rankByProb(probs: ArrayLike<number>): number[] {
  return Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b)
}

/**
 * Nucleus (top-p) filtering: keep the smallest set of most likely tokens whose total probability reaches p
 * (ranked as rankByProb ranks them), zero the rest and renormalise. p must be in (0, 1]; p = 1 keeps every
 * token with mass.
 */
export function topP(probs: Float64Array, p: number): Float64Array {
  if (!(p > 0 && p <= 1)) throw new Error(`top-p must be in (0, 1] (got ${p})`)
  const order = rankByProb(probs)
  const out = new Float64Array(probs.length)
  let mass = 0
  for (const id of order) {
    if (probs[id] <= 0) break
    out[id] = probs[id]
    mass += probs[id]
    if (mass >= p * (1 - 1e-12)) break // the tolerance absorbs rounding in the running sum
  }
  for (let i = 0; i < out.length; i++) out[i] /= mass
  return out
}

/** Shannon entropy of a distribution, in nats (ln 2 ≈ 0.693 per bit). Zero-probability entries add nothing. */
export function entropy(probs: ArrayLike<number>): number {
  let h = 0
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log(probs[i])
  return h
}

export interface TokenBelief {
  top: { id: number; prob: number }[] // the k most likely next tokens, most likely first
  entropy: number // nats
}

/** What the model believes at one position: its k most likely tokens (at temperature 1) and the entropy. */
export function beliefAt(logits: ArrayLike<number>, k = 5): TokenBelief {
  const probs = softmax(logits)
  return {
    top: rankByProb(probs)
      .slice(0, k)
      .map((id) => ({ id, prob: probs[id] })),
    entropy: entropy(probs),
  }
}

/** Draw an index from a probability vector with the given uniform source. */
export function drawFrom(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng()
  let acc = 0
  let last = 0
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue
    acc += probs[i]
    last = i
    if (u < acc) return i
  }
  return last // u landed in the rounding gap at the top: the last token with mass
}

export interface SampleChoice {
  id: number
  prob: number // the probability of the chosen token under the distribution it was drawn from
}

/**
 * The next token from raw logits: temperature 0 is greedy; otherwise softmax(logits/T), then top-k, then
 * top-p (p = 1: off), then a draw.
 */
export function sampleNext(logits: ArrayLike<number>, temperature: number, k: number, rng: Rng, p = 1): SampleChoice {
  if (temperature <= 0) {
    const id = argmax(logits)
    return { id, prob: softmax(logits)[id] }
  }
  const probs = p < 1 ? topP(topK(softmax(logits, temperature), k), p) : topK(softmax(logits, temperature), k)
  const id = drawFrom(probs, rng)
  return { id, prob: probs[id] }
}
