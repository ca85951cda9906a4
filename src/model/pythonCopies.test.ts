// The two scripts shipped inside "Export for nanoGPT" (scripts/nanogpt/) run on their own in a nanoGPT checkout,
// so they carry the safetensors functions of scripts/pg_safetensors.py verbatim, between markers. Each copy must
// still be the shared source, letter for letter: a fix made in one place and not the other fails here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SCRIPTS = join(__dirname, '../../scripts')
const MARKED = /# --- shared: (\w+) \(scripts\/pg_safetensors\.py\) ---\n[\s\S]*?# --- end shared ---\n/g

function blocks(file: string): Map<string, string> {
  const text = readFileSync(join(SCRIPTS, file), 'utf8')
  return new Map([...text.matchAll(MARKED)].map((m) => [m[1], m[0]]))
}

describe('the Python copies shipped in the nanoGPT bundle', () => {
  const shared = blocks('pg_safetensors.py')

  it('the shared source marks both functions', () => {
    expect([...shared.keys()].sort()).toEqual(['load_safetensors', 'save_safetensors'])
  })

  it.each([
    ['nanogpt/playground_to_ckpt.py', ['load_safetensors']],
    ['nanogpt/ckpt_to_playground.py', ['save_safetensors']],
  ])('%s carries %j exactly as scripts/pg_safetensors.py has it', (file, names) => {
    const copies = blocks(file)
    expect([...copies.keys()].sort()).toEqual(names)
    for (const name of names) expect(copies.get(name), `${file}: ${name}`).toBe(shared.get(name))
  })
})
