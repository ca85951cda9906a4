// The safetensors format (huggingface/safetensors): 8 bytes of little-endian header length N, N bytes of
// UTF-8 JSON — {"__metadata__": {string: string}, name: {dtype, shape, data_offsets: [begin, end]}} — then
// the tensors' bytes, little-endian, each at [begin, end) of the data that follows the header.
//
// Reading treats every file as hostile: the header length is bounded, the header must be valid UTF-8 and a
// JSON object (kept in a Map, so a tensor called "__proto__" is just a name), dtypes come from an allow-list,
// shapes and offsets are checked with overflow-safe arithmetic, every range must lie inside the data, ranges
// may not overlap and together must cover the data without holes (as the format requires). Every violation is
// a SafetensorsError whose message says what is wrong, in words. Plain TypeScript: no tfjs.

import { CodedError } from '../shared/codedError'
import type { ModelFileProblemCode } from '../shared/problems'

export class SafetensorsError<C extends ModelFileProblemCode = ModelFileProblemCode> extends CodedError<C> {
  override name = 'SafetensorsError'
}

/** What can be read: float tensors, converted to float32. */
export const READABLE_DTYPES = { F32: 4, F16: 2, BF16: 2, F64: 8 } as const
export type DType = keyof typeof READABLE_DTYPES

/** The reference implementation's own limit on the header. */
export const MAX_HEADER_BYTES = 100_000_000
const MAX_RANK = 8

export interface TensorInfo {
  dtype: DType
  shape: number[]
  begin: number // offsets into the data after the header
  end: number
}

export interface SafetensorsFile {
  metadata: Map<string, string>
  tensors: Map<string, TensorInfo>
  /** The tensor's values as float32 (a copy). */
  read(name: string): Float32Array
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function describeBytes(n: number | bigint): string {
  return `${n.toLocaleString('en')} byte${n === 1 || n === 1n ? '' : 's'}`
}

/** Parses the header and checks it against the file; tensor data is decoded on demand by `read`. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8)
    throw new SafetensorsError(
      `The file is too short to be a safetensors file: ${describeBytes(bytes.length)}, and the header length alone takes 8.`,
      'st-short',
      { bytes: bytes.length },
    )
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const claimed = view.getBigUint64(0, true)
  if (claimed > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsError(
      `The header claims ${describeBytes(claimed)}, over the ${describeBytes(MAX_HEADER_BYTES)} limit: this is not a safetensors file, or it is damaged.`,
      'st-header-huge',
      { claimed: claimed.toString(), limit: MAX_HEADER_BYTES },
    )
  const headerLength = Number(claimed)
  if (headerLength > bytes.length - 8)
    throw new SafetensorsError(
      `The header claims ${describeBytes(headerLength)} but only ${describeBytes(bytes.length - 8)} follow: the file is truncated or not a safetensors file.`,
      'st-header-truncated',
      { claimed: headerLength, available: bytes.length - 8 },
    )
  if (headerLength < 2)
    throw new SafetensorsError('The header is empty: this is not a safetensors file.', 'st-header-empty')

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))
  } catch {
    throw new SafetensorsError(
      'The header is not valid UTF-8: this is not a safetensors file, or it is damaged.',
      'st-header-utf8',
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new SafetensorsError(`The header is not valid JSON (${(e as Error).message}).`, 'st-header-json', {
      detail: (e as Error).message,
    })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SafetensorsError('The header must be a JSON object of tensors.', 'st-header-object')
  // JSON.parse makes every key an own data property, "__proto__" included; a Map keeps them as plain names.
  const entries = new Map<string, unknown>(Object.entries(parsed))

  const dataStart = 8 + headerLength
  const dataLength = bytes.length - dataStart
  const metadata = new Map<string, string>()
  const rawMeta = entries.get('__metadata__')
  entries.delete('__metadata__')
  if (rawMeta !== undefined) {
    if (typeof rawMeta !== 'object' || rawMeta === null || Array.isArray(rawMeta))
      throw new SafetensorsError('__metadata__ must be an object of strings.', 'st-meta-object')
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== 'string')
        throw new SafetensorsError(
          `__metadata__ must map names to strings; "${k}" is ${v === null ? 'null' : typeof v}.`,
          'st-meta-string',
          { key: k },
        )
      metadata.set(k, v)
    }
  }

  const tensors = new Map<string, TensorInfo>()
  for (const [name, raw] of entries) {
    const label = `Tensor “${name}”`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new SafetensorsError(`${label} is not described by an object.`, 'st-tensor-object', { name })
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>
    const extra = Object.keys(raw).filter((k) => !['dtype', 'shape', 'data_offsets'].includes(k))
    if (extra.length)
      throw new SafetensorsError(`${label} has unknown fields: ${extra.join(', ')}.`, 'st-tensor-fields', {
        name,
        fields: extra.join(', '),
      })
    if (typeof dtype !== 'string' || !Object.hasOwn(READABLE_DTYPES, dtype)) {
      throw new SafetensorsError(
        `${label} has dtype ${JSON.stringify(dtype)}; only ${Object.keys(READABLE_DTYPES).join(', ')} weights can be read.`,
        'st-dtype',
        { name, dtype: JSON.stringify(dtype) ?? 'undefined', allowed: Object.keys(READABLE_DTYPES).join(', ') },
      )
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(
        `${label} has an invalid shape ${JSON.stringify(shape)}: it must be a list of at most ${MAX_RANK} whole numbers, none negative.`,
        'st-shape',
        { name, shape: JSON.stringify(shape) ?? 'undefined', rank: MAX_RANK },
      )
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new SafetensorsError(
        `${label} has invalid data_offsets ${JSON.stringify(offsets)}: they must be two whole numbers [begin, end].`,
        'st-offsets',
        { name, offsets: JSON.stringify(offsets) ?? 'undefined' },
      )
    }
    const [begin, end] = offsets as number[]
    if (begin > end || end > dataLength)
      throw new SafetensorsError(
        `${label}'s data [${begin}, ${end}) lies outside the ${describeBytes(dataLength)} of data in the file.`,
        'st-range',
        { name, begin, end, bytes: dataLength },
      )
    // Element count with overflow-safe arithmetic: stop as soon as it could not fit in the data.
    const itemSize = READABLE_DTYPES[dtype as DType]
    let elements = 1
    for (const d of shape as number[]) {
      elements *= d
      if (elements * itemSize > dataLength)
        throw new SafetensorsError(
          `${label}'s shape [${(shape as number[]).join(', ')}] has more elements than the file could hold.`,
          'st-elements',
          { name, shape: (shape as number[]).join(', ') },
        )
    }
    if (elements * itemSize !== end - begin) {
      throw new SafetensorsError(
        `${label}'s shape [${(shape as number[]).join(', ')}] needs ${describeBytes(elements * itemSize)} of ${dtype}, but its data range holds ${describeBytes(end - begin)}.`,
        'st-size',
        { name, shape: (shape as number[]).join(', '), need: elements * itemSize, dtype, have: end - begin },
      )
    }
    tensors.set(name, { dtype: dtype as DType, shape: shape as number[], begin, end })
  }

  const byStart = [...tensors.entries()].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end)
  for (let i = 1; i < byStart.length; i++) {
    if (byStart[i][1].begin < byStart[i - 1][1].end)
      throw new SafetensorsError(
        `Tensors “${byStart[i - 1][0]}” and “${byStart[i][0]}” overlap in the file.`,
        'st-overlap',
        { a: byStart[i - 1][0], b: byStart[i][0] },
      )
  }
  let covered = 0
  for (const [name, t] of byStart) {
    if (t.begin > covered)
      throw new SafetensorsError(
        `The file has ${describeBytes(t.begin - covered)} that no tensor uses, before “${name}”.`,
        'st-hole',
        { bytes: t.begin - covered, name },
      )
    covered = t.end
  }
  if (covered !== dataLength)
    throw new SafetensorsError(
      `The file has ${describeBytes(dataLength - covered)} after the last tensor that no tensor uses.`,
      'st-tail',
      { bytes: dataLength - covered },
    )

  return {
    metadata,
    tensors,
    read(name) {
      const t = tensors.get(name)
      if (!t) throw new SafetensorsError(`No tensor “${name}” in the file.`, 'st-no-tensor', { name })
      return decode(bytes.subarray(dataStart + t.begin, dataStart + t.end), t.dtype)
    },
  }
}

function decode(raw: Uint8Array, dtype: DType): Float32Array {
  const copy = raw.slice() // aligned, and ours
  const view = new DataView(copy.buffer)
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN) return new Float32Array(copy.buffer)
      return Float32Array.from({ length: copy.length / 4 }, (_, i) => view.getFloat32(4 * i, true))
    case 'F64':
      return Float32Array.from({ length: copy.length / 8 }, (_, i) => view.getFloat64(8 * i, true))
    case 'BF16': {
      const out = new Float32Array(copy.length / 2)
      const bits = new Uint32Array(out.buffer)
      for (let i = 0; i < out.length; i++) bits[i] = view.getUint16(2 * i, true) << 16
      return out
    }
    case 'F16': {
      const out = new Float32Array(copy.length / 2)
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(2 * i, true))
      return out
    }
  }
}

/** IEEE 754 half precision to a number: sign, 5 exponent bits (bias 15), 10 fraction bits. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const fraction = h & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24 // subnormal (or zero)
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

/**
 * A number to IEEE 754 half precision bits, rounded to the nearest (ties to even), as numpy's float16 and
 * torch.half do: beyond 65504 it is infinity, below 2^-24 (half the smallest subnormal, ties to even) zero.
 */
export function floatToHalf(x: number): number {
  const f32 = new Float32Array([x])
  const bits = new Uint32Array(f32.buffer)[0]
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0) // infinity, or a quiet NaN
  const e = exponent - 127 + 15 // the exponent rebiased for half precision
  if (e >= 0x1f) return sign | 0x7c00 // too large: infinity
  if (e <= 0) {
    // a subnormal half (or zero): the implicit leading 1 joins the mantissa, shifted right by 1 − e more
    if (e < -10) return sign
    const m = mantissa | 0x800000
    const shift = 14 - e
    const half = m >>> shift
    const rest = m & ((1 << shift) - 1)
    const midpoint = 1 << (shift - 1)
    return sign | (rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half)
  }
  const half = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // rounding up may carry into the exponent (and up to infinity), which is what the bits should do
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half)
}

export interface TensorToWrite {
  name: string
  shape: number[]
  data: Float32Array
  /** How the values are stored: float32 (the default), or half precision (rounded to nearest, ties to even). */
  dtype?: 'F32' | 'F16'
}

/**
 * A safetensors file of float32 (or half precision) tensors in the given order, with string metadata. The
 * header is padded with spaces to a multiple of 8 bytes, as the reference writer does, so the data starts aligned.
 */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length) header.__metadata__ = metadata
  let offset = 0
  for (const t of tensors) {
    const elements = t.shape.reduce((a, b) => a * b, 1)
    if (elements !== t.data.length)
      throw new Error(`tensor ${t.name}: shape [${t.shape.join(', ')}] does not match ${t.data.length} values`)
    if (Object.hasOwn(header, t.name)) throw new Error(`tensor ${t.name} is written twice`)
    const dtype = t.dtype ?? 'F32'
    const size = READABLE_DTYPES[dtype] * elements
    Object.defineProperty(header, t.name, {
      value: { dtype, shape: t.shape, data_offsets: [offset, offset + size] },
      enumerable: true,
    })
    offset += size
  }
  let json = new TextEncoder().encode(JSON.stringify(header))
  const padded = Math.ceil(json.length / 8) * 8
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length))
  const out = new Uint8Array(8 + json.length + offset)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(json.length), true)
  out.set(json, 8)
  let at = 8 + json.length
  for (const t of tensors) {
    if (t.dtype === 'F16') {
      t.data.forEach((v, i) => view.setUint16(at + 2 * i, floatToHalf(v), true))
      at += 2 * t.data.length
      continue
    }
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at)
    else t.data.forEach((v, i) => view.setFloat32(at + 4 * i, v, true))
    at += t.data.byteLength
  }
  return out
}
