import { describe, expect, it } from 'vitest'
import { lessonQuery, readLesson, type Lesson } from './lessonLink'

describe('lesson links', () => {
  it('round-trip every field', () => {
    const l: Lesson = {
      lang: 'zh-CN',
      tour: 3,
      view: 'atlas-h',
      probe: { kind: 'text', text: '床前明月光, 疑是地上霜 & more' },
      layer: 1,
      head: 2,
      step: 200,
      hide: ['settings', 'backend'],
    }
    expect(readLesson(lessonQuery(l))).toEqual({ lesson: l, refused: [] })
    expect(readLesson(lessonQuery({ probe: { kind: 'repeated', seed: 1 } })).lesson).toEqual({
      probe: { kind: 'repeated', seed: 1 },
    })
  })

  it('ignore keys they do not know, without complaint', () => {
    expect(readLesson('?utm_source=mail&lang=en&backend=wasm')).toEqual({ lesson: { lang: 'en' }, refused: [] })
  })

  it('refuse hostile or impossible values, keeping the rest', () => {
    const { lesson, refused } = readLesson(
      '?lang=fr&tour=99&view=<script>&layer=NaN&head=-1&step=1e99&hide=settings,everything&probe=' + 'x'.repeat(600),
    )
    expect(lesson).toEqual({ hide: ['settings'] })
    expect(refused.sort()).toEqual(['head', 'hide', 'lang', 'layer', 'probe', 'step', 'tour', 'view'])
    expect(readLesson('?tour=0').refused).toEqual(['tour'])
  })
})
