// The import rules of docs/ARCHITECTURE.md, checked on the source: data flows one way, tfjs stays in the worker.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(__dirname)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : []
  })
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8')
  return [
    ...src.matchAll(
      /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3])
}

/** For each layer, the src/ folders and packages it must not import. */
const RULES: Record<string, { noDirs: string[]; noPackages: RegExp }> = {
  // the contract between page and worker: the protocol, the settings, the problem codes
  shared: {
    noDirs: ['ui', 'worker', 'train', 'model', 'data', 'storage'],
    noPackages: /^(@tensorflow|react|zustand|recharts)/,
  },
  // the pure libraries both sides use: text (tokenizers, text facts, pairs) and analysis (what the views compute)
  text: {
    noDirs: ['ui', 'worker', 'train', 'model', 'data', 'storage', 'shared', 'analysis'],
    noPackages: /^(@tensorflow|react|zustand|recharts)/,
  },
  analysis: {
    noDirs: ['ui', 'worker', 'train', 'model', 'data', 'storage', 'shared', 'text'],
    noPackages: /^(@tensorflow|react|zustand|recharts)/,
  },
  util: {
    noDirs: ['ui', 'worker', 'train', 'model', 'data', 'storage', 'shared', 'text', 'analysis'],
    noPackages: /^(@tensorflow|react|zustand|recharts)/,
  },
  storage: { noDirs: ['ui', 'worker', 'train', 'model', 'data'], noPackages: /^(@tensorflow|react|zustand|recharts)/ },
  model: { noDirs: ['ui', 'worker', 'train', 'data', 'storage'], noPackages: /^(react|zustand|recharts)/ },
  data: { noDirs: ['ui', 'worker', 'train', 'model', 'storage'], noPackages: /^(@tensorflow|react|zustand|recharts)/ },
  train: { noDirs: ['ui', 'worker', 'storage'], noPackages: /^(react|zustand|recharts)/ },
  worker: { noDirs: ['ui'], noPackages: /^(react|zustand|recharts)/ },
  ui: { noDirs: ['worker', 'train', 'model', 'data'], noPackages: /^@tensorflow/ },
}

describe('architecture', () => {
  for (const [layer, rule] of Object.entries(RULES)) {
    it(`${layer}/ imports only what it may`, () => {
      const bad: string[] = []
      for (const f of files(join(SRC, layer))) {
        for (const spec of imports(f)) {
          if (rule.noPackages.test(spec)) bad.push(`${relative(SRC, f)} imports ${spec}`)
          if (spec.startsWith('.')) {
            const target = relative(SRC, join(f, '..', spec)).split(/[\\/]/)[0]
            if (rule.noDirs.includes(target)) bad.push(`${relative(SRC, f)} imports ${spec}`)
          }
        }
      }
      expect(bad).toEqual([])
    })
  }

  it('the checker sees imports (it would catch a violation)', () => {
    expect(imports(join(SRC, 'worker', 'openRun.ts'))).toContain('../train/run')
    expect(imports(join(SRC, 'ui', 'client', 'engine.ts'))).toContain('../store')
  })

  it('components change the store only through its actions, and select from it narrowly', () => {
    // setState from a component, or a whole-store select (which re-renders on every metrics batch)
    const banned = /\bsetState\b|useStore\(\s*\)/
    expect('useStore.setState({ x: 1 })').toMatch(banned) // the pattern does match what it bans
    expect('const s = useStore()').toMatch(banned)
    expect('useStore((s) => s.x)').not.toMatch(banned)
    const dir = join(SRC, 'ui', 'components')
    const found = readdirSync(dir)
      .filter((f) => /\.tsx?$/.test(f))
      .flatMap((f) =>
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (banned.test(line) ? [`components/${f}:${i + 1}: ${line.trim()}`] : [])),
      )
    expect(found).toEqual([])
  })

  it('src/ never reads back synchronously or renders raw HTML', () => {
    // built from pieces so that this guard does not match the searches it stands for (shared/hooks/before-stop)
    // raw HTML in any spelling, and code from strings (the page's Content-Security-Policy forbids that too)
    const banned = new RegExp(
      [
        '\\.data' + 'Sync\\(\\)',
        'dangerously' + 'SetInnerHTML',
        '\\.(inner|outer)' + 'HTML\\b',
        'insertAdjacent' + 'HTML',
        'document\\.' + 'write',
        '\\bev' + 'al\\(',
        'new Fun' + 'ction\\(',
      ].join('|'),
    )
    for (const bad of [
      'x.data' + 'Sync()',
      'el.inner' + 'HTML = s',
      'el.insertAdjacent' + 'HTML(',
      'ev' + 'al(code)',
      'new Fun' + 'ction(code)',
    ])
      expect(bad).toMatch(banned) // the pattern does match what it bans
    for (const f of files(SRC)) {
      const src = readFileSync(f, 'utf8')
      expect(src, relative(SRC, f)).not.toMatch(banned)
    }
  })
})
