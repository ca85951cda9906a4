// Reading a user's file as text: UTF-8 only, refused with a reason otherwise. Plain DOM, no tfjs.

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

/** Why a file was refused: the English words, and a code with parameters for the page's other language. */
export type FileRefusal = { error: string; code: 'empty' | 'too-big' | 'binary' | 'not-utf8'; params: Record<string, string | number> }

export async function readTextFile(file: File): Promise<{ text: string } | FileRefusal> {
  if (file.size === 0) return { error: `“${file.name}” is empty. The current text is unchanged.`, code: 'empty', params: { name: file.name } }
  const mib = (file.size / 1024 / 1024).toFixed(1)
  if (file.size > MAX_UPLOAD_BYTES) return { error: `“${file.name}” is ${mib} MiB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB. The current text is unchanged.`, code: 'too-big', params: { name: file.name, mib, limit: MAX_UPLOAD_BYTES / 1024 / 1024 } }
  const bytes = new Uint8Array(await file.arrayBuffer())
  return decodeUtf8(bytes, file.name)
}

/** Strict UTF-8 decoding; binary files (NUL bytes) and invalid sequences are refused. A BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array, name: string): { text: string } | FileRefusal {
  if (bytes.includes(0)) return { error: `“${name}” looks like a binary file, not text. Upload a UTF-8 text file (.txt). The current text is unchanged.`, code: 'binary', params: { name } }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
    return { text: text.replace(/\r\n?/g, '\n') }
  } catch {
    return { error: `“${name}” is not valid UTF-8 text. Save it as UTF-8 and try again. The current text is unchanged.`, code: 'not-utf8', params: { name } }
  }
}
