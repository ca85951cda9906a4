// The training data as nanoGPT's data/<dataset>/ folder expects it (prepare.py's output): train.bin and
// val.bin are the token ids as little-endian uint16, the first 90% of the text and the last 10%; meta.pkl is a
// pickled dict {'vocab_size': V, 'itos': {id: char}, 'stoi': {char: id}} that train.py and sample.py read.
// Also a minimal tar writer (POSIX ustar) to hand several files over as one download. Plain TypeScript.

/** Token ids as nanoGPT's .bin files: uint16, little-endian. */
export function uint16Bin(tokens: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(tokens.length * 2)
  const view = new DataView(out.buffer)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (!(Number.isInteger(t) && t >= 0 && t < 65536))
      throw new Error(`token id ${t} does not fit nanoGPT's uint16 .bin files`)
    view.setUint16(2 * i, t, true)
  }
  return out
}

type PickleValue = number | string | Map<PickleValue, PickleValue>

/**
 * Pickle (protocol 2) of ints, strings and dicts — all meta.pkl needs. Opcodes (Python's pickletools):
 * PROTO 0x80 2, EMPTY_DICT '}', MARK '(', SETITEMS 'u', BININT1 'K', BININT2 'M', BININT 'J',
 * BINUNICODE 'X' (uint32 length, UTF-8), STOP '.'.
 */
export function pickle(value: PickleValue): Uint8Array {
  const out: number[] = [0x80, 2]
  const u32 = (n: number) => out.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff)
  const write = (v: PickleValue) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
        throw new Error(`pickle: ${v} is not a 32-bit integer`)
      if (v >= 0 && v < 256) out.push(0x4b, v)
      else if (v >= 0 && v < 65536) out.push(0x4d, v & 0xff, v >>> 8)
      else {
        out.push(0x4a)
        u32(v >>> 0)
      }
    } else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v)
      out.push(0x58)
      u32(bytes.length)
      for (const b of bytes) out.push(b)
    } else {
      out.push(0x7d) // EMPTY_DICT
      if (v.size === 0) return
      out.push(0x28) // MARK
      for (const [k, x] of v) {
        write(k)
        write(x)
      }
      out.push(0x75) // SETITEMS
    }
  }
  write(value)
  out.push(0x2e) // STOP
  return Uint8Array.from(out)
}

/**
 * nanoGPT's meta.pkl: vocab_size, itos (id → text) and stoi. With `tokenizer` (a JSON string), also
 * 'playground_tokenizer', so ckpt_to_playground.py can bring a BPE model back with its merges (nanoGPT itself
 * reads only vocab_size, itos and stoi).
 */
export function metaPkl(vocab: readonly string[], tokenizer?: string): Uint8Array {
  const entries: [PickleValue, PickleValue][] = [
    ['vocab_size', vocab.length],
    ['itos', new Map(vocab.map((c, i) => [i, c]))],
    ['stoi', new Map(vocab.map((c, i) => [c, i]))],
  ]
  if (tokenizer) entries.push(['playground_tokenizer', tokenizer])
  return pickle(new Map<PickleValue, PickleValue>(entries))
}

export interface TarFile {
  path: string // relative, '/'-separated, at most 100 bytes (no prefix field is used)
  data: Uint8Array
  executable?: boolean
}

/**
 * A POSIX ustar archive: a 512-byte header per file (octal fields, checksum over the header with the checksum
 * field read as spaces), the data padded to 512 bytes, and two zero blocks at the end. `tar -xf` unpacks it.
 */
export function tar(files: readonly TarFile[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const blocks = files.reduce((n, f) => n + 1 + Math.ceil(f.data.length / 512), 2)
  const out = new Uint8Array(blocks * 512)
  const enc = new TextEncoder()
  let at = 0
  const field = (h: Uint8Array, offset: number, length: number, text: string) => {
    const bytes = enc.encode(text)
    if (bytes.length > length) throw new Error(`tar: "${text}" does not fit in ${length} bytes`)
    h.set(bytes, offset)
  }
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') // NUL-terminated
  for (const f of files) {
    if (!f.path || f.path.startsWith('/') || f.path.split('/').includes('..'))
      throw new Error(`tar: unsafe path ${f.path}`)
    const h = out.subarray(at, at + 512)
    field(h, 0, 100, f.path)
    field(h, 100, 8, octal(f.executable ? 0o755 : 0o644, 8))
    field(h, 108, 8, octal(0, 8))
    field(h, 116, 8, octal(0, 8))
    field(h, 124, 12, octal(f.data.length, 12))
    field(h, 136, 12, octal(mtime, 12))
    field(h, 148, 8, '        ') // checksum, as spaces while summing
    field(h, 156, 1, '0') // a regular file
    field(h, 257, 6, 'ustar')
    field(h, 263, 2, '00')
    const sum = h.reduce((a, b) => a + b, 0)
    field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
    out.set(f.data, at + 512)
    at += 512 * (1 + Math.ceil(f.data.length / 512))
  }
  return out
}
