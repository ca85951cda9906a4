// Reading a user's file as text: UTF-8 only, refused with a reason otherwise. Plain DOM, no tfjs.

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

/** Why a file was refused: the English words, and a code with parameters for the page's other language. */
export type FileRefusal = {
  error: string
  code: 'empty' | 'binary' | 'not-utf8'
  params: Record<string, string | number>
}

/**
 * A file's text. One larger than MAX_UPLOAD_BYTES is read only up to that size (at a whole character) and
 * comes back with `cutFrom`, its full size: the page offers that start of it, never takes it unasked.
 */
export async function readTextFile(file: File): Promise<{ text: string; cutFrom?: number } | FileRefusal> {
  if (file.size === 0)
    return {
      error: `“${file.name}” is empty. The current text is unchanged.`,
      code: 'empty',
      params: { name: file.name },
    }
  if (file.size > MAX_UPLOAD_BYTES) {
    const head = new Uint8Array(await file.slice(0, MAX_UPLOAD_BYTES).arrayBuffer())
    const read = decodeUtf8(head.subarray(0, wholeCharacters(head)), file.name)
    return 'error' in read ? read : { text: read.text, cutFrom: file.size }
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  return decodeUtf8(bytes, file.name)
}

/** How many of `bytes` end at a whole UTF-8 character: a sequence cut short at the end is left out. */
export function wholeCharacters(bytes: Uint8Array): number {
  for (let back = 1; back <= 4 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]
    if ((b & 0xc0) === 0x80) continue // a continuation byte: its lead is further back
    const need = b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 1
    return need > back ? bytes.length - back : bytes.length
  }
  return bytes.length // not UTF-8 at its end: decoding says so
}

/** Strict UTF-8 decoding; binary files (NUL bytes) and invalid sequences are refused. A BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array, name: string): { text: string } | FileRefusal {
  if (bytes.includes(0))
    return {
      error: `“${name}” looks like a binary file, not text. Upload a UTF-8 text file (.txt). The current text is unchanged.`,
      code: 'binary',
      params: { name },
    }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
    return { text: text.replace(/\r\n?/g, '\n') }
  } catch {
    return {
      error: `“${name}” is not valid UTF-8 text. Save it as UTF-8 and try again. The current text is unchanged.`,
      code: 'not-utf8',
      params: { name },
    }
  }
}
