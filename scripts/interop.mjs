// `npm run interop`, also a stage of `npm test`: the app's files and PyTorch's nanoGPT understand each other, with
// files made fresh on both sides (Debian's python3-torch; scripts/python-prereqs.mjs finds or installs it).
//  1. PyTorch writes nanoGPT state_dicts (with and without biases, new seeds) and its logits: the app opens them
//     and reproduces the logits to 1e-4 (src/model/interop.torch.test.ts). Among them, one that the bundle's own
//     ckpt_to_playground.py made from a checkpoint shaped as nanoGPT's train.py saves it (the script a learner
//     runs to bring a run back).
//  2. The app writes .safetensors exports (with and without biases) and its logits: scripts/nanogpt_interop.py
//     check loads each into nanoGPT's module tree and compares logits to 1e-4.
//  3. The app writes "Export for nanoGPT" bundles through the worker's export path (characters with odd Unicode,
//     byte-level BPE): nanogpt_interop.py bundle reads train.bin / val.bin / meta.pkl as nanoGPT does and
//     checks they are the text's tokens, split 90/10.
//  4. Only with NANOGPT_DIR=<a nanoGPT checkout> (by hand: CI has no copy of nanoGPT): a run trained 60 steps on
//     tiny Shakespeare is unpacked into a copy of it; playground_to_ckpt.py makes ckpt.pt; nanoGPT's own train.py
//     resumes it on the CPU (its loss estimate at the resume step is printed beside the app's); its checkpoint is
//     converted back with ckpt_to_playground.py and opened by the app with PyTorch's logits; a BPE model too.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findPython } from './python-prereqs.mjs'
import { skippedIn } from './skipped.mjs'

const { python } = findPython({ required: true })
const dir = mkdtempSync(join(tmpdir(), 'interop-'))
const run = (cmd, args, o = {}) => {
  const r = spawnSync(cmd, args, {
    stdio: o.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: o.env ?? process.env,
    cwd: o.cwd,
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    console.error(`interop: ${cmd} ${args.join(' ')} failed (exit ${r.status})`)
    process.exit(r.status ?? 1)
  }
  return r.stdout
}
/** The app's side; every test in it must run (a skip here is a check that did not happen), unless `filter` picks some. */
const vitest = (env, ...filter) => {
  const report = join(dir, `vitest-${Date.now()}.json`)
  run(
    'npx',
    [
      'vitest',
      'run',
      'src/model/interop.torch.test.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...filter,
    ],
    { env: { ...process.env, INTEROP_STAGE: '1', ...env } },
  )
  const skipped = filter.length ? [] : skippedIn(report)
  if (skipped.length) {
    console.error(`interop: tests did not run:\n  ${skipped.join('\n  ')}`)
    process.exit(1)
  }
}

// 1. PyTorch's files for the app to open
for (const [name, args] of [
  ['torch-bias', ['--seed', '101']],
  ['torch-no-bias', ['--seed', '202', '--no-bias']],
]) {
  run(python, [
    'scripts/nanogpt_interop.py',
    'fixture',
    ...args,
    '--out',
    join(dir, `${name}.safetensors`),
    '--expect',
    join(dir, `${name}.torch.json`),
  ])
}
// and the script shipped in every "Export for nanoGPT" bundle, ckpt_to_playground.py, on a checkpoint shaped as
// nanoGPT's train.py saves it: the file it writes must open with PyTorch's logits, the vocabulary and the step
const ckpt = join(dir, 'nanogpt-ckpt.pt')
const meta = join(dir, 'nanogpt-meta.pkl')
const fromNanoGpt = join(dir, 'from-nanogpt')
run(python, ['scripts/nanogpt_interop.py', 'ckpt', ckpt, meta, '--step', '1234'])
run(python, ['scripts/nanogpt/ckpt_to_playground.py', ckpt, meta, `${fromNanoGpt}.safetensors`])
run(python, ['scripts/nanogpt_interop.py', 'logits', `${fromNanoGpt}.safetensors`, `${fromNanoGpt}.torch.json`])
const torchSide = JSON.parse(readFileSync(`${fromNanoGpt}.torch.json`, 'utf8'))
const vocab = JSON.parse(readFileSync(`${ckpt}.vocab.json`, 'utf8'))
writeFileSync(
  `${fromNanoGpt}.torch.json`,
  JSON.stringify({ ...torchSide, step: 1234, tokenizer: { kind: 'char', vocab } }),
)

const corpus = process.env.NANOGPT_DIR
  ? (process.env.INTEROP_CORPUS ?? fileURLToPath(new URL('../../shared/data/tinyshakespeare.txt', import.meta.url)))
  : undefined
vitest({ INTEROP_DIR: dir, INTEROP_MIN_FILES: '3', ...(corpus && { INTEROP_CORPUS: corpus }) })
console.log(
  '1. the app opened the files PyTorch wrote (with and without biases; and one the bundle’s ckpt_to_playground.py made from a nanoGPT checkpoint) with PyTorch’s logits, vocabulary and step',
)

// 2. the app's exports, loaded by PyTorch
for (const bias of [true, false])
  run(python, [
    'scripts/nanogpt_interop.py',
    'check',
    join(dir, `export-bias-${bias}.safetensors`),
    join(dir, `export-bias-${bias}.json`),
  ])
console.log('2. PyTorch reproduced the app’s logits for both exports')

// 3. the nanoGPT bundles, read back in Python
for (const b of ['bundle-unicode', 'bundle-bpe-unicode', ...(corpus ? ['bundle', 'bundle-bpe'] : [])])
  run(python, ['scripts/nanogpt_interop.py', 'bundle', join(dir, `${b}.tar`), join(dir, `${b}.txt`)])
console.log(
  `3. train.bin, val.bin and meta.pkl of every “Export for nanoGPT” bundle read back in Python to the text’s tokens (files in ${dir})`,
)

if (process.env.NANOGPT_DIR) {
  const work = join(dir, 'nanoGPT')
  const back = join(dir, 'back')
  mkdirSync(back)
  cpSync(process.env.NANOGPT_DIR, work, { recursive: true })
  run('tar', ['-xf', join(dir, 'bundle.tar'), '-C', dir])
  cpSync(join(dir, 'nanogpt-shakespeare_char_pg'), work, { recursive: true })
  const app = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8'))
  run(python, ['playground_to_ckpt.py', 'out-shakespeare_char_pg'], { cwd: work })
  const out = run(
    python,
    [
      'train.py',
      'config/train_shakespeare_char_pg.py',
      '--device=cpu',
      '--compile=False',
      '--dtype=float32',
      `--max_iters=${app.step + 10}`,
      '--eval_interval=5',
      '--eval_iters=50',
      '--always_save_checkpoint=True',
      '--log_interval=1',
    ],
    { cwd: work, capture: true },
  )
  console.log(out)
  const resumed = new RegExp(`step ${app.step}: train loss ([\\d.]+), val loss ([\\d.]+)`).exec(out)
  if (!resumed) throw new Error(`nanoGPT did not evaluate at the resume step ${app.step}`)
  console.log(
    `4. at step ${app.step}: the app's losses train ${app.trainLoss.toFixed(4)} / val ${app.valLoss.toFixed(4)} (20 batches); nanoGPT's estimate after resuming train ${resumed[1]} / val ${resumed[2]} (50 batches)`,
  )
  run(
    python,
    [
      'ckpt_to_playground.py',
      'out-shakespeare_char_pg/ckpt.pt',
      'data/shakespeare_char_pg/meta.pkl',
      join(back, 'char.safetensors'),
    ],
    { cwd: work },
  )
  run(python, ['scripts/nanogpt_interop.py', 'logits', join(back, 'char.safetensors'), join(back, 'char.torch.json')])

  // a BPE model: its merges travel in meta.pkl and come back
  run('tar', ['-xf', join(dir, 'bundle-bpe.tar'), '-C', dir])
  cpSync(join(dir, 'nanogpt-shakespeare_bpe_pg'), work, { recursive: true })
  run(python, ['playground_to_ckpt.py', 'out-shakespeare_bpe_pg'], { cwd: work })
  run(
    python,
    [
      'ckpt_to_playground.py',
      'out-shakespeare_bpe_pg/ckpt.pt',
      'data/shakespeare_bpe_pg/meta.pkl',
      join(back, 'bpe.safetensors'),
    ],
    { cwd: work },
  )
  run(python, ['scripts/nanogpt_interop.py', 'logits', join(back, 'bpe.safetensors'), join(back, 'bpe.torch.json')])
  const bpeLogits = join(back, 'bpe.torch.json')
  writeFileSync(
    bpeLogits,
    JSON.stringify({
      ...JSON.parse(readFileSync(bpeLogits, 'utf8')),
      tokenizer: JSON.parse(readFileSync(join(dir, 'bundle-bpe.json'), 'utf8')).tokenizer,
    }),
  )
  vitest({ INTEROP_DIR: back, INTEROP_MIN_FILES: '2' }, '-t', 'opens every file PyTorch wrote')
  console.log(
    `   nanoGPT's checkpoints (characters, step ${JSON.parse(readFileSync(join(back, 'char.torch.json'), 'utf8')).step}; BPE, with its merges) open in the app with PyTorch's logits`,
  )
}
