// The trained models the page ships (public/models/): each file opens as the page opens it (decodeCheckpoint),
// is half precision and at most 2 MB, its metadata says what galleryModels.ts says (dataset, steps, losses, the
// command that made it, its recipe), its vocabulary is the characters of the dataset it names, and it knows that
// text: its loss on the validation tenth, computed here by the plain-TypeScript decoder, is its stated one.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../model/checkpoint'
import { readSafetensors } from '../../model/safetensors'
import { KVDecoder } from '../../model/decoder'
import { splitTokens } from '../../data/dataset'
import { makeTokenizer } from '../../text/tokenizer'
import { DATASETS } from '../datasets'
import { GALLERY, galleryRecipe } from './galleryModels'

const MODELS = join(__dirname, '../../../public/models')

/** Mean next-token cross-entropy (nats) over consecutive windows of the context, each from an empty cache. */
function meanLoss(decoder: KVDecoder, tokens: Int32Array, blockSize: number, windows: number): number {
  let total = 0
  let n = 0
  for (let w = 0; w < windows; w++) {
    const start = w * (blockSize + 1)
    if (start + blockSize + 1 > tokens.length) break
    decoder.reset()
    for (let i = 0; i < blockSize; i++) {
      const logits = decoder.push(tokens[start + i])
      const max = Math.max(...logits)
      let sum = 0
      for (const l of logits) sum += Math.exp(l - max)
      total += max + Math.log(sum) - logits[tokens[start + i + 1]]
      n++
    }
  }
  return total / n
}

describe('the gallery of trained models', () => {
  it('lists each file once, with its own id and command', () => {
    expect(new Set(GALLERY.map((g) => g.file)).size).toBe(GALLERY.length)
    for (const g of GALLERY) expect(g.command).toBe(`node scripts/train-gallery.mjs ${g.id}`)
  })

  for (const g of GALLERY) {
    it(`${g.file}: opens, F16, ≤ 2 MB, and its metadata is what the gallery says`, () => {
      const bytes = new Uint8Array(readFileSync(join(MODELS, g.file)))
      expect(bytes.length).toBe(g.bytes)
      expect(bytes.length).toBeLessThanOrEqual(2 * 1024 ** 2)
      const file = readSafetensors(bytes)
      expect([...file.tensors.values()].every((t) => t.dtype === 'F16')).toBe(true)
      const meta = Object.fromEntries(file.metadata)
      expect(meta).toMatchObject({
        gallery_id: g.id,
        dataset: g.datasetId,
        command: g.command,
        step: String(g.steps),
      })
      expect(Number(meta.val_loss)).toBeCloseTo(g.valLoss, 4)
      expect(Number(meta.train_loss)).toBeCloseTo(g.trainLoss, 4)

      const ckpt = decodeCheckpoint(bytes)
      const recipe = galleryRecipe(g)
      expect(ckpt.step).toBe(g.steps)
      expect(ckpt.step).toBe(recipe.train.maxIters) // trained to the end of its recipe
      expect(ckpt.train).toEqual(recipe.train)
      const { vocabSize: _v, ...shape } = ckpt.model
      expect(shape).toEqual(recipe.model)
    })

    it(`${g.file}: its vocabulary is the text of “${g.datasetId}”, and its loss there is the stated one`, async () => {
      const ckpt = decodeCheckpoint(new Uint8Array(readFileSync(join(MODELS, g.file))))
      const text = await DATASETS.find((d) => d.id === g.datasetId)!.load()
      if (ckpt.tokenizer.kind !== 'char') throw new Error('a character tokenizer was expected')
      expect([...ckpt.tokenizer.vocab].sort()).toEqual([...new Set(text)].sort())
      const tokens = splitTokens(makeTokenizer(ckpt.tokenizer).encode(text))
      const decoder = new KVDecoder(ckpt.model, ckpt.weights)
      const T = ckpt.model.blockSize
      const val = meanLoss(decoder, tokens.val, T, 40)
      expect(Math.abs(val - g.valLoss)).toBeLessThan(0.15)
      expect(val).toBeLessThan(Math.log(ckpt.model.vocabSize) - 1) // far from guessing
    })
  }
})
