// A text over the limit is offered cut, never taken unasked; the current text stays until the user chooses.
import { describe, expect, it } from 'vitest'
import { useStore } from './store'
import { offerText } from './client'
import { MAX_TEXT_CHARS } from '../text/text'

describe('offerText', () => {
  it('offers the first MAX_TEXT_CHARS of a longer text, cut at a whole character, and takes it only when asked', () => {
    const before = useStore.getState().text
    const long = 'ab'.repeat(MAX_TEXT_CHARS / 2 - 1) + 'x' + '👋' + 'cd'.repeat(10) // the limit falls inside the emoji
    offerText(long, 'custom')
    const offer = useStore.getState().textOffer!
    expect(offer).toMatchObject({
      what: 'text',
      size: new Intl.NumberFormat('en').format(long.length),
      limit: new Intl.NumberFormat('en').format(MAX_TEXT_CHARS),
    })
    expect(useStore.getState().text).toBe(before) // nothing taken yet
    offer.take() // no worker in this test: the cut text is taken at once
    const taken = useStore.getState().text
    expect(taken.length).toBe(MAX_TEXT_CHARS - 1) // not MAX_TEXT_CHARS: that would split the emoji's surrogate pair
    expect(taken.endsWith('abx')).toBe(true)
    expect(useStore.getState().textOffer).toBeUndefined()
  })
})
