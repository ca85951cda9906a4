import { expect, test } from '@playwright/test'
import { backendInUse } from './helpers'

// "How long will it take?" (worker/estimate.ts): before Start, the page times a few steps of these settings on
// this machine and says the whole run's time beside the memory estimate; a change of settings hides the answer,
// and the held model is not the one timed (the run starts at step 0 afterwards). In Chinese too.
test('the time a run would take, measured before Start, in both languages', async ({ page }) => {
  await page.goto('/?lang=en')
  await backendInUse(page)
  const line = page.getByTestId('time-estimate')
  await line.getByRole('button', { name: 'How long will it take?' }).click()
  await expect(page.getByTestId('time-estimate-text')).toHaveText(
    /^about \d+ (s|min) on this machine \(\d+ ms a step, measured\)$/,
    {
      timeout: 60_000,
    },
  )
  // other settings: the answer was for the old ones
  await page.getByLabel('Steps', { exact: true }).fill('40')
  await expect(page.getByTestId('time-estimate-text')).toHaveText('')
  await line.getByRole('button', { name: 'How long will it take?' }).click()
  await expect(page.getByTestId('time-estimate-text')).toContainText('on this machine', { timeout: 60_000 })
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await expect(page.getByTestId('status-step')).toHaveText('40')

  await page.goto('/?lang=zh-CN')
  await backendInUse(page)
  await page.getByTestId('time-estimate').getByRole('button', { name: '训练要多久？' }).click()
  await expect(page.getByTestId('time-estimate-text')).toHaveText(
    /^在这台电脑上约需 \d+ (秒|分钟)（实测每步 \d+ 毫秒）$/,
    { timeout: 60_000 },
  )
})
