import { describe, expect, it } from 'vitest'
import { heldOutCount, pairText, parsePairs } from './pairs'

describe('pairs', () => {
  it('reads tab-separated lines and JSON lines', () => {
    expect(parsePairs('cat\tchat\ndog\tchien\n\n')).toEqual({
      format: 'tsv',
      pairs: [
        { prompt: 'cat', completion: 'chat' },
        { prompt: 'dog', completion: 'chien' },
      ],
    })
    expect(parsePairs('{"prompt": "2+2=", "completion": "4"}\n{"prompt": "😀", "completion": "smile\\tface"}')).toEqual(
      {
        format: 'jsonl',
        pairs: [
          { prompt: '2+2=', completion: '4' },
          { prompt: '😀', completion: 'smile\tface' },
        ],
      },
    )
    expect(pairText({ prompt: 'a', completion: 'b' })).toBe('a\tb\n')
  })

  it('names every line it cannot read', () => {
    expect(parsePairs('')).toEqual({ problems: [expect.stringMatching(/^There are no pairs/)] })
    expect(parsePairs('a\tb\nno tab here\nc\t')).toEqual({
      problems: [
        '2 lines could not be read as pairs: line 2 has no tab between prompt and completion; line 3 has an empty completion',
      ],
    })
    expect(parsePairs('{"prompt": "a", "completion": "b"}\n{"prompt": 1}\nnot json')).toEqual({
      problems: [
        '2 lines could not be read as pairs: line 2 is not an object with string "prompt" and "completion"; line 3 is not valid JSON',
      ],
    })
    expect(parsePairs('{"prompt": "a\\tb", "completion": "c"}\n{"prompt": "x", "completion": "y\\nz"}')).toEqual({
      problems: [expect.stringContaining('line 1: the prompt holds a tab or a line break') as unknown as string],
    })
    expect(
      (
        parsePairs('{"prompt": "x", "completion": "y\\nz"}\n{"prompt": "x", "completion": "y"}') as {
          problems: string[]
        }
      ).problems[0],
    ).toContain('line 1: the completion holds a line break')
    expect(parsePairs('only\tone')).toEqual({
      problems: ['Pair mode needs at least two pairs: one to train on and one held out to evaluate'],
    })
    const many = Array.from({ length: 8 }, (_, i) => `bad ${i}`).join('\n')
    expect((parsePairs(many) as { problems: string[] }).problems[0]).toMatch(
      /^8 lines could not be read as pairs: .* \(and 3 more\)$/,
    )
  })

  it('holds out a tenth of the pairs, at least one, never all', () => {
    expect([2, 5, 10, 14, 15, 100].map(heldOutCount)).toEqual([1, 1, 1, 1, 2, 10])
  })
})
