import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { backendInUse, eachTab, openAllFolded } from './helpers'

// Automated accessibility checks (axe-core, WCAG 2 A and AA rules) on the whole page with every view open,
// after a short training run so the views hold real content: no serious or critical violation.
test('every view passes axe in both languages with no serious or critical violations', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('10')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  // open every collapsible view (the tabs below the first screen are checked one by one below)
  await openAllFolded(page)
  await page.getByLabel('Prompt', { exact: true }).fill('An')
  await page.getByLabel('Max new tokens').fill('6')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 6 tokens/)).toBeVisible()
  await page.getByTestId('sample-output').locator('.tok').nth(2).focus()
  // the attention panel's head in words too (layers and heads counted from 0, as the diagram names them)
  await expect(page.getByTestId('attention-summary')).toContainText(/^Layer 0 Head 0: .*Focus: (sharp|moderate|spread)/)
  for (const lang of ['en', 'zh-CN'] as const) {
    if (lang === 'zh-CN') await page.getByRole('button', { name: '中文', exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('lang', lang)
    // the whole page with the first tab, then each other tab's panel
    await eachTab(page, async (tab) => {
      const axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      const first = (await page.getByRole('tab').first().textContent()) === tab
      const results = await (first ? axe : axe.include('.more')).analyze()
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      const report = serious.map(
        (v) =>
          `${lang} (${tab}): ${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      )
      expect(report, report.join('\n')).toEqual([])
    })
  }
})
