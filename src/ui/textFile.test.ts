import { describe, expect, it } from 'vitest'
import { decodeUtf8 } from './textFile'

describe('decodeUtf8', () => {
  it('accepts UTF-8 with emoji, CJK and combining marks, drops a BOM and normalises line ends', () => {
    const s = 'héllo 👋 床前明月光 e\u0301\r\nnext'
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(s)]), 'a.txt')).toEqual({ text: 'héllo 👋 床前明月光 e\u0301\nnext' })
  })
  it('refuses Latin-1 and other invalid UTF-8', () => {
    expect(decodeUtf8(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'latin1.txt')).toMatchObject({ error: expect.stringContaining('is not valid UTF-8'), code: 'not-utf8', params: { name: 'latin1.txt' } })
  })
  it('refuses binary files', () => {
    expect(decodeUtf8(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), 'x.png')).toMatchObject({ error: expect.stringContaining('binary'), code: 'binary' })
  })
})
