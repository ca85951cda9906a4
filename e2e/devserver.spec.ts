import { expect, test } from '@playwright/test'
import { statusNumber } from './helpers'

// The development server (`npm start`) under the same Content-Security-Policy as the built app: its own inline
// scripts carry a nonce made for each start, and nothing the app does is blocked.
test('under the development server the Content-Security-Policy holds, with a nonce, and the app trains', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __violations: string[] }).__violations = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
  await page.goto('/?lang=en')
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/)
  expect(policy).not.toMatch(/script-src[^;]*unsafe/) // scripts stay strict: only styles may be inline
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', /\w/, { timeout: 120_000 })
  // cross-origin isolated by the server's own headers (vite.config.ts), page and worker alike
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
  await expect(page.getByTestId('backend-threads')).toHaveAttribute('data-isolated', 'true')
  await page.getByLabel('Steps', { exact: true }).fill('3')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  expect(await statusNumber(page, 'status-step')).toBe(3)
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([])
})
