// What the model computes, for the teaching views: attention maps and the atlas, the embedding map, the
// positional encoding, the Q/K/V calculator and the next-token lens.

export type AtlasProbe = { kind: 'validation' } | { kind: 'text'; text: string } | { kind: 'repeated'; seed: number }

/** One snapshot of the atlas at a step: every head's attention (packed uint8 lower triangles) and its scores. */
export interface AtlasSnapshot {
  step: number
  valLoss?: number
  /** a generated run's loss on the repeated tokens at this step (the phase-change marker reads it) */
  repLoss?: number
  tokens: string[] // the probe as the model saw it
  period?: number // the repeated probe's period (induction scores need it)
  layers: number
  heads: number
  T: number
  /**
   * (L·H) packed lower triangles, head h of layer l at (l·H + h)·T(T+1)/2; every row sums to 255. With `full`
   * (a model without the causal mask): (L·H) whole T × T matrices instead, at (l·H + h)·T², rows summing to 255.
   */
  weights: Uint8Array
  full?: boolean
  /**
   * per head, in the same order: previous, self, first, induction, entropy (bits). On the repeated probe the
   * induction score is the prefix-matching score over the whole varying-period probe set (Probes.prefixMatching).
   */
  scores: Float32Array
}

/** One head, one query, as the model computed it (see Run.qkv): every input and every intermediate number. */
export interface QkvData {
  tokens: string[]
  layer: number
  head: number
  query: number
  headSize: number
  x: number[][] // block input rows 0…query
  xhat: number[][] // after LayerNorm (ln_1)
  lnWeight: number[]
  lnBias?: number[]
  wq: number[][] // (C, hs)
  wk: number[][]
  wv: number[][]
  bq?: number[]
  bk?: number[]
  bv?: number[]
  q: number[]
  k: number[][]
  v: number[][]
  weights: number[] // the attention row
  out: number[] // the head's output for the query
}

/** wte in two dimensions at one step: coords (V, 2), the components (2, C), their shares of the variance, token counts. */
export interface EmbeddingMap {
  step: number
  tokens: string[]
  counts: Uint32Array
  coords: Float32Array
  components: Float32Array
  explained: [number, number]
  C: number
}

/** The logit lens at one position of a probe: (layers, V) logits, the last row the model's own prediction. */
export interface LensResult {
  step: number
  tokens: string[]
  ids: number[]
  position: number
  layers: number
  logits: Float32Array
}

/**
 * What each block adds to the residual stream on a probe (the mean over positions of each vector's L2 norm): the
 * stream entering each block and after the last (nLayer + 1), each block's attention output and its MLP output
 * (nLayer each; 0 for an attention-only block's MLP).
 */
export interface ResidualNorms {
  step: number
  tokens: string[]
  stream: Float32Array
  attn: Float32Array
  mlp: Float32Array
}

export type ViewToWorker =
  /** Which attention map the page shows: the worker sends it now and refreshes it while training. */
  | { type: 'attention.watch'; runId: string; probe: string; layer: number; head: number }
  /**
   * The attention atlas: every layer and head on a probe — the validation slice, a text, or random tokens repeated
   * once (for induction) — sent now and after every evaluation while watched; null stops it.
   */
  | { type: 'atlas.watch'; runId: string; probe: AtlasProbe | null }
  /** The embedding map: the worker sends wte's top two principal components now and after each evaluation. */
  | { type: 'embedding.watch'; runId: string; on: boolean }
  /** The tokens closest to one token in the full embedding space (cosine). */
  | { type: 'embedding.neighbours'; runId: string; requestId: string; id: number }
  /** One head's computation for one query of a probe → qkv.result. */
  | { type: 'qkv.request'; runId: string; requestId: string; probe: string; layer: number; head: number; query: number }
  /** The next-token lens at one position of a probe text ('' = the validation slice). */
  | { type: 'lens.request'; runId: string; requestId: string; probe: string; position: number }
  /** What each block adds to the residual stream on a probe (the validation text when empty) → residual.result. */
  | { type: 'residual.request'; runId: string; requestId: string; probe: string }
  /** Show the positional encoding: the worker sends it now and after every evaluation while training. */
  | { type: 'positions.watch'; runId: string; on: boolean }
  /**
   * Head ablation on the fixed probe batch: every head switched off in turn → ablation.result. With `target` (a
   * head of layer ≥ 1), also that head's prefix-matching score on the varying-period probe set with each head off:
   * which earlier head an induction head reads from.
   */
  | {
      type: 'ablation.request'
      runId: string
      requestId: string
      mode: 'zero' | 'mean'
      target?: { layer: number; head: number }
    }
  /**
   * Activation patching: two prompts of one length in tokens, the clean and the corrupted, and the answer and the
   * wrong answer (one token each) whose logit difference at the last position is the measure → patching.result.
   */
  | {
      type: 'patching.request'
      runId: string
      requestId: string
      clean: string
      corrupted: string
      answer: string
      wrong: string
    }

export type ViewFromWorker =
  | {
      type: 'attention'
      runId: string
      step: number
      layer: number
      head: number
      tokens: string[] // the probe as the model saw it (cropped to the context)
      weights: Float32Array // (T, T) row-major: row = query position, column = key position; masked cells are 0
    }
  | ({ type: 'atlas'; runId: string } & AtlasSnapshot)
  /** wte in two dimensions: coords (V, 2), the components (2, C), their shares of the variance, token counts. */
  | ({ type: 'embedding'; runId: string } & EmbeddingMap)
  | ({ type: 'qkv.result'; runId: string; requestId: string; step: number } & QkvData)
  /** (layers, V) logits at `position`: the logit lens, its last row the model's own prediction. */
  | ({ type: 'lens.result'; runId: string; requestId: string } & LensResult)
  | ({ type: 'residual.result'; runId: string; requestId: string } & ResidualNorms)
  /**
   * Head ablation: the probe batch's loss intact (`base`) and with each head switched off in turn, `losses`
   * (nLayer·nHead, layer-major), on B windows of T tokens of the validation text.
   */
  /**
   * Activation patching: the logit difference (answer − wrong) on the clean and the corrupted prompt, and the share
   * of it each patch recovers: `heads` (nLayer·nHead, layer-major), `resid` ((nLayer + 1)·T: the stream entering
   * each block and after the last, position-minor).
   */
  | {
      type: 'patching.result'
      runId: string
      requestId: string
      step: number
      cleanTokens: string[]
      tokens: string[] // the corrupted prompt's
      clean: number
      corrupted: number
      heads: Float32Array
      resid: Float32Array
      nLayer: number
      nHead: number
    }
  | {
      type: 'ablation.result'
      runId: string
      requestId: string
      step: number
      mode: 'zero' | 'mean'
      base: number
      losses: Float32Array
      nLayer: number
      nHead: number
      B: number
      T: number
      /**
       * with a target: its prefix-matching score intact (`base`) and with each head off in turn (layer-major); when
       * no single head halves it, `pair`: the two heads (layer · nHead + head) that cost it most, off together
       */
      induction?: {
        layer: number
        head: number
        base: number
        scores: Float32Array
        pair?: { heads: [number, number]; score: number }
      }
    }
  | {
      type: 'embedding.neighbours.result'
      runId: string
      requestId: string
      id: number
      neighbours: { id: number; cos: number }[]
    }
  /** The positional encoding in use: the learned table (wpe), the fixed sinusoid or none (zeros), (T, C) row-major. */
  | {
      type: 'positions'
      runId: string
      step: number
      kind: 'learned' | 'sinusoidal' | 'none'
      T: number
      C: number
      table: Float32Array
    }
