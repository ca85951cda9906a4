import { describe, expect, it } from 'vitest'
import { decodeUtf8, MAX_UPLOAD_BYTES, readTextFile, wholeCharacters } from './textFile'

describe('decodeUtf8', () => {
  it('accepts UTF-8 with emoji, CJK and combining marks, drops a BOM and normalises line ends', () => {
    const s = 'héllo 👋 床前明月光 e\u0301\r\nnext'
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(s)]), 'a.txt')).toEqual({
      text: 'héllo 👋 床前明月光 e\u0301\nnext',
    })
  })
  it('refuses Latin-1 and other invalid UTF-8', () => {
    expect(decodeUtf8(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'latin1.txt')).toMatchObject({
      error: expect.stringContaining('is not valid UTF-8'),
      code: 'not-utf8',
      params: { name: 'latin1.txt' },
    })
  })
  it('refuses binary files', () => {
    expect(decodeUtf8(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), 'x.png')).toMatchObject({
      error: expect.stringContaining('binary'),
      code: 'binary',
    })
  })
})

describe('a file over the upload limit', () => {
  it('is read up to the limit, cut at a whole character, and says how large it was', async () => {
    // Node has File: a text of 3-byte characters whose limit falls inside one of them
    const big = '床'.repeat(Math.ceil(MAX_UPLOAD_BYTES / 3) + 10)
    const file = new File([big], 'big.txt')
    expect(file.size).toBeGreaterThan(MAX_UPLOAD_BYTES)
    const read = (await readTextFile(file)) as { text: string; cutFrom?: number }
    expect(read.cutFrom).toBe(file.size)
    expect(read.text.length).toBe(Math.floor(MAX_UPLOAD_BYTES / 3)) // whole characters only, none replaced
    expect(read.text).toMatch(/^床+$/)
  })

  it('wholeCharacters leaves out a sequence cut short, of any length, and nothing else', () => {
    const enc = (s: string) => new TextEncoder().encode(s)
    for (const c of ['a', 'é', '床', '👋']) {
      const whole = enc(`xy${c}`)
      expect(wholeCharacters(whole), c).toBe(whole.length)
      for (let cut = 1; cut < enc(c).length; cut++)
        expect(wholeCharacters(whole.subarray(0, whole.length - cut)), `${c} − ${cut}`).toBe(2)
    }
  })
})
