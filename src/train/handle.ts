// The one model handle a run's generator and probes read: its configuration, weights (as the model's typed tree
// of variables, and as a snapshot of plain arrays taken once per step), tokenizer and token streams. Run
// implements it; ReadsModel is the base of what reads it (Generator, Probes).
import type { ModelConfig } from '../shared/config'
import type { TextTokenizer } from '../text/tokenizer'
import type { Pair } from '../text/pairs'
import type { Split } from '../data/dataset'
import type { GptParams } from '../model/gpt'
import type { Weights } from '../model/decoder'

export interface ModelHandle {
  readonly model: ModelConfig
  /** The variables as the model's typed tree: p.wte.weight, p.h[i].attn.cAttn.weight, … */
  readonly gpt: GptParams
  readonly tokenizer: TextTokenizer
  readonly split: Split
  /** Pair mode: the pairs trained on and those held out for evaluation. */
  readonly pairs?: { train: Pair[]; heldOut: Pair[]; format: 'tsv' | 'jsonl' }
  /** Every weight as plain arrays, read back at most once per training step. */
  weights(): Promise<Weights>
  /** Throws when the run has been disposed. */
  assertAlive(): void
}

/** A reader of a run's model: the handle's parts under their own names, for code that reads but never trains. */
export abstract class ReadsModel {
  constructor(protected readonly run: ModelHandle) {}
  protected get model(): ModelConfig {
    return this.run.model
  }
  protected get gpt(): GptParams {
    return this.run.gpt
  }
  protected get tokenizer(): TextTokenizer {
    return this.run.tokenizer
  }
  protected get split(): Split {
    return this.run.split
  }
  protected assertAlive(): void {
    this.run.assertAlive()
  }
}
