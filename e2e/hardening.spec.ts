import { expect, test } from '@playwright/test'

// Failures the page survives, caused on purpose.

test('divergence: learning rate 10 on the names dataset pauses training by itself, marks the step and offers a lower rate', async ({ page }) => {
  await page.goto('/?lang=en')
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('names')
  await page.getByLabel('Learning rate', { exact: true }).fill('10')
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
  await alert.getByRole('button', { name: 'Start again with learning rate 1' }).click()
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('1')
  await expect(page.getByLabel('Minimum learning rate', { exact: true })).toHaveValue('0.1')
  // a new run: it trains, or diverges again and suggests a tenth again — never the old rate
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText(/Training|Paused|Finished/)
  if (await alert.isVisible()) await expect(alert).toContainText('A learning rate of 1 is probably too high for this model; try 0.1.')
})
