import { expect, test, type Page } from '@playwright/test'
import { backendInUse } from './helpers'

// The guided tour, run to the end: in English doing every task the page checks, in Chinese skipping them.
async function next(page: Page, name: string, n: number) {
  await page.getByTestId('tour').getByRole('button', { name, exact: true }).click()
  await expect(page.getByTestId('tour-step')).toContainText(new RegExp(`^(Step ${n} of 17|第 ${n} 步，共 17 步)$`))
}

test('the tour in English: every task done, from tokens to evaluation', async ({ page }) => {
  await page.goto('/?lang=en')
  await backendInUse(page)
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start the tour' }).click()
  const tour = page.getByTestId('tour')
  const task = page.getByTestId('tour-task')
  await expect(page.getByTestId('tour-step')).toHaveText('Step 1 of 17')
  await expect(tour).toContainText('Tokenization (分词)')
  await expect(page.getByTestId('tour-erratum')).toHaveCount(0)
  await next(page, 'Next', 2)
  // the pretraining steps correct the tutorial where the learner meets its claim
  await expect(page.getByTestId('tour-erratum')).toContainText('A correction to the tutorial: ')
  await expect(page.getByTestId('tour-erratum')).toContainText('next-sentence prediction')
  // the card's question before its number, and its caveat, as in the cards panel
  await expect(page.getByTestId('tour-caveat')).toContainText('Caveat: A training loss far below the validation loss')
  const ask = page.getByTestId('tour-predict-pretraining')
  await expect(ask).toContainText('Before the first step, what will your model’s validation loss be?')
  await ask.getByRole('textbox').fill('4')
  await ask.getByRole('button', { name: 'Answer' }).click()
  await expect(page.getByTestId('tour-predicted-pretraining')).toContainText('Your prediction: 4')
  await expect(tour.getByRole('button', { name: 'Next', exact: true })).toBeDisabled()
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 3)
  await expect(task).toContainText('Done ✓', { timeout: 120_000 }) // training step 6 of 30: the tour waits for it
  // answered once, the same card's question is not asked again: the measured loss beside the prediction
  await expect(page.getByTestId('tour-predicted-pretraining')).toContainText('measured: ')
  await expect(page.getByTestId('tour-live')).toContainText('validation loss')
  await next(page, 'Next', 4)
  await page.getByText('Token embeddings', { exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 5)
  await page.getByText('Positional encoding', { exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 6)
  await page.getByText('Q/K/V calculator', { exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 7)
  await next(page, 'Next', 8)
  await page.getByText('Attention atlas: every layer × head, through training').click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 9)
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await page.getByLabel('Live', { exact: true }).uncheck()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 10)
  // the induction experiment, set up from the model diagram: done when the phase-change line appears
  await page.getByTestId('diagram-induction').click()
  await page.getByLabel('Steps', { exact: true }).fill('600')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(task).toContainText('Done ✓', { timeout: 180_000 })
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 180_000 })
  await next(page, 'Next', 11)
  // head ablation, opened from the model diagram, on the induction model
  await page.getByTestId('diagram-ablation').click()
  await page.getByTestId('ablation-measure').click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 12)
  // activation patching: one letter of a name changed
  await page.getByTestId('diagram-patching').click()
  for (const [k, v] of [
    ['clean', 'mari'],
    ['corrupted', 'mark'],
    ['answer', 'a'],
    ['wrong', 'e'],
  ])
    await page.getByTestId(`patching-${k}`).fill(v)
  await page.getByTestId('patching-run').click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 13)
  await next(page, 'Next', 14)
  await page.getByText('Next-token lens', { exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 15)
  await page.getByLabel('Decoding').selectOption('beam')
  await page.getByLabel('Max new tokens').fill('5')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 16)
  await page.getByLabel('Decoding').selectOption('sample')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  await expect(task).toContainText('Done ✓')
  await next(page, 'Next', 17)
  await tour.getByRole('button', { name: 'Finish' }).click()
  await expect(page.getByText('Tour finished: every concept card stays open below for reference.')).toBeVisible()
})

test('the tour in Chinese, skipped through to the end, and resumed where it was left', async ({ page }) => {
  await page.goto('/?lang=zh-CN')
  await backendInUse(page)
  await page.getByRole('button', { name: '开始导览' }).click()
  await expect(page.getByTestId('tour-step')).toHaveText('第 1 步，共 17 步')
  await expect(page.getByTestId('tour')).toContainText('分词（tokenization）')
  await next(page, '下一步', 2)
  await expect(page.getByTestId('tour-erratum')).toContainText('教程勘误：教程在六个地方把 GPT 讲错了')
  await expect(page.getByTestId('tour-erratum')).toContainText('下一句预测')
  for (let n = 3; n <= 5; n++) await next(page, '跳过', n)
  // leave and come back: the tour resumes at step 5
  await page.reload()
  await page.getByRole('button', { name: '从第 5 步继续导览' }).click()
  await expect(page.getByTestId('tour-step')).toHaveText('第 5 步，共 17 步')
  for (let n = 6; n <= 17; n++) {
    const skip = page.getByTestId('tour').getByRole('button', { name: '跳过', exact: true })
    await next(page, (await skip.count()) ? '跳过' : '下一步', n)
  }
  await page.getByTestId('tour').getByRole('button', { name: '完成' }).click()
  await expect(page.getByText('导览结束：所有概念卡片都留在下面，随时可以查看。')).toBeVisible()
})

test('a lesson link opens in its language, at its tour step, with its panels hidden; a bad value is said', async ({
  page,
}) => {
  await page.goto('/?lang=zh-CN&tour=4&hide=settings,backend,runs&probe=repeated&layer=1&view=atlas-h&step=abc')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByTestId('tour-step')).toHaveText('第 4 步，共 17 步')
  await expect(page.getByRole('heading', { name: '2. 模型与训练' })).toHaveCount(0)
  await expect(page.getByLabel('后端')).toHaveCount(0)
  await expect(page.getByRole('heading', { name: '训练记录', exact: true, includeHidden: true })).toHaveCount(0)
  await expect(page.getByRole('tab', { name: '训练记录', exact: true })).toHaveCount(0)
  await expect(page.getByRole('heading', { name: '1. 用来学习的文本' })).toBeVisible()
  await expect(page.getByRole('alert').filter({ hasText: '这个链接中的 step 无法使用' })).toBeVisible()
  // the atlas opened at once, on the repeated probe
  await expect(page.locator('#atlas-probe')).toHaveValue('repeated')
  await expect(page.getByTestId('atlas-step')).toBeVisible()
  // and the page makes such a link from where it is
  await page.getByTestId('tour').getByRole('button', { name: '复制课程链接' }).click()
  const link = new URL(await page.getByTestId('lesson-link').inputValue())
  expect(Object.fromEntries(link.searchParams)).toEqual({
    lang: 'zh-CN',
    tour: '4',
    probe: 'repeated',
    layer: '1',
    head: '0',
    hide: 'settings,backend,runs',
  })
})
