// AdamW (Loshchilov & Hutter), as torch.optim.AdamW computes it, with decoupled weight decay on the
// parameters `decay` selects (nanoGPT: 2-D tensors only), and global-norm gradient clipping as
// torch.nn.utils.clip_grad_norm_ does it (coef = min(1, maxNorm / (norm + 1e-6)), on all gradients together). Model-agnostic: works on any named set of variables.
import * as tf from '@tensorflow/tfjs'
import { hasFused } from '../model/ops'

/**
 * Every gradient with their global L2 norm, as `flatGrads` gives them: end to end in one vector, or, where the
 * backend has the fused update (GptAdamW: wasm), as they are (`parts`, in the optimizer's order), which the
 * fused kernels read in place: no concat, no split.
 */
export type FlatGrads = { flat?: tf.Tensor1D; parts?: tf.Tensor[]; norm: tf.Scalar }

/** The tensors a FlatGrads holds (to dispose once the update is applied). */
export function gradTensors(g: FlatGrads): tf.Tensor[] {
  return [...(g.flat ? [g.flat] : []), ...(g.parts ?? []), g.norm]
}

/** Whether this backend has the fused AdamW over the parameters in place (wasm, src/model/kernels.ts). */
const hasFusedAdamW = () => hasFused('GptAdamW')
/** Whether it has the fused AdamW over the flat gradient vector (webgpuKernels.ts, webglKernels.ts). */
const hasFlatAdamW = () => hasFused('GptAdamWFlat')

export interface AdamWConfig {
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
}

export class AdamW {
  private readonly names: string[]
  private readonly sizes: number[]
  // The moments of all parameters, end to end in one flat vector each (in `names` order): the update is a
  // dozen kernels on two long vectors rather than a dozen per parameter (measured: ~900 → ~250 kernels a step
  // for the baby model; every kernel launch costs time on wasm and a dispatch on a GPU).
  private readonly m: tf.Variable
  private readonly v: tf.Variable
  private readonly decayMask: tf.Tensor1D // 1 where the parameter is decayed, 0 elsewhere
  private readonly decayed: number[] // the same, one flag per parameter (the fused update's)
  /** number of updates applied so far (PyTorch's `step` state) */
  t = 0

  constructor(
    private readonly params: Record<string, tf.Variable>,
    private readonly cfg: AdamWConfig,
    decay: (name: string, shape: readonly number[]) => boolean,
  ) {
    this.names = Object.keys(params)
    this.sizes = this.names.map((n) => params[n].size)
    const total = this.sizes.reduce((a, b) => a + b, 0)
    this.decayed = this.names.map((n) => (decay(n, params[n].shape) ? 1 : 0))
    const mask = new Float32Array(total) // the same flags over every value, for the unfused update
    let at = 0
    this.names.forEach((_, i) => {
      mask.fill(this.decayed[i], at, at + this.sizes[i])
      at += this.sizes[i]
    })
    // a variable keeps its own reference to the data: the tidy frees the zeros tensor itself
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false))
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false))
    this.decayMask = tf.tensor1d(mask)
  }

  /**
   * One update with learning rate `lr`, after clipping the gradients to a global L2 norm of `clip` (0 = off),
   * as clip_grad_norm_ then torch.optim.AdamW do it. Every parameter needs a gradient. Call inside tf.tidy.
   * For every parameter p with (clipped) gradient g:
   *   p ← p·(1 − lr·wd)                     (decoupled decay, decayed parameters only)
   *   m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
   *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
   * Returns the gradient norm before clipping.
   */
  apply(grads: Record<string, tf.Tensor>, lr: number, clip = 0): { norm: tf.Scalar } {
    const pre = this.flatGrads(grads)
    this.applyFlat(pre, lr, clip)
    return { norm: pre.norm }
  }

  /**
   * `apply` from the gradients as `flatGrads` gives them: Run.trainStep reads their norm back first, and applies
   * no update at all when it (or the loss) is not finite. Call inside tf.tidy.
   * `guard` (the loss and the norm, as a tensor), where the backend has the flat fused update (`guardsOnDevice`):
   * the update decides on the device — a step whose loss or norm is not finite changes no weight and no moment —
   * so it can be queued before either is read back.
   */
  applyFlat(grads: FlatGrads, lr: number, clip = 0, normValue?: number, guard?: tf.Tensor1D): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg
    this.t += 1
    const bc1 = 1 - beta1 ** this.t
    const bc2 = 1 - beta2 ** this.t
    const flatFused = !grads.parts && hasFlatAdamW()
    if (grads.parts || flatFused) {
      // one fused pass over every parameter (src/model/fused.ts, adamwUpdate; on webgpu GptAdamWFlat over the flat
      // gradient vector); the clipping factor from the norm read back (the step reads it anyway), as
      // clip_grad_norm_ computes it
      const inputs: tf.NamedTensorMap = { m: this.m, v: this.v }
      // without the norm on the CPU (`apply`), the factor is a tensor the kernel reads: no readback
      const gradScale = normValue === undefined ? undefined : clip > 0 ? Math.min(1, clip / (normValue + 1e-6)) : 1
      // (with a guard on webgpu, the kernel takes the factor from the guard's norm itself)
      const fromGuard = flatFused && guard !== undefined
      if (gradScale === undefined && !fromGuard)
        inputs.scale = clip > 0 ? tf.minimum(tf.div(clip, tf.add(grads.norm, 1e-6)), 1) : tf.scalar(1)
      this.names.forEach((n, i) => {
        inputs[`p${i}`] = this.params[n]
        if (grads.parts) inputs[`g${i}`] = grads.parts[i]
      })
      if (flatFused) inputs.g = grads.flat!
      if (flatFused && guard) inputs.guard = guard
      const [decayed, scaleAttr] = [this.decayed, gradScale ?? -1]
      const attrs = { decayed, lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale: scaleAttr, clip }
      const outs = tf.engine().runKernel(flatFused ? 'GptAdamWFlat' : 'GptAdamW', inputs, attrs) as tf.Tensor[]
      this.names.forEach((n, i) => this.params[n].assign(outs[i]))
      this.m.assign(outs[this.names.length] as tf.Tensor1D)
      this.v.assign(outs[this.names.length + 1] as tf.Tensor1D)
      return
    }
    const flat = grads.flat!
    // In three tidies, so each stage's parameter-sized temporaries are freed before the next one makes its own
    // (tf.profile, a step of an 800 k-parameter model on the cpu backend: a peak of 83 MB with one tidy, 58 MB with three).
    const g = tf.tidy(() =>
      clip > 0 ? tf.mul(flat, tf.minimum(tf.div(clip, tf.add(grads.norm, 1e-6)), 1)) : tf.clone(flat),
    )
    tf.tidy(() => {
      this.m.assign(tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1)))
      this.v.assign(tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2)))
    })
    g.dispose()
    tf.tidy(() => {
      const p = tf.concat(this.names.map((n) => tf.reshape(this.params[n], [-1])))
      const decayed = weightDecay > 0 ? tf.mul(p, tf.sub(1, tf.mul(this.decayMask, lr * weightDecay))) : p
      const denom = tf.add(tf.div(tf.sqrt(this.v), Math.sqrt(bc2)), eps)
      const updated = tf.sub(decayed, tf.mul(tf.div(this.m, denom), lr / bc1))
      tf.split(updated, this.sizes).forEach((x, i) => {
        const target = this.params[this.names[i]]
        target.assign(tf.reshape(x, target.shape))
      })
    })
  }

  /** Takes back the step count of an update the device skipped (applyFlat with a guard that was not finite). */
  unstep(): void {
    this.t -= 1
  }

  /** Whether applyFlat can guard a step on the device (the GPUs' fused update; elsewhere the step reads first). */
  static guardsOnDevice(): boolean {
    return hasFlatAdamW()
  }

  /** Every gradient in one vector, in `apply`'s order, and its L2 norm (call inside tf.tidy). */
  flatGrads(grads: Record<string, tf.Tensor>): FlatGrads {
    const missing = this.names.filter((n) => !grads[n])
    if (missing.length) throw new Error(`AdamW: no gradient for ${missing.join(', ')}`)
    if (hasFusedAdamW()) {
      const parts = this.names.map((n) => grads[n])
      const inputs = Object.fromEntries(parts.map((g, i) => [`g${i}`, g]))
      const norm = tf.engine().runKernel('GptGlobalNorm', inputs, { count: parts.length }) as tf.Scalar
      return { parts, norm }
    }
    const flat = tf.concat(this.names.map((n) => tf.reshape<tf.Rank.R1>(grads[n], [-1])))
    const norm = hasFused('GptGlobalNorm')
      ? (tf.engine().runKernel('GptGlobalNorm', { g0: flat }, { count: 1 }) as tf.Scalar)
      : tf.sqrt(tf.sum<tf.Scalar>(tf.square(flat)))
    return { flat, norm }
  }

  /** The optimizer state as plain arrays per parameter (checkpoints, tests). */
  async state(): Promise<{ t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }> {
    const [m, v] = [(await this.m.data()) as Float32Array, (await this.v.data()) as Float32Array]
    const out = { t: this.t, m: {} as Record<string, Float32Array>, v: {} as Record<string, Float32Array> }
    let at = 0
    this.names.forEach((n, i) => {
      out.m[n] = m.slice(at, at + this.sizes[i])
      out.v[n] = v.slice(at, at + this.sizes[i])
      at += this.sizes[i]
    })
    return out
  }

  /** Sets the state `state()` returned (a checkpoint): the moments of every parameter and the step count. */
  load(s: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }): void {
    const flat = (parts: Record<string, Float32Array>, what: string) => {
      const out = new Float32Array(this.sizes.reduce((a, b) => a + b, 0))
      let at = 0
      this.names.forEach((n, i) => {
        const part = parts[n]
        if (!part || part.length !== this.sizes[i])
          throw new Error(`AdamW: the ${what} of ${n} should have ${this.sizes[i]} values`)
        out.set(part, at)
        at += this.sizes[i]
      })
      return out
    }
    const [m, v] = [flat(s.m, 'first moment'), flat(s.v, 'second moment')]
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m))
      this.v.assign(tf.tensor1d(v))
    })
    this.t = s.t
  }

  dispose(): void {
    tf.dispose([this.m, this.v, this.decayMask])
  }
}
