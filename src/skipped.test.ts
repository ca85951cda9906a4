// npm test fails under CI on a skipped test (scripts/test-all.mjs, through scripts/skipped.mjs). The reader is
// checked on reports the real runners write: vitest and Playwright run small test files that skip in every way
// they can (a skip, a conditional skip, a skip decided inside the test, a todo, a fixme) beside a passing and a
// failing test, and each skip — and nothing else — must be found.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { judgeSkips, skippedIn } from '../scripts/skipped.mjs'

const ROOT = join(__dirname, '..')
// inside the project, so the test files import its vitest and @playwright/test
mkdirSync(join(ROOT, 'node_modules/.tmp'), { recursive: true })
const dir = mkdtempSync(join(ROOT, 'node_modules/.tmp/skipped-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a runner in `dir`; it exits 1 (a test there fails on purpose), and its JSON report is returned. */
function runIn(cmd: string[], report: string, env: Record<string, string> = {}): string {
  const r = spawnSync('npx', cmd, { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '', ...env } })
  expect(r.status, `${cmd.join(' ')}: ${r.stdout}\n${r.stderr}`).toBe(1) // the failing test, nothing worse
  return join(dir, report)
}

describe('the skip reader', () => {
  it('finds every kind of vitest skip in a real vitest report, and no test that ran', () => {
    writeFileSync(join(dir, 'vitest.config.mjs'), 'export default { test: { include: ["*.test.mjs"], exclude: [] } }\n')
    writeFileSync(
      join(dir, 'kinds.test.mjs'),
      [
        "import { describe, it, expect } from 'vitest'",
        "it('passes', () => expect(1).toBe(1))",
        "it('fails', () => expect(1).toBe(2))",
        "it.skip('is skipped', () => {})",
        "it.skipIf(true)('is skipped by a condition', () => {})",
        "it('skips itself', (ctx) => { ctx.skip() })",
        "it.todo('is a todo')",
        "describe.skip('a skipped group', () => { it('inside it', () => {}) })",
      ].join('\n'),
    )
    const report = runIn(
      ['vitest', 'run', '--root', '.', '--reporter=json', '--outputFile.json=vitest.json'],
      'vitest.json',
    )
    const names = skippedIn(report).map((s) => s.replace(/^.*kinds\.test\.mjs: /, ''))
    expect(names.sort()).toEqual(
      [
        'is skipped (skipped)',
        'is skipped by a condition (skipped)',
        'skips itself (skipped)',
        'is a todo (todo)',
        'a skipped group inside it (skipped)',
      ].sort(),
    )
  }, 120_000)

  it('finds every kind of Playwright skip in a real Playwright report, and no test that ran', () => {
    writeFileSync(
      join(dir, 'playwright.config.mjs'),
      "export default { testDir: '.', testMatch: /\\.spec\\.mjs$/, testIgnore: [], retries: 0, reporter: 'json' }\n",
    )
    writeFileSync(
      join(dir, 'kinds.spec.mjs'),
      [
        "import { expect, test } from '@playwright/test'",
        "test('passes', () => expect(1).toBe(1))",
        "test('fails', () => expect(1).toBe(2))",
        "test.skip('is skipped', () => {})",
        "test('skips itself', () => { test.skip(true, 'a reason') })",
        "test.fixme('is a fixme', () => {})",
        "test.describe('a group', () => { test.skip(() => true, 'for all'); test('inside it', () => {}) })",
      ].join('\n'),
    )
    // no browser is started: these tests use no page
    const report = runIn(['playwright', 'test', '--config', 'playwright.config.mjs'], 'pw.json', {
      PLAYWRIGHT_JSON_OUTPUT_NAME: 'pw.json',
    })
    const names = skippedIn(report).map((s) => s.replace(/^.*kinds\.spec\.mjs: /, ''))
    expect(names.sort()).toEqual(['is skipped ()', 'skips itself ()', 'is a fixme ()', 'a group › inside it ()'].sort())
  }, 120_000)

  it('fails the run under CI only, naming each skip', () => {
    const report = join(dir, 'vitest.json') // written by the first test
    const ci = judgeSkips('Unit and protocol tests', report, true)
    expect(ci.fail).toBe(true)
    expect(ci.message).toContain('Unit and protocol tests: 5 tests skipped:')
    expect(ci.message).toContain('is skipped by a condition (skipped)')
    expect(ci.message).toContain('under CI nothing may be skipped')
    const local = judgeSkips('Unit and protocol tests', report, false)
    expect(local.fail).toBe(false)
    expect(local.message).toContain('5 tests skipped')
    // a report with no skip: nothing to say, nothing to fail
    const clean = join(dir, 'clean.json')
    writeFileSync(clean, JSON.stringify({ testResults: [{ name: 'x', assertionResults: [{ status: 'passed' }] }] }))
    expect(judgeSkips('Unit and protocol tests', clean, true)).toEqual({ fail: false })
  })
})
