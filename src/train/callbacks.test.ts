// Trainer callbacks: fired by the run's own methods, with the values those methods return, in order.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { getPreset } from '../shared/config'
import type { EvalPoint, MetricPoint } from '../shared/protocol'
import { Run } from './run'

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(60)
const tiny = getPreset('tiny')
const model = { ...tiny.model, blockSize: 16, nEmbd: 16 }
const train = { ...tiny.train, batchSize: 4, evalIters: 2 }

describe('Run callbacks', () => {
  it('fire onStepEnd and onEvalEnd with what trainStep and evaluate return, in order, once the run has moved on', async () => {
    const run = Run.create(text, model, train)
    const log: [string, MetricPoint | EvalPoint, number][] = []
    run.addCallback('onStepEnd', (p) => log.push(['a', p, run.step]))
    const offB = run.addCallback('onStepEnd', (p) => log.push(['b', p, run.step]))
    run.addCallback('onEvalEnd', (p) => log.push(['eval', p, run.step]))

    const s1 = await run.trainStep()
    const s2 = await run.trainStep()
    const e2 = await run.evaluate()
    offB()
    const s3 = await run.trainStep()
    // a step that is not applied (non-finite loss) ends too, with its skipped point
    const lnF = run.params['lnF.weight']
    lnF.assign(tf.fill(lnF.shape, Number.NaN))
    const s4 = await run.trainStep()
    expect(s4.skipped).toBe(true)
    const e3 = await run.evaluate()

    expect(log.map(([who, p]) => [who, p.step])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
      ['b', 2],
      ['eval', 2],
      ['a', 3],
      ['a', 4],
      ['eval', 3],
    ])
    const returned = [s1, s1, s2, s2, e2, s3, s4, e3]
    log.forEach(([, p], i) => expect(p).toBe(returned[i])) // the very objects the methods returned
    expect(log.map(([, , step]) => step)).toEqual([1, 1, 2, 2, 2, 3, 3, 3]) // fired after the step counted
    run.dispose()
  })

  it('a throwing callback reaches the caller after the step was taken', async () => {
    const run = Run.create(text, model, train)
    run.addCallback('onStepEnd', () => {
      throw new Error('hook failed')
    })
    await expect(run.trainStep()).rejects.toThrow('hook failed')
    expect(run.step).toBe(1)
    run.dispose()
  })
})
