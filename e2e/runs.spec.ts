import { expect, test } from '@playwright/test'
import { backendInUse, statusNumber, openAllSettings, openTab } from './helpers'

// Runs that last: pause, reload, and resume from the stored checkpoint with the loss curve where it was;
// the Runs panel renames and compares; and one tab trains at a time (a second tab can take over).
test('train, reload, resume from the stored checkpoint; rename and compare runs', async ({ page }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('5000')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(30)
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused')
  const step = await statusNumber(page, 'status-step')
  await expect(page.getByTestId('saved-status')).toHaveText(
    `Saved in this browser at step ${step}: a reload keeps it (see Runs).`,
  )
  const valBefore = (await page.getByTestId('status-val').textContent()) ?? ''

  await page.reload()
  await backendInUse(page)
  const banner = page.getByTestId('interrupted-run')
  await expect(banner).toContainText(`stopped at step ${step} when the page closed`)
  await banner.getByRole('button', { name: `Resume from step ${step}` }).click()
  // the run is back as it was: paused at its step, with its history (the last validation loss is the same)
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused')
  expect(await statusNumber(page, 'status-step')).toBe(step)
  await expect(page.getByTestId('status-val')).toHaveText(valBefore)
  await expect(page.getByTestId('saved-status')).toContainText(`step ${step}`)
  await page.getByRole('region', { name: '3. Train' }).getByRole('button', { name: 'Resume' }).click()
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 60_000 }).toBeGreaterThan(step + 10)
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused')

  // the Runs panel: one stored run, renamed, and its validation curve compared on the chart
  await openTab(page, 'Runs')
  const table = page.getByRole('table', { name: 'Stored runs' })
  await expect(table.locator('tbody tr')).toHaveCount(1)
  await table.getByRole('button', { name: 'Rename' }).click()
  await table.getByLabel('Run name').fill('names, tiny, first try')
  await table.getByRole('button', { name: 'Save' }).click()
  await expect(table.locator('tbody tr').first()).toContainText('names, tiny, first try')
  await table.getByLabel('Compare').check()
  await expect(page.getByTestId('loss-chart')).toContainText('names, tiny, first try (validation)')
})

test('one tab trains at a time: a second tab says so and can take over', async ({ page, context }) => {
  await page.goto('/')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('5000')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(() => statusNumber(page, 'status-step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(5)

  const second = await context.newPage()
  await second.goto('/')
  await backendInUse(second)
  await second.getByRole('button', { name: 'Start training' }).click()
  await expect(second.getByRole('alert')).toContainText('Another tab of this page is training a model')
  expect(await statusNumber(second, 'status-step')).toBe(0)
  await second.getByRole('button', { name: 'Take over' }).click()
  await expect(page.getByText('Another tab took over training, so this one paused')).toBeVisible()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Paused')
  await expect.poll(() => statusNumber(second, 'status-step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(3)
  await second.close()
})

test('share settings by link: another page opens with them; a bad link says why and keeps the defaults', async ({
  page,
  context,
}) => {
  await page.goto('/')
  await backendInUse(page)
  await openAllSettings(page)
  await page.getByLabel('Layers').fill('3')
  await page.getByLabel('Learning rate', { exact: true }).fill('0.002')
  await page.getByRole('button', { name: 'Share these settings' }).click()
  const link = await page.getByLabel('Link to these settings').inputValue()
  expect(link).toMatch(/#v=1&blockSize=32&nLayer=3&.*learningRate=0\.002.*&dataset=names$/)

  const other = await context.newPage()
  await other.goto(link)
  await openAllSettings(other)
  await expect(other.getByLabel('Layers')).toHaveValue('3')
  await expect(other.getByLabel('Learning rate', { exact: true })).toHaveValue('0.002')
  await other.goto('/#nLayer=3&nHead=3&nEmbd=32')
  await other.reload()
  await expect(other.getByRole('alert')).toContainText('Embedding width 32 is not divisible by 3 heads')
  await expect(other.getByLabel('Layers')).toHaveValue('2')
  await other.close()
})
