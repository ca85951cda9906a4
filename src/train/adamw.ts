// AdamW (Loshchilov & Hutter), as torch.optim.AdamW computes it, with decoupled weight decay on the
// parameters `decay` selects (nanoGPT: 2-D tensors only), and global-norm gradient clipping as
// torch.nn.utils.clip_grad_norm_ does it. Model-agnostic: works on any named set of variables.
import * as tf from '@tensorflow/tfjs'

export interface AdamWConfig {
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

export class AdamW {
  private readonly m: Record<string, tf.Variable> = {}
  private readonly v: Record<string, tf.Variable> = {}
  /** number of updates applied so far (PyTorch's `step` state) */
  t = 0

  constructor(
    private readonly params: Record<string, tf.Variable>,
    private readonly cfg: AdamWConfig,
    private readonly decay: (name: string, shape: readonly number[]) => boolean,
  ) {
    for (const [name, p] of Object.entries(params)) {
      // a variable keeps its own reference to the data: the tidy frees the zeros tensor itself
      this.m[name] = tf.tidy(() => tf.variable(tf.zeros(p.shape), false))
      this.v[name] = tf.tidy(() => tf.variable(tf.zeros(p.shape), false))
    }
  }

  /**
   * One update with learning rate `lr`. Call inside tf.tidy. For every parameter p with gradient g:
   *   p ← p·(1 − lr·wd)                     (decoupled decay, decayed parameters only)
   *   m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
   *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
   */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg
    this.t += 1
    const bc1 = 1 - beta1 ** this.t
    const bc2 = 1 - beta2 ** this.t
    for (const [name, p] of Object.entries(this.params)) {
      const g = grads[name]
      if (!g) continue
      const m = tf.add(tf.mul(this.m[name], beta1), tf.mul(g, 1 - beta1))
      const v = tf.add(tf.mul(this.v[name], beta2), tf.mul(tf.square(g), 1 - beta2))
      this.m[name].assign(m)
      this.v[name].assign(v)
      const decayed = weightDecay > 0 && this.decay(name, p.shape) ? tf.mul(p, 1 - lr * weightDecay) : p
      const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps)
      p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1)))
    }
  }

  /** The optimizer state as plain arrays (checkpoints, tests). */
  async state(): Promise<{ t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> {
    const m: Record<string, Float32Array> = {}
    const v: Record<string, Float32Array> = {}
    for (const name of Object.keys(this.m)) {
      m[name] = (await this.m[name].data()) as Float32Array
      v[name] = (await this.v[name].data()) as Float32Array
    }
    return { t: this.t, m, v }
  }

  dispose(): void {
    for (const x of [...Object.values(this.m), ...Object.values(this.v)]) x.dispose()
  }
}

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm (0 = off), as
 * clip_grad_norm_ does: coef = min(1, maxNorm / (norm + 1e-6)). Returns the clipped gradients and the
 * norm before clipping, as tensors (no readback). Call inside tf.tidy.
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = tf.sqrt(sumAll(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar
  if (!(maxNorm > 0)) return { grads, norm }
  const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1)
  const out: Record<string, tf.Tensor> = {}
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, coef)
  return { grads: out, norm }
}

/**
 * The sum of many same-shaped tensors, as a chain of binary adds. Not tf.addN: on webgpu it binds one storage
 * buffer per input, and past the device's maxStorageBuffersPerShaderStage (8 by default) its pipeline is
 * invalid and the result is silently wrong — which corrupted gradient clipping before this was found.
 */
export function sumAll(xs: tf.Tensor[]): tf.Tensor {
  if (!xs.length) throw new Error('sumAll needs at least one tensor')
  return xs.reduce((acc, x) => tf.add(acc, x))
}
