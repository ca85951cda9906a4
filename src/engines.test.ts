// The Node.js versions the README promises are the ones every installed package accepts: a dependency bumped to
// one that needs a newer Node (as @axe-core/playwright 4.14 did, Node ≥ 22.12) fails here, not on a user's machine.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lowerBounds, promisedNode, satisfies } from '../scripts/engines.mjs'

const root = join(__dirname, '..')
const promised = promisedNode()

describe('Node.js versions', () => {
  it('reads npm ranges as npm does (hand-checked cases)', () => {
    expect(satisfies('v20.19.0', '^20.19.0 || >=22.12.0')).toBe(true)
    expect(satisfies('20.18.3', '^20.19.0 || >=22.12.0')).toBe(false)
    expect(satisfies('21.7.0', '^20.19.0 || >=22.12.0')).toBe(false)
    expect(satisfies('22.12.0', '^20.19.0 || >=22.12.0')).toBe(true)
    expect(satisfies('20.20.2', '>=22.12.0')).toBe(false)
    expect(satisfies('20.0.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true)
    expect(satisfies('23.1.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(false)
    expect(satisfies('12.0.0', '^10 || ^12 || ^13.7 || ^14 || >=15.0.1')).toBe(true)
    expect(satisfies('13.6.0', '^10 || ^12 || ^13.7 || ^14 || >=15.0.1')).toBe(false)
    expect(satisfies('10.6.0', '^8.16.0 || ^10.6.0 || >=11.0.0')).toBe(true)
    expect(satisfies('18.0.0', '>= 18')).toBe(true)
    expect(satisfies('4.9.0', '>=4 <5')).toBe(true)
    expect(satisfies('5.0.0', '>=4 <5')).toBe(false)
    expect(satisfies('0.12.3', '~0.12')).toBe(true)
    expect(satisfies('20.3.1', '20.x')).toBe(true)
    expect(satisfies('21.0.0', '20.x')).toBe(false)
    // partial versions, as node-semver desugars them
    expect(satisfies('1.2.5', '>1.2')).toBe(false) // >1.2 is >=1.3.0
    expect(satisfies('1.3.0', '>1.2')).toBe(true)
    expect(satisfies('1.2.5', '<=1.2')).toBe(true) // <=1.2 is <1.3.0
    expect(satisfies('1.3.0', '<=1.2')).toBe(false)
    expect(satisfies('1.2.5', '=1.2')).toBe(true)
    expect(satisfies('1.2.5', '<1.2')).toBe(false)
    expect(satisfies('20.0.0', '>20')).toBe(false) // >20 is >=21.0.0
    expect(satisfies('20.19.0', '>20')).toBe(false)
    expect(satisfies('1.5.0', '1.2.3 - 2.0.0')).toBe(true)
    expect(satisfies('2.0.1', '1.2.3 - 2.0.0')).toBe(false)
    expect(satisfies('2.9.0', '1.2.3 - 2')).toBe(true) // a partial upper end: <3.0.0
    expect(satisfies('1.2.9', '~>1.2')).toBe(true)
    expect(satisfies('3.0.0', '*')).toBe(true)
    // prereleases count only where a comparator names one of the same version
    expect(satisfies('20.0.0-rc.1', '>=20.0.0')).toBe(false)
    expect(satisfies('20.0.0-rc.1', '>=19.0.0')).toBe(false)
    expect(satisfies('20.0.0-rc.2', '>=20.0.0-rc.1')).toBe(true)
    expect(satisfies('20.0.0-rc.1', '<20.0.0 >=20.0.0-rc.0')).toBe(true)
    expect(lowerBounds('^20.19.0 || ^22.12.0 || >=24.0.0')).toEqual(['20.19.0', '22.12.0', '24.0.0'])
    expect(lowerBounds('~20.19 || 22.13.0')).toEqual(['20.19.0', '22.13.0'])
    expect(lowerBounds('>16')).toEqual(['17.0.0']) // >16 is >=17.0.0
    expect(() => lowerBounds('<18')).toThrow(/lowerBounds reads/)
  })

  it('the README promises the range package.json declares', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const [a, b, c] = lowerBounds(promised)
    expect(readme).toContain(`Node.js ${a.replace(/\.0$/, '')}+, ${b.replace(/\.0$/, '')}+ or ${c.split('.')[0]}+`)
  })

  it('every locked package accepts the oldest version of every Node.js line the project promises', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>
    }
    const bounds = lowerBounds(promised)
    const refused: string[] = []
    for (const [name, p] of Object.entries(lock.packages)) {
      const range = !Array.isArray(p.engines) ? p.engines?.node : undefined
      if (!name || !range) continue
      for (const v of bounds) if (!satisfies(v, range)) refused.push(`${name} needs Node ${range}, not ${v}`)
    }
    expect(refused).toEqual([])
  })
})
