import { describe, expect, it } from 'vitest'
import { TOUR, waitStep } from './tour'
import { CONCEPTS } from './concepts'
import type { AppState } from '../store'
import { en, zhCN } from '../i18n/messages'

const state = (extra: object) =>
  ({
    run: { train: { maxIters: 500 } },
    points: [],
    sampleBeams: [],
    sampleTokens: [],
    atlasSnapshots: [],
    viewStep: 'live',
    ...extra,
  }) as unknown as AppState

describe('the guided tour', () => {
  it('has seventeen steps on the concept cards: training starts first (so the model learns during the tour), then the tutorial’s order', () => {
    expect(TOUR).toHaveLength(17)
    const order = CONCEPTS.map((c) => c.id)
    expect(TOUR.slice(0, 3).map((s) => s.concept)).toEqual(['tokenization', 'pretraining', 'pretraining'])
    let last = -1
    for (const step of TOUR.slice(3)) {
      const at = order.indexOf(step.concept)
      expect(at, step.concept).toBeGreaterThanOrEqual(0)
      // layer normalisation is shown beside Q/K/V, where the calculator computes it
      if (step.concept !== 'layernorm') expect(at, step.concept).toBeGreaterThanOrEqual(last)
      if (step.concept !== 'layernorm') last = at
    }
    expect(new Set(TOUR.map((s) => s.concept)).size).toBe(CONCEPTS.length - 1) // every card but fine-tuning, which needs a second run
  })

  it('checks its tasks against the page’s state: started, waited for, scrubbed', () => {
    const start = TOUR[1].task!
    expect(start.done(state({}))).toBe(false)
    expect(start.done(state({ points: [{ step: 1 }] }))).toBe(true)
    const wait = TOUR[2].task!
    expect(waitStep(state({}))).toBe(50)
    expect(waitStep(state({ run: { train: { maxIters: 40 } } }))).toBe(8)
    expect(wait.done(state({ points: [{ step: 49 }] }))).toBe(false)
    expect(wait.done(state({ points: [{ step: 50 }] }))).toBe(true)
    const scrub = TOUR.find((s) => s.concept === 'multihead')!.task!
    expect(scrub.done(state({}))).toBe(false)
    expect(scrub.done(state({ viewStep: 20 }))).toBe(true)
    for (const s of TOUR) if (s.task) expect(s.task.zh).toMatch(/[\u4e00-\u9fff]/)
  })

  it('says truly how many steps have a task, and shows the tutorial’s errata in its first steps', () => {
    expect(TOUR.filter((s) => s.task)).toHaveLength(13)
    expect(en.tourIntro).toMatch(/thirteen set a task the page checks, four are for reading/)
    expect(zhCN.tourIntro).toMatch(/十三步有一项页面会检查的任务，另外四步只需阅读/)
    // the second and third steps are on the pretraining card, whose erratum lists the tutorial's mistakes
    const card = (i: number) => CONCEPTS.find((c) => c.id === TOUR[i].concept)!
    for (const i of [1, 2]) expect(card(i).zh.erratum, `step ${i + 1}`).toMatch(/^教程在六个地方把 GPT 讲错了/)
    expect(card(TOUR.findIndex((s) => s.concept === 'mask')).en.erratum).toMatch(/scores/)
  })
})
