// Reads a test runner's JSON report for what did not run: a skip is a check that did not happen. npm test
// (scripts/test-all.mjs) names them, and under CI=true fails on any. src/skipped.test.ts runs both runners on
// tests that skip in every way they can, and checks that each is found.
import { readFileSync } from 'node:fs'

/** Names of the skipped tests in a vitest (jest-style) or Playwright JSON report. */
export function skippedIn(file) {
  const j = JSON.parse(readFileSync(file, 'utf8'))
  if (j.testResults)
    return j.testResults.flatMap((f) =>
      f.assertionResults
        .filter((t) => t.status !== 'passed' && t.status !== 'failed')
        .map((t) => `${f.name.replace(`${process.cwd()}/`, '')}: ${t.fullName} (${t.status})`),
    )
  const out = []
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.results?.some((r) => r.status === 'skipped') || t.status === 'skipped')
          out.push(`${spec.file}: ${[...path, spec.title].join(' › ')} (${t.projectName})`)
    for (const child of suite.suites ?? []) walk(child, [...path, child.title])
  }
  for (const suite of j.suites ?? []) walk(suite, [])
  return out
}

/**
 * What npm test makes of a stage's report: `{ message, fail }`. The skipped tests are named in `message`
 * (undefined when none); `fail` is true when there are any and this is CI (a skip there fails the run).
 */
export function judgeSkips(stage, file, ci) {
  const skipped = skippedIn(file)
  if (!skipped.length) return { fail: false }
  const n = `${skipped.length} test${skipped.length === 1 ? '' : 's'}`
  const tail = ci ? `\n${stage}: under CI nothing may be skipped.` : ''
  return { message: `${stage}: ${n} skipped:\n  ${skipped.join('\n  ')}${tail}`, fail: ci }
}
