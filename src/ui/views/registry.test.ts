// The view registry against everything that names a view by its heading: the lesson links' lists, the concept
// cards and the tour. A view renamed, removed or added without its link keys fails here, not in a classroom.
import { describe, expect, it } from 'vitest'
import { VIEW_REGISTRY } from './registry'
import { HIDEABLE, VIEWS } from '../lessonLink'
import { CONCEPTS } from '../lesson/concepts'
import { TOUR } from '../lesson/tour'
import { en, zhCN } from '../i18n/messages'

const ids: string[] = VIEW_REGISTRY.map((v) => v.id)

describe('the view registry', () => {
  it('gives every view its own heading id and a title in both languages', () => {
    expect(new Set(ids).size).toBe(ids.length)
    for (const v of VIEW_REGISTRY) {
      expect(v.id, v.id).toMatch(/^[a-z]+-h$/)
      expect(v.title(en).trim(), v.id).not.toBe('')
      expect(v.title(zhCN), v.id).not.toBe(v.title(en))
    }
  })

  it('has every view a lesson link may open at, a concept card shows or a tour step goes to', () => {
    expect(VIEWS.filter((id) => !ids.includes(id))).toEqual([])
    expect(CONCEPTS.filter((c) => !ids.includes(c.view)).map((c) => c.id)).toEqual([])
    expect(TOUR.filter((s) => !ids.includes(s.view)).map((s) => s.concept)).toEqual([])
  })

  it('hides by the keys lesson links accept, each its heading id without "-h" (the backend choice is no panel)', () => {
    const keys = VIEW_REGISTRY.flatMap((v) => (v.hide ? [v.hide] : []))
    expect([...keys, 'backend'].sort()).toEqual([...HIDEABLE].sort())
    for (const v of VIEW_REGISTRY) if (v.hide) expect(`${v.hide}-h`).toBe(v.id)
  })
})
