// The docs name files (the test behind a claim, the script behind a figure): every path they name exists, so a
// move or a rename cannot leave the README pointing at nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..')
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]
const PATH = /\b(?:src|scripts|e2e|docs)\/[\w./*-]*\.(?:ts|tsx|mjs|py|md|json|svg|png|wat)\b/g

/** Does the path exist, or (with a * in its file name) does at least one file match it? */
function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(ROOT, path))
  const dir = join(ROOT, dirname(path))
  const name = new RegExp(`^${path.split('/').at(-1)!.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`)
  return existsSync(dir) && readdirSync(dir).some((f) => name.test(f))
}

describe('the docs name files that exist', () => {
  for (const doc of DOCS)
    it(doc, () => {
      const named = [...new Set(readFileSync(join(ROOT, doc), 'utf8').match(PATH) ?? [])]
      expect(
        named.filter((p) => !exists(p)),
        `${doc} names missing files`,
      ).toEqual([])
    })

  it('the checker finds paths (it would catch a missing one)', () => {
    expect('see `src/model/gpt.ts` and src/ui/lesson/*.test.ts'.match(PATH)).toEqual([
      'src/model/gpt.ts',
      'src/ui/lesson/*.test.ts',
    ])
    expect(exists('src/model/gpt.ts')).toBe(true)
    expect(exists('src/model/nothing-here.ts')).toBe(false)
    expect(exists('src/ui/lesson/*.test.ts')).toBe(true)
  })
})
