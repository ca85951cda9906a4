// An in-memory pair of Endpoints (like a MessageChannel, with structured clone), for driving the worker
// host in Node without a Worker. Messages are delivered asynchronously, in order.
import type { Endpoint } from '../shared/protocol'

type Listener<T> = (ev: { data: T }) => void

class Side<In, Out> implements Endpoint<In, Out> {
  listeners = new Set<Listener<In>>()
  other!: Side<Out, In>
  postMessage(message: Out, transfer?: ArrayBuffer[]): void {
    const data = structuredClone(message, { transfer })
    setImmediate(() => this.other.listeners.forEach((l) => l({ data })))
  }
  addEventListener(_: 'message', l: Listener<In>) {
    this.listeners.add(l)
  }
  removeEventListener(_: 'message', l: Listener<In>) {
    this.listeners.delete(l)
  }
}

export function memoryChannel<A, B>(): [Endpoint<A, B>, Endpoint<B, A>] {
  const a = new Side<A, B>()
  const b = new Side<B, A>()
  a.other = b
  b.other = a
  return [a, b]
}

/** Collects every message an endpoint receives and lets a test wait for one that matches. */
export class Inbox<T> {
  readonly all: T[] = []
  private waiters: {
    pred: (m: T) => boolean
    resolve: (m: T) => void
    reject: (e: Error) => void
    timer: ReturnType<typeof setTimeout>
  }[] = []
  constructor(endpoint: Endpoint<T, unknown>) {
    endpoint.addEventListener('message', (ev) => {
      this.all.push(ev.data)
      for (const w of [...this.waiters]) {
        if (w.pred(ev.data)) {
          clearTimeout(w.timer)
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve(ev.data)
        }
      }
    })
  }
  /** The first message from now on that matches. The timeout is a safety net for a broken test, not a wait. */
  next<S extends T>(pred: (m: T) => m is S, timeoutMs?: number): Promise<S>
  next(pred: (m: T) => boolean, timeoutMs?: number): Promise<T>
  next(pred: (m: T) => boolean, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching message arrived')), timeoutMs)
      this.waiters.push({ pred, resolve, reject, timer })
    })
  }
}
