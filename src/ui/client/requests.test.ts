// The request registry: each reply reaches the request it names, and only while that request waits.
import { beforeEach, describe, expect, it } from 'vitest'
import type { FromWorker } from '../../shared/protocol'
import { deliver, dropAll, forget, inSlot, nextId, register, stopAll } from './requests'

const done = (requestId: string): FromWorker => ({
  type: 'sample.done',
  runId: 'run-1',
  requestId,
  reason: 'length',
  step: 3,
  tokens: 2,
  elapsedMs: 1,
})
const token = (requestId: string): FromWorker => ({
  type: 'sample.token',
  runId: 'run-1',
  requestId,
  text: 'a',
  token: 'a',
  id: 0,
  prob: 0.5,
  top: [],
  entropy: 1,
})
const invalid = (ids: { requestId?: string; runId?: string }): FromWorker => ({
  type: 'invalid',
  ...ids,
  problems: [{ field: 'sample', message: 'no' }],
})

describe('the request registry', () => {
  beforeEach(() => dropAll())

  it('gives each request its own replies, progress and all, and nothing after the last', () => {
    const seen: string[] = []
    register('sample-a', { 'sample.token': (m) => seen.push(`a:${m.text}`), 'sample.done': () => seen.push('a:done') })
    register('sample-b', { 'sample.token': () => seen.push('b:token') })
    expect(deliver(token('sample-a'))).toBe(true)
    expect(deliver(token('sample-a'))).toBe(true) // a progress reply: the request still waits
    expect(deliver(done('sample-a'))).toBe(true)
    expect(deliver(token('sample-a'))).toBe(false) // answered: late replies are not its any more
    expect(deliver(done('nobody'))).toBe(false)
    expect(seen).toEqual(['a:a', 'a:a', 'a:done'])
  })

  it('routes invalid and error to the request that asked: by requestId, or a run request by its runId', () => {
    const seen: string[] = []
    register('score-1', { invalid: (m) => seen.push(`score:${m.problems[0].message}`) })
    register('run-7', {
      'run.created': (m) => seen.push(`created:${m.runId}`),
      invalid: () => seen.push('run refused'),
    })
    register('export-1', { error: (m) => seen.push(`export:${m.message}`) })
    expect(deliver(invalid({ runId: 'run-1', requestId: 'score-1' }))).toBe(true)
    expect(deliver(invalid({ runId: 'run-7' }))).toBe(true)
    expect(deliver({ type: 'error', runId: 'run-1', requestId: 'export-1', name: 'Error', message: 'boom' })).toBe(true)
    expect(seen).toEqual(['score:no', 'run refused', 'export:boom'])
    // each was final: nothing waits any more
    expect(deliver(invalid({ requestId: 'score-1' }))).toBe(false)
    expect(deliver(invalid({ runId: 'run-7' }))).toBe(false)
  })

  it('lets a reply it has no handler for through (routed by type), and stops waiting when that reply is final', () => {
    const seen: string[] = []
    register('qkv-1', { 'qkv.result': () => seen.push('result') })
    expect(deliver(invalid({ requestId: 'qkv-1' }))).toBe(false)
    expect(deliver({ type: 'qkv.result', runId: 'run-1', requestId: 'qkv-1', step: 0 } as FromWorker)).toBe(false)
    expect(seen).toEqual([])
  })

  it('keeps one request per slot: a newer one replaces the older, whose replies are then dropped', () => {
    const seen: string[] = []
    register('sample-1', { 'sample.done': () => seen.push('first') }, 'sample')
    register('sample-2', { 'sample.done': () => seen.push('second') }, 'sample')
    expect(inSlot('sample')).toBe('sample-2')
    expect(deliver(done('sample-1'))).toBe(false)
    expect(deliver(done('sample-2'))).toBe(true)
    expect(inSlot('sample')).toBeUndefined()
    expect(seen).toEqual(['second'])
    register('text-1', {}, 'text')
    forget('text-1')
    expect(inSlot('text')).toBeUndefined()
  })

  it('answers every waiting request once when the engine stops, and none when a new worker starts', () => {
    const stopped: string[] = []
    register('a', { stopped: () => stopped.push('a') })
    register('b', { stopped: () => stopped.push('b') }, 'slot')
    stopAll()
    expect(stopped).toEqual(['a', 'b'])
    stopAll()
    expect(stopped).toEqual(['a', 'b'])
    register('c', { stopped: () => stopped.push('c') })
    dropAll()
    stopAll()
    expect(stopped).toEqual(['a', 'b'])
  })

  it('makes ids that are never reused', () => {
    const ids = new Set(Array.from({ length: 5 }, () => nextId('run')))
    expect(ids.size).toBe(5)
    expect(nextId('sample')).toMatch(/^sample-\d+$/)
  })
})
