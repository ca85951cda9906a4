// safetensors in nanoGPT's layout: a bit-exact round trip, half-precision decoding against hand-worked values,
// and a table of hostile files, each refused with its own message.
import { describe, expect, it } from 'vitest'
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, nanoGptName, type Checkpoint } from './checkpoint'
import { halfToFloat, readSafetensors, writeSafetensors } from './safetensors'
import { paramShapes } from './gpt'
import type { ModelConfig } from '../shared/config'
import { mulberry32 } from '../util/random'

const cfg: ModelConfig = { vocabSize: 6, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 4, dropout: 0, bias: true }
const vocab = ['\n', 'a', 'é', '中', '🙂', 'z']

function checkpoint(model: ModelConfig = cfg, seed = 1): Checkpoint {
  const rand = mulberry32(seed)
  const weights: Record<string, Float32Array> = {}
  for (const [path, shape] of paramShapes(model))
    weights[path] = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1)
  return { model, tokenizer: { kind: 'char', vocab: vocab.slice(0, model.vocabSize) }, weights }
}

/** A file from a header (object, or raw text) and data bytes; the length field can be forced. */
function craft(header: object | string, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header))
  const bytes = typeof data === 'number' ? new Uint8Array(data) : data
  const out = new Uint8Array(8 + json.length + bytes.length)
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true)
  out.set(json, 8)
  out.set(bytes, 8 + json.length)
  return out
}

/** Edits the header of a valid checkpoint file and writes it back with the same data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the header as loose JSON, to damage it
function editHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void, data?: Uint8Array): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))
  edit(header)
  return craft(header, data ?? bytes.subarray(8 + n))
}

/** A valid file rewritten with only the tensors `keep` keeps. */
function rewrite(bytes: Uint8Array, keep: (name: string) => boolean): Uint8Array {
  const file = readSafetensors(bytes)
  const tensors = [...file.tensors]
    .filter(([name]) => keep(name))
    .map(([name, t]) => ({ name, shape: t.shape, data: file.read(name) }))
  return writeSafetensors(tensors, Object.fromEntries(file.metadata))
}

describe('checkpoint round trip', () => {
  for (const bias of [true, false]) {
    it(`writes nanoGPT names and PyTorch layouts and reads back bit-exact (bias ${bias})`, () => {
      const c = { ...checkpoint({ ...cfg, bias }), train: undefined, step: 42 }
      const bytes = encodeCheckpoint(c)
      const file = readSafetensors(bytes)
      // the names nanoGPT's state_dict has, plus lm_head.weight
      const names = [...file.tensors.keys()].sort()
      expect(names).toEqual([...paramShapes(c.model).map(([p]) => nanoGptName(p)), 'lm_head.weight'].sort())
      expect(names).toContain('transformer.h.1.mlp.c_proj.weight')
      expect(file.tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([12, 4]) // [3C, C]: [out, in]
      expect(file.tensors.get('transformer.h.0.mlp.c_proj.weight')!.shape).toEqual([4, 16]) // [C, 4C]
      // a Linear weight is the transpose: PyTorch's [o][i] is our [i][o]
      const ours = c.weights['h.0.mlp.cFc.weight'] // (C, 4C)
      const theirs = file.read('transformer.h.0.mlp.c_fc.weight') // (4C, C)
      expect(theirs[2 * 4 + 3]).toBe(ours[3 * 16 + 2])
      expect(file.read('lm_head.weight')).toEqual(c.weights['wte.weight'])
      expect(file.metadata.get('n_head')).toBe('2')
      expect(file.metadata.get('bias')).toBe(bias ? 'True' : 'False')
      const back = decodeCheckpoint(bytes)
      expect(back.model).toEqual(c.model)
      expect(back.tokenizer).toEqual(c.tokenizer)
      expect(back.step).toBe(42)
      for (const [path] of paramShapes(c.model))
        expect(new Uint32Array(back.weights[path].buffer)).toEqual(new Uint32Array(c.weights[path].buffer))
    })
  }

  it('keeps a model without the causal mask as one (and a masked model says nothing, as nanoGPT expects)', () => {
    const twin = checkpoint({ ...cfg, causal: false })
    const bytes = encodeCheckpoint(twin)
    expect(readSafetensors(bytes).metadata.get('causal')).toBe('False')
    expect(decodeCheckpoint(bytes).model.causal).toBe(false)
    expect(readSafetensors(encodeCheckpoint(checkpoint())).metadata.has('causal')).toBe(false)
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint())).model.causal).toBeUndefined()
    const odd = readSafetensors(bytes)
    const meta = Object.fromEntries(odd.metadata)
    const bad = writeSafetensors(
      [...odd.tensors].map(([name, t]) => ({ name, shape: t.shape, data: odd.read(name) })),
      { ...meta, causal: 'sometimes' },
    )
    expect(() => decodeCheckpoint(bad)).toThrow(/causal is "sometimes"/)
  })

  it('keeps an attention-only model with an untied head: no MLP tensors, lm_head its own, read back bit-exact', () => {
    const c = checkpoint({ ...cfg, mlp: false, tiedHead: false }, 5)
    const bytes = encodeCheckpoint(c)
    const file = readSafetensors(bytes)
    const names = [...file.tensors.keys()]
    expect(names.some((n) => /mlp|ln_2/.test(n))).toBe(false)
    expect(file.read('lm_head.weight')).toEqual(c.weights['lmHead.weight'])
    expect(file.read('lm_head.weight')).not.toEqual(c.weights['wte.weight'])
    expect(file.metadata.get('mlp')).toBe('False')
    expect(file.metadata.get('tied_head')).toBe('False')
    const back = decodeCheckpoint(bytes)
    expect(back.model).toEqual(c.model)
    for (const [path] of paramShapes(c.model)) expect(back.weights[path]).toEqual(c.weights[path])
    // a file from elsewhere, without the metadata: read from its tensors (no MLP; an lm_head that is not wte)
    const meta = Object.fromEntries(file.metadata)
    delete meta.mlp
    delete meta.tied_head
    const bare = writeSafetensors(
      names.map((name) => ({ name, shape: file.tensors.get(name)!.shape, data: file.read(name) })),
      meta,
    )
    expect(decodeCheckpoint(bare).model).toEqual(c.model)
    // the default model says neither
    const plain = readSafetensors(encodeCheckpoint(checkpoint()))
    expect(plain.metadata.has('mlp') || plain.metadata.has('tied_head') || plain.metadata.has('residual')).toBe(false)
    // the twin without residual connections keeps its flag (the weights cannot tell)
    const twin = encodeCheckpoint(checkpoint({ ...cfg, residual: false }))
    expect(readSafetensors(twin).metadata.get('residual')).toBe('False')
    expect(decodeCheckpoint(twin).model.residual).toBe(false)
    const post = encodeCheckpoint(checkpoint({ ...cfg, norm: 'post' }))
    expect(readSafetensors(post).metadata.get('norm')).toBe('post')
    expect(decodeCheckpoint(post).model.norm).toBe('post')
  })

  it('keeps a training configuration, and the header is padded so the data starts on 8 bytes', () => {
    const train = {
      batchSize: 8,
      maxIters: 500,
      learningRate: 3e-3,
      minLr: 3e-4,
      warmupIters: 10,
      weightDecay: 0.1,
      beta1: 0.9,
      beta2: 0.99,
      gradClip: 1,
      evalInterval: 25,
      evalIters: 4,
      seed: 7,
    }
    const bytes = encodeCheckpoint({ ...checkpoint(), train })
    expect(decodeCheckpoint(bytes).train).toEqual(train)
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0)
  })

  it('ignores nanoGPT’s causal-mask buffers and reads F16, BF16 and F64 tensors', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555].map(halfToFloat)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      -0,
      Infinity,
      0.333251953125,
    ])
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer)
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc0a0]).buffer) // 1, −5
    const f64 = new Uint8Array(new Float64Array([0.1]).buffer)
    const data = new Uint8Array([...f16, ...bf16, ...f64])
    const file = readSafetensors(
      craft(
        {
          a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
          c: { dtype: 'F64', shape: [1], data_offsets: [8, 16] },
        },
        data,
      ),
    )
    expect(file.read('a')).toEqual(Float32Array.from([1, -2]))
    expect(file.read('b')).toEqual(Float32Array.from([1, -5]))
    expect(file.read('c')).toEqual(Float32Array.from([0.1]))
    // a mask buffer of the right shape is accepted and skipped
    const good = encodeCheckpoint(checkpoint())
    const T = cfg.blockSize
    const n = Number(new DataView(good.buffer).getBigUint64(0, true))
    const oldData = good.subarray(8 + n)
    const mask = new Uint8Array(4 * T * T)
    const withMask = editHeader(
      good,
      (h) =>
        (h['transformer.h.0.attn.bias'] = {
          dtype: 'F32',
          shape: [1, 1, T, T],
          data_offsets: [oldData.length, oldData.length + mask.length],
        }),
      new Uint8Array([...oldData, ...mask]),
    )
    expect(decodeCheckpoint(withMask).model).toEqual(cfg)
  })

  it('writes what it is given, and refuses to write nonsense', () => {
    expect(() => writeSafetensors([{ name: 'x', shape: [3], data: new Float32Array(2) }])).toThrow(/does not match/)
    expect(() =>
      writeSafetensors([
        { name: 'x', shape: [1], data: new Float32Array(1) },
        { name: 'x', shape: [1], data: new Float32Array(1) },
      ]),
    ).toThrow(/twice/)
  })
})

describe('hostile files are refused, each with its own message', () => {
  const good = encodeCheckpoint(checkpoint())
  const n = Number(new DataView(good.buffer).getBigUint64(0, true))
  const data = good.subarray(8 + n)
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /too short to be a safetensors file: 0 bytes/],
    ['truncated in the data', () => good.subarray(0, good.length - 10), /lies outside the [\d,]+ bytes of data/],
    ['truncated in the header', () => good.subarray(0, 40), /claims [\d,]+ bytes but only 32 bytes follow/],
    [
      'header length 2^63',
      () => craft('{}', 0, 2n ** 63n),
      /claims 9,223,372,036,854,775,808 bytes, over the 100,000,000 bytes limit/,
    ],
    ['header longer than the file', () => craft('{}', 0, 1000n), /claims 1,000 bytes but only 2 bytes follow/],
    ['header not UTF-8', () => craft('{"ab": 1}').map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['header not JSON', () => craft('{"a": ', 0), /not valid JSON/],
    ['header a JSON array', () => craft('[1, 2]', 0), /must be a JSON object/],
    ['metadata not strings', () => editHeader(good, (h) => (h.__metadata__.n_head = 2)), /"n_head" is number/],
    [
      'wrong dtype',
      () => editHeader(good, (h) => (h['transformer.wpe.weight'].dtype = 'I64')),
      /dtype "I64"; only F32, F16, BF16, F64/,
    ],
    [
      'negative shape',
      () => editHeader(good, (h) => (h['transformer.wpe.weight'].shape = [-4, 4])),
      /invalid shape \[-4,4\]/,
    ],
    [
      'shape overflow',
      () => editHeader(good, (h) => (h['transformer.wpe.weight'].shape = [2 ** 40, 2 ** 40])),
      /more elements than the file could hold/,
    ],
    [
      'shape not matching its range',
      () => editHeader(good, (h) => (h['transformer.wpe.weight'].shape = [4, 3])),
      /needs 48 bytes of F32, but its data range holds 64 bytes/,
    ],
    [
      'offsets not numbers',
      () => editHeader(good, (h) => (h['transformer.wpe.weight'].data_offsets = ['0', 64])),
      /invalid data_offsets/,
    ],
    [
      'overlapping ranges',
      () =>
        editHeader(good, (h) => {
          const [b] = h['transformer.wpe.weight'].data_offsets
          h['transformer.wte.weight'].data_offsets = [b, b + 96]
        }),
      /overlap in the file/,
    ],
    [
      'bytes no tensor uses',
      () => editHeader(good, () => {}, new Uint8Array([...data, 0, 0, 0, 0])),
      /4 bytes after the last tensor that no tensor uses/,
    ],
    [
      'missing tensor',
      () => rewrite(good, (name) => name !== 'transformer.ln_f.bias'),
      /lacks “transformer.ln_f.bias”, which a model with 2 layers, 4 wide, context 4, 6 tokens needs/,
    ],
    [
      'extra tensor',
      () =>
        editHeader(
          good,
          (h) =>
            (h['transformer.h.0.attn.extra'] = { dtype: 'F32', shape: [0], data_offsets: [data.length, data.length] }),
        ),
      /a tensor this model does not: “transformer.h.0.attn.extra”/,
    ],
    [
      'a tensor called __proto__',
      () =>
        editHeader(good, (h) =>
          Object.defineProperty(h, '__proto__', {
            value: { dtype: 'F32', shape: [0], data_offsets: [data.length, data.length] },
            enumerable: true,
          }),
        ),
      /a tensor this model does not: “__proto__”/,
    ],
    ['no n_head', () => editHeader(good, (h) => delete h.__metadata__.n_head), /how many attention heads/],
    ['no tokenizer', () => editHeader(good, (h) => delete h.__metadata__.tokenizer), /no tokenizer in its metadata/],
    [
      'tokenizer of the wrong size',
      () => editHeader(good, (h) => (h.__metadata__.tokenizer = JSON.stringify({ kind: 'char', vocab: ['a'] }))),
      /1 tokens but the embedding has 6 rows/,
    ],
    [
      'heads not dividing the width',
      () => editHeader(good, (h) => (h.__metadata__.n_head = '3')),
      /not divisible by 3 heads/,
    ],
    [
      'a config the shapes contradict',
      () => editHeader(good, (h) => (h.__metadata__.block_size = '8')),
      /“transformer.wpe.weight” has shape \[4, 4\]; a model with .* context 8, .* needs \[8, 4\]/,
    ],
    [
      'not a GPT',
      () => craft({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4),
      /not a GPT in nanoGPT’s layout/,
    ],
    [
      'a head said to be tied that is not',
      () => {
        const c = checkpoint()
        const bytes = editHeader(encodeCheckpoint(c), (h) => (h.__metadata__.tied_head = 'True'))
        const out = bytes.slice()
        out[out.length - 1] ^= 0x01 // lm_head.weight is written last: change its last value
        return out
      },
      /lm_head.weight differs from the token embedding, yet the file says/,
    ],
    [
      'an attention-only flag that is not True or False',
      () => editHeader(encodeCheckpoint(checkpoint()), (h) => (h.__metadata__.mlp = 'maybe')),
      /mlp is "maybe"; expected True or False/,
    ],
    [
      'NaN weights',
      () => {
        const c = checkpoint()
        c.weights['lnF.weight'][1] = Number.NaN
        return encodeCheckpoint(c)
      },
      /“transformer.ln_f.weight” holds NaN or infinite values/,
    ],
  ]
  for (const [what, make, message] of cases) {
    it(what, () => {
      expect(() => decodeCheckpoint(make())).toThrow(message)
      // and with a code, so the page can say it in another language (i18n.test.ts checks the catalogue has it)
      let error: unknown
      try {
        decodeCheckpoint(make())
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(CheckpointError)
      expect((error as CheckpointError).code).toMatch(/^(st|ck)-[a-z0-9-]+$/)
    })
  }

  it('a __proto__ tensor name pollutes nothing', () => {
    const bytes = craft('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', 4)
    const file = readSafetensors(bytes)
    expect([...file.tensors.keys()]).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).dtype).toBeUndefined()
  })
})
