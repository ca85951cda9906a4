import { expect, test } from '@playwright/test'
import { openAllFolded, openTab } from './helpers'

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
  // the tutorial's mistake about the mask is corrected before the twin is trained, in readable text
  await page.getByText('动手破坏，才能真正理解：去掉因果掩码').click()
  await expect(page.getByTestId('twin-correction')).toContainText('教程勘误：教程说 GPT 用掩码语言模型')
  await expect(page.getByTestId('twin-correction')).not.toHaveClass(/muted|small/)
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

test('in 中文 the default dataset is the Tang poems; a chosen dataset or a share link’s stays', async ({ page }) => {
  await page.goto('/?lang=zh-CN')
  const dataset = page.getByLabel('数据集', { exact: true })
  await expect(dataset).toHaveValue('tang')
  await expect(page.getByLabel('训练文本')).toHaveValue(/[\u4e00-\u9fff]/)
  // the language picks the dataset until one is chosen
  await page.getByRole('button', { name: 'EN', exact: true }).click()
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('names')
  await page.getByLabel('Dataset', { exact: true }).selectOption('sotu')
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('sotu')
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(dataset).toHaveValue('sotu')
  // a share link naming a dataset wins over the language
  await page.goto('about:blank')
  await page.goto('/?lang=zh-CN#v=1&nLayer=2&dataset=names')
  await expect(dataset).toHaveValue('names')
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', /\w/)
  await expect(dataset).toHaveValue('names')
})

test('an input method composing pinyin sends no probe until the characters are chosen: exactly one request', async ({
  page,
}) => {
  // count the page's lens requests to the worker
  await page.addInitScript(() => {
    const sent: string[] = []
    ;(window as unknown as { __lensProbes: string[] }).__lensProbes = sent
    const post = Worker.prototype.postMessage
    Worker.prototype.postMessage = function (this: Worker, msg: unknown, ...rest: unknown[]) {
      const m = msg as { type?: string; probe?: string }
      if (m?.type === 'lens.request') sent.push(m.probe ?? '')
      return (post as (...a: unknown[]) => void).call(this, msg, ...rest)
    } as typeof Worker.prototype.postMessage
  })
  await page.goto('/?lang=en')
  await page.getByText('Next-token lens').click()
  const where = page.getByTestId('lens-where')
  await expect(where).toContainText('(position 8, step 0)')
  const probes = () => page.evaluate(() => (window as unknown as { __lensProbes: string[] }).__lensProbes.slice())
  const initial = (await probes()).length
  const box = page.locator('#lens-probe')
  await box.focus()
  // what an IME does: compositionstart, the Latin letters of the pinyin as input events, compositionend
  await box.dispatchEvent('compositionstart', { data: '' })
  for (const partial of ['n', 'ni', 'nih', 'niha', 'nihao']) {
    await box.evaluate((el, v) => {
      const input = el as HTMLInputElement
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v)
      input.dispatchEvent(new InputEvent('input', { bubbles: true, data: v, isComposing: true }))
    }, partial)
  }
  await expect(box).toHaveValue('nihao')
  // the chosen characters end the composition (here a name the model's text has)
  await box.evaluate((el) => {
    const input = el as HTMLInputElement
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, 'Anna')
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: 'Anna' }))
  })
  await expect(where).toContainText('“Anna”')
  expect((await probes()).slice(initial)).toEqual(['Anna']) // one request, none for the pinyin on the way
})

test('at 1024 px wide, in both languages, the page fits its width; screenshots are kept as artefacts', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 900 })
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('10')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await openAllFolded(page)
  for (const lang of ['en', 'zh-CN'] as const) {
    if (lang === 'zh-CN') await page.getByRole('button', { name: '中文', exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('lang', lang)
    // nothing wider than the window: no sideways scrolling at 1024 px, in the longer English or in Chinese
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow, `${lang}: the page is ${overflow}px wider than the window`).toBeLessThanOrEqual(0)
    const path = testInfo.outputPath(`page-1024-${lang}.png`)
    await page.screenshot({ path, fullPage: true })
    await testInfo.attach(`page at 1024 px (${lang})`, { path, contentType: 'image/png' })
  }
})

test('concept cards carry the model’s own numbers, in both languages, and lead to their views', async ({ page }) => {
  await page.goto('/?lang=en')
  await page.getByLabel('Steps', { exact: true }).fill('10')
  await page.getByRole('button', { name: 'Start training' }).click()
  await expect(page.getByRole('status', { name: 'Training status' })).toContainText('Finished', { timeout: 120_000 })
  await openTab(page, 'Concepts')
  await page.getByText('Concept cards: the tutorial, on your model').click()
  await expect(page.getByRole('article')).toHaveCount(16)
  // each card asks its question first (e2e/predict.spec.ts): here, see the numbers without predicting
  for (const id of ['pretraining', 'mask', 'multihead'])
    await page.getByTestId(`concept-${id}`).getByRole('button', { name: 'Show the number without predicting' }).click()
  const val = Number(await page.getByTestId('status-val').textContent()) // 4 decimals in the status line
  await expect(page.getByTestId('live-pretraining')).toContainText(`validation loss ${val.toFixed(3)}`)
  // the diagram watches the atlas, so the card reads the measured weight
  await expect(page.getByTestId('live-mask')).toHaveText(
    'Now (step 10): the weight above the diagonal, summed over all 4 heads, is 0.',
  )
  // "show me" opens the view the card is about
  await page.getByTestId('concept-multihead').getByRole('button', { name: 'Show me' }).click()
  await expect(page.getByTestId('atlas-step')).toBeVisible()
  await expect(page.getByTestId('live-multihead')).toContainText(/^Now \(step 10\): 4 heads, \d with a clear pattern/)
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(page.getByTestId('concept-attention')).toContainText('自注意力：Q、K、V 与缩放点积')
  await expect(page.getByTestId('live-pretraining')).toContainText(`验证损失 ${val.toFixed(3)}`)
})

// Look-fors that hold (issue 21, item 4): a card says what to look for on the dataset chosen, where it differs.
test('the cards’ look-fors follow the dataset: the Tang poems get their own', async ({ page }) => {
  await page.goto('/?lang=en')
  await openTab(page, 'Concepts')
  await page.getByText('Concept cards: the tutorial, on your model').click()
  const embedding = page.getByTestId('concept-embedding')
  await expect(embedding).toContainText('the capitals, which only ever begin a name') // the names, the default
  await page.getByLabel('Dataset').selectOption('tang')
  await expect(embedding).toContainText('With 2,618 characters')
  await expect(page.getByTestId('concept-pretraining')).toContainText('The previous-token line (2.85) is out of reach')
  await page.getByRole('button', { name: '中文', exact: true }).click()
  await expect(embedding).toContainText('词表有 2,618 个字')
  await page.getByLabel('数据集').selectOption('moby')
  await expect(embedding).toContainText('在《白鲸》上训练 500 步的实测')
})
