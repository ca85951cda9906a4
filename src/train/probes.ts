// What the teaching views show, computed from a run's model as it is now: the next-token and logit lens, one
// head's Q/K/V step by step, attention maps (one head, or every layer and head), the token embedding, the
// positional encoding, and the probes they read. Reads the model through the run; never changes it.
import * as tf from '@tensorflow/tfjs'
import type { QkvData } from '../shared/protocol'
import { mulberry32 } from '../util/random'
import { inductionProbes } from '../analysis/heads'
import { forward, layerNorm, logitLens, loss, type HeadAblation } from '../model/gpt'
import { linear } from '../model/ops'
import { fixedPositions, learnsPositions } from '../model/positions'
import { ReadsModel } from './handle'

export class Probes extends ReadsModel {
  /**
   * The next-token lens at one position of a probe: (nLayer + 1, V) logits, the residual stream after the
   * embeddings and after each block read out through the final LayerNorm and the tied head; the last row is
   * the model's own prediction. One forward pass, one readback.
   */
  async lens(probe: string, position: number): Promise<{ ids: number[]; logits: Float32Array }> {
    this.assertAlive()
    const ids = this.probeIds(probe)
    const p = Math.min(Math.max(0, position), ids.length - 1)
    const t = tf.tidy(() => logitLens(this.gpt, this.model, tf.tensor2d(ids, [1, ids.length], 'int32'), p))
    try {
      return { ids, logits: ((await t.data()) as Float32Array).slice() }
    } finally {
      t.dispose()
    }
  }

  /**
   * What each block adds to the residual stream on a probe (cropped to the context): the mean over positions of the
   * L2 norm of the stream entering each block and after the last, of each block's attention output (the stream
   * after its attention minus before) and of its MLP output (after the block minus after its attention). One
   * forward pass, one readback.
   */
  async residualNorms(
    probe: string,
  ): Promise<{ ids: number[]; stream: Float32Array; attn: Float32Array; mlp: Float32Array }> {
    this.assertAlive()
    const ids = this.probeIds(probe)
    const L = this.model.nLayer
    const t = tf.tidy(() => {
      const { residuals, mids } = forward(this.gpt, this.model, tf.tensor2d(ids, [1, ids.length], 'int32'), {
        captureResiduals: true,
      })
      const norm = (x: tf.Tensor2D) => tf.reshape(tf.mean(tf.sqrt(tf.sum(tf.square(x), 1))), [1])
      return tf.concat([
        ...residuals.map(norm),
        ...mids.map((m, l) => norm(tf.sub(m, residuals[l]))),
        ...mids.map((m, l) => norm(tf.sub(residuals[l + 1], m))),
      ])
    })
    try {
      const v = (await t.data()) as Float32Array
      return {
        ids,
        stream: v.slice(0, L + 1),
        attn: v.slice(L + 1, 2 * L + 1),
        mlp: v.slice(2 * L + 1, 3 * L + 1),
      }
    } finally {
      t.dispose()
    }
  }

  /**
   * One head, one query, as the model computes it: the block's input rows 0…i, the LayerNorm'd rows, this head's
   * slices of the q/k/v projections, q, K, V (from the model's own fused projection), the attention row (from
   * the model's own attention) and the head's output. One forward pass, one readback.
   */
  async qkv(probe: string, layer: number, head: number, query: number): Promise<QkvData> {
    this.assertAlive()
    const { nEmbd: C, nHead: H, nLayer: L } = this.model
    if (!(layer >= 0 && layer < L && head >= 0 && head < H)) throw new Error(`no head ${layer}.${head}`)
    const ids = this.probeIds(probe)
    const i = Math.min(Math.max(0, query), ids.length - 1)
    const hs = C / H
    const n = this.model.causal === false ? ids.length : i + 1 // keys the query may read: 0…i, or all without the mask
    const { ln1, attn } = this.gpt.h[layer]
    const parts = tf.tidy(() => {
      const { residuals, attention } = forward(this.gpt, this.model, tf.tensor2d(ids, [1, ids.length], 'int32'), {
        captureResiduals: true,
        captureAttention: true,
      })
      const x = tf.slice(residuals[layer], [0, 0], [n, C]) // the block's input (n, C)
      const xhat = layerNorm(x, ln1)
      const qkvAll = linear(xhat, attn.cAttn.weight, attn.cAttn.bias) // (n, 3C)
      const W = attn.cAttn.weight // (C, 3C)
      const B = attn.cAttn.bias
      const col = (which: number) => which * C + head * hs
      const q = tf.slice(qkvAll, [i, col(0)], [1, hs])
      const k = tf.slice(qkvAll, [0, col(1)], [n, hs])
      const v = tf.slice(qkvAll, [0, col(2)], [n, hs])
      const row = tf.reshape(tf.slice(attention[layer], [0, head, i, 0], [1, 1, 1, n]), [1, n])
      const out = tf.matMul(row, v)
      const slices = [0, 1, 2].map((w) => tf.slice(W, [0, col(w)], [C, hs]))
      const biases = B ? [0, 1, 2].map((w) => tf.slice(B, [col(w)], [hs])) : []
      return tf.concat(
        [x, xhat, q, k, v, row, out, ...slices, ...biases, ln1.weight, ...(ln1.bias ? [ln1.bias] : [])].map((t) =>
          tf.reshape(t, [-1]),
        ),
      )
    })
    let flat: Float32Array
    try {
      flat = (await parts.data()) as Float32Array
    } finally {
      parts.dispose()
    }
    let at = 0
    const take = (len: number) => Array.from(flat.subarray(at, (at += len)))
    const rows = (r: number, c: number) => Array.from({ length: r }, () => take(c))
    const x = rows(n, C)
    const xhat = rows(n, C)
    const q = take(hs)
    const k = rows(n, hs)
    const v = rows(n, hs)
    const weights = take(n)
    const out = take(hs)
    const [wq, wk, wv] = [rows(C, hs), rows(C, hs), rows(C, hs)]
    const [bq, bk, bv] = this.model.bias ? [take(hs), take(hs), take(hs)] : [undefined, undefined, undefined]
    const lnWeight = take(C)
    const lnBias = this.model.bias ? take(C) : undefined
    return {
      tokens: ids.map((t) => this.tokenizer.vocab[t]),
      layer,
      head,
      query: i,
      headSize: hs,
      x,
      xhat,
      lnWeight,
      lnBias,
      wq,
      wk,
      wv,
      bq,
      bk,
      bv,
      q,
      k,
      v,
      weights,
      out,
    }
  }

  /** The token embedding (V, C) as it is now (a copy). */
  async embedding(): Promise<Float32Array> {
    this.assertAlive()
    return ((await this.gpt.wte.weight.data()) as Float32Array).slice()
  }

  /** How often each token occurs in the training text (for the embedding map's top-N filter). */
  tokenCounts(): Uint32Array {
    const counts = new Uint32Array(this.model.vocabSize)
    for (const id of this.split.train) counts[id]++
    return counts
  }

  /**
   * The positional encoding in use, (blockSize, nEmbd): the learned table's current values, or the fixed one (the
   * sinusoid; zeros for a model without positional encoding).
   */
  async positionTable(): Promise<Float32Array> {
    this.assertAlive()
    if (!learnsPositions(this.model)) return fixedPositions(this.model, this.model.blockSize, this.model.nEmbd).slice()
    const wpe = this.gpt.wpe
    if (!wpe) throw new Error('missing parameter wpe.weight')
    return ((await wpe.weight.data()) as Float32Array).slice() // a copy: the caller may transfer it
  }

  /**
   * Every layer's and head's attention on a probe, in one forward pass and one readback: (L, H, T, T) row-major.
   */
  async attentionAll(ids: number[]): Promise<Float32Array> {
    this.assertAlive()
    const T = ids.length
    if (!T || T > this.model.blockSize)
      throw new Error(`a probe of ${T} tokens does not fit the context of ${this.model.blockSize}`)
    const all = tf.tidy(() => {
      const { attention } = forward(this.gpt, this.model, tf.tensor2d(ids, [1, T], 'int32'), {
        captureAttention: true,
      })
      return tf.concat(attention.map((a) => tf.reshape(a, [-1])))
    })
    try {
      return (await all.data()) as Float32Array
    } finally {
      all.dispose()
    }
  }

  /**
   * The fixed probe batch of head ablation: B windows of the validation text (the training text if that is too
   * short), a context each, evenly spaced; about 512 tokens in all (2 to 16 windows).
   */
  ablationBatch(): { xs: number[][]; ys: number[][] } {
    const T = this.model.blockSize
    const text = this.split.val.length >= T + 2 ? this.split.val : this.split.train
    if (text.length < T + 2) throw new Error(`the text is too short for a probe batch of ${T + 1} tokens`)
    const B = Math.max(2, Math.min(16, Math.round(512 / T)))
    const room = text.length - T - 1
    const xs: number[][] = []
    const ys: number[][] = []
    for (let b = 0; b < B; b++) {
      const at = Math.floor((b * room) / Math.max(1, B - 1))
      xs.push(Array.from(text.subarray(at, at + T)))
      ys.push(Array.from(text.subarray(at + 1, at + T + 1)))
    }
    return { xs, ys }
  }

  /**
   * Head ablation on the probe batch: the loss with every head intact, then with each head switched off in turn
   * (layer-major: index l·nHead + h), zeroed or replaced by its batch mean. nLayer·nHead + 1 forward passes, one
   * readback.
   */
  async headAblation(
    mode: HeadAblation['mode'],
  ): Promise<{ base: number; losses: Float32Array; B: number; T: number }> {
    this.assertAlive()
    const { xs, ys } = this.ablationBatch()
    const B = xs.length
    const T = xs[0].length
    const { nLayer, nHead } = this.model
    const all = tf.tidy(() => {
      const x = tf.tensor2d(xs.flat(), [B, T], 'int32')
      const y = tf.tensor2d(ys.flat(), [B, T], 'int32')
      const out = [loss(this.gpt, this.model, x, y)]
      for (let l = 0; l < nLayer; l++)
        for (let h = 0; h < nHead; h++)
          out.push(loss(this.gpt, this.model, x, y, { ablate: { heads: [[l, h]], mode } }))
      return tf.stack(out)
    })
    try {
      const v = (await all.data()) as Float32Array
      return { base: v[0], losses: v.slice(1), B, T }
    } finally {
      all.dispose()
    }
  }

  /**
   * Activation patching: the clean and the corrupted prompt (token ids of one length), and the metric — the
   * logit difference at the last position between the clean answer and the corrupted one. For every head, and for
   * the residual stream entering each block (and after the last) at every position, the clean activation is put
   * into the corrupted run; each patch's share of the difference recovered is (patched − corrupted) / (clean −
   * corrupted). One clean pass and one batched pass of nLayer·nHead + (nLayer + 1)·T rows, one readback.
   */
  async patching(
    clean: number[],
    corrupted: number[],
    answer: number,
    wrong: number,
  ): Promise<{ clean: number; corrupted: number; heads: Float32Array; resid: Float32Array }> {
    this.assertAlive()
    const T = clean.length
    const { nLayer: L, nHead: H, vocabSize: V } = this.model
    if (!T || T !== corrupted.length || T > this.model.blockSize)
      throw new Error(`patching needs two prompts of one length within the context (got ${T} and ${corrupted.length})`)
    for (const id of [answer, wrong]) if (!(id >= 0 && id < V)) throw new Error(`token ${id} is outside the vocabulary`)
    const out = tf.tidy(() => {
      const run = forward(this.gpt, this.model, tf.tensor2d(clean, [1, T], 'int32'), {
        captureHeads: true,
        captureResiduals: true,
      })
      const patches = [
        ...Array.from({ length: L * H }, (_, k) => ({ heads: [[Math.floor(k / H), k % H] as const], resid: [] })),
        ...Array.from({ length: (L + 1) * T }, (_, k) => ({ heads: [], resid: [[Math.floor(k / T), k % T] as const] })),
      ]
      const B = patches.length + 1 // row 0: the corrupted run itself
      const { logits } = forward(this.gpt, this.model, tf.tensor2d(Array(B).fill(corrupted).flat(), [B, T], 'int32'), {
        lastOnly: true,
        patch: {
          clean: { heads: run.heads, resid: run.residuals },
          heads: [[], ...patches.map((q) => q.heads)],
          resid: [[], ...patches.map((q) => q.resid)],
        },
      })
      const cleanLast = tf.slice(run.logits, [T - 1, 0], [1, V])
      const diff = (lg: tf.Tensor2D) => tf.sub(tf.slice(lg, [0, answer], [-1, 1]), tf.slice(lg, [0, wrong], [-1, 1]))
      return tf.concat([tf.reshape(diff(cleanLast), [-1]), tf.reshape(diff(logits), [-1])])
    })
    try {
      const v = (await out.data()) as Float32Array
      const [c, k] = [v[0], v[1]]
      const share = (x: number) => (c === k ? 0 : (x - k) / (c - k))
      const patched = v.subarray(2)
      return {
        clean: c,
        corrupted: k,
        heads: Float32Array.from(patched.subarray(0, L * H), share),
        resid: Float32Array.from(patched.subarray(L * H), share),
      }
    } finally {
      out.dispose()
    }
  }

  /**
   * A probe of random tokens repeated once ([r₁…r_p, r₁…r_p], p = ⌊T/2⌋), drawn from the tokens of the training
   * text with a fixed seed, distinct when the text has that many: after the first half, an induction head can look
   * up what came next last time. (The atlas shows this one; its induction score is the whole probe set's.)
   */
  repeatedProbe(seed = 1): { ids: number[]; period: number } {
    const present = [...new Set(this.split.train)]
    const period = Math.floor(this.model.blockSize / 2)
    const rng = mulberry32(seed)
    let half: number[]
    if (present.length >= period) {
      for (let i = 0; i < period; i++) {
        const j = i + Math.floor(rng() * (present.length - i))
        ;[present[i], present[j]] = [present[j], present[i]]
      }
      half = present.slice(0, period)
    } else half = Array.from({ length: period }, () => present[Math.floor(rng() * present.length)])
    return { ids: [...half, ...half], period }
  }

  /**
   * Every head's prefix-matching score (layer · nHead + head) on the varying-period probe set
   * (analysis/heads.ts `inductionProbes`, over the training text's tokens), once per entry of `ablations`: the
   * model intact (undefined), or with those heads switched off. One batched forward pass each, one readback.
   */
  async prefixMatching(
    seed = 1,
    ablations: readonly (HeadAblation | undefined)[] = [undefined],
  ): Promise<Float32Array[]> {
    this.assertAlive()
    const {
      rows,
      periods,
      length: T,
    } = inductionProbes(
      [...new Set(this.split.train)].sort((a, b) => a - b),
      this.model.blockSize,
      seed,
    )
    const n = this.model.nLayer * this.model.nHead
    if (!rows.length) return ablations.map(() => new Float32Array(n))
    const B = rows.length
    // the cells scored: query i ∈ [p, 2p) of row b at key i − p + 1, each weighted 1 / (p·B), so that a sum is the mean
    const m = new Float32Array(B * T * T)
    periods.forEach((p, b) => {
      for (let i = p; i < 2 * p; i++) m[b * T * T + i * T + (i - p + 1)] = 1 / (p * B)
    })
    const all = tf.tidy(() => {
      const mask = tf.tensor4d(m, [B, 1, T, T])
      const x = tf.tensor2d(rows.flat(), [B, T], 'int32')
      return tf.concat(
        ablations.map((ablate) => {
          const { attention } = forward(this.gpt, this.model, x, { captureAttention: true, ablate })
          return tf.concat(attention.map((a) => tf.sum(tf.mul(a, mask), [0, 2, 3]))) // (L·H)
        }),
      )
    })
    try {
      const v = (await all.data()) as Float32Array
      return ablations.map((_, k) => v.slice(k * n, (k + 1) * n))
    } finally {
      all.dispose()
    }
  }

  /** The token ids of a probe text, cropped to its last blockSize tokens (the default: the validation slice). */
  probeIds(probe: string): number[] {
    return Array.from(this.tokenizer.encode(probe.length ? probe : this.defaultProbe())).slice(-this.model.blockSize)
  }

  /** The probe used when none is given: the start of the validation text, one context long. */
  defaultProbe(): string {
    return this.tokenizer.decode(this.split.val.subarray(0, this.model.blockSize))
  }

  /** Attention probabilities of one layer and head on a probe text (cropped to its last blockSize tokens). */
  async attention(probe: string, layer: number, head: number): Promise<{ tokens: string[]; weights: Float32Array }> {
    this.assertAlive()
    if (!(layer >= 0 && layer < this.model.nLayer))
      throw new Error(`layer ${layer} is outside 0..${this.model.nLayer - 1}`)
    if (!(head >= 0 && head < this.model.nHead)) throw new Error(`head ${head} is outside 0..${this.model.nHead - 1}`)
    const ids = Array.from(this.tokenizer.encode(probe.length ? probe : this.defaultProbe())).slice(
      -this.model.blockSize,
    )
    if (!ids.length) throw new Error('the probe text is empty')
    const T = ids.length
    const map = tf.tidy(() => {
      const { attention } = forward(this.gpt, this.model, tf.tensor2d(ids, [1, T], 'int32'), {
        captureAttention: true,
      })
      return tf.reshape(tf.slice(attention[layer], [0, head, 0, 0], [1, 1, T, T]), [T, T]) // (T, T)
    })
    try {
      const weights = (await map.data()) as Float32Array
      return { tokens: ids.map((i) => this.tokenizer.vocab[i]), weights }
    } finally {
      map.dispose()
    }
  }
}
