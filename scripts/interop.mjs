// `npm run interop`: the app's files and PyTorch / nanoGPT understand each other. Needs Debian's python3-torch.
//  1. The app writes two .safetensors exports (with and without biases) and its logits for them
//     (src/model/interop.test.ts with INTEROP_OUT); scripts/nanogpt_interop.py check loads each into nanoGPT's
//     module tree with load_state_dict(strict=False) and compares logits to 1e-4.
//  2. With NANOGPT_DIR=<a nanoGPT checkout>: an "Export for nanoGPT" bundle of a run trained 60 steps on tiny
//     Shakespeare is unpacked into a copy of it; playground_to_ckpt.py makes ckpt.pt; nanoGPT's own train.py
//     resumes it on the CPU (its loss estimate at the resume step is printed beside the app's); its checkpoint is
//     converted back with ckpt_to_playground.py, opened by the app, and its logits compared with PyTorch's.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'interop-'))
const run = (cmd, args, o = {}) => {
  const r = spawnSync(cmd, args, { stdio: o.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', env: o.env ?? process.env, cwd: o.cwd, encoding: 'utf8' })
  if (r.status !== 0) process.exit(r.status ?? 1)
  return r.stdout
}
run('npx', ['vitest', 'run', 'src/model/interop.test.ts'], { env: { ...process.env, INTEROP_OUT: dir } })
for (const bias of [true, false]) run('/usr/bin/python3', ['scripts/nanogpt_interop.py', 'check', join(dir, `export-bias-${bias}.safetensors`), join(dir, `export-bias-${bias}.json`)])
console.log(`1. PyTorch reproduced the app's logits for both exports (files in ${dir})`)

if (process.env.NANOGPT_DIR) {
  const work = join(dir, 'nanoGPT')
  cpSync(process.env.NANOGPT_DIR, work, { recursive: true })
  run('tar', ['-xf', join(dir, 'bundle.tar'), '-C', dir])
  cpSync(join(dir, 'nanogpt-shakespeare_char_pg'), work, { recursive: true })
  const app = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8'))
  run('/usr/bin/python3', ['playground_to_ckpt.py', 'out-shakespeare_char_pg'], { cwd: work })
  const out = run('/usr/bin/python3', ['train.py', 'config/train_shakespeare_char_pg.py', '--device=cpu', '--compile=False', '--dtype=float32', `--max_iters=${app.step + 10}`, '--eval_interval=5', '--eval_iters=50', '--always_save_checkpoint=True', '--log_interval=1'], { cwd: work, capture: true })
  console.log(out)
  const resumed = new RegExp(`step ${app.step}: train loss ([\\d.]+), val loss ([\\d.]+)`).exec(out)
  if (!resumed) throw new Error(`nanoGPT did not evaluate at the resume step ${app.step}`)
  console.log(`2. at step ${app.step}: the app's losses train ${app.trainLoss.toFixed(4)} / val ${app.valLoss.toFixed(4)} (20 batches); nanoGPT's estimate after resuming train ${resumed[1]} / val ${resumed[2]} (50 batches)`)
  const back = join(dir, 'back.safetensors')
  run('/usr/bin/python3', ['ckpt_to_playground.py', 'out-shakespeare_char_pg/ckpt.pt', 'data/shakespeare_char_pg/meta.pkl', back], { cwd: work })
  run('npx', ['vitest', 'run', 'src/model/interop.test.ts'], { env: { ...process.env, INTEROP_BACK: back } })
  run('/usr/bin/python3', ['scripts/nanogpt_interop.py', 'check', back, back + '.json'])
  console.log(`   nanoGPT's checkpoint at step ${JSON.parse(readFileSync(back + '.json', 'utf8')).step} opens in the app with PyTorch's logits`)

  // a BPE model: its merges travel in meta.pkl and come back
  run('tar', ['-xf', join(dir, 'bundle-bpe.tar'), '-C', dir])
  cpSync(join(dir, 'nanogpt-shakespeare_bpe_pg'), work, { recursive: true })
  run('/usr/bin/python3', ['playground_to_ckpt.py', 'out-shakespeare_bpe_pg'], { cwd: work })
  const backBpe = join(dir, 'back-bpe.safetensors')
  run('/usr/bin/python3', ['ckpt_to_playground.py', 'out-shakespeare_bpe_pg/ckpt.pt', 'data/shakespeare_bpe_pg/meta.pkl', backBpe], { cwd: work })
  run('npx', ['vitest', 'run', 'src/model/interop.test.ts'], { env: { ...process.env, INTEROP_BACK: backBpe, INTEROP_BPE: join(dir, 'bundle-bpe.json') } })
  run('/usr/bin/python3', ['scripts/nanogpt_interop.py', 'check', backBpe, backBpe + '.json'])
  console.log('3. a BPE model went to nanoGPT and back with its merges and PyTorch\'s logits')
}
