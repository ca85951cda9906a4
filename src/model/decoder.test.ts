// The KV-cache decoder against the tfjs model: the same next-token logits at every context length, and
// generation with the cache gives the same tokens as generation without it (greedy), also past the point
// where the context fills the block and the window starts to slide.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { disposeParams, forward, paramsFromArrays } from './gpt'
import { KVDecoder, gelu } from './decoder'
import { erf64 } from './reference64'
import { randomIds, randomParams64, tinyConfig, toFloat32 } from '../testing/fixtures'
import { Run } from '../train/run'
import { getPreset } from '../shared/config'
import type { BeamTree } from '../shared/protocol'

describe('KVDecoder', () => {
  it.each([{ bias: true }, { bias: false }, { bias: true, mlp: false, tiedHead: false }])(
    'gives the tfjs forward pass’s logits after every prefix (%o)',
    async (variant) => {
      const cfg = tinyConfig({ vocabSize: 11, blockSize: 9, nLayer: 2, nHead: 2, nEmbd: 8, ...variant })
      const weights = toFloat32(randomParams64(cfg, 5))
      const params = paramsFromArrays(cfg, weights)
      const ids = randomIds(cfg.blockSize, cfg.vocabSize, 9)
      const dec = new KVDecoder(cfg, weights)
      for (let t = 1; t <= ids.length; t++) {
        const ours = dec.push(ids[t - 1])
        const logitsT = tf.tidy(
          () => forward(params, cfg, tf.tensor2d(ids.slice(0, t), [1, t], 'int32'), { lastOnly: true }).logits,
        )
        const ref = await logitsT.data()
        logitsT.dispose()
        for (let v = 0; v < cfg.vocabSize; v++)
          expect(Math.abs(ours[v] - ref[v]), `position ${t - 1}, token ${v}`).toBeLessThan(
            1e-4 * Math.max(1, Math.abs(ref[v])),
          )
      }
      expect(dec.full).toBe(true)
      expect(() => dec.push(0)).toThrow(/block size/)
      dec.reset()
      expect(dec.length).toBe(0)
      expect(() => dec.push(cfg.vocabSize)).toThrow(/outside the vocabulary/)
      disposeParams(params)
    },
  )

  it('with heads switched off, gives the forward pass’s logits with those heads zeroed (and refuses heads it lacks)', async () => {
    const cfg = tinyConfig({ vocabSize: 11, blockSize: 9, nLayer: 2, nHead: 2, nEmbd: 8, bias: true })
    const weights = toFloat32(randomParams64(cfg, 15))
    const params = paramsFromArrays(cfg, weights)
    const ids = randomIds(cfg.blockSize, cfg.vocabSize, 19)
    const off: [number, number][] = [
      [0, 1],
      [1, 0],
    ]
    const dec = new KVDecoder(cfg, weights, off)
    const intact = new KVDecoder(cfg, weights)
    let changed = 0
    for (let t = 1; t <= ids.length; t++) {
      const ours = dec.push(ids[t - 1])
      const whole = intact.push(ids[t - 1])
      const logitsT = tf.tidy(
        () =>
          forward(params, cfg, tf.tensor2d(ids.slice(0, t), [1, t], 'int32'), {
            lastOnly: true,
            ablate: { heads: off, mode: 'zero' },
          }).logits,
      )
      const ref = await logitsT.data()
      logitsT.dispose()
      for (let v = 0; v < cfg.vocabSize; v++) {
        expect(Math.abs(ours[v] - ref[v]), `position ${t - 1}, token ${v}`).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(ref[v])),
        )
        changed = Math.max(changed, Math.abs(ours[v] - whole[v]))
      }
    }
    expect(changed).toBeGreaterThan(1e-3) // switching the heads off changed what the model says
    expect(() => new KVDecoder(cfg, weights, [[2, 0]])).toThrow(/no head 2.0/)
    disposeParams(params)
  })

  it('records, for the last token pushed, the attention rows a full forward pass computes for it (every layer and head)', async () => {
    const cfg = tinyConfig({ vocabSize: 11, blockSize: 9, nLayer: 3, nHead: 2, nEmbd: 8, bias: true })
    const weights = toFloat32(randomParams64(cfg, 6))
    const params = paramsFromArrays(cfg, weights)
    const ids = randomIds(cfg.blockSize, cfg.vocabSize, 4)
    const dec = new KVDecoder(cfg, weights)
    for (let t = 1; t <= ids.length; t++) {
      dec.push(ids[t - 1])
      const rows = dec.lastAttention()
      expect(rows.length).toBe(cfg.nLayer * cfg.nHead * t)
      // the reference: the full (t, t) maps of every layer, row t − 1 (the last query)
      const maps = tf.tidy(() =>
        forward(params, cfg, tf.tensor2d(ids.slice(0, t), [1, t], 'int32'), { captureAttention: true }).attention.map(
          (a) => tf.slice(a, [0, 0, t - 1, 0], [1, cfg.nHead, 1, t]),
        ),
      )
      const ref = await Promise.all(maps.map((m) => m.data()))
      maps.forEach((m) => m.dispose())
      for (let l = 0; l < cfg.nLayer; l++)
        for (let h = 0; h < cfg.nHead; h++) {
          let sum = 0
          for (let j = 0; j < t; j++) {
            const ours = rows[(l * cfg.nHead + h) * t + j]
            sum += ours
            expect(Math.abs(ours - ref[l][h * t + j]), `layer ${l} head ${h} query ${t - 1} key ${j}`).toBeLessThan(
              1e-5,
            )
          }
          expect(sum).toBeCloseTo(1, 5)
        }
    }
    disposeParams(params)
  })

  it('computes GELU with an erf good to float32 precision', () => {
    for (let x = -6; x <= 6; x += 0.013) {
      const exact = 0.5 * x * (1 + erf64(x / Math.SQRT2))
      expect(Math.abs(gelu(x) - exact)).toBeLessThan(3e-7 * Math.max(1, Math.abs(x)))
    }
  })

  it('generates the same greedy tokens with and without the cache, across the sliding window', async () => {
    const text = 'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. '.repeat(40)
    const p = getPreset('tiny')
    const run = Run.create(
      text,
      { ...p.model, blockSize: 16, nEmbd: 16 },
      { ...p.train, batchSize: 8, maxIters: 60, learningRate: 1e-2, minLr: 1e-3, warmupIters: 5, seed: 3 },
    )
    for (let i = 0; i < 60; i++) await run.trainStep() // a model with opinions: well-separated greedy choices
    const gen = async (cache: boolean) => {
      const ids: number[] = []
      const probs: number[] = []
      const traces: { start: number; rows: Uint8Array }[] = []
      let context: string[] = []
      const settings = { prompt: 'the ', maxNewTokens: 40, temperature: 0, topK: 0, seed: 1 }
      await run.generator.generate(
        settings,
        (t) => (ids.push(t.id), probs.push(t.prob), traces.push(t.attention!)),
        () => false,
        async () => {},
        { cache, trace: (c) => (context = c) },
      )
      return { ids, probs, traces, context }
    }
    const before = tf.memory().numTensors
    const cached = await gen(true)
    const plain = await gen(false)
    expect(tf.memory().numTensors).toBe(before)
    expect(cached.ids).toHaveLength(40) // 4 prompt + 40 new tokens > blockSize 16: the window slides
    expect(cached.ids).toEqual(plain.ids)
    for (let i = 0; i < 40; i++) expect(cached.probs[i]).toBeCloseTo(plain.probs[i], 4)
    expect(new Set(cached.ids).size).toBeGreaterThan(2) // not a degenerate repetition of one token
    // the attention trace: the cached path's rows equal the full forward pass's (bytes: within one unit of 255),
    // and the keys are the last min(context, block) tokens of prompt + generated text
    const H = run.model.nLayer * run.model.nHead
    expect(cached.context).toEqual(['t', 'h', 'e', ' '])
    expect(plain.context).toEqual(cached.context)
    for (let i = 0; i < 40; i++) {
      const a = cached.traces[i]
      const b = plain.traces[i]
      const keys = Math.min(4 + i, 16)
      expect(a.rows.length, `token ${i}`).toBe(H * keys)
      expect(a.start, `token ${i}`).toBe(4 + i - keys)
      expect(b.start).toBe(a.start)
      for (let r = 0; r < H; r++) {
        let sum = 0
        for (let j = 0; j < keys; j++) {
          sum += a.rows[r * keys + j]
          expect(
            Math.abs(a.rows[r * keys + j] - b.rows[r * keys + j]),
            `token ${i}, row ${r}, key ${j}`,
          ).toBeLessThanOrEqual(1)
        }
        expect(sum).toBe(255)
      }
    }
    run.dispose()
  })

  it('beam search’s tree: every node’s total log-probability is what a full forward pass gives its path; width 1 is the greedy path', async () => {
    const text = 'the quick brown fox jumps over the lazy dog. a stitch in time saves nine. '.repeat(40)
    const p = getPreset('tiny')
    const run = Run.create(
      text,
      { ...p.model, blockSize: 16, nEmbd: 16 },
      { ...p.train, batchSize: 8, maxIters: 30, learningRate: 1e-2, minLr: 1e-3, warmupIters: 5, seed: 4 },
    )
    for (let i = 0; i < 30; i++) await run.trainStep()
    const beam = async (width: number) => {
      let tree: BeamTree | undefined
      const ids: number[] = []
      await run.generator.generate(
        { prompt: 'a st', maxNewTokens: 6, temperature: 1, topK: 0, strategy: 'beam', beamWidth: width },
        (t) => ids.push(t.id),
        () => false,
        async () => {},
        { onBeams: (_, t) => (tree = t) },
      )
      return { tree: tree!, ids }
    }
    const { tree, ids } = await beam(3)
    const path = (n: number): number[] => (n < 0 ? [] : [...path(tree.nodes[n].parent), tree.nodes[n].token])
    expect(tree.nodes.filter((n) => n.kept)).toHaveLength(3 * 6)
    for (const [i, n] of tree.nodes.entries()) {
      const toks = path(i)
      const scored = await run.generator.score('a st' + run.tokenizer.decode(toks)) // full forward passes, no cache
      const lp = scored.tokens.slice(-toks.length).reduce((a, t) => a + Math.log(t.prob), 0)
      expect(Math.abs(n.logProb - lp), `node ${i} (${run.tokenizer.decode(toks)})`).toBeLessThan(1e-4)
    }
    expect(tree.best.map((i) => tree.nodes[i].token)).toEqual(ids) // the answer's path is marked in the tree
    // the greedy path recorded beside the tree is width-1 beam search, which is greedy decoding
    const one = await beam(1)
    expect(tree.greedy).toEqual(one.ids)
    const greedyIds: number[] = []
    await run.generator.generate(
      { prompt: 'a st', maxNewTokens: 6, temperature: 0, topK: 0 },
      (t) => greedyIds.push(t.id),
      () => false,
      async () => {},
    )
    expect(one.ids).toEqual(greedyIds)
    run.dispose()
  })
})
