import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { paramCount } from '../shared/config'
import { AdamW } from '../train/adamw'
import { forward64, loss64 } from './reference64'
import { disposeParams, forward, initParams, loss, paramsFromArrays, isDecayed } from './gpt'
import { randomIds, randomParams64, rounded64, tinyConfig, toFloat32 } from '../testing/fixtures'

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor))
  return worst
}

describe('GPT forward', () => {
  it('produces (B·T, V) logits and (B, nh, T, T) attention per layer', () => {
    const cfg = tinyConfig()
    const params = initParams(cfg, 1)
    const out = tf.tidy(() => {
      const { logits, attention } = forward(
        params,
        cfg,
        tf.tensor2d(randomIds(3 * 5, cfg.vocabSize, 2), [3, 5], 'int32'),
        { captureAttention: true },
      )
      return [logits.shape, attention.map((a) => a.shape)]
    })
    expect(out[0]).toEqual([15, cfg.vocabSize])
    expect(out[1]).toEqual([
      [3, 2, 5, 5],
      [3, 2, 5, 5],
    ])
    disposeParams(params)
  })

  it('refuses a sequence longer than the block size, with the numbers in the message', () => {
    const cfg = tinyConfig()
    const params = initParams(cfg, 1)
    expect(() => tf.tidy(() => forward(params, cfg, tf.zeros([1, cfg.blockSize + 1], 'int32') as tf.Tensor2D))).toThrow(
      /length 7, block size is only 6/,
    )
    disposeParams(params)
  })

  it('has exactly the closed-form number of parameters (with and without bias)', () => {
    for (const bias of [true, false]) {
      const cfg = tinyConfig({ bias, vocabSize: 11, nLayer: 3 })
      const params = initParams(cfg, 3)
      const counted = Object.values(params).reduce((n, v) => n + v.size, 0)
      expect(counted).toBe(paramCount(cfg))
      disposeParams(params)
    }
    // nanoGPT's baby config on tiny Shakespeare (V = 65): 0.81M, counted by hand from model.py's layers
    // wte 65·128 + wpe 64·128 + 4 × (ln 256 + c_attn 128·384+384 + c_proj 128·128+128 + ln 256 + c_fc 128·512+512 + c_proj 512·128+128) + ln_f 256
    expect(paramCount({ vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true })).toBe(
      65 * 128 +
        64 * 128 +
        4 * (256 + 128 * 384 + 384 + 128 * 128 + 128 + 256 + 128 * 512 + 512 + 512 * 128 + 128) +
        256,
    )
  })

  it('is causal: changing a future token never changes the logits of earlier positions', async () => {
    const cfg = tinyConfig()
    const params = initParams(cfg, 4)
    const ids = randomIds(cfg.blockSize, cfg.vocabSize, 5)
    for (let changed = 1; changed < cfg.blockSize; changed++) {
      const other = [...ids]
      other[changed] = (other[changed] + 1) % cfg.vocabSize
      const [a, b] = tf.tidy(() =>
        [ids, other].map((s) => forward(params, cfg, tf.tensor2d(s, [1, s.length], 'int32')).logits),
      )
      const [da, db] = [await a.data(), await b.data()]
      tf.dispose([a, b])
      const V = cfg.vocabSize
      for (let i = 0; i < changed * V; i++) expect(db[i]).toBe(da[i]) // positions before `changed`: bit-identical
      let diff = 0
      for (let i = changed * V; i < (changed + 1) * V; i++) diff += Math.abs(db[i] - da[i])
      expect(diff).toBeGreaterThan(0) // and the changed position itself does change
    }
    disposeParams(params)
  })

  it('counts an attention-only model and an untied head in closed form, by hand', () => {
    // 2 layers, C 8, V 11, T 8, biases: per block ln1 16 + c_attn 8·24+24 + c_proj 8·8+8 = 304; lm_head 11·8
    const base = tinyConfig({ vocabSize: 11, nLayer: 2, nEmbd: 8, nHead: 2, blockSize: 8, bias: true })
    expect(paramCount({ ...base, mlp: false })).toBe(11 * 8 + 8 * 8 + 2 * 304 + 16)
    expect(paramCount({ ...base, mlp: false, tiedHead: false })).toBe(11 * 8 + 8 * 8 + 2 * 304 + 16 + 11 * 8)
    expect(paramCount({ ...base, mlp: false, bias: false })).toBe(11 * 8 + 8 * 8 + 2 * (8 + 8 * 24 + 8 * 8) + 8)
    for (const m of [{ mlp: false }, { tiedHead: false }, { mlp: false, tiedHead: false, bias: false }]) {
      const cfg = { ...base, ...m }
      const params = initParams(cfg, 3)
      expect(Object.values(params).reduce((n, v) => n + v.size, 0)).toBe(paramCount(cfg))
      expect(Object.keys(params).some((k) => k.includes('mlp') || k.includes('ln2'))).toBe(cfg.mlp !== false)
      expect('lmHead.weight' in params).toBe(cfg.tiedHead === false)
      disposeParams(params)
    }
  })

  for (const variant of [
    {},
    { mlp: false, tiedHead: false },
    { tiedHead: false },
    { residual: false },
    { norm: 'post' },
  ] as const)
    it(`matches the naive float64 reference: logits and every head of attention${variant.mlp === false ? ' (attention-only, untied head)' : variant.tiedHead === false ? ' (untied head)' : variant.residual === false ? ' (no residual connections)' : variant.norm === 'post' ? ' (post-LN)' : ''}`, async () => {
      const cfg = tinyConfig(variant)
      const p64 = rounded64(randomParams64(cfg, 7))
      const params = paramsFromArrays(cfg, toFloat32(p64))
      const seqs = [randomIds(6, cfg.vocabSize, 8), randomIds(6, cfg.vocabSize, 9)]
      const { logits, attention } = tf.tidy(() =>
        forward(params, cfg, tf.tensor2d(seqs.flat(), [2, 6], 'int32'), { captureAttention: true }),
      )
      const got = await logits.data()
      const atts = await Promise.all(attention.map((a) => a.data()))
      tf.dispose([logits, ...attention])
      seqs.forEach((s, b) => {
        const ref = forward64(p64, cfg, s)
        expect(
          maxRelErr(
            got.subarray(b * 6 * cfg.vocabSize, (b + 1) * 6 * cfg.vocabSize),
            ref.logits.flatMap((r) => [...r]),
          ),
        ).toBeLessThan(1e-4)
        for (let l = 0; l < cfg.nLayer; l++) {
          const refAtt = ref.attention[l].flat(2) // (nh, T, T) for this sequence
          const mine = atts[l].subarray(b * refAtt.length, (b + 1) * refAtt.length)
          for (let i = 0; i < refAtt.length; i++) expect(Math.abs(mine[i] - refAtt[i])).toBeLessThan(1e-5)
        }
      })
      disposeParams(params)
    })

  it('starts at a loss within 0.1 of ln(V) (GPT-2 init predicts nearly uniformly)', async () => {
    const cfg = tinyConfig({ vocabSize: 65, blockSize: 16, nEmbd: 32, nHead: 4 })
    const params = initParams(cfg, 11)
    const l = tf.tidy(() =>
      loss(
        params,
        cfg,
        tf.tensor2d(randomIds(8 * 16, 65, 1), [8, 16], 'int32'),
        tf.tensor2d(randomIds(8 * 16, 65, 2), [8, 16], 'int32'),
      ),
    )
    const v = (await l.data())[0]
    l.dispose()
    expect(Math.abs(v - Math.log(65))).toBeLessThan(0.1)
    disposeParams(params)
  })

  it('initialises as GPT-2 does: std 0.02, residual projections 0.02/√(2·nLayer), LayerNorm 1, biases 0', async () => {
    const cfg = tinyConfig({ nEmbd: 64, nHead: 4, nLayer: 4, vocabSize: 50, blockSize: 32 })
    const params = initParams(cfg, 3)
    const std = async (name: string) => {
      const d = Array.from(await params[name].data())
      const m = d.reduce((a, b) => a + b, 0) / d.length
      return Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length)
    }
    expect(await std('h.0.mlp.cFc.weight')).toBeCloseTo(0.02, 3)
    expect(await std('wte.weight')).toBeCloseTo(0.02, 3)
    expect(await std('h.1.mlp.cProj.weight')).toBeCloseTo(0.02 / Math.sqrt(8), 3)
    expect(await std('h.1.attn.cProj.weight')).toBeCloseTo(0.02 / Math.sqrt(8), 3)
    expect([...(await params['h.2.ln1.weight'].data())].every((x) => x === 1)).toBe(true)
    expect([...(await params['h.2.attn.cAttn.bias'].data())].every((x) => x === 0)).toBe(true)
    disposeParams(params)
  })
})

describe('GPT gradients', () => {
  for (const [weighted, variant] of [
    [false, {}],
    [true, {}],
    [true, { mlp: false, tiedHead: false }],
    [false, { residual: false }],
    [false, { norm: 'post' }],
  ] as const)
    it(`match central finite differences of the float64 reference loss, for every parameter${weighted ? ' (pair mode: only weighted targets count)' : ''}${variant.mlp === false ? ', attention-only with an untied head' : variant.residual === false ? ', no residual connections' : variant.norm === 'post' ? ', post-LN' : ''}`, async () => {
      const cfg = tinyConfig({ blockSize: 4, vocabSize: 5, ...variant })
      const p64 = rounded64(randomParams64(cfg, 21))
      const params = paramsFromArrays(cfg, toFloat32(p64))
      const xs = [randomIds(4, 5, 22), randomIds(4, 5, 23)]
      const ys = [randomIds(4, 5, 24), randomIds(4, 5, 25)]
      const ws = weighted
        ? [
            [0, 1, 1, 0],
            [0, 0, 1, 1],
          ]
        : undefined
      const vars = Object.values(params)
      const weights = ws && { w: tf.tensor2d(ws.flat(), [2, 4]), total: 4 }
      const { value, grads } = tf.variableGrads(
        () =>
          loss(params, cfg, tf.tensor2d(xs.flat(), [2, 4], 'int32'), tf.tensor2d(ys.flat(), [2, 4], 'int32'), {
            weights,
          }),
        vars,
      )
      expect((await value.data())[0]).toBeCloseTo(loss64(p64, cfg, xs, ys, ws), 5)
      if (weighted) expect(loss64(p64, cfg, xs, ys, ws)).not.toBeCloseTo(loss64(p64, cfg, xs, ys), 3) // the weights matter
      const h = 1e-5
      let checked = 0
      for (const [name, p] of Object.entries(params)) {
        const g = await grads[p.name].data()
        const arr = p64[name]
        const fd = new Float64Array(arr.length)
        for (let i = 0; i < arr.length; i++) {
          const keep = arr[i]
          arr[i] = keep + h
          const up = loss64(p64, cfg, xs, ys, ws)
          arr[i] = keep - h
          const down = loss64(p64, cfg, xs, ys, ws)
          arr[i] = keep
          fd[i] = (up - down) / (2 * h)
        }
        let err = 0
        let scale = 0
        for (let i = 0; i < arr.length; i++) {
          err = Math.max(err, Math.abs(g[i] - fd[i]))
          scale = Math.max(scale, Math.abs(fd[i]))
        }
        expect(err, `${name}: max |tfjs − finite difference| ${err} vs max |grad| ${scale}`).toBeLessThan(
          1e-4 * Math.max(scale, 1e-2) + 2e-6,
        )
        checked += arr.length
      }
      expect(checked).toBe(paramCount(cfg))
      tf.dispose([value, ...Object.values(grads)])
      weights?.w.dispose()
      disposeParams(params)
    })
})

describe('pair mode loss', () => {
  it('prompt targets carry zero loss: changing them changes nothing, changing a completion target does', async () => {
    const cfg = tinyConfig({ blockSize: 4, vocabSize: 5 })
    const params = initParams(cfg, 3)
    const x = [1, 2, 3, 4, 0, 1, 2, 3]
    const w = [0, 0, 1, 1, 0, 1, 1, 0]
    const value = async (y: number[]) => {
      const t = tf.tidy(() =>
        loss(params, cfg, tf.tensor2d(x, [2, 4], 'int32'), tf.tensor2d(y, [2, 4], 'int32'), {
          weights: { w: tf.tensor2d(w, [2, 4]), total: 4 },
        }),
      )
      const v = (await t.data())[0]
      t.dispose()
      return v
    }
    const y = [2, 3, 4, 0, 1, 2, 3, 4]
    const base = await value(y)
    expect(await value([4, 4, 4, 0, 3, 2, 3, 1])).toBeCloseTo(base, 6) // only zero-weight targets changed
    expect(Math.abs((await value([2, 3, 0, 0, 1, 2, 3, 4])) - base)).toBeGreaterThan(1e-4) // a weighted one changed
    disposeParams(params)
  })
})

describe('learning', () => {
  it('overfits one sentence and then reproduces it greedily', async () => {
    const sentence = 'the cat sat on the mat.'
    const vocab = [...new Set(sentence)].sort()
    const ids = [...sentence].map((c) => vocab.indexOf(c))
    const T = ids.length - 1
    const cfg = { vocabSize: vocab.length, blockSize: T, nLayer: 2, nHead: 2, nEmbd: 32, dropout: 0, bias: true }
    const params = initParams(cfg, 5)
    const opt = new AdamW(params, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }, (_, s) => isDecayed(s))
    const x = tf.tensor2d(ids.slice(0, T), [1, T], 'int32')
    const y = tf.tensor2d(ids.slice(1), [1, T], 'int32')
    let last = Infinity
    for (let i = 0; i < 150; i++) {
      const l = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => loss(params, cfg, x, y), Object.values(params))
        opt.apply(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, grads[v.name]])), 1e-2)
        return value
      })
      last = (await l.data())[0]
      l.dispose()
    }
    expect(last).toBeLessThan(0.05)
    const out = [ids[0]]
    while (out.length < ids.length) {
      const logits = tf.tidy(
        () => forward(params, cfg, tf.tensor2d(out, [1, out.length], 'int32'), { lastOnly: true }).logits,
      )
      const d = await logits.data()
      logits.dispose()
      out.push(d.indexOf(Math.max(...d)))
    }
    expect(out.map((i) => vocab[i]).join('')).toBe(sentence)
    tf.dispose([x, y])
    opt.dispose()
    disposeParams(params)
  })
})
