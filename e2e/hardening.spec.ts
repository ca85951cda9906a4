import { expect, test } from '@playwright/test'
import {
  backendInUse,
  expectResumedAtCheckpoint,
  loseTheDeviceTwice,
  statusNumber,
  testLog,
  trainWithACheckpoint,
  openAllSettings,
  openTab,
} from './helpers'

// Failures the page survives, caused on purpose.

test('divergence: learning rate 10 on the names dataset pauses training by itself, marks the step and offers a lower rate', async ({
  page,
}) => {
  await page.goto('/?lang=en&test-hooks')
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('names')
  await page.getByLabel('Learning rate', { exact: true }).fill('10')
  await openAllSettings(page)
  await page.getByLabel('Minimum learning rate', { exact: true }).fill('1')
  await page.getByLabel('Warmup steps', { exact: true }).fill('0')
  await page.getByRole('button', { name: 'Start training' }).click()
  const alert = page.getByTestId('divergence')
  await expect(alert).toContainText('Training paused itself.')
  await expect(alert).toContainText(/At step \d+ the loss (reached|jumped to|became)/)
  await expect(alert).toContainText('A learning rate of 10 is probably too high for this model; try 1.')
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused')
  // the step is marked on the loss chart
  await expect(page.getByTestId('loss-chart').getByText('diverged', { exact: true })).toHaveCount(1)
  // no checkpoint was saved this early: the offer is a fresh start at a tenth of the rate
  const mark = (await testLog(page)).length
  await alert.getByRole('button', { name: 'Start again with learning rate 1' }).click()
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('1')
  await expect(page.getByLabel('Minimum learning rate', { exact: true })).toHaveValue('0.1')
  // a new run, made by the worker at the new rate (not the old one), which trains from step 1
  await expect
    .poll(async () => (await testLog(page)).slice(mark).filter((e) => e.kind === 'point').length)
    .toBeGreaterThan(0)
  const after = (await testLog(page)).slice(mark)
  const created = after.filter((e) => e.kind === 'created')
  expect(created).toEqual([expect.objectContaining({ learningRate: 1, minLr: 0.1 })])
  expect(created[0].kind === 'created' && created[0].restored).toBeUndefined()
  expect(after.find((e) => e.kind === 'point')).toMatchObject({
    runId: created[0].kind === 'created' ? created[0].runId : '',
    step: 1,
  })
})

test('a worker killed mid-training is noticed within seconds; Restart resumes the run from its last checkpoint', async ({
  page,
}) => {
  await page.goto('/?lang=en&test-hooks')
  const saved = await trainWithACheckpoint(page)
  const mark = (await testLog(page)).length
  const killedAt = Date.now()
  await page.evaluate(() =>
    (window as unknown as { __playgroundTest: { crash(how: string): void } }).__playgroundTest.crash('exit'),
  )
  const banner = page.getByTestId('engine-stopped')
  await expect(banner).toContainText('Training engine stopped.', { timeout: 60_000 })
  // The behaviour under test is "within seconds": by design 8 s of silence, then a ping unanswered for 4 s
  // (12–14 s). The bound is generous for a loaded two-core machine and still far below "never".
  expect(Date.now() - killedAt).toBeLessThan(40_000)
  await expect(banner).toContainText('has not answered')
  await expect(banner).toContainText(`at its last checkpoint, step ${saved}, and trains on`)
  await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled() // nothing is sent to a dead worker
  await banner.getByRole('button', { name: 'Restart' }).click()
  await expect(banner).toBeHidden()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Training')
  // it trains on from the checkpoint, exactly: step saved + 1 next, with the uninterrupted run's loss there
  await expectResumedAtCheckpoint(page, mark, saved, 1e-5)
})

test('an exception that escapes the worker stops the engine at once, and Restart without a checkpoint starts afresh', async ({
  page,
}) => {
  await page.goto('/?lang=en&test-hooks')
  await page.getByLabel('Steps', { exact: true }).fill('5000')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step')).toBeGreaterThanOrEqual(2)
  const thrownAt = Date.now()
  await page.evaluate(() =>
    (window as unknown as { __playgroundTest: { crash(how: string): void } }).__playgroundTest.crash('throw'),
  )
  const banner = page.getByTestId('engine-stopped')
  await expect(banner).toContainText('An error escaped the training worker', { timeout: 30_000 })
  // "at once": the Worker's error event, not the heartbeat's 12 s; generous for a loaded machine, still below it
  expect(Date.now() - thrownAt).toBeLessThan(10_000)
  await expect(banner).toContainText('No checkpoint of this run was saved yet')
  await banner.getByRole('button', { name: 'Restart' }).click()
  await expect(banner).toBeHidden()
  await backendInUse(page)
  await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled()
})

test('a model too large for the device is refused before anything is allocated, with the numbers (a lowered test budget)', async ({
  page,
}) => {
  await page.goto('/?lang=en&test-budget=30000000')
  await backendInUse(page)
  await page.getByLabel('Preset', { exact: true }).selectOption('baby')
  await expect(
    page.getByText(
      /Too large for this device: training needs about [\d.]+ MiB, more than the 28\.6 MiB this backend can safely use/,
    ),
  ).toBeVisible()
  await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled()
  await page.getByLabel('Preset', { exact: true }).selectOption('tiny')
  await expect(page.getByText(/Too large for this device/)).toBeHidden()
  await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled()
})

test('the Content-Security-Policy holds: nothing in the app violates it, no inline script runs, and markup in text stays text', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __violations: string[] }).__violations = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
  const violations = () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice())
  await page.goto('/?lang=en')
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(policy).toContain("default-src 'self'")
  expect(policy).toMatch(/script-src 'self'(;|$)/) // the built app: no nonce, no 'unsafe-inline', no eval
  expect(policy).toContain("worker-src 'self' blob:")
  // text with markup in it trains, and is shown as the characters it is
  const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b> '.repeat(200)
  await page.getByLabel('Training text').fill(hostile)
  await page.getByLabel('Steps', { exact: true }).fill('5')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByLabel('Prompt', { exact: true }).fill('<img src=x onerror="window.__pwned=1">')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByTestId('sample-output')).toContainText('<img src=x')
  expect(await page.locator('img[src="x"]').count()).toBe(0)
  expect(await page.locator('b', { hasText: /^bold$/ }).count()).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  expect(await violations()).toEqual([]) // the app itself (worker, wasm, charts, downloads) needs no exception
  // and an inline script injected into the page does not run
  const ran = await page.evaluate(() => {
    const s = document.createElement('script')
    s.textContent = 'window.__inline = true'
    document.head.append(s)
    return (window as unknown as { __inline?: boolean }).__inline === true
  })
  expect(ran).toBe(false)
  await expect.poll(violations).toEqual([expect.stringMatching(/^script-src/)])
})

test('a hidden, then frozen tab: training goes on, the step counter never goes back, and it is current on return', async ({
  page,
}) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('100000')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step')).toBeGreaterThanOrEqual(5)
  // every value the counter shows from now on
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="status-step"]')!
    const seen: number[] = []
    ;(window as unknown as { __steps: number[] }).__steps = seen
    new MutationObserver(() => seen.push(Number(el.textContent))).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    })
  })
  const setHidden = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') })
      document.dispatchEvent(new Event('visibilitychange'))
    }, hidden)
  await setHidden(true)
  const before = await statusNumber(page, 'status-step')
  // hidden: training goes on, and the coalesced metrics (one message per 2 s) still move the counter
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 30_000 }).toBeGreaterThan(before + 20)
  // frozen (Page Lifecycle): nothing on the page runs, so nothing there can be waited on; two seconds of it are
  // the condition under test, not a wait for something to happen
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
  await new Promise((resolve) => setTimeout(resolve, 2000))
  await cdp.send('Page.setWebLifecycleState', { state: 'active' })
  const thawed = await statusNumber(page, 'status-step')
  await setHidden(false)
  // current at once: the page shows where the worker is now
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 2000 }).toBeGreaterThan(thawed)
  const seen = await page.evaluate(() => (window as unknown as { __steps: number[] }).__steps)
  // the polls above saw the counter move while hidden and again after return, so at least two values were shown;
  // how many more depends on how fast this machine steps, so the count is not asserted beyond that
  expect(seen.length).toBeGreaterThanOrEqual(2)
  for (let i = 1; i < seen.length; i++)
    expect(seen[i], `the counter went from ${seen[i - 1]} to ${seen[i]}`).toBeGreaterThanOrEqual(seen[i - 1])
  await expect(page.getByTestId('engine-stopped')).toHaveCount(0) // the pause was the page's, not the worker's
})

test('a 25 MB file: measured in the worker with progress while the page stays clickable; Cancel keeps the current text; then taken', async ({
  page,
}) => {
  await page.goto('/?lang=en&test-hooks')
  const stats = page.getByTestId('text-stats')
  await expect(stats).toContainText('characters')
  const before = await stats.textContent()
  await openTab(page, 'About the texts') // the panel clicked below, while the worker counts
  // 25 MB of text: lines of letters and CJK, so code points differ from UTF-16 units
  const line = 'The quick brown fox 床前明月光 jumps over the lazy dog.\n'
  const buffer = Buffer.from(line.repeat(Math.ceil((25 * 2 ** 20) / Buffer.byteLength(line))))
  // the worker holds the measuring after its first slice until released (a test hook): the clicks below land while
  // it is certainly under way, however fast this machine counts
  const holdText = (hold: boolean) =>
    page.evaluate(
      (h) => (window as unknown as { __playgroundTest: { holdText(h: boolean): void } }).__playgroundTest.holdText(h),
      hold,
    )
  await holdText(true)
  await page.locator('#upload').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer })
  const loading = page.getByTestId('text-loading')
  await expect(loading).toBeVisible()
  await expect(loading).toContainText(/Measuring the new text \([\d,]+ characters\)/)
  // the page answers a click while the worker counts: the click has taken effect and the count is still going
  // (counted on the page, the click would wait for the count to end, and the progress would be gone by then)
  const about = page.locator('details', { has: page.getByText('About the built-in texts') })
  await about.locator('summary').click()
  await expect(about).toHaveAttribute('open', '')
  await expect(loading).toBeVisible()
  await loading.getByRole('button', { name: 'Cancel' }).click()
  await expect(loading).toBeHidden()
  await expect(page.getByText('Loading the text was cancelled: the current text is unchanged.')).toBeVisible()
  await expect(stats).toHaveText(before!)
  await holdText(false) // the held measuring goes on, finds itself cancelled, and ends
  // again, to the end: the text is taken with the worker's measurements, and shown as a preview
  const mark = (await testLog(page)).length
  await page.locator('#upload').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer })
  await expect(loading).toBeVisible() // (hidden before the file is read, too)
  await expect(loading).toBeHidden({ timeout: 60_000 })
  const chars = [...line].length * Math.ceil((25 * 2 ** 20) / Buffer.byteLength(line))
  await expect(stats).toContainText(new Intl.NumberFormat('en').format(chars))
  // measured by the worker, in slices: its progress messages, each further along, the last one at the end
  const progress = (await testLog(page)).slice(mark).filter((e) => e.kind === 'text')
  expect(progress.length).toBeGreaterThan(2)
  for (let i = 1; i < progress.length; i++)
    expect(
      progress[i].kind === 'text' && progress[i - 1].kind === 'text' && progress[i].done > progress[i - 1].done,
    ).toBe(true)
  expect(progress.at(-1)).toEqual({
    kind: 'text',
    done: buffer.toString('utf8').length,
    total: buffer.toString('utf8').length,
  })
  await expect(page.getByText(/Showing the first 100,000 of [\d,]+ characters/)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled()
})

test('a long paste is taken as a text, not typed into the box', async ({ page }) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Dataset', { exact: true }).selectOption('custom')
  const box = page.getByLabel('Training text')
  await box.fill('')
  await box.evaluate((el) => {
    const data = new DataTransfer()
    data.setData('text/plain', 'all work and no play makes a dull model. '.repeat(50_000)) // 2 M characters
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })
  await expect(page.getByText(/Showing the first 100,000 of 2,050,000 characters/)).toBeVisible()
  expect(await box.evaluate((el) => (el as HTMLTextAreaElement).value.length)).toBeLessThan(100_010) // a preview, read-only
  await expect(page.getByTestId('text-stats')).toContainText('2,050,000')
})

test('a lost WebGL context: a new engine reopens the run at its checkpoint; lost again within a minute, training moves to wasm', async ({
  page,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto('/?backend=webgl&test-hooks&lang=en')
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'webgl', { timeout: 60_000 })
  const saved = await trainWithACheckpoint(page)
  await loseTheDeviceTwice(page, 'webgl', saved)
  expect(errors).toEqual([])
})
