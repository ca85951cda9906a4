import { expect, test, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { backendInUse, statusNumber, testLog, type TestEvent } from './helpers'

// Start from a trained model: the names model is fetched from the page's own origin when chosen, opened as a model
// file on its own text — at its step, with its validation loss — and generates names at once; then the explicit
// other choice, training from scratch, gives a fresh model of the same size at step 0.
const names = { file: 'names-small.safetensors', steps: 0, valLoss: 0, vocab: 0 }
{
  // the facts the gallery states (src/ui/client/galleryModels.ts), read from the file's own metadata
  const bytes = readFileSync(new URL(`../public/models/${names.file}`, import.meta.url))
  const headerLength = Number(bytes.readBigUInt64LE(0))
  const meta = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')).__metadata__
  names.steps = Number(meta.step)
  names.valLoss = Number(meta.val_loss)
  names.vocab = Number(meta.vocab_size)
}

async function greedy(page: Page, prompt: string): Promise<string> {
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  await page.getByLabel('Temperature').fill('0')
  await page.getByLabel('Max new tokens').fill('40')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText(/Done: 40 tokens/)).toBeVisible()
  return (await page.getByTestId('sample-output').textContent()) ?? ''
}

type Created = Extract<TestEvent, { kind: 'created' }>
type Eval = Extract<TestEvent, { kind: 'eval' }>

test('start from the trained names model: its step and loss, names at once; then a fresh model from scratch', async ({
  page,
}, info) => {
  const fetched: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/models/')) fetched.push(r.url())
  })
  await page.goto('/?test-hooks')
  await backendInUse(page)
  expect(fetched, 'nothing is fetched before a model is chosen').toEqual([])

  await page.getByRole('button', { name: /First names · Small/ }).click()
  await expect(page.getByTestId('gallery-status')).toContainText(
    `Loaded, trained ${names.steps.toLocaleString('en')} steps`,
  )
  expect(fetched).toHaveLength(1)
  expect(new URL(fetched[0]).origin).toBe(new URL(page.url()).origin)
  await expect(page.getByLabel('Dataset')).toHaveValue('names') // the text it was trained on
  await expect(page.getByTestId('model-file-status')).toContainText(
    `Opened ${names.file}: 3 layers × 4 heads, 64 wide, context 64, ${names.vocab} tokens, trained ${names.steps.toLocaleString('en')} steps`,
  )
  const fineTune = page.getByRole('radio', { name: /fine-tune the trained model/ })
  const scratch = page.getByRole('radio', { name: /from scratch/ })
  await expect(fineTune).toBeChecked()
  await expect(scratch).not.toBeChecked()
  await page.getByTestId('gallery').screenshot({ path: info.outputPath('gallery-en.png') }) // kept as an artefact

  // it knows names before a single step: greedy text is capitalised words of letters, one per line
  const text = await greedy(page, 'Ma')
  const lines = text.split('\n').slice(0, -1) // the last one may be cut off
  expect(lines.length, text).toBeGreaterThanOrEqual(3)
  for (const line of lines) expect(line, text).toMatch(/^[A-Z][a-z]+(-[A-Z][a-z]+)?$/)

  // Start fine-tunes it: the evaluation before its first step is the stated validation loss
  let log = await testLog(page)
  const tuned = log.filter((e): e is Created => e.kind === 'created').at(-1)!
  expect(tuned.learningRate).toBeCloseTo(2e-4, 10) // the Small recipe's 2e-3, a tenth of it
  const evalOf = (runId: string) => (events: TestEvent[]) =>
    events.find((e): e is Eval => e.kind === 'eval' && e.runId === runId)
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(async () => evalOf(tuned.runId)(await testLog(page)), { timeout: 60_000 }).toBeDefined()
  await page.getByRole('button', { name: 'Pause' }).click()
  await expect(page.getByRole('status')).toContainText('Paused') // a paused run may be replaced (it is saved)
  const first = evalOf(tuned.runId)(await testLog(page))!
  expect(first.step).toBe(0)
  expect(Math.abs(first.valLoss - names.valLoss), `step 0: ${first.valLoss}`).toBeLessThan(0.15)

  // from scratch: a fresh model of the same size on the same text, at step 0, and Start trains it from ln V
  await scratch.check()
  await expect(page.getByTestId('gallery-status')).toContainText('a fresh model of the same size, untrained (step 0)')
  await expect(scratch).toBeChecked()
  log = await testLog(page)
  const fresh = log.filter((e): e is Created => e.kind === 'created').at(-1)!
  expect(fresh.runId).not.toBe(tuned.runId)
  expect(fresh.learningRate).toBeCloseTo(2e-3, 10)
  expect(await statusNumber(page, 'status-step')).toBe(0)
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect.poll(async () => evalOf(fresh.runId)(await testLog(page)), { timeout: 60_000 }).toBeDefined()
  await page.getByRole('button', { name: 'Pause' }).click()
  const start = evalOf(fresh.runId)(await testLog(page))!
  expect(start.step).toBe(0)
  expect(start.valLoss, `an untrained model guesses: ≈ ln ${names.vocab}`).toBeGreaterThan(Math.log(names.vocab) - 0.3)
})

test('in 中文: the Tang poems model, chosen by its Chinese name, knows the anthology at once', async ({
  page,
}, info) => {
  // the poets of the anthology, from the book the dataset is made of (src/ui/datasets.ts)
  const book = JSON.parse(
    readFileSync(
      new URL('../node_modules/chinese-poetry/dist/mengxue/tangshisanbaishou.json', import.meta.url),
      'utf8',
    ),
  ) as { content: { content: { author: string }[] }[] }
  const poets = new Set(book.content.flatMap((s) => s.content.map((p) => p.author)))
  await page.goto('/?lang=zh-CN')
  await backendInUse(page)
  await page.getByRole('button', { name: /唐诗三百首 · 小型/ }).click()
  await expect(page.getByTestId('gallery-status')).toContainText('已载入：训练了')
  await expect(page.getByLabel('数据集')).toHaveValue('tang')
  await expect(page.getByRole('radio', { name: /微调训练好的模型/ })).toBeChecked()
  await page.getByTestId('gallery').screenshot({ path: info.outputPath('gallery-zh.png') })
  await page.getByLabel('提示词', { exact: true }).fill('月')
  await page.getByLabel('温度').fill('0')
  await page.getByLabel('最多新词元数').fill('30')
  await page.getByRole('button', { name: '生成', exact: true }).click()
  await expect(page.getByText(/生成了 30 个词元/)).toBeVisible()
  const text = (await page.getByTestId('sample-output').textContent()) ?? ''
  // a weak model (validation loss ≈ 5.8 of ln 2,618 ≈ 7.9), but it has learned that a poem's second line is its poet
  const lines = text.split('\n').slice(1, -1)
  expect(
    lines.some((l) => poets.has(l)),
    text,
  ).toBe(true)
})
