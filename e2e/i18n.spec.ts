import { expect, test } from '@playwright/test'

// The language switch: 中文 sets <html lang>, the address and the remembered choice; a link with ?lang=
// opens in its language; the Chinese head summary of the atlas.
test('the 中文 / EN switch changes the page language, the address, and is remembered', async ({ page }) => {
  await page.goto('/?lang=en')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GPT Playground')
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GPT 游乐场')
  await expect(page.getByRole('button', { name: '中文', exact: true })).toHaveAttribute('aria-pressed', 'true')
  expect(new URL(page.url()).searchParams.get('lang')).toBe('zh-CN')
  await expect(page).toHaveTitle(/在浏览器标签页里训练/)
  // remembered without the parameter
  await page.goto('/')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByText('动手破坏，才能真正理解：去掉因果掩码')).toBeVisible()
  await expect(page.getByRole('heading', { name: '4. 生成' })).toBeVisible()
  await expect(page.getByLabel('提示词', { exact: true })).toBeVisible()
  // the atlas speaks Chinese: its title, its readout, its head summary
  await page.getByText('注意力总览：训练过程中的每一层 × 每个头').click()
  await expect(page.getByTestId('atlas-readout')).toContainText('每张小图是一个注意力头')
  await expect(page.getByTestId('head-summary')).toContainText(/^第 0 层第 0 头：.*（熵 \d\.\d 比特）。$/)
  await page.getByRole('button', { name: 'EN', exact: true }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByTestId('head-summary')).toContainText(/^Layer 0 Head 0: /)
})
