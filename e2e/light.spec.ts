import { expect, test, type Page } from '@playwright/test'

// A light page: each language's catalogue is a chunk of its own. The page's first paint is in its language (the
// first title the page ever shows is that language's, so the other never flashes), and the other language's
// chunk is fetched only when the learner switches to it.

/** The scripts the page has asked for, by file name, and the first <h1> text it ever rendered. */
async function watch(page: Page): Promise<{ scripts: string[]; firstTitle: () => Promise<string | null> }> {
  const scripts: string[] = []
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname
    if (path.endsWith('.js')) scripts.push(path.replace(/^.*\//, ''))
  })
  await page.addInitScript(() => {
    const w = window as unknown as { __firstTitle: string | null }
    w.__firstTitle = null
    new MutationObserver((_, seen) => {
      const h1 = document.querySelector('h1')
      if (!h1?.textContent) return
      w.__firstTitle = h1.textContent
      seen.disconnect()
    }).observe(document, { childList: true, subtree: true, characterData: true })
  })
  return {
    scripts,
    firstTitle: () => page.evaluate(() => (window as unknown as { __firstTitle: string | null }).__firstTitle),
  }
}

const loaded = (scripts: string[], lang: 'en' | 'zh-CN') => scripts.some((s) => s.startsWith(`catalogue.${lang}-`))

test('each language loads on its own: the first paint speaks the page’s language, the other comes when asked for', async ({
  page,
}) => {
  const { scripts, firstTitle } = await watch(page)
  await page.goto('/?lang=zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GPT 游乐场')
  expect(await firstTitle()).toBe('GPT 游乐场')
  await expect(page).toHaveTitle(/在浏览器标签页里训练/)
  expect(loaded(scripts, 'zh-CN')).toBe(true)
  expect(loaded(scripts, 'en')).toBe(false)
  // a view loaded lazily speaks the page's language too
  await expect(page.getByRole('heading', { name: '4. 生成' })).toBeVisible()
  expect(loaded(scripts, 'en')).toBe(false)

  await page.getByRole('button', { name: 'EN', exact: true }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GPT Playground')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  expect(loaded(scripts, 'en')).toBe(true)
})

test('in English the Chinese catalogue is never fetched, the first title is English, and the views load after the first paint', async ({
  page,
}) => {
  const { scripts, firstTitle } = await watch(page)
  await page.goto('/?lang=en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GPT Playground')
  expect(await firstTitle()).toBe('GPT Playground')
  // every view has come (the last one in page order), and still no Chinese
  await expect(page.getByRole('heading', { name: /Break it to learn it/ })).toBeVisible()
  expect(loaded(scripts, 'en')).toBe(true)
  expect(loaded(scripts, 'zh-CN')).toBe(false)
  // the views the first screen does not show were asked for only after the first paint (recharts with them)
  const early = await page.evaluate(() => {
    const [paint] = performance.getEntriesByName('first-contentful-paint')
    return performance
      .getEntriesByType('resource')
      .filter((r) => /\/assets\/(AtlasPanel|GeneratePanel|LossChart|recharts)-/.test(r.name))
      .map((r) => ({ name: r.name.replace(/^.*\//, ''), startTime: r.startTime, paint: paint?.startTime }))
  })
  expect(early.map((r) => r.name.replace(/-.*/, '')).sort()).toEqual([
    'AtlasPanel',
    'GeneratePanel',
    'LossChart',
    'recharts',
  ])
  for (const r of early) expect(r.startTime, r.name).toBeGreaterThan(r.paint ?? Infinity)
})
