// `npm run interop`: PyTorch loads what the app exports. The app writes two exports (with and without biases)
// and its own logits for them (src/model/interop.test.ts, INTEROP_OUT set); scripts/nanogpt_interop.py check
// loads each into nanoGPT's module tree with load_state_dict(strict=False) and compares logits to 1e-4.
// Needs Debian's python3-torch (/usr/bin/python3).
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'interop-'))
const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
run('npx', ['vitest', 'run', 'src/model/interop.test.ts'], { ...process.env, INTEROP_OUT: dir })
for (const bias of [true, false]) run('/usr/bin/python3', ['scripts/nanogpt_interop.py', 'check', join(dir, `export-bias-${bias}.safetensors`), join(dir, `export-bias-${bias}.json`)])
console.log(`PyTorch reproduced the app's logits for both exports (files in ${dir})`)
