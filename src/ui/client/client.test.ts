// The client's requests against the real store: each answer lands where it was asked for, a replaced request's
// late answer is dropped, and the engine stopping answers everything still waiting.
import { beforeEach, describe, expect, it } from 'vitest'
import { getPreset } from '../../shared/config'
import type { FromWorker } from '../../shared/protocol'
import { useStore } from '../store'
import { generate, scoreText } from './generation'
import { deliver, dropAll, stopAll } from './requests'
import { requestRun } from './run'

const tiny = getPreset('tiny')
const created = (runId: string): Extract<FromWorker, { type: 'run.created' }> => ({
  type: 'run.created',
  runId,
  model: { ...tiny.model, vocabSize: 3 },
  train: tiny.train,
  paramCount: 1,
  vocab: ['a', 'b', 'c'],
  tokenizerKind: 'char',
  trainTokens: 90,
  valTokens: 10,
  reference: { uniform: 1, unigram: 1, bigram: 1 },
  tokensPerStep: 1,
})
const token = (requestId: string, text: string): FromWorker => ({
  type: 'sample.token',
  runId: 'run-1',
  requestId,
  text,
  token: text,
  id: 0,
  prob: 1,
  top: [],
  entropy: 0,
})

describe('the client and the store', () => {
  beforeEach(() => {
    dropAll()
    useStore.getState().runCreated(created('run-1'), { textVersion: 1 })
  })

  it('puts a sample’s tokens where they were asked for, and drops the replaced sample’s', () => {
    generate({ maxNewTokens: 5, temperature: 1, topK: 0 })
    const first = useStore.getState().sampleRequestId!
    generate({ maxNewTokens: 5, temperature: 1, topK: 0 })
    const second = useStore.getState().sampleRequestId!
    expect(second).not.toBe(first)
    deliver(token(first, 'x'))
    deliver(token(second, 'y'))
    deliver({
      type: 'sample.done',
      runId: 'run-1',
      requestId: second,
      reason: 'length',
      step: 0,
      tokens: 1,
      elapsedMs: 1,
    })
    const s = useStore.getState()
    expect(s.sampleTokens.map((t) => t.text)).toEqual(['y'])
    expect(s.sampleStatus).toBe('done')
  })

  it('answers every request still waiting when the engine stops, where it was asked', () => {
    generate({ maxNewTokens: 5, temperature: 1, topK: 0 })
    scoreText()
    stopAll()
    const s = useStore.getState()
    expect(s.sampleStatus).toBe('idle')
    expect(s.sampleProblems.map((p) => p.code)).toEqual(['engine-stopped'])
    expect(s.scoreProblems.map((p) => [p.field, p.code])).toEqual([['score', 'engine-stopped']])
  })

  it('says a refused run request where it was asked, by its runId, and keeps the run it has', () => {
    requestRun('run-9', { textVersion: 1 }, 'restore')
    expect(useStore.getState().pendingRunId).toBe('run-9')
    const problems = [{ field: 'stored' as const, message: 'gone' }]
    expect(deliver({ type: 'invalid', runId: 'run-9', problems })).toBe(true)
    const s = useStore.getState()
    expect(s.restoreProblems).toEqual(problems)
    expect(s.runProblems).toEqual([])
    expect(s.pendingRunId).toBeUndefined()
    expect(s.run?.runId).toBe('run-1')
  })
})
