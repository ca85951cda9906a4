import { expect, test } from '@playwright/test'
import { eachTab, openAllFolded, undersizedControls } from './helpers'

// By touch (a coarse pointer): every control the page shows is at least 44 px tall and wide — a check box or
// radio button at least 24 px, with a label of 44 px a finger can hit instead — in both languages; a tap locks
// an attention cell as a click does.
test.use({ hasTouch: true })

test('by touch, every control is big enough for a finger, in both languages, and a tap locks a heatmap cell', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 900 })
  await page.goto('/?lang=en')
  expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true)
  // the text chosen, so that switching the language below does not switch the default dataset (and the model
  // with it: a new model's attention map replaces the one the last step taps)
  await page.getByLabel('Dataset').selectOption('names')
  await openAllFolded(page, true)
  for (const lang of ['en', 'zh-CN'] as const) {
    if (lang === 'zh-CN') await page.getByRole('button', { name: '中文', exact: true }).tap()
    await expect(page.locator('html')).toHaveAttribute('lang', lang)
    await eachTab(
      page,
      async (tab) => {
        expect(await undersizedControls(page), `${lang} (${tab})`).toEqual([])
      },
      true,
    )
  }
  // a tap on the attention heatmap locks the cell under the finger, as a click does
  await page.getByRole('button', { name: 'EN', exact: true }).tap()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en') // the switch waits for its catalogue, then re-renders
  const heatmap = page.getByTestId('attention-heatmap')
  await heatmap.scrollIntoViewIfNeeded()
  const box = (await heatmap.boundingBox())!
  await page.touchscreen.tap(box.x + box.width * 0.9, box.y + box.height * 0.9)
  await expect(page.getByTestId('attention-readout')).toContainText(/locked/i)
})
