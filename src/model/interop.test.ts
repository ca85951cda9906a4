// nanoGPT interop, checked against PyTorch without Python in CI: scripts/nanogpt_interop.py wrote
// fixtures/nanogpt-tiny.safetensors from a nanoGPT module tree's state_dict (mask buffers and the tied lm_head
// included) and the logits PyTorch computes for a fixed input. Importing the file must give those logits, and
// exporting the imported model must write every weight under the same name, shape and bits PyTorch used.
// With PyTorch itself (fresh files both ways, the nanoGPT bundle read back in Python): interop.torch.test.ts, run
// by the interop stage of `npm test` (scripts/interop.mjs).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint'
import { readSafetensors } from './safetensors'
import { logitsOf } from '../testing/fixtures'

const FIXTURES = join(__dirname, 'fixtures')
const torchFile = new Uint8Array(readFileSync(join(FIXTURES, 'nanogpt-tiny.safetensors')))
const expected = JSON.parse(readFileSync(join(FIXTURES, 'nanogpt-tiny.json'), 'utf8')) as {
  ids: number[]
  logits: number[]
  config: Record<string, number | boolean>
}

describe('nanoGPT interop (PyTorch fixture)', () => {
  it('imports a file PyTorch wrote from a nanoGPT model and reproduces its logits to 1e-4', async () => {
    const c = decodeCheckpoint(torchFile)
    expect(c.model).toEqual({ vocabSize: 14, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true })
    expect(c.tokenizer.kind === 'char' && c.tokenizer.vocab).toContain('🙂')
    expect(c.tokenizer.kind === 'char' && c.tokenizer.vocab).toContain('中')
    const logits = await logitsOf(c.model, c.weights, expected.ids)
    expect(logits.length).toBe(expected.logits.length)
    let worst = 0
    logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.logits[i]))))
    expect(worst).toBeLessThan(1e-4)
  })

  it('exports every weight under the name, shape and bits PyTorch used', () => {
    const exported = readSafetensors(encodeCheckpoint(decodeCheckpoint(torchFile)))
    const original = readSafetensors(torchFile)
    const weights = [...original.tensors.keys()].filter((n) => !n.endsWith('.attn.bias')) // the mask is a buffer, not a weight
    expect([...exported.tensors.keys()].sort()).toEqual(weights.sort())
    for (const name of weights) {
      expect(exported.tensors.get(name)!.shape).toEqual(original.tensors.get(name)!.shape)
      expect(new Uint32Array(exported.read(name).buffer)).toEqual(new Uint32Array(original.read(name).buffer))
    }
  })
})
