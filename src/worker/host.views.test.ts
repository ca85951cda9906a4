import { describe, expect, it } from 'vitest'
import 'fake-indexeddb/auto'
import { sinusoidTable } from '../model/positions'
import { is, model, setup, text, train, withRun } from '../testing/hostHarness'

describe('trainer host: tokenizer training and the teaching views', () => {
  it('trains a BPE tokenizer beside the model, with progress; cancels; refuses a vocabulary without merges', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const corpus = 'the quick brown fox jumps over the lazy dog while the cat naps. '.repeat(200)
    send({ type: 'tokenizer.train', requestId: 't1', text: corpus, vocabSize: 300 })
    const trained = await inbox.next(is('tokenizer.trained', (m) => m.requestId === 't1'))
    expect(trained.cancelled).toBe(false)
    expect(trained.spec.kind).toBe('bpe')
    const merges = trained.spec.kind === 'bpe' ? trained.spec.merges : []
    expect(merges.length).toBeGreaterThan(20)
    expect(merges.length).toBeLessThanOrEqual(44)
    expect(trained.tokens).toBeLessThan(corpus.length / 2) // BPE shortens the sequence
    // a model on those tokens
    send({ type: 'run.create', runId: 'b', text: corpus, model, train, tokenizer: trained.spec })
    const created = await inbox.next(is('run.created', (m) => m.runId === 'b'))
    expect(created.tokenizerKind).toBe('bpe')
    expect(created.model.vocabSize).toBe(256 + merges.length)
    // cancel: sent at once, it stops the next slice
    send({ type: 'tokenizer.train', requestId: 't2', text: corpus.repeat(5), vocabSize: 4000 })
    send({ type: 'tokenizer.cancel', requestId: 't2' })
    expect((await inbox.next(is('tokenizer.trained', (m) => m.requestId === 't2'))).cancelled).toBe(true)
    send({ type: 'tokenizer.train', requestId: 't3', text: corpus, vocabSize: 256 })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 't3'))).problems[0].message).toMatch(
      /from 257 \(the 256 bytes and one merge\)/,
    )
  })

  it('sends the positional encoding in use when asked and after evaluations: the learned table, or the sinusoid', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'l', text, model, train: { ...train, maxIters: 5, evalInterval: 5 } })
    await inbox.next(is('run.created'))
    send({ type: 'positions.watch', runId: 'l', on: true })
    const first = await inbox.next(is('positions', (m) => m.runId === 'l'))
    expect(first).toMatchObject({ kind: 'learned', T: model.blockSize, C: model.nEmbd, step: 0 })
    expect(first.table.length).toBe(model.blockSize * model.nEmbd)
    send({ type: 'train.start', runId: 'l' })
    const later = await inbox.next(is('positions', (m) => m.runId === 'l' && m.step === 5))
    expect(later.table).not.toEqual(first.table) // the table trains
    send({ type: 'run.create', runId: 's', text, model: { ...model, posEncoding: 'sinusoidal' }, train })
    await inbox.next(is('run.created', (m) => m.runId === 's'))
    send({ type: 'positions.watch', runId: 's', on: true })
    const fixed = await inbox.next(is('positions', (m) => m.runId === 's'))
    expect(fixed.kind).toBe('sinusoidal')
    expect(fixed.table).toEqual(sinusoidTable(model.blockSize, model.nEmbd))
  })

  it('sends the attention atlas: every head in order (each equal to its own attention map), rows of 255, scores, and a repeated probe', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    const m3 = { ...model, nLayer: 3, nHead: 2 }
    send({ type: 'run.create', runId: 'a', text, model: m3, train: { ...train, maxIters: 4, evalInterval: 4 } })
    await inbox.next(is('run.created'))
    send({ type: 'atlas.watch', runId: 'a', probe: { kind: 'validation' } })
    const snap = await inbox.next(is('atlas', (m) => m.runId === 'a'))
    expect(snap).toMatchObject({ layers: 3, heads: 2, T: m3.blockSize, step: 0 })
    const T = snap.T
    const tri = (T * (T + 1)) / 2
    expect(snap.weights.length).toBe(6 * tri)
    // each packed head equals that head's own map (a transposed layer/head order would not)
    for (let l = 0; l < 3; l++)
      for (let h = 0; h < 2; h++) {
        send({ type: 'attention.watch', runId: 'a', probe: '', layer: l, head: h })
        const one = await inbox.next(is('attention', (m) => m.layer === l && m.head === h))
        const at = (l * 2 + h) * tri
        for (let i = 0; i < T; i++) {
          let sum = 0
          for (let j = 0; j <= i; j++) {
            const v = snap.weights[at + (i * (i + 1)) / 2 + j]
            sum += v
            expect(Math.abs(v / 255 - one.weights[i * T + j])).toBeLessThanOrEqual(1 / 255 + 1e-6)
          }
          expect(sum).toBe(255)
        }
      }
    expect(snap.scores.length).toBe(6 * 5)
    // after an evaluation: a new snapshot at that step
    send({ type: 'train.start', runId: 'a' })
    await inbox.next(is('atlas', (m) => m.step === 4))
    // the repeated probe: its second half repeats its first, from the text's own tokens
    send({ type: 'atlas.watch', runId: 'a', probe: { kind: 'repeated', seed: 3 } })
    const rep = await inbox.next(is('atlas', (m) => m.period !== undefined))
    const p = rep.period!
    expect(p).toBe(Math.floor(m3.blockSize / 2))
    for (let i = p; i < 2 * p; i++) expect(rep.tokens[i]).toBe(rep.tokens[i - p])
    for (const t of rep.tokens) expect(text).toContain(t)
  })

  it('sends the embedding map (PCA of wte, counts) and a token’s nearest neighbours in the full space', async () => {
    const { send, inbox } = setup()
    send({ type: 'init', backend: 'cpu' })
    await inbox.next(is('ready'))
    send({ type: 'run.create', runId: 'e', text, model, train })
    const created = await inbox.next(is('run.created'))
    send({ type: 'embedding.watch', runId: 'e', on: true })
    const e = await inbox.next(is('embedding'))
    const V = created.model.vocabSize
    expect(e.coords.length).toBe(2 * V)
    expect(e.components.length).toBe(2 * model.nEmbd)
    expect(e.explained[0]).toBeGreaterThanOrEqual(e.explained[1])
    expect(e.explained[0] + e.explained[1]).toBeLessThanOrEqual(1 + 1e-9)
    expect([...e.counts].reduce((a, b) => a + b, 0)).toBe(created.trainTokens)
    send({ type: 'embedding.neighbours', runId: 'e', requestId: 'n', id: 1 })
    const nb = await inbox.next(is('embedding.neighbours.result'))
    expect(nb.neighbours).toHaveLength(5)
    for (let i = 1; i < 5; i++) expect(nb.neighbours[i - 1].cos).toBeGreaterThanOrEqual(nb.neighbours[i].cos)
    expect(nb.neighbours.map((n) => n.id)).not.toContain(1)
  })

  it('coalesces probe requests: of two lens requests waiting for the model, only the newer is served', async () => {
    const { send, inbox } = await withRun('c')
    // a long generation holds the model queue; both requests arrive while it runs
    send({
      type: 'sample.request',
      runId: 'c',
      requestId: 'busy',
      settings: { prompt: 'he', maxNewTokens: 400, temperature: 1, topK: 0, seed: 1 },
    })
    await inbox.next(is('sample.token', (m) => m.requestId === 'busy'))
    send({ type: 'lens.request', runId: 'c', requestId: 'old', probe: 'hello world', position: 3 })
    send({ type: 'lens.request', runId: 'c', requestId: 'new', probe: 'hello world', position: 5 })
    const served = await inbox.next(is('lens.result'))
    expect(served).toMatchObject({ requestId: 'new', position: 5, layers: model.nLayer + 1 })
    send({ type: 'qkv.request', runId: 'c', requestId: 'q', probe: 'hello world', layer: 0, head: 1, query: 4 })
    expect(await inbox.next(is('qkv.result'))).toMatchObject({ requestId: 'q', query: 4, head: 1 })
    expect(inbox.all.filter(is('lens.result')).map((m) => m.requestId)).toEqual(['new'])
  })

  it('ablates each head on the probe batch (zeroed and mean), and generates with heads switched off', async () => {
    const { send, inbox } = await withRun('a')
    send({ type: 'ablation.request', runId: 'a', requestId: 'z', mode: 'zero' })
    const zero = await inbox.next(is('ablation.result', (m) => m.requestId === 'z'))
    expect(zero).toMatchObject({ mode: 'zero', nLayer: model.nLayer, nHead: model.nHead, T: model.blockSize })
    expect(zero.B).toBeGreaterThanOrEqual(2)
    expect(zero.losses).toHaveLength(model.nLayer * model.nHead)
    expect(Number.isFinite(zero.base)).toBe(true)
    for (const l of zero.losses) expect(l).not.toBeCloseTo(zero.base, 6) // every head does something at init
    send({ type: 'ablation.request', runId: 'a', requestId: 'm', mode: 'mean' })
    const mean = await inbox.next(is('ablation.result', (m) => m.requestId === 'm'))
    expect(mean.base).toBe(zero.base) // the same probe batch
    expect(Array.from(mean.losses)).not.toEqual(Array.from(zero.losses))
    send({ type: 'ablation.request', runId: 'a', requestId: 'x', mode: 'half' as 'zero' })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 'x'))).problems[0].message).toMatch(/zero or mean/)
    // with a target head of layer 1: its prefix-matching score intact and with each head off (removing a head of
    // layer 1 leaves layer 1's attention as it was: only layer-0 heads can change it)
    send({ type: 'ablation.request', runId: 'a', requestId: 't', mode: 'zero', target: { layer: 1, head: 0 } })
    const target = (await inbox.next(is('ablation.result', (m) => m.requestId === 't'))).induction!
    expect(target).toMatchObject({ layer: 1, head: 0 })
    expect(target.scores).toHaveLength(model.nLayer * model.nHead)
    for (let h = 0; h < model.nHead; h++) expect(target.scores[model.nHead + h]).toBeCloseTo(target.base, 6)
    expect(Array.from(target.scores.subarray(0, model.nHead)).some((x) => Math.abs(x - target.base) > 1e-7)).toBe(true)
    send({ type: 'ablation.request', runId: 'a', requestId: 'tb', mode: 'zero', target: { layer: 0, head: 0 } })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 'tb'))).problems[0].message).toMatch(
      /cannot be an induction head here: it must be in layer 1/,
    )
    // the same seeded sample with two heads off writes something else; a head the model lacks is refused
    const settings = { prompt: 'he', maxNewTokens: 40, temperature: 1, topK: 0, seed: 3 }
    const textOf = async (requestId: string, offHeads?: [number, number][]) => {
      send({ type: 'sample.request', runId: 'a', requestId, settings: { ...settings, offHeads } })
      await inbox.next(is('sample.done', (m) => m.requestId === requestId))
      return inbox.all
        .filter(is('sample.token', (m) => m.requestId === requestId))
        .map((m) => m.text)
        .join('')
    }
    const all = Array.from({ length: model.nHead }, (_, h) => [0, h] as [number, number])
    expect(await textOf('off', all)).not.toEqual(await textOf('on'))
    send({ type: 'sample.request', runId: 'a', requestId: 'bad', settings: { ...settings, offHeads: [[9, 0]] } })
    expect((await inbox.next(is('invalid', (m) => m.requestId === 'bad'))).problems[0].message).toMatch(
      /No head \[9,0\]/,
    )
  })

  it('patches activations from a clean prompt into a corrupted one, and says what it cannot measure', async () => {
    const { send, inbox } = await withRun('p')
    send({
      type: 'patching.request',
      runId: 'p',
      requestId: 'ok',
      clean: 'hello w',
      corrupted: 'hella w',
      answer: 'o',
      wrong: 'x',
    })
    // "x" is not in this text's vocabulary: refused like any probe, before the model runs
    expect((await inbox.next(is('invalid', (m) => m.requestId === 'ok'))).problems[0].message).toMatch(
      /character the model/,
    )
    send({
      type: 'patching.request',
      runId: 'p',
      requestId: 'go',
      clean: 'hello w',
      corrupted: 'hella w',
      answer: 'o',
      wrong: 'i',
    })
    const r = await inbox.next(is('patching.result', (m) => m.requestId === 'go'))
    expect(r).toMatchObject({ nLayer: model.nLayer, nHead: model.nHead })
    expect(r.tokens.join('')).toBe('hella w')
    expect(r.cleanTokens.join('')).toBe('hello w')
    expect(r.heads).toHaveLength(model.nLayer * model.nHead)
    expect(r.resid).toHaveLength((model.nLayer + 1) * 7)
    // entering the first block, only the differing position (4) carries the difference
    for (let t = 0; t < 7; t++) expect(r.resid[t]).toBeCloseTo(t === 4 ? 1 : 0, 4)
    for (const [requestId, clean, corrupted, answer, wrong, message] of [
      ['len', 'hello w', 'hello', 'o', 'i', /same length in tokens \(the clean one has 7, the corrupted one 5\)/],
      ['one', 'hello', 'hella', 'or', 'i', /one token each/],
      ['same', 'hello', 'hella', 'o', 'o', /different tokens/],
      ['long', 'hello world, hel', 'hello world, hal', 'o', 'i', /longer than the context of 8/],
    ] as const) {
      send({ type: 'patching.request', runId: 'p', requestId, clean, corrupted, answer, wrong })
      expect((await inbox.next(is('invalid', (m) => m.requestId === requestId))).problems[0].message).toMatch(message)
    }
  })
})
