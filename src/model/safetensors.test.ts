// Half precision writing: floatToHalf against halfToFloat over every half value and every midpoint between
// two neighbours (round to nearest, ties to even, as numpy's float16 does), and an F16 file read back.
import { describe, expect, it } from 'vitest'
import { floatToHalf, halfToFloat, readSafetensors, writeSafetensors } from './safetensors'

describe('half precision', () => {
  it('gives back every finite half exactly, both signs', () => {
    const wrong: number[] = []
    for (let h = 0; h < 0x7c00; h++) {
      if (floatToHalf(halfToFloat(h)) !== h) wrong.push(h)
      if (floatToHalf(halfToFloat(h | 0x8000)) !== (h | 0x8000)) wrong.push(h | 0x8000)
    }
    expect(wrong).toEqual([])
  })

  it('rounds to the nearer half, and a tie to the even one (subnormals and the top included)', () => {
    const wrong: string[] = []
    for (let h = 0; h < 0x7bff; h++) {
      const a = halfToFloat(h)
      const b = halfToFloat(h + 1)
      const mid = (a + b) / 2 // exact in float32 too
      const cases: [number, number][] = [
        [mid, h % 2 === 0 ? h : h + 1],
        [mid + (b - a) / 8, h + 1],
        [mid - (b - a) / 8, h],
      ]
      for (const [x, want] of cases) if (floatToHalf(x) !== want) wrong.push(`${x} → ${floatToHalf(x)}, not ${want}`)
    }
    expect(wrong).toEqual([])
  })

  it('overflows to infinity past the largest half, underflows to a signed zero, keeps NaN a NaN', () => {
    expect(floatToHalf(65519)).toBe(0x7bff) // below the midpoint to the next (65520): 65504
    expect(floatToHalf(65520)).toBe(0x7c00) // the tie goes to the even one, which is infinity
    expect(floatToHalf(1e9)).toBe(0x7c00)
    expect(floatToHalf(-Infinity)).toBe(0xfc00)
    expect(floatToHalf(2 ** -25)).toBe(0) // half the smallest subnormal: a tie, to even (zero)
    expect(floatToHalf(2 ** -25 * 1.01)).toBe(1)
    expect(floatToHalf(-1e-10)).toBe(0x8000)
    expect(Number.isNaN(halfToFloat(floatToHalf(Number.NaN)))).toBe(true)
  })

  it('writes F16 tensors beside F32 ones, which read back as the rounded values', () => {
    const a = Float32Array.from([1, -2.5, 0.1, 3.14159, 1e-6])
    const b = Float32Array.from([0.1, 0.2])
    const bytes = writeSafetensors(
      [
        { name: 'a', shape: [5], data: a, dtype: 'F16' },
        { name: 'b', shape: [1, 2], data: b },
      ],
      { note: 'mixed' },
    )
    const file = readSafetensors(bytes)
    expect(file.tensors.get('a')).toMatchObject({ dtype: 'F16', shape: [5], begin: 0, end: 10 })
    expect(file.tensors.get('b')).toMatchObject({ dtype: 'F32', shape: [1, 2], begin: 10, end: 18 })
    expect([...file.read('a')]).toEqual([...a].map((x) => halfToFloat(floatToHalf(x))))
    expect(file.read('a')[2]).not.toBe(b[0]) // 0.1 in half precision is not 0.1 in float32
    expect(Math.abs(file.read('a')[2] - 0.1)).toBeLessThan(2 ** -14)
    expect([...file.read('b')]).toEqual([...b])
    expect(file.metadata.get('note')).toBe('mixed')
  })
})
