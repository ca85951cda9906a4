import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import { Run } from './run'
import { forward, loss } from '../model/gpt'
import { mulberry32 } from '../util/random'
import { trainBpe } from '../text/bpe'
import { attendOne, moments } from '../analysis/qkv'
import { decodeCheckpoint } from '../model/checkpoint'
import { poisonedStep } from '../testing/fixtures'

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(60)
const tiny = getPreset('tiny')
const model = { ...tiny.model, blockSize: 16, nEmbd: 16 }
const train = { ...tiny.train, batchSize: 4, evalIters: 2 }

describe('Run', () => {
  it('a step whose loss is not finite is not applied: weights, moments and step count stay as they were, and no tensor is left', async () => {
    const run = Run.create(text, model, train)
    await run.trainStep()
    await run.trainStep()
    // a poisoned weight: every loss from now on is NaN, and so is every gradient
    const { point: p, before, after, tensorsBefore, tensorsAfter } = await poisonedStep(run)
    expect(p).toMatchObject({ step: 3, skipped: true })
    expect(Number.isNaN(p.loss)).toBe(true)
    expect(run.step).toBe(2) // still the model after step 2
    expect(after.weights).toEqual(before.weights) // bit for bit (NaN included): nothing was written
    expect(after.resume.optimizer).toEqual(before.resume.optimizer) // moments and step count too
    expect(tensorsAfter).toBe(tensorsBefore)
    run.dispose()
  })

  it('keeps tf.memory().numTensors flat across training steps, evaluation, sampling and attention capture', async () => {
    const run = Run.create(text, model, train)
    await run.trainStep() // warm-up: kernels and the mask cache settle on the first step
    const before = tf.memory().numTensors
    for (let i = 0; i < 5; i++) await run.trainStep()
    expect(tf.memory().numTensors).toBe(before)
    await run.evaluate()
    expect(tf.memory().numTensors).toBe(before)
    await run.generator.generate(
      { prompt: 'the ', maxNewTokens: 20, temperature: 1, topK: 5, seed: 1 },
      () => {},
      () => false,
      async () => {},
    )
    expect(tf.memory().numTensors).toBe(before)
    await run.probes.attention('the lazy dog', 1, 0)
    await run.probes.attention('', 0, 1)
    expect(tf.memory().numTensors).toBe(before)
    run.dispose()
  })

  it('continues exactly from a captured state: a paused, saved and restored run takes the uninterrupted run’s steps', async () => {
    const withDropout = { ...model, dropout: 0.1 } // dropout masks depend on the step: they must line up too
    const straight = Run.create(text, withDropout, train)
    const expected: number[] = []
    for (let i = 1; i <= 8; i++) {
      expected.push((await straight.trainStep()).loss)
      if (i === 4) await straight.evaluate() // evaluation draws from its own generators: restored as well
    }
    const expectedEval = (await straight.evaluate()).valLoss
    straight.dispose()

    const first = Run.create(text, withDropout, train)
    for (let i = 0; i < 4; i++) await first.trainStep()
    await first.evaluate()
    const saved = await first.capture()
    first.dispose()
    const prepared = Run.prepareFrom(
      { model: first.model, tokenizer: first.tokenizer.spec(), weights: saved.weights },
      text,
      train,
      { resume: saved.resume },
    )
    if (!prepared.build) throw new Error(prepared.problems.map((p) => p.message).join())
    const resumed = prepared.build()
    expect(resumed.step).toBe(4)
    const after: number[] = []
    for (let i = 0; i < 4; i++) after.push((await resumed.trainStep()).loss)
    for (let i = 0; i < 4; i++) expect(after[i]).toBeCloseTo(expected[4 + i], 5)
    expect((await resumed.evaluate()).valLoss).toBeCloseTo(expectedEval, 5)
    // and without the optimizer and sampler state, it would not: the test can tell
    const cold = Run.prepareFrom(
      { model: first.model, tokenizer: first.tokenizer.spec(), weights: saved.weights },
      text,
      train,
    )
    const coldRun = cold.build!()
    const coldLoss = (await coldRun.trainStep()).loss
    expect(Math.abs(coldLoss - expected[4])).toBeGreaterThan(1e-4)
    coldRun.dispose()
    resumed.dispose()
  })

  it('an atlas snapshot at step s is what a fresh probe of the checkpoint saved at step s shows (past steps need no old weights)', async () => {
    const run = Run.create(text, model, train)
    for (let i = 0; i < 3; i++) await run.trainStep()
    const { ids } = run.probes.repeatedProbe(2)
    const snapshot = await run.probes.attentionAll(ids) // what the worker quantizes into the snapshot at step 3
    const saved = await run.capture()
    for (let i = 0; i < 3; i++) await run.trainStep()
    const later = await run.probes.attentionAll(ids)
    expect(later).not.toEqual(snapshot) // training moved on: the test can tell the steps apart
    const reopened = Run.prepareFrom(
      { model: run.model, tokenizer: run.tokenizer.spec(), weights: saved.weights },
      text,
      train,
      { resume: saved.resume },
    ).build!()
    expect(reopened.step).toBe(3)
    expect(reopened.probes.repeatedProbe(2).ids).toEqual(ids)
    expect(await reopened.probes.attentionAll(ids)).toEqual(snapshot)
    reopened.dispose()
    run.dispose()
  })

  it('pair mode: the loss counts only completions, so noisy prompts do not keep it high', async () => {
    // prompts are random letters (unpredictable), completions always "ok": only the completions are learned
    const rand = mulberry32(9)
    const letters = 'abcdefghijklmnopqrstuvwxyz'
    const pairs = Array.from(
      { length: 300 },
      () => `${Array.from({ length: 6 }, () => letters[Math.floor(rand() * 26)]).join('')}\tok`,
    ).join('\n')
    const settings = { ...model, blockSize: 16 }
    const config = { ...train, learningRate: 1e-2, warmupIters: 0, maxIters: 100 }
    const lossAfter = async (pairMode: boolean) => {
      const prepared = Run.prepare(pairs, settings, config, undefined, { pairs: pairMode })
      if (!prepared.build) throw new Error(prepared.problems.map((p) => p.message).join())
      const run = prepared.build()
      await run.trainStep()
      const tensors = tf.memory().numTensors
      for (let i = 1; i < 60; i++) await run.trainStep()
      expect(tf.memory().numTensors).toBe(tensors) // the weights tensors of every batch are freed too
      const e = await run.evaluate()
      const info = run.info()
      run.dispose()
      return { e, info }
    }
    const paired = await lossAfter(true)
    const plain = await lossAfter(false)
    expect(paired.info.pairs).toEqual({ train: 270, heldOut: 30, format: 'tsv' })
    expect(paired.e.valLoss).toBeLessThan(0.3) // "o", "k" and the newline are certain after the tab
    expect(plain.e.valLoss).toBeGreaterThan(1.5) // the prompts' letters are ~ln 26 each
  })

  it('pair mode: refuses text that is not pairs, and held-out pairs too short for the context', () => {
    expect(Run.prepare('just some text', model, train, undefined, { pairs: true }).problems![0].message).toMatch(
      /could not be read as pairs/,
    )
    const few = Array.from({ length: 10 }, (_, i) => `q${i}\ta`).join('\n')
    expect(Run.prepare(few, model, train, undefined, { pairs: true }).problems![0].message).toMatch(
      /^The 1 held-out pair holds 5 tokens, fewer than one window of the context \(16\) \+ 1/,
    )
  })

  it('trains on byte-level BPE tokens, streams whole characters, and keeps its tokenizer in the file', async () => {
    const poem =
      '白日依山盡，黃河入海流。欲窮千里目，更上一層樓。\n紅豆生南國，春來發幾枝。願君多采擷，此物最相思。\n'.repeat(30)
    const spec = { kind: 'bpe' as const, merges: trainBpe(poem, 300).merges }
    const prepared = Run.prepare(poem, model, train, undefined, { tokenizer: spec })
    if (!prepared.build) throw new Error(prepared.problems.map((p) => p.message).join())
    const run = prepared.build()
    expect(run.model.vocabSize).toBe(256 + spec.merges.length)
    expect(run.info().tokenizerKind).toBe('bpe')
    const first = await run.evaluate()
    for (let i = 0; i < 30; i++) await run.trainStep()
    expect((await run.evaluate()).valLoss).toBeLessThan(first.valLoss)
    const pieces: string[] = []
    const ids: number[] = []
    await run.generator.generate(
      { prompt: '白日', maxNewTokens: 40, temperature: 1, topK: 0, seed: 3 },
      (t) => (pieces.push(t.text), ids.push(t.id)),
      () => false,
      async () => {},
    )
    // streamed pieces add up to the decoded text, less the bytes of a last character still incomplete
    const whole = run.tokenizer.decode(ids)
    expect(whole.startsWith(pieces.join(''))).toBe(true)
    expect([...whole].length - [...pieces.join('')].length).toBeLessThanOrEqual(1)
    const bytes = await run.exportFile()
    const back = decodeCheckpoint(bytes)
    expect(back.tokenizer).toEqual(spec)
    run.dispose()
  })

  it('reports the validation loss by position: their mean is the validation loss, and an untrained model is near ln V everywhere', async () => {
    const run = Run.create(text, model, train)
    const e = await run.evaluate()
    const pos = e.valByPosition!
    expect(pos).toHaveLength(model.blockSize)
    expect(pos.reduce((a, b) => a + b, 0) / pos.length).toBeCloseTo(e.valLoss, 5)
    const lnV = Math.log(run.model.vocabSize)
    for (const v of pos) expect(Math.abs(v - lnV)).toBeLessThan(0.1)
    const before = tf.memory().numTensors
    await run.evaluate()
    expect(tf.memory().numTensors).toBe(before)
    run.dispose()
  })

  it('the logit lens: its last layer is the model’s own prediction at that position', async () => {
    const run = Run.create(text, model, train)
    for (let i = 0; i < 5; i++) await run.trainStep()
    const probe = 'the lazy dog jumps over'
    const { ids, logits } = await run.probes.lens(probe, 7)
    const V = run.model.vocabSize
    expect(logits.length).toBe((run.model.nLayer + 1) * V)
    const full = tf.tidy(() => forward(run.params, run.model, tf.tensor2d(ids, [1, ids.length], 'int32')).logits)
    const ref = (await full.data()).slice(7 * V, 8 * V)
    full.dispose()
    const last = logits.subarray(run.model.nLayer * V)
    for (let v = 0; v < V; v++) expect(last[v]).toBeCloseTo(ref[v], 4)
    // earlier layers read something else (the residual stream before the last blocks)
    expect(Math.max(...logits.subarray(0, V).map((x, v) => Math.abs(x - ref[v])))).toBeGreaterThan(1e-3)
    run.dispose()
  })

  it('the Q/K/V calculator: plain TypeScript from the sent inputs gives the model’s own q, K, V, attention row and output', async () => {
    const run = Run.create(text, { ...model, nHead: 4 }, train)
    for (let i = 0; i < 5; i++) await run.trainStep()
    const d = await run.probes.qkv('the quick brown fox', 1, 2, 9)
    expect(d.headSize).toBe(16 / 4) // √(C / H), not √C
    expect(d.xhat).toHaveLength(10)
    const steps = attendOne({ xhat: d.xhat, wq: d.wq, wk: d.wk, wv: d.wv, bq: d.bq, bk: d.bk, bv: d.bv })
    const close = (a: number[], b: number[]) =>
      a.forEach((x, j) => expect(Math.abs(x - b[j])).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[j]))))
    close(steps.q, d.q)
    steps.k.forEach((row, j) => close(row, d.k[j]))
    steps.v.forEach((row, j) => close(row, d.v[j]))
    close(steps.weights, d.weights)
    close(steps.out, d.out)
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    // LayerNorm recomputed from the block input: (x − mean) / √(variance + 1e−5) · gain + bias
    d.x.forEach((row, r) => {
      const m = moments(row)
      close(
        row.map((v, c) => ((v - m.mean) / Math.sqrt(m.variance + 1e-5)) * d.lnWeight[c] + (d.lnBias?.[c] ?? 0)),
        d.xhat[r],
      )
    })
    run.dispose()
  })

  it('frees every tensor it made when disposed', async () => {
    const before = tf.memory().numTensors
    const run = Run.create(text, model, train)
    await run.trainStep()
    run.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('is reproducible: the same seed gives the same losses, another seed does not', async () => {
    const losses = async (seed: number) => {
      const run = Run.create(text, model, { ...train, seed })
      const out: number[] = []
      for (let i = 0; i < 4; i++) out.push((await run.trainStep()).loss)
      run.dispose()
      return out
    }
    const a = await losses(7)
    expect(await losses(7)).toEqual(a)
    expect(await losses(8)).not.toEqual(a)
  })

  it('learns: the validation loss falls well below ln(V) in a hundred steps', async () => {
    const run = Run.create(text, model, { ...train, learningRate: 1e-2, warmupIters: 5, maxIters: 100 })
    const start = await run.evaluate()
    expect(Math.abs(start.valLoss - Math.log(run.model.vocabSize))).toBeLessThan(0.1)
    for (let i = 0; i < 100; i++) await run.trainStep()
    const end = await run.evaluate()
    expect(end.valLoss).toBeLessThan(start.valLoss - 1)
    run.dispose()
  })

  it('samples reproducibly with a seed, crops the prompt to the context, and stops when cancelled', async () => {
    const run = Run.create(text, model, train)
    const gen = async (prompt: string, n: number, cancelAfter = Infinity) => {
      const out: string[] = []
      const reason = await run.generator.generate(
        { prompt, maxNewTokens: n, temperature: 1, topK: 0, seed: 42 },
        (t) => out.push(t.text),
        () => out.length >= cancelAfter,
        async () => {},
      )
      return { text: out.join(''), reason }
    }
    const a = await gen('the', 30)
    expect(a.reason).toBe('length')
    expect([...a.text]).toHaveLength(30)
    expect((await gen('the', 30)).text).toBe(a.text)
    const long = await gen('the quick brown fox jumps over the lazy dog. the quick', 5) // longer than blockSize 16
    expect([...long.text]).toHaveLength(5)
    expect(await gen('the', 50, 3)).toEqual({ text: expect.any(String), reason: 'cancelled' })
    run.dispose()
  })

  it('refuses bad text before allocating anything', () => {
    const before = tf.memory().numTensors
    expect(Run.prepare('', model, train).problems?.[0].field).toBe('text')
    expect(Run.prepare('short', model, train).problems?.[0].message).toMatch(/too short for a context of 16/)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('scores a text: its log-likelihood is minus the training loss on it times its length, across windows too', async () => {
    const run = Run.create(text, model, train)
    for (let i = 0; i < 3; i++) await run.trainStep()
    const before = tf.memory().numTensors
    const short = 'the lazy dog jumps' // 18 tokens: one window of blockSize 16 + the last target
    const ids = Array.from(run.tokenizer.encode(short))
    const sc = await run.generator.score(short)
    expect(sc.first).toBe('t')
    expect(sc.tokens.map((t) => t.text).join('')).toBe(short.slice(1))
    // independent: the model's own cross-entropy on the same windows (x = ids[s..s+L), y = shifted by one)
    const ce = async (from: number, to: number) => {
      const l = tf.tidy(() =>
        loss(
          run.params,
          run.model,
          tf.tensor2d(ids.slice(from, to), [1, to - from], 'int32'),
          tf.tensor2d(ids.slice(from + 1, to + 1), [1, to - from], 'int32'),
        ),
      )
      const v = (await l.data())[0] * (to - from)
      l.dispose()
      return v
    }
    const expected = -((await ce(0, 16)) + (await ce(16, 17)))
    expect(sc.logLikelihood).toBeCloseTo(expected, 3)
    expect(sc.perplexity).toBeCloseTo(Math.exp(-expected / 17), 3)
    expect(sc.tokens.reduce((a, t) => a + Math.log(t.prob), 0)).toBeCloseTo(sc.logLikelihood, 9)
    expect(sc.truncated).toBe(false)
    expect(tf.memory().numTensors).toBe(before)
    await expect(run.generator.score('t')).rejects.toThrow(/at least two tokens/)
    run.dispose()
  })

  it('reads the weight snapshot back once per step, and never serves a stale one', async () => {
    const run = Run.create(text, model, train)
    const a = await run.weights()
    expect(await run.weights()).toBe(a) // same step: the same snapshot
    await run.trainStep()
    const b = await run.weights()
    expect(b).not.toBe(a)
    const live = (await run.params['wte.weight'].data()) as Float32Array
    expect(Array.from(b['wte.weight'])).toEqual(Array.from(live))
    expect(Array.from(a['wte.weight'])).not.toEqual(Array.from(live)) // the step moved the weights
    run.dispose()
  })
})
