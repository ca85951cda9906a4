import { describe, expect, it } from 'vitest'
import { visibleText } from './text'

describe('visibleText', () => {
  it('shows white space and control characters, keeps the rest, and spaces as asked', () => {
    expect(visibleText('a b\n\tc\u0001中🙂')).toBe('a␣b⏎⇥cU+0001中🙂')
    expect(visibleText('a b', ' ')).toBe('a b')
    expect(visibleText('a b', '·')).toBe('a·b')
  })
})
