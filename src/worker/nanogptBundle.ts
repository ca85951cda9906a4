// "Export for nanoGPT": one tar with everything needed to continue this run with nanoGPT on real hardware —
// the tokenized data as nanoGPT's data/<name>/ (train.bin, val.bin, meta.pkl), a config/train_<name>.py with
// this run's hyperparameters, the weights and AdamW state, a script that makes them nanoGPT's ckpt.pt, and one
// that turns a nanoGPT checkpoint back into a file this app opens.
import type { ModelConfig, TrainConfig } from '../shared/config'
import type { TokenizerSpec } from '../text/tokenizer'
import { encodeCheckpoint, encodeOptimizer } from '../model/checkpoint'
import { metaPkl, tar, uint16Bin } from '../data/nanogptExport'
import type { Run } from '../train/run'
import toCkpt from '../../scripts/nanogpt/playground_to_ckpt.py?raw'
import fromCkpt from '../../scripts/nanogpt/ckpt_to_playground.py?raw'

export interface BundleInput {
  name: string // dataset folder name: letters, digits, - and _
  model: ModelConfig
  train: TrainConfig
  vocab: string[] // as shown: meta.pkl's itos (BPE tokens that hold part of a character show as ⟨hex⟩)
  tokenizer: TokenizerSpec
  split: { train: Int32Array; val: Int32Array }
  weights: Record<string, Float32Array>
  optimizer: { t: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }
  step: number
  bestValLoss?: number
}

/** A dataset name nanoGPT can use as a folder: ASCII letters, digits, - and _. */
export function datasetFolder(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'playground'
  )
}

/** nanoGPT's config file for this run: train.py config/train_<name>.py resumes it. */
export function nanoGptConfig(b: BundleInput): string {
  const m = b.model
  const t = b.train
  const py = (v: number | boolean | string) =>
    typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? `'${v}'` : String(v)
  const lines: [string, number | boolean | string, string?][] = [
    ['out_dir', `out-${b.name}`],
    ['init_from', 'resume', 'playground_to_ckpt.py wrote ckpt.pt there'],
    ['dataset', b.name],
    ['eval_interval', t.evalInterval],
    ['eval_iters', t.evalIters],
    ['log_interval', 10],
    ['always_save_checkpoint', false],
    ['wandb_log', false],
    ['gradient_accumulation_steps', 1],
    ['batch_size', t.batchSize],
    ['block_size', m.blockSize],
    ['n_layer', m.nLayer],
    ['n_head', m.nHead],
    ['n_embd', m.nEmbd],
    ['dropout', m.dropout],
    ['bias', m.bias],
    ['learning_rate', t.learningRate],
    ['max_iters', t.maxIters, 'raise it to train longer (lr_decay_iters with it)'],
    ['lr_decay_iters', t.maxIters],
    ['min_lr', t.minLr],
    ['warmup_iters', t.warmupIters],
    ['weight_decay', t.weightDecay],
    ['beta1', t.beta1],
    ['beta2', t.beta2],
    ['grad_clip', t.gradClip],
  ]
  return [
    `# Written by GPT Playground: the run it exported at step ${b.step}, as nanoGPT settings.`,
    '# python train.py config/train_' + b.name + '.py   (add --device=cpu --compile=False on a machine without a GPU)',
    ...(m.posEncoding === 'sinusoidal'
      ? [
          '# The app used fixed sinusoidal positions; nanoGPT has none, so they arrive as its position table (wpe), which it then trains.',
        ]
      : m.posEncoding === 'none'
        ? [
            '# The app used no positional encoding; nanoGPT always has one, so its position table (wpe) arrives as zeros, which it then trains.',
          ]
        : []),
    '',
    ...lines.map(([k, v, note]) => `${k} = ${py(v)}${note ? `  # ${note}` : ''}`),
    '',
  ].join('\n')
}

function readme(b: BundleInput): string {
  return `# ${b.name}: continue this GPT Playground run with nanoGPT

Exported at step ${b.step} of ${b.train.maxIters}: ${b.model.nLayer} layers, ${b.model.nHead} heads, ${b.model.nEmbd} wide, context ${b.model.blockSize}, ${b.vocab.length} tokens.
Training text: ${b.split.train.length.toLocaleString('en')} tokens in data/${b.name}/train.bin, ${b.split.val.length.toLocaleString('en')} in val.bin (the same 90/10 split).

1. Copy everything here into a nanoGPT checkout (https://github.com/karpathy/nanoGPT):
       cp -r ./* /path/to/nanoGPT/ && cd /path/to/nanoGPT
2. Make nanoGPT's checkpoint (weights, AdamW state, step) from the export:
       python playground_to_ckpt.py out-${b.name}
3. Train on from there (on a GPU, or add --device=cpu --compile=False):
       python train.py config/train_${b.name}.py
   and sample:  python sample.py --out_dir=out-${b.name}
4. Bring the result back to the playground (Model file → Open a model file):
       python ckpt_to_playground.py out-${b.name}/ckpt.pt data/${b.name}/meta.pkl ${b.name}.safetensors
`
}

export function nanoGptBundle(b: BundleInput): Uint8Array {
  const enc = new TextEncoder()
  const root = `nanogpt-${b.name}`
  return tar([
    { path: `${root}/README.md`, data: enc.encode(readme(b)) },
    { path: `${root}/data/${b.name}/train.bin`, data: uint16Bin(b.split.train) },
    { path: `${root}/data/${b.name}/val.bin`, data: uint16Bin(b.split.val) },
    {
      path: `${root}/data/${b.name}/meta.pkl`,
      data: metaPkl(b.vocab, b.tokenizer.kind === 'bpe' ? JSON.stringify(b.tokenizer) : undefined),
    },
    { path: `${root}/config/train_${b.name}.py`, data: enc.encode(nanoGptConfig(b)) },
    {
      path: `${root}/out-${b.name}/playground.safetensors`,
      data: encodeCheckpoint({
        model: b.model,
        tokenizer: b.tokenizer,
        weights: b.weights,
        train: b.train,
        step: b.step,
        bestValLoss: b.bestValLoss,
      }),
    },
    { path: `${root}/out-${b.name}/playground-optimizer.safetensors`, data: encodeOptimizer(b.model, b.optimizer) },
    { path: `${root}/playground_to_ckpt.py`, data: enc.encode(toCkpt), executable: true },
    { path: `${root}/ckpt_to_playground.py`, data: enc.encode(fromCkpt), executable: true },
  ])
}

/** The bundle of a run as it is now (what "Export for nanoGPT" downloads): its weights, AdamW state, data and settings. */
export async function runBundle(r: Run, name: string, bestValLoss?: number): Promise<Uint8Array> {
  const { weights, resume } = await r.capture()
  return nanoGptBundle({
    name,
    model: r.model,
    train: r.train,
    vocab: r.info().vocab,
    tokenizer: r.tokenizer.spec(),
    split: r.split,
    weights,
    optimizer: resume.optimizer,
    step: r.step,
    bestValLoss,
  })
}
