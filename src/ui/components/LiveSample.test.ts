import { describe, expect, it } from 'vitest'
import { liveLength } from './LiveSample'

describe('the live sample', () => {
  it('stays inside the context (the KV cache) where that leaves at least 48 tokens, and is at most 80', () => {
    expect(liveLength(64, '')).toBe(64) // Baby GPT: every token from the cache
    expect(liveLength(64, 'To be')).toBe(59)
    expect(liveLength(256, '')).toBe(80)
    expect(liveLength(32, '')).toBe(48) // Tiny: a few full passes of a tiny model
    expect(liveLength(64, '👋🏽'.repeat(10))).toBe(48) // the prompt counted by code point: 20
  })
})
