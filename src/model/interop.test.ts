// nanoGPT interop, checked against PyTorch without Python in CI: scripts/nanogpt_interop.py wrote
// fixtures/nanogpt-tiny.safetensors from a nanoGPT module tree's state_dict (mask buffers and the tied lm_head
// included) and the logits PyTorch computes for a fixed input. Importing the file must give those logits, and
// exporting the imported model must write every weight under the same name, shape and bits PyTorch used.
// The other direction (PyTorch loading an exported file) is `npm run interop`, which needs python3-torch: with
// INTEROP_OUT set, the last test here writes an export and the app's logits for it to check.
import * as tf from '@tensorflow/tfjs'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint'
import { disposeParams, forward, initParams, paramsFromArrays, readParams } from './gpt'
import { readSafetensors } from './safetensors'
import { getPreset, type ModelConfig } from '../shared/config'
import { Run } from '../train/run'
import { nanoGptBundle } from '../worker/nanogptBundle'
import { trainBpe } from '../shared/bpe'

const FIXTURES = join(__dirname, 'fixtures')
const torchFile = new Uint8Array(readFileSync(join(FIXTURES, 'nanogpt-tiny.safetensors')))
const expected = JSON.parse(readFileSync(join(FIXTURES, 'nanogpt-tiny.json'), 'utf8')) as { ids: number[]; logits: number[]; config: Record<string, number | boolean> }

async function logitsOf(model: ModelConfig, weights: Record<string, Float32Array>, ids: number[]): Promise<Float32Array> {
  const params = paramsFromArrays(model, weights)
  try {
    const t = tf.tidy(() => forward(params, model, tf.tensor2d(ids, [1, ids.length], 'int32')).logits)
    const out = (await t.data()) as Float32Array
    t.dispose()
    return out
  } finally {
    disposeParams(params)
  }
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

  it.skipIf(!process.env.INTEROP_OUT)('writes an export and its logits for scripts/nanogpt_interop.py check', async () => {
    const dir = process.env.INTEROP_OUT!
    mkdirSync(dir, { recursive: true })
    for (const bias of [true, false]) {
      const model: ModelConfig = { vocabSize: 11, blockSize: 16, nLayer: 3, nHead: 4, nEmbd: 32, dropout: 0, bias }
      const params = initParams(model, bias ? 5 : 6)
      const weights = await readParams(params)
      disposeParams(params)
      // unit-scale weights so that every layer shows in the logits
      for (const [k, w] of Object.entries(weights)) if (!k.startsWith('ln')) w.forEach((v, i) => (w[i] = v * 15))
      const ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]
      const logits = await logitsOf(model, weights, ids)
      const vocab = [...'abcdefghij\n']
      writeFileSync(join(dir, `export-bias-${bias}.safetensors`), encodeCheckpoint({ model, tokenizer: { kind: 'char', vocab }, weights }))
      writeFileSync(join(dir, `export-bias-${bias}.json`), JSON.stringify({ ids, logits: Array.from(logits) }))
    }
  })

  it.skipIf(!process.env.INTEROP_OUT)('writes an “Export for nanoGPT” bundle of a briefly trained run, with its losses', async () => {
    const dir = process.env.INTEROP_OUT!
    const text = readFileSync(process.env.INTEROP_CORPUS ?? join(__dirname, '../../../shared/data/tinyshakespeare.txt'), 'utf8').slice(0, 200_000)
    const tiny = getPreset('tiny')
    const run = Run.create(text, tiny.model, { ...tiny.train, maxIters: 400, evalIters: 20 })
    for (let i = 0; i < 60; i++) await run.trainStep()
    const evaluation = await run.evaluate()
    const { weights, resume } = await run.capture()
    const info = run.info()
    writeFileSync(join(dir, 'bundle.tar'), nanoGptBundle({ name: 'shakespeare_char_pg', model: run.model, train: run.train, vocab: info.vocab, tokenizer: run.tokenizer.spec(), split: run.split, weights, optimizer: resume.optimizer, step: run.step, bestValLoss: evaluation.valLoss }))
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ ...evaluation, step: run.step }))
    run.dispose()
    // and a BPE model, whose merges must survive the trip through nanoGPT's meta.pkl
    const spec = { kind: 'bpe' as const, merges: trainBpe(text, 400).merges }
    const prepared = Run.prepare(text, tiny.model, { ...tiny.train, maxIters: 400, evalIters: 2 }, undefined, { tokenizer: spec })
    const bpeRun = prepared.build!()
    for (let i = 0; i < 5; i++) await bpeRun.trainStep()
    const c = await bpeRun.capture()
    writeFileSync(join(dir, 'bundle-bpe.tar'), nanoGptBundle({ name: 'shakespeare_bpe_pg', model: bpeRun.model, train: bpeRun.train, vocab: bpeRun.info().vocab, tokenizer: spec, split: bpeRun.split, weights: c.weights, optimizer: c.resume.optimizer, step: bpeRun.step }))
    writeFileSync(join(dir, 'bundle-bpe.json'), JSON.stringify(spec))
    bpeRun.dispose()
  })

  it.skipIf(!process.env.INTEROP_BACK)('opens the file nanoGPT’s checkpoint was converted back to, and writes its logits', async () => {
    const c = decodeCheckpoint(new Uint8Array(readFileSync(process.env.INTEROP_BACK!)))
    if (process.env.INTEROP_BPE) expect(c.tokenizer).toEqual(JSON.parse(readFileSync(process.env.INTEROP_BPE, 'utf8')))
    const ids = Array.from({ length: Math.min(16, c.model.blockSize) }, (_, i) => (i * 7) % c.model.vocabSize)
    const logits = await logitsOf(c.model, c.weights, ids)
    writeFileSync(process.env.INTEROP_BACK! + '.json', JSON.stringify({ step: c.step, ids, logits: Array.from(logits) }))
  })
})
