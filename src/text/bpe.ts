// Byte-level BPE, as GPT-2 does it: the text is UTF-8 bytes, tokens 0–255 are the bytes themselves, and each
// learned merge (a, b) → 256 + k joins the most frequent adjacent pair. Any text round-trips exactly (every
// byte has a token). Before counting, the text is cut into chunks by GPT-2's pattern (letters, digits,
// punctuation runs, white space, each with at most one leading space), so merges never cross a word boundary,
// and each distinct chunk is counted once with its frequency.
//
// Training keeps pair counts incrementally: a merge only touches the chunks that contain its pair (an index
// from pair to chunks), and the best pair comes from a max-heap with stale entries skipped, rather than a full
// recount and scan per merge. Plain TypeScript: runs in the worker (training) and on the page (the inspector).

export type Merge = readonly [number, number]

/** GPT-2's pre-tokenizer pattern (with Unicode classes). */
const CHUNK = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

export function chunks(text: string): string[] {
  return text.match(CHUNK) ?? []
}

const encoder = new TextEncoder()

export interface BpeProgress {
  merges: number
  target: number
}

export interface BpeTrainResult {
  merges: Merge[]
  /** Why training stopped before the target: no pair occurs twice any more. */
  stoppedEarly: boolean
}

/** A max-heap of [count, pairKey] with lazy deletion (entries whose count is out of date are skipped). */
class PairHeap {
  private readonly counts: number[] = []
  private readonly keys: number[] = []
  get size(): number {
    return this.counts.length
  }
  private before(i: number, j: number): boolean {
    // higher count first; on a tie the smaller key (lower token ids) first, so training is deterministic
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j])
  }
  private swap(i: number, j: number) {
    ;[this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]]
    ;[this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]]
  }
  push(count: number, key: number) {
    this.counts.push(count)
    this.keys.push(key)
    let i = this.counts.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }
  pop(): [number, number] | undefined {
    if (!this.counts.length) return undefined
    const top: [number, number] = [this.counts[0], this.keys[0]]
    const lastCount = this.counts.pop()!
    const lastKey = this.keys.pop()!
    if (this.counts.length) {
      this.counts[0] = lastCount
      this.keys[0] = lastKey
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < this.counts.length && this.before(l, best)) best = l
        if (r < this.counts.length && this.before(r, best)) best = r
        if (best === i) break
        this.swap(i, best)
        i = best
      }
    }
    return top
  }
}

/** A pair of token ids as one number (ids stay below 2^20: vocabularies up to a million tokens). */
const SHIFT = 2 ** 20
const pairKey = (a: number, b: number) => a * SHIFT + b

/**
 * Learns merges in slices, so a caller can report progress and stay responsive between them: `step(n)` does up
 * to n more merges; `done` once the target is reached or no adjacent pair occurs at least twice.
 */
export class BpeTrainer {
  readonly target: number
  readonly merges: Merge[] = []
  stoppedEarly = false
  private readonly words: number[][] = []
  private readonly counts: number[] = []
  private readonly pairCount = new Map<number, number>()
  private readonly where = new Map<number, Set<number>>() // pair → indices of the words that contain it
  private readonly heap = new PairHeap()

  constructor(text: string, vocabSize: number) {
    if (!Number.isInteger(vocabSize) || vocabSize < 257)
      throw new RangeError(`a byte-level BPE vocabulary needs more than the 256 bytes (got ${vocabSize})`)
    this.target = vocabSize - 256
    // distinct chunks with their frequencies, as arrays of token ids
    const freq = new Map<string, number>()
    for (const c of chunks(text)) freq.set(c, (freq.get(c) ?? 0) + 1)
    for (const [c, n] of freq) {
      const bytes = encoder.encode(c)
      if (bytes.length < 2) continue // a single byte can never merge
      this.words.push(Array.from(bytes))
      this.counts.push(n)
    }
    this.words.forEach((ids, w) => {
      for (let i = 0; i + 1 < ids.length; i++) this.add(w, ids[i], ids[i + 1], this.counts[w])
    })
    for (const [k, n] of this.pairCount) this.heap.push(n, k)
  }

  get done(): boolean {
    return this.stoppedEarly || this.merges.length >= this.target
  }

  private add(w: number, a: number, b: number, n: number) {
    const k = pairKey(a, b)
    this.pairCount.set(k, (this.pairCount.get(k) ?? 0) + n)
    let s = this.where.get(k)
    if (!s) this.where.set(k, (s = new Set()))
    s.add(w)
  }

  /** Up to `n` more merges. */
  step(n: number): void {
    const { words, counts, pairCount, where, heap } = this
    for (let done = 0; done < n && !this.done; done++) {
      let best: [number, number] | undefined
      while ((best = heap.pop())) {
        if (pairCount.get(best[1]) === best[0]) break // not stale
      }
      if (!best || best[0] < 2) {
        this.stoppedEarly = true
        return
      }
      const key = best[1]
      const a = Math.floor(key / SHIFT)
      const b = key % SHIFT
      const id = 256 + this.merges.length
      this.merges.push([a, b])
      const touched = new Set<number>()
      for (const w of where.get(key) ?? []) {
        const ids = words[w]
        const c = counts[w]
        // take the word's pairs out, merge, put its pairs back
        for (let i = 0; i + 1 < ids.length; i++) {
          const k = pairKey(ids[i], ids[i + 1])
          pairCount.set(k, pairCount.get(k)! - c)
          touched.add(k)
        }
        const out: number[] = []
        for (let i = 0; i < ids.length; i++) {
          if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
            out.push(id)
            i++
          } else out.push(ids[i])
        }
        words[w] = out
        for (let i = 0; i + 1 < out.length; i++) {
          this.add(w, out[i], out[i + 1], c)
          touched.add(pairKey(out[i], out[i + 1]))
        }
      }
      where.delete(key)
      pairCount.delete(key)
      for (const k of touched) {
        const left = pairCount.get(k)
        if (left !== undefined && left > 0) heap.push(left, k)
        else if (left !== undefined) {
          pairCount.delete(k)
          where.delete(k)
        }
      }
    }
  }
}

/**
 * Learns up to `vocabSize − 256` merges on `text` in one go. Stops early when no adjacent pair occurs at
 * least twice. `onProgress` is called every `every` merges; `cancelled()` is checked as often, and stops
 * training with the merges so far.
 */
export function trainBpe(
  text: string,
  vocabSize: number,
  o: { onProgress?: (p: BpeProgress) => void; cancelled?: () => boolean; every?: number } = {},
): BpeTrainResult {
  const t = new BpeTrainer(text, vocabSize)
  const every = o.every ?? 50
  while (!t.done) {
    if (o.cancelled?.()) break
    o.onProgress?.({ merges: t.merges.length, target: t.target })
    t.step(every)
  }
  o.onProgress?.({ merges: t.merges.length, target: t.target })
  return { merges: t.merges, stoppedEarly: t.stoppedEarly }
}

/** A trained byte-level BPE: encode, decode, and each token's bytes. */
export class BpeTokenizer {
  readonly kind = 'bpe' as const
  private readonly bytes: Uint8Array[] // token id → its bytes
  private readonly rank = new Map<number, number>() // pair → merge index (lower merges first)
  private readonly cache = new Map<string, number[]>()

  constructor(readonly merges: readonly Merge[]) {
    this.bytes = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i))
    merges.forEach(([a, b], k) => {
      if (!(a < 256 + k && b < 256 + k && a >= 0 && b >= 0 && Number.isInteger(a) && Number.isInteger(b)))
        throw new Error(`merge ${k} joins tokens that do not exist yet (${a}, ${b})`)
      const joined = new Uint8Array(this.bytes[a].length + this.bytes[b].length)
      joined.set(this.bytes[a])
      joined.set(this.bytes[b], this.bytes[a].length)
      this.bytes.push(joined)
      this.rank.set(pairKey(a, b), k)
    })
  }

  get size(): number {
    return this.bytes.length
  }

  tokenBytes(id: number): Uint8Array {
    const b = this.bytes[id]
    if (!b) throw new Error(`token id ${id} is outside the vocabulary of ${this.bytes.length}`)
    return b
  }

  /** One chunk's tokens: apply the lowest-ranked merge present until none applies (GPT-2's bpe()). */
  private encodeChunk(chunk: string): number[] {
    const hit = this.cache.get(chunk)
    if (hit) return hit
    let ids = Array.from(encoder.encode(chunk))
    while (ids.length > 1) {
      let bestRank = Infinity
      let bestAt = -1
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.rank.get(pairKey(ids[i], ids[i + 1]))
        if (r !== undefined && r < bestRank) {
          bestRank = r
          bestAt = i
        }
      }
      if (bestAt < 0) break
      const [a, b] = this.merges[bestRank]
      const out: number[] = []
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          out.push(256 + bestRank)
          i++
        } else out.push(ids[i])
      }
      ids = out
    }
    if (this.cache.size < 100_000) this.cache.set(chunk, ids)
    return ids
  }

  encode(text: string): Int32Array {
    const out: number[] = []
    for (const c of chunks(text)) for (const id of this.encodeChunk(c)) out.push(id)
    return Int32Array.from(out)
  }

  /** The UTF-8 bytes of the tokens, decoded (malformed sequences become U+FFFD, as in any UTF-8 decoder). */
  decode(ids: ArrayLike<number>): string {
    let n = 0
    for (let i = 0; i < ids.length; i++) n += this.tokenBytes(ids[i]).length
    const all = new Uint8Array(n)
    let at = 0
    for (let i = 0; i < ids.length; i++) {
      const b = this.tokenBytes(ids[i])
      all.set(b, at)
      at += b.length
    }
    return new TextDecoder().decode(all)
  }

  /** How a token shows on its own: its text, or its bytes as ⟨hex⟩ where they are not whole characters. */
  display(id: number): string {
    const b = this.tokenBytes(id)
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b)
    } catch {
      return [...b].map((x) => `⟨${x.toString(16).padStart(2, '0')}⟩`).join('')
    }
  }

  /** Text as tokens arrive: pieces of a character wait for the rest of its bytes. */
  streamDecoder(): (id: number) => string {
    const d = new TextDecoder()
    return (id) => d.decode(this.tokenBytes(id), { stream: true })
  }
}
