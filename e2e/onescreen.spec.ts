import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { backendInUse, undersizedControls } from './helpers'

// The playground on one screen (issue 18): at 1280×800, a few seconds into training, the loss chart has both
// curves, a head's mini map in the model diagram has ink and the live sample has text — each inside the
// viewport, the page not scrolled. Screenshots at 1280×800 and 390×844 in both languages and both themes are
// kept under test-results/ (this test's output folder); axe runs on each.

/** The element lies wholly inside the viewport (no scrolling was needed to see it). */
async function inView(page: Page, what: Locator, name: string) {
  const box = await what.boundingBox()
  const vp = page.viewportSize()!
  expect(box, `${name} is drawn`).not.toBeNull()
  expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0)
  expect(box!.x, `${name} left`).toBeGreaterThanOrEqual(0)
  expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(vp.height)
  expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(vp.width)
}

/** Pixels of a mini map that are not the masked future's colour: > 0 means the head drew its attention. */
function miniMapInk(map: Locator): Promise<number> {
  return map.evaluate((el) => {
    const c = el as HTMLCanvasElement
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const hatch = getComputedStyle(document.documentElement)
      .getPropertyValue('--hatch-rgb')
      .trim()
      .split(/\s+/)
      .map(Number)
    let ink = 0
    for (let i = 0; i < d.length; i += 4) if (d[i] !== hatch[0] || d[i + 1] !== hatch[1] || d[i + 2] !== hatch[2]) ink++
    return ink
  })
}

/** Points in an SVG path's d attribute (recharts draws each line as one path). */
const pathPoints = (d: string | null) => (d ?? '').split(/[ML]/).filter((s) => s.trim()).length

async function axe(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = serious.map(
    (v) =>
      `${label}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  )
  expect(report, report.join('\n')).toEqual([])
}

test('at 1280×800 the loss, a head and the live sample change in view, without scrolling', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/?lang=en')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('5000')
  await page.getByRole('button', { name: 'Start training' }).click()

  const chart = page.getByTestId('loss-chart')
  const curves = chart.locator('path.recharts-line-curve')
  await expect
    .poll(async () => pathPoints(await curves.nth(1).getAttribute('d')), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(2)
  expect(pathPoints(await curves.nth(0).getAttribute('d')), 'the training curve').toBeGreaterThanOrEqual(2)
  const head = page.getByTestId('diagram-head-0-0')
  await expect.poll(() => miniMapInk(head).catch(() => 0), { timeout: 60_000 }).toBeGreaterThan(0)
  await expect(page.getByTestId('live-sample')).not.toBeEmpty({ timeout: 60_000 })

  expect(await page.evaluate(() => [scrollX, scrollY]), 'the page was not scrolled').toEqual([0, 0])
  await inView(page, page.getByRole('button', { name: 'Pause' }), 'the pause button')
  await inView(page, page.getByTestId('status-step'), 'the step')
  await inView(page, chart, 'the loss chart')
  await inView(page, head, 'head 0.0’s mini map')
  await inView(page, page.getByTestId('live-sample'), 'the live sample')
  await inView(page, page.getByLabel('Dataset'), 'the dataset picker')
  await inView(page, page.getByTestId('text-stats'), 'the text’s size')
  await inView(page, page.getByTestId('step-once'), 'step once')
  await inView(page, page.getByRole('button', { name: 'Reset', exact: true }), 'reset')
  await inView(page, page.getByRole('heading', { name: 'Start from a trained model' }), 'the trained models')
  await inView(page, page.getByRole('button', { name: /^First names · Small/ }), 'a trained model')

  // a head in the diagram opens its attention beside it; the control bar and the chart stay in view
  await page.getByRole('button', { name: 'Head 1.1: open its attention' }).click()
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue('1')
  await expect(page.getByLabel('Head', { exact: true })).toHaveValue('1')
  await inView(page, page.getByRole('heading', { name: 'Attention', exact: true }), 'the attention view’s heading')
  await expect(page.getByTestId('attention-heatmap')).toBeInViewport()
  await inView(page, chart, 'the loss chart, with a view open')
  expect(await page.evaluate(() => scrollY)).toBe(0)
  // the diagram is one widget: arrow keys move through its parts, Enter opens one
  await page.getByRole('button', { name: /^Token embedding \(wte\)/ }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(page.getByRole('button', { name: /^Position embedding \(wpe\)/ })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Positional encoding' })).toBeInViewport()

  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused', { timeout: 60_000 })
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height })
    for (const lang of ['en', 'zh-CN'] as const) {
      await page.getByRole('button', { name: lang === 'en' ? 'EN' : '中文', exact: true }).click()
      for (const theme of ['light', 'dark'] as const) {
        await page
          .getByRole('group', { name: lang === 'en' ? 'Theme' : '主题' })
          .getByRole('button')
          .nth(theme === 'light' ? 1 : 2)
          .click()
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
        await page.evaluate(() => scrollTo(0, 0))
        await page.screenshot({ path: info.outputPath(`onescreen-${width}x${height}-${lang}-${theme}.png`) })
        if (width === 1280) await axe(page, `${lang} ${theme}`)
      }
    }
  }
})

test('step once takes one step and pauses; reset brings a fresh model at step 0 and keeps the run', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/?lang=en')
  await backendInUse(page)
  const status = page.getByRole('status', { name: 'Training status' })
  const step = page.getByTestId('status-step')
  await expect(page.getByRole('button', { name: 'Reset', exact: true })).toBeDisabled() // nothing to reset yet
  // from a model not yet built: it is built, takes one step and pauses
  await page.getByTestId('step-once').click()
  await expect(status).toContainText('Paused', { timeout: 60_000 })
  await expect(step).toHaveText('1')
  await page.getByTestId('step-once').click()
  await expect(step).toHaveText('2')
  await expect(status).toContainText('Paused')
  const loss2 = await page.getByTestId('status-loss').textContent()
  // resume and pause: it goes on from step 2 (that steps taken one at a time give the straight run's losses is
  // held by src/worker/host.step.test.ts, not here)
  await page.getByRole('button', { name: 'Resume' }).click()
  await expect.poll(async () => Number(await step.textContent()), { timeout: 60_000 }).toBeGreaterThan(4)
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(status).toContainText('Paused')
  await expect(page.getByTestId('saved-status')).toContainText('Saved in this browser', { timeout: 30_000 })
  // reset: a fresh model of the same settings, at step 0, not training; the run so far is kept in Runs
  await page.getByRole('button', { name: 'Reset', exact: true }).click()
  await expect(status).toContainText('Ready', { timeout: 60_000 })
  await expect(step).toHaveText('0')
  await expect(page.getByTestId('status-loss')).toHaveText('–')
  expect(loss2).not.toBe('–')
  await page.getByRole('tab', { name: 'Runs', exact: true }).click()
  await expect(page.getByRole('tabpanel').getByRole('row')).toHaveCount(2) // the header and the run before the reset
  // and the fresh model steps from 0
  await page.getByTestId('step-once').click()
  await expect(step).toHaveText('1', { timeout: 60_000 })
  await expect(status).toContainText('Paused')
})

test('the theme follows the system until one is chosen, and the choice is kept', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto('/?lang=en')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click()
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await expect(page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' })).toHaveAttribute(
    'aria-pressed',
    'true',
  )
  // the file input is the page's own button, in the page's language: no "Choose File"
  await expect(page.getByText('Upload a text file')).toBeVisible()
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByText('上传文本文件')).toBeVisible()
})

test.describe('on a phone', () => {
  test.use({ hasTouch: true, viewport: { width: 390, height: 844 } })

  test('at 390×844: one column, the control bar on top, every control big enough for a finger', async ({ page }) => {
    await page.goto('/?lang=en')
    await backendInUse(page)
    const box = async (name: string) => (await page.getByRole('region', { name, exact: true }).boundingBox())!
    const bar = await box('3. Train')
    const column = [
      await box('1. Text to learn from'),
      await box('The model'),
      await box('Loss'),
      await box('Live sample'),
    ]
    for (const b of column) {
      expect(b.y, 'below the control bar').toBeGreaterThan(bar.y)
      expect(Math.abs(b.x - column[0].x), 'in one column').toBeLessThan(2)
      expect(b.x + b.width, 'inside the screen').toBeLessThanOrEqual(390)
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0)
    expect(await undersizedControls(page)).toEqual([])
  })
})
