import { expect, type Page } from '@playwright/test'
import type { TestEvent } from '../src/ui/client'

export async function statusNumber(page: Page, testId: 'status-step' | 'status-loss' | 'status-val'): Promise<number> {
  const t = (await page.getByTestId(testId).textContent()) ?? ''
  return t.trim() === '–' ? NaN : Number(t.replace(/,/g, '')) // 1,234 as the page writes it
}

/** Waits for the worker's handshake and returns the backend it reports (the header's chip carries its id). */
export async function backendInUse(page: Page): Promise<string> {
  const chip = page.getByTestId('backend-chip')
  await expect(chip).toBeVisible()
  await expect(chip).toHaveAttribute('data-backend', /\w/)
  return (await chip.getAttribute('data-backend')) ?? ''
}

/** Share of the heatmap canvas's pixels that are neither white nor the hatched "future" grey: > 0 means something is drawn. */
export async function heatmapInk(page: Page): Promise<{ inked: number; distinct: number }> {
  return page.getByTestId('attention-heatmap').evaluate((el) => {
    const c = el as HTMLCanvasElement
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let inked = 0
    const colours = new Set<number>()
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]]
      if (a === 0) continue
      const blueish = b > r + 20 // the weight colour scale runs white → blue
      if (blueish) {
        inked++
        colours.add((r << 16) | (g << 8) | b)
      }
    }
    return { inked: inked / (d.length / 4), distinct: colours.size }
  })
}

/** What the workers said, in brief; the page must be opened with ?test-hooks. */
export type { TestEvent }

export function testLog(page: Page): Promise<TestEvent[]> {
  return page.evaluate(
    () => (window as unknown as { __playgroundTest: { log(): unknown[] } }).__playgroundTest.log() as never,
  )
}

type Point = Extract<TestEvent, { kind: 'point' }>
const points = (events: TestEvent[]) => events.filter((e): e is Point => e.kind === 'point')

/** The latest step the page has heard of (0 before the first). */
export async function lastStep(page: Page): Promise<number> {
  return points(await testLog(page)).at(-1)?.step ?? 0
}

/**
 * After a crash or a lost device (the log had `mark` events before it): the run was reopened exactly at the
 * checkpoint of step `saved` — restored with its history up to that step, paused there, not at 0 — and its
 * next two steps are `saved` + 1 and + 2 with the losses the uninterrupted run had there (`tolerance` relative,
 * looser across backends): the first shows the weights and the batch stream came back, the second the update
 * between them too (AdamW's moments and step count, the learning-rate schedule). So it did not start again
 * from ln V. Waits for those two steps.
 */
export async function expectResumedAtCheckpoint(
  page: Page,
  mark: number,
  saved: number,
  tolerance: number,
): Promise<void> {
  const restarted = (log: TestEvent[]) =>
    log.slice(log.findIndex((e, i) => i >= mark && e.kind === 'ready') + 1 || log.length)
  await expect
    .poll(async () => points(restarted(await testLog(page))).length, { timeout: 180_000 })
    .toBeGreaterThanOrEqual(2)
  const log = await testLog(page)
  // the new engine's handshake divides the old worker's last words from the new one's
  const restart = log.findIndex((e, i) => i >= mark && e.kind === 'ready')
  expect(restart, 'a new engine started').toBeGreaterThanOrEqual(0)
  const before = log.slice(0, restart)
  const after = log.slice(restart)
  const reopened = after.find((e): e is Extract<TestEvent, { kind: 'created' }> => e.kind === 'created')
  expect(reopened?.restored, 'the run was reopened from storage').toBeDefined()
  const steps = reopened!.restored!.steps
  expect(steps.at(-1), 'its history ends at the checkpoint').toBe(saved)
  expect(steps, 'with every step up to it').toEqual(steps.map((_, i) => i + 1))
  const paused = after.find((e) => e.kind === 'state' && e.runId === reopened!.runId)
  expect(paused, 'the reopened run starts paused at the checkpoint’s step').toMatchObject({
    state: 'paused',
    step: saved,
  })
  expect(
    points(after)
      .slice(0, 2)
      .map((p) => p.step),
    'the first steps after reopening',
  ).toEqual([saved + 1, saved + 2])
  for (const now of points(after).slice(0, 2)) {
    const uninterrupted = points(before)
      .filter((p) => p.step === now.step)
      .at(-1)
    expect(uninterrupted, `the run had taken step ${now.step} before it stopped`).toBeDefined()
    expect(
      Math.abs(now.loss - uninterrupted!.loss) / uninterrupted!.loss,
      `loss ${now.loss} at step ${now.step}, ${uninterrupted!.loss} before`,
    ).toBeLessThan(tolerance)
  }
}

/**
 * Trains, pauses (which saves a checkpoint), resumes and trains a few steps past it; returns the checkpoint's
 * step. No evaluations (every 5,000 steps), so no other checkpoint is written meanwhile: the last one is this.
 */
export async function trainWithACheckpoint(page: Page): Promise<number> {
  await page.getByLabel('Steps', { exact: true }).fill('5000')
  await openAllSettings(page)
  await page.getByLabel('Evaluate every', { exact: true }).fill('5000')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => lastStep(page), { timeout: 180_000 }).toBeGreaterThanOrEqual(5)
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByTestId('saved-status')).toContainText(/Saved in this browser at step \d+/, { timeout: 60_000 })
  const saved = Number(/step (\d+)/.exec((await page.getByTestId('saved-status').textContent()) ?? '')![1])
  expect((await testLog(page)).filter((e) => e.kind === 'saved').map((e) => e.kind === 'saved' && e.step)).toEqual([
    saved,
  ])
  await page.getByRole('button', { name: 'Resume' }).click()
  await expect.poll(() => lastStep(page), { timeout: 180_000 }).toBeGreaterThanOrEqual(saved + 3)
  return saved
}

/**
 * A GPU lost twice within a minute, on `backend` (webgpu or webgl), after trainWithACheckpoint: the first time
 * a new engine on the same backend reopens the run at its checkpoint, the same numbers to 1e-5; the second
 * time training moves to wasm, reopened at the same checkpoint (1e-3: float32 sums in another order). Nothing
 * saves in between (no pause, no evaluation), so the checkpoint is the first one both times.
 */
export async function loseTheDeviceTwice(page: Page, backend: 'webgpu' | 'webgl', saved: number): Promise<void> {
  const lose = () =>
    page.evaluate(() =>
      (window as unknown as { __playgroundTest: { loseDevice(): void } }).__playgroundTest.loseDevice(),
    )
  const notice = page.getByTestId('device-lost')
  const training = page.getByRole('status', { name: 'Training status' })
  let mark = (await testLog(page)).length
  const firstLoss = Date.now()
  await lose()
  await expect(notice).toContainText(`The GPU device under ${backend} was lost`, { timeout: 60_000 })
  await expect(notice).toContainText(
    `A new engine was started on ${backend}. The run was reopened at its last checkpoint, step ${saved}.`,
  )
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', backend, { timeout: 60_000 })
  await expect(training).toContainText('Training', { timeout: 120_000 })
  await expectResumedAtCheckpoint(page, mark, saved, 1e-5)

  // That minute is the behaviour under test; if the reopening above took it all, say so rather than fail below.
  expect(Date.now() - firstLoss, 'the second loss must come within a minute of the first').toBeLessThan(55_000)
  mark = (await testLog(page)).length
  await lose()
  await expect(notice).toContainText('It was the second time within a minute, so training now runs on wasm.', {
    timeout: 60_000,
  })
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 })
  await expect(page.getByLabel('Backend')).toHaveValue('wasm')
  await expect(training).toContainText('Training', { timeout: 120_000 })
  await expectResumedAtCheckpoint(page, mark, saved, 1e-3)
  await expect(page.getByTestId('engine-stopped')).toHaveCount(0)
}

/** The tabs below the first screen (views/MoreTabs.tsx: runs, model file, tokenizer, pairs, concepts, texts): chooses one. */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click()
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true')
}

/** Opens "All settings" (the settings the first screen folds away), unless it is open. */
export async function openAllSettings(page: Page): Promise<void> {
  const all = page.locator('details.all-settings')
  if (!(await all.evaluate((d) => (d as HTMLDetailsElement).open))) await all.locator('summary').click()
}

/** Opens every folded view the page shows now (opening one may reveal more), by click or by touch. */
export async function openAllFolded(page: Page, tap = false): Promise<void> {
  const closed = page.locator('details:not([open]) > summary:visible')
  for (let n = 0; n < 50 && (await closed.count()) > 0; n++) await (tap ? closed.first().tap() : closed.first().click())
}

/** Runs `check` once with each tab below the first screen chosen in turn (its folded parts opened). */
export async function eachTab(page: Page, check: (tab: string) => Promise<void>, tap = false): Promise<void> {
  const tabs = page.getByRole('tab')
  for (let i = 0; i < (await tabs.count()); i++) {
    await (tap ? tabs.nth(i).tap() : tabs.nth(i).click())
    await expect(tabs.nth(i)).toHaveAttribute('aria-selected', 'true')
    await openAllFolded(page, tap)
    await check((await tabs.nth(i).textContent()) ?? '')
  }
}

/**
 * Every control the page shows that a finger could miss: under 44 × 44 px — a check box or radio button under
 * 24 px, or without a label of 44 px a finger can hit instead. Empty when all are big enough.
 */
export function undersizedControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('button, select, input, summary, a[href], [tabindex="0"]'))
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .flatMap((e) => {
        const input = e as HTMLInputElement
        const r = e.getBoundingClientRect()
        const name = `${e.tagName.toLowerCase()}${input.type ? `[${input.type}]` : ''} ${e.id || e.getAttribute('aria-label') || (e.textContent ?? '').slice(0, 30)}`
        if (input.type === 'checkbox' || input.type === 'radio') {
          const label = Array.from(input.labels ?? [])
            .map((l) => l.getBoundingClientRect())
            .find((b) => b.height >= 44)
          return r.width >= 24 && r.height >= 24 && label
            ? []
            : [`${name}: ${Math.round(r.width)}×${Math.round(r.height)}, label ${label ? 'ok' : 'under 44 px'}`]
        }
        return r.width >= 44 && r.height >= 44 ? [] : [`${name}: ${Math.round(r.width)}×${Math.round(r.height)}`]
      }),
  )
}
