// nanoGPT's data files and a tar bundle. Expected pickle bytes are worked out by hand from the opcode table
// in Python's Lib/pickletools.py; the tar archive is unpacked by the system's own tar (GNU tar on Debian).
// `npm run interop` additionally has Python's pickle and numpy read what the app exports.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { metaPkl, pickle, tar, uint16Bin } from './nanogptExport'

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')

describe('nanoGPT data files', () => {
  it('writes token ids as little-endian uint16, and refuses ids that do not fit', () => {
    expect([...uint16Bin([1, 258, 65535])]).toEqual([1, 0, 2, 1, 255, 255])
    expect(() => uint16Bin([65536])).toThrow(/does not fit/)
  })

  it('pickles ints, strings and dicts with protocol-2 opcodes', () => {
    // {'a': 1}: PROTO 2, EMPTY_DICT, MARK, BINUNICODE len 1 'a', BININT1 1, SETITEMS, STOP
    expect(hex(pickle(new Map([['a', 1]])))).toBe('80 02 7d 28 58 01 00 00 00 61 4b 01 75 2e')
    expect(hex(pickle(300))).toBe('80 02 4d 2c 01 2e') // BININT2, little-endian
    expect(hex(pickle(-1))).toBe('80 02 4a ff ff ff ff 2e') // BININT, signed 32-bit
    expect(hex(pickle(70000))).toBe('80 02 4a 70 11 01 00 2e')
    expect(hex(pickle('é'))).toBe('80 02 58 02 00 00 00 c3 a9 2e') // UTF-8 length, not characters
    expect(hex(pickle(new Map()))).toBe('80 02 7d 2e')
    expect(() => pickle(2 ** 31)).toThrow(/32-bit/)
  })

  it('meta.pkl holds vocab_size, itos and stoi', () => {
    const b = metaPkl(['\n', 'a'])
    const text = new TextDecoder().decode(b)
    expect(text).toContain('vocab_size')
    expect(text).toContain('itos')
    expect(text).toContain('stoi')
    expect(b[0]).toBe(0x80)
    expect(b.at(-1)).toBe(0x2e)
  })

  it('writes a tar archive that tar unpacks, file modes included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-'))
    const big = Uint8Array.from({ length: 1500 }, (_, i) => i % 251)
    const archive = tar([
      { path: 'nanogpt/data/names/train.bin', data: big },
      { path: 'nanogpt/README.txt', data: new TextEncoder().encode('héllo\n') },
      { path: 'nanogpt/convert.py', data: new TextEncoder().encode('print(1)\n'), executable: true },
      { path: 'nanogpt/empty', data: new Uint8Array(0) },
    ])
    expect(archive.length % 512).toBe(0)
    const file = join(dir, 'x.tar')
    writeFileSync(file, archive)
    execFileSync('tar', ['-xf', file, '-C', dir])
    expect(new Uint8Array(readFileSync(join(dir, 'nanogpt/data/names/train.bin')))).toEqual(big)
    expect(readFileSync(join(dir, 'nanogpt/README.txt'), 'utf8')).toBe('héllo\n')
    expect(statSync(join(dir, 'nanogpt/convert.py')).mode & 0o777).toBe(0o755)
    expect(readFileSync(join(dir, 'nanogpt/empty')).length).toBe(0)
    expect(() => tar([{ path: '../evil', data: big }])).toThrow(/unsafe path/)
  })
})
