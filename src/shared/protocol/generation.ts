// What the model writes: sampling and beam search streamed token by token, the pinned prompt's timeline,
// scoring a text, and pair mode's held-out evaluation.
import type { BeamNode } from '../../analysis/beam'

export type DecodeStrategy = 'sample' | 'beam'

export interface SampleSettings {
  prompt: string
  maxNewTokens: number
  /** 'sample' (default): temperature, top-k, top-p and a draw; temperature 0 is greedy. 'beam': beam search. */
  strategy?: DecodeStrategy
  temperature: number // 0 = greedy (argmax)
  topK: number // 0 = no cut-off; above the vocabulary size it keeps everything
  topP?: number // nucleus: keep the smallest set of tokens whose mass reaches topP; 1 (default) = off
  beamWidth?: number // beam search: beams kept (1 = greedy), default 4
  lengthPenalty?: number // beam search: α of ((5 + length) / 6)^α, default 0
  stop?: string // stop once the generated text ends with this (e.g. "\n\n"); empty = never
  seed?: number // reproducible sampling when set
  /** Heads switched off while generating ([layer, head]; their output zeroed): what the model writes without them. */
  offHeads?: [number, number][]
}

/** One final beam of a beam search, as the page shows it. */
export interface BeamSummary {
  text: string
  logProb: number // total log-probability of the generated tokens
  score: number // logProb divided by the length penalty: what beams are ranked by
  done: boolean // ended at the stop text
}

/**
 * A beam search's tree over its first TREE_STEPS steps (src/analysis/beam.ts BeamNode: token ids, total
 * log-probabilities, kept or pruned) and the greedy path over the same steps, to overlay on it.
 */
export interface BeamTree {
  nodes: BeamNode[]
  greedy: number[]
  best: number[] // the nodes along the best beam (its first TREE_STEPS tokens)
}

/** One generated token and what the model believed at its position (temperature 1, before any cut-off). */
export interface SampledToken {
  text: string // what this token adds to the text (BPE: '' while a character's bytes are incomplete)
  token: string // the token itself as it shows alone (BPE: ⟨hex⟩ for bytes of a partial character)
  id: number
  prob: number // probability of this token under the distribution it was drawn from
  top: { text: string; prob: number }[] // the 5 most likely tokens at this position
  entropy: number // of the model's distribution at this position, in nats
  /**
   * "Why this token?": the attention rows that produced this token's logits (the query is the token before
   * it), every layer and head: (nLayer·nHead, keys) uint8 rows, row layer·nHead + head, each summing to 255.
   * Key j is token `start + j` of the context (the prompt's tokens, then the generated ones). Sampled
   * generations only; beam search has none.
   */
  attention?: { start: number; rows: Uint8Array }
}

/** A text scored by the model: tokens[i] is token i + 1 of the text, predicted from the ones before it. */
export interface TextScore {
  first: string // the first token, which nothing predicts
  tokens: SampledToken[]
  logLikelihood: number // Σ ln p over tokens, in nats
  perplexity: number // exp(−logLikelihood / tokens.length)
  truncated: boolean // the text was longer than the scoring limit and only its start was scored
}

export type GenerationToWorker =
  /** Pair mode: generate each held-out pair's completion → pairs.row for each, then pairs.done. */
  | { type: 'pairs.evaluate'; runId: string; requestId: string }
  | { type: 'sample.request'; runId: string; requestId: string; settings: SampleSettings }
  | { type: 'sample.cancel'; requestId: string }
  /**
   * Pin a prompt (or unpin: null): every `every` steps while training, and at once, the worker generates its
   * continuation with these settings (a fixed seed) and sends a watch.entry, so the page can keep a timeline.
   */
  | {
      type: 'watch.prompt'
      runId: string
      requestId: string
      watch: { prompt: string; every: number; settings: Omit<SampleSettings, 'prompt'> } | null
    }
  /** How likely the model finds a text: every token's probability given the tokens before it. */
  | { type: 'score.request'; runId: string; requestId: string; text: string }

export type GenerationFromWorker =
  /** Pair mode: one held-out pair, its reference completion and what the model generated for it. */
  | {
      type: 'pairs.row'
      runId: string
      requestId: string
      step: number
      index: number
      total: number
      prompt: string
      reference: string
      generation: string
    }
  | { type: 'pairs.done'; runId: string; requestId: string; step: number; reason: 'done' | 'cancelled' }
  | ({ type: 'sample.token'; runId: string; requestId: string } & SampledToken)
  /** Beam search: every final beam, best first (the best one's tokens also arrive as sample.token). */
  | { type: 'sample.beams'; runId: string; requestId: string; beams: BeamSummary[]; tree: BeamTree }
  /** Before a sampled generation's first token: the prompt's tokens the model sees (keys of the attention trace). */
  | { type: 'sample.context'; runId: string; requestId: string; tokens: string[] }
  | {
      type: 'sample.done'
      runId: string
      requestId: string
      reason: 'length' | 'stop' | 'cancelled'
      step: number
      tokens: number
      elapsedMs: number
    }
  | ({ type: 'score.result'; runId: string; requestId: string; step: number } & TextScore)
  /** The pinned prompt's continuation at this step (loss: the last training loss, NaN before training). */
  | { type: 'watch.entry'; runId: string; step: number; loss: number; valLoss?: number; prompt: string; text: string }
