// Generation from a run's model: sampling (temperature, top-k, top-p, seeds) through the KV-cache decoder or
// tfjs forward passes, beam search, scoring a text, and pair mode's held-out evaluation. It reads the model through
// the run (the one model handle) and never changes it.
import * as tf from '@tensorflow/tfjs'
import type { BeamSummary, BeamTree, SampledToken, SampleSettings, TextScore } from '../shared/protocol'
import { mulberry32 } from '../util/random'
import { argmax, beliefAt, sampleNext, softmax } from '../analysis/sampling'
import { quantizeRows } from '../analysis/heads'
import { beamSearch, TREE_STEPS, type Beam, type BeamNode, type NextLogProbs } from '../analysis/beam'
import { forward } from '../model/gpt'
import { KVDecoder } from '../model/decoder'
import { ReadsModel } from './handle'

/** Pair mode evaluates at most this many held-out pairs at a time. */
export const MAX_EVAL_PAIRS = 50
/** Scoring a text stops after this many tokens (and says so). */
export const MAX_SCORE_TOKENS = 4096

export class Generator extends ReadsModel {
  private get pairs() {
    return this.run.pairs
  }
  private weights() {
    return this.run.weights()
  }

  /** The token the model starts from when the prompt is empty: a newline when the text has one, else the text's first token. */
  private startId(): number {
    const nl = this.tokenizer.vocab.indexOf('\n')
    return nl >= 0 ? nl : this.split.train[0]
  }

  /**
   * Autoregressive generation, decided on the CPU from the final logits (temperature / top-k / top-p / draw,
   * or beam search, in plain TS). While the context fits in the block, each sampled token costs one step of the
   * KV-cache decoder (src/model/decoder.ts) on a snapshot of the weights: O(T) work, no tfjs kernels. Once the
   * context is a whole block, the window slides and every position changes, so each further token is one tfjs
   * forward pass over the last blockSize tokens — exactly nanoGPT's generate. `cache: false` uses that forward
   * pass for every token (the reference path the cache is tested against). Beam search runs all beams as one
   * batch through the tfjs forward pass per step.
   * Stops after maxNewTokens, when the generated text ends with `stop`, or when `cancelled()` turns true
   * (checked between tokens).
   */
  async generate(
    s: SampleSettings,
    onToken: (t: SampledToken) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
    opts: {
      cache?: boolean
      onBeams?: (beams: BeamSummary[], tree: BeamTree) => void
      trace?: (context: string[]) => void
    } = {},
  ): Promise<'length' | 'stop' | 'cancelled'> {
    this.assertAlive()
    const T = this.model.blockSize
    const ctx = s.prompt.length ? Array.from(this.tokenizer.encode(s.prompt)) : [this.startId()]
    if (s.strategy === 'beam') return this.generateBeam(ctx, s, onToken, cancelled, between, opts.onBeams)
    const rng = mulberry32(s.seed ?? Math.floor(Math.random() * 2 ** 31))
    const trace = !!opts.trace
    const start = Math.max(0, ctx.length - T) // the prompt's first token the model sees (a long prompt is cropped)
    opts.trace?.(ctx.slice(start).map((id) => this.tokenizer.vocab[id]))
    let decoder: KVDecoder | undefined
    let logits: Float32Array
    let rows: Float32Array | undefined // the last query's attention, every layer and head
    if (opts.cache !== false && ctx.length < T && this.model.causal !== false) {
      decoder = new KVDecoder(this.model, await this.weights(), s.offHeads)
      for (const id of ctx) logits = decoder.push(id)
      if (trace) rows = decoder.lastAttention()
    }
    let generated = ''
    const textOf = this.tokenizer.streamDecoder()
    for (let i = 0; i < s.maxNewTokens; i++) {
      if (cancelled()) return 'cancelled'
      if (!decoder) ({ logits, rows } = await this.nextWithAttention([ctx.slice(-T)], trace, s.offHeads))
      const { id, prob } = sampleNext(logits!, s.temperature, s.topK, rng, s.topP ?? 1)
      const keys = Math.min(ctx.length, T)
      const attention = rows && {
        start: ctx.length - keys - start,
        rows: quantizeRows(rows, this.model.nLayer * this.model.nHead, keys),
      }
      ctx.push(id)
      const text = textOf(id)
      onToken({ ...this.sampled(id, prob, logits!, text), ...(attention && { attention }) })
      generated += text
      if (s.stop && generated.endsWith(s.stop)) return 'stop'
      if (decoder && i + 1 < s.maxNewTokens) {
        if (decoder.full)
          decoder = undefined // the window slides from here on
        else {
          logits = decoder.push(id)
          if (trace) rows = decoder.lastAttention()
        }
      }
      await between()
    }
    return 'length'
  }

  /** A token with what the model believed there; `text` is what it adds to the text (BPE: maybe part of a character). */
  private sampled(id: number, prob: number, logits: ArrayLike<number>, text: string): SampledToken {
    const b = beliefAt(logits, 5)
    const vocab = this.tokenizer.vocab
    return {
      text,
      token: vocab[id],
      id,
      prob,
      top: b.top.map((t) => ({ text: vocab[t.id], prob: t.prob })),
      entropy: b.entropy,
    }
  }

  /** Beam search (src/analysis/beam.ts): every step is one batched forward pass over the live beams. */
  private async generateBeam(
    ctx: number[],
    s: SampleSettings,
    onToken: (t: SampledToken) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
    onBeams?: (beams: BeamSummary[], tree: BeamTree) => void,
  ): Promise<'length' | 'stop' | 'cancelled'> {
    const T = this.model.blockSize
    const seen = new Map<string, Float32Array>() // prefix → logits after it, to report the best beam's beliefs
    const stopped = Symbol('cancelled')
    const next: NextLogProbs = async (prefixes) => {
      await between()
      if (cancelled()) throw stopped
      const all = await this.nextLogits(
        prefixes.map((p) => p.slice(-T)),
        s.offHeads,
      )
      const V = this.model.vocabSize
      return prefixes.map((p, i) => {
        const row = all.subarray(i * V, (i + 1) * V)
        seen.set(p.join(','), row)
        return Float64Array.from(softmax(row), Math.log)
      })
    }
    const decode = (tokens: number[]) => this.tokenizer.decode(tokens)
    let beams: Beam[]
    const tree: BeamNode[] = []
    const greedy: number[] = [] // the greedy path over the tree's steps, to overlay on it
    const isDone = s.stop ? (t: number[]) => decode(t).endsWith(s.stop!) : undefined
    try {
      beams = await beamSearch(ctx, next, {
        width: s.beamWidth ?? 4,
        maxNewTokens: s.maxNewTokens,
        lengthPenalty: s.lengthPenalty ?? 0,
        isDone,
        tree,
      })
      for (let t = 0; t < Math.min(s.maxNewTokens, TREE_STEPS) && !isDone?.(greedy); t++) {
        const prefix = [...ctx, ...greedy]
        const logits = seen.get(prefix.join(',')) ?? (await next([prefix]), seen.get(prefix.join(','))!)
        greedy.push(argmax(logits))
      }
    } catch (e) {
      if (e === stopped) return 'cancelled'
      throw e
    }
    onBeams?.(
      beams.map((b) => ({ text: decode(b.tokens), logProb: b.logProb, score: b.score, done: b.done })),
      { nodes: tree, greedy, best: pathIn(tree, beams[0].tokens) },
    )
    const best = beams[0]
    const textOf = this.tokenizer.streamDecoder()
    best.tokens.forEach((id, i) => {
      const logits = seen.get([...ctx, ...best.tokens.slice(0, i)].join(','))!
      onToken(this.sampled(id, softmax(logits)[id], logits, textOf(id)))
    })
    return best.done ? 'stop' : 'length'
  }

  /**
   * Every token's probability given the tokens before it (at most MAX_SCORE_TOKENS): the text is cut into
   * windows of blockSize + 1 tokens overlapping by one, and each window is one forward pass, so a token sees up
   * to blockSize earlier tokens of its own window (the first token of a window: those of the previous window
   * are not carried over).
   */
  async score(text: string): Promise<TextScore> {
    this.assertAlive()
    const all = Array.from(this.tokenizer.encode(text))
    const truncated = all.length > MAX_SCORE_TOKENS
    const ids = all.slice(0, MAX_SCORE_TOKENS)
    if (ids.length < 2) throw new Error('A text to score needs at least two tokens')
    const T = this.model.blockSize
    const V = this.model.vocabSize
    const tokens: SampledToken[] = []
    let logLikelihood = 0
    const textOf = this.tokenizer.streamDecoder()
    const first = textOf(ids[0])
    for (let s = 0; s < ids.length - 1; s += T) {
      const input = ids.slice(s, Math.min(s + T, ids.length - 1))
      const logitsT = tf.tidy(
        () => forward(this.gpt, this.model, tf.tensor2d(input, [1, input.length], 'int32')).logits,
      )
      let logits: Float32Array
      try {
        logits = (await logitsT.data()) as Float32Array
      } finally {
        logitsT.dispose()
      }
      for (let i = 0; i < input.length; i++) {
        const row = logits.subarray(i * V, (i + 1) * V)
        const target = ids[s + i + 1]
        const p = softmax(row)[target]
        logLikelihood += Math.log(p)
        tokens.push(this.sampled(target, p, row, textOf(target)))
      }
    }
    return { first, tokens, logLikelihood, perplexity: Math.exp(-logLikelihood / tokens.length), truncated }
  }

  /**
   * Logits after the last token of each window (all of one length ≤ blockSize): one batched tfjs forward pass
   * and one (B, V) readback, row-major.
   */
  private async nextLogits(windows: number[][], offHeads?: SampleSettings['offHeads']): Promise<Float32Array> {
    return (await this.nextWithAttention(windows, false, offHeads)).logits
  }

  /**
   * Last-position logits of each window (one forward pass, one readback); with `attention`, also the last
   * query's attention rows of the first window, every layer and head: (nLayer·nHead, T).
   */
  private async nextWithAttention(
    windows: number[][],
    attention: boolean,
    offHeads: SampleSettings['offHeads'] = [],
  ): Promise<{ logits: Float32Array; rows?: Float32Array }> {
    const T = windows[0].length
    const V = this.model.vocabSize
    const outT = tf.tidy(() => {
      const r = forward(this.gpt, this.model, tf.tensor2d(windows.flat(), [windows.length, T], 'int32'), {
        lastOnly: true,
        captureAttention: attention,
        ablate: offHeads.length ? { heads: offHeads, mode: 'zero' } : undefined,
      })
      if (!attention) return r.logits
      const last = r.attention.map((a) => tf.reshape(tf.slice(a, [0, 0, T - 1, 0], [1, this.model.nHead, 1, T]), [-1]))
      return tf.concat([tf.reshape(r.logits, [-1]), ...last])
    })
    try {
      const all = (await outT.data()) as Float32Array
      const n = windows.length * V
      return attention ? { logits: all.slice(0, n), rows: all.slice(n) } : { logits: all }
    } finally {
      outT.dispose()
    }
  }

  /**
   * Pair mode's evaluation: the model continues each held-out pair's prompt (and its tab) greedily until a
   * newline, at most MAX_EVAL_PAIRS of them; `onRow` gets each generation beside its reference.
   */
  async evaluatePairs(
    onRow: (row: { index: number; total: number; prompt: string; reference: string; generation: string }) => void,
    cancelled: () => boolean,
    between: () => Promise<void>,
  ): Promise<'done' | 'cancelled'> {
    this.assertAlive()
    const pairs = (this.pairs?.heldOut ?? []).slice(0, MAX_EVAL_PAIRS)
    for (const [index, p] of pairs.entries()) {
      if (cancelled()) return 'cancelled'
      let generation = ''
      const maxNewTokens = Math.min(256, 2 * [...p.completion].length + 16)
      const reason = await this.generate(
        { prompt: p.prompt + '\t', maxNewTokens, temperature: 0, topK: 0, stop: '\n' },
        (t) => (generation += t.text),
        cancelled,
        between,
      )
      if (reason === 'cancelled') return 'cancelled'
      onRow({
        index,
        total: pairs.length,
        prompt: p.prompt,
        reference: p.completion,
        generation: generation.replace(/\n$/, ''),
      })
    }
    return 'done'
  }
}

/** The nodes of `tree` along `tokens` from its root (as far as the tree goes): indices, one per depth. */
export function pathIn(tree: readonly BeamNode[], tokens: readonly number[]): number[] {
  const path: number[] = []
  let parent = -1
  for (let d = 1; d <= tokens.length; d++) {
    const i = tree.findIndex((n) => n.parent === parent && n.depth === d && n.token === tokens[d - 1])
    if (i < 0) break
    path.push(i)
    parent = i
  }
  return path
}
