import { expect, test } from '@playwright/test'
import { openTab } from './helpers'

// "Predict, then see" (lesson/predict.ts): by keyboard alone, the learner answers a card's question before it
// shows its number; after a few steps the answer stands beside the measured figure, with how they compare; the
// answers survive a reload and read in Chinese; "predict again" asks once more.
test('predict a card’s number, train, and see the measured one beside it', async ({ page }) => {
  await page.goto('/?lang=en')
  await openTab(page, 'Concepts')
  await page.getByText('Concept cards: the tutorial, on your model').click()
  const card = (id: string) => page.getByTestId(`concept-${id}`)

  // the question comes first: no live number until it is answered
  await expect(card('pretraining').getByTestId('live-pretraining')).toHaveCount(0)
  const loss = card('pretraining').getByRole('textbox', { name: /Before the first step/ })
  await loss.focus()
  await page.keyboard.type('2')
  await page.keyboard.press('Enter')
  await card('ffn')
    .getByRole('textbox', { name: /Double the embedding width/ })
    .focus()
  await page.keyboard.type('4')
  await page.keyboard.press('Enter')
  // a choice, by keyboard: focus the first choice, tab to the second, press Space
  await card('evaluation').getByRole('button', { name: 'above', exact: true }).focus()
  await page.keyboard.press('Tab')
  await expect(card('evaluation').getByRole('button', { name: 'about equal', exact: true })).toBeFocused()
  await page.keyboard.press('Space')
  await card('decoding').getByRole('button', { name: 'Show the number without predicting' }).click()
  await expect(card('decoding').getByTestId('live-decoding')).toBeVisible()
  // before anything is measured, the answer waits for its figure
  await expect(page.getByTestId('predicted-pretraining')).toContainText('Your prediction: 2')
  await expect(page.getByTestId('predicted-pretraining')).toContainText('not measured yet')

  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })

  // the loss before the first step is ln V (the model starts near uniform guessing): 2 is too low for any text
  // of more than e² ≈ 7 characters
  const seen = page.getByTestId('predicted-pretraining')
  await expect(seen).toHaveText(/^Your prediction: 2 · measured: \d\.\d{3} \(ln V = \d\.\d{3}\) · too low$/)
  const [, measured, lnV] = /measured: (\d\.\d{3}) \(ln V = (\d\.\d{3})\)/.exec((await seen.textContent()) ?? '')!
  expect(Math.abs(Number(measured) - Number(lnV))).toBeLessThan(0.15)
  await expect(card('pretraining').getByTestId('live-pretraining')).toContainText('validation loss')

  // twice the width: the ratio of the parameter counts, the first the one the settings panel states
  const ffn = page.getByTestId('predicted-ffn')
  await expect(ffn).toContainText('Your prediction: 4×')
  const [, ratio, from, to] = /measured: (\d\.\d\d)× \(([\d,]+) → ([\d,]+)\)/.exec((await ffn.textContent()) ?? '')!
  const n = (s: string) => Number(s.replace(/,/g, ''))
  await expect(page.getByTestId('param-count')).toContainText(`${from} parameters`)
  expect(Number(ratio)).toBeCloseTo(n(to) / n(from), 2)
  expect(Number(ratio)).toBeGreaterThan(2)
  expect(Number(ratio)).toBeLessThan(4) // the embeddings only double
  await expect(ffn).toContainText(Math.abs(4 - n(to) / n(from)) <= 0.05 * (n(to) / n(from)) ? 'close' : 'too high')
  await expect(page.getByTestId('predicted-evaluation')).toContainText(
    /measured: validation \d\.\d{3}, training \d\.\d{3} \(step \d+\) · (right|not this one)$/,
  )

  // kept in the browser: after a reload the answers are still there, and read in Chinese
  await page.reload()
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await openTab(page, '概念')
  await page.getByText('概念卡片：教程中的概念，用你的模型来看').click()
  await expect(page.getByTestId('predicted-pretraining')).toContainText('你的预测：2')
  await card('pretraining').getByRole('button', { name: '重新预测' }).click()
  await expect(card('pretraining').getByRole('textbox', { name: /训练第一步之前/ })).toBeVisible()
  await expect(page.getByTestId('predicted-pretraining')).toHaveCount(0)
})
