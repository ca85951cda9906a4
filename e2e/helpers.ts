import { expect, type Page } from '@playwright/test'

export async function statusNumber(page: Page, testId: 'status-step' | 'status-loss' | 'status-val'): Promise<number> {
  const t = (await page.getByTestId(testId).textContent()) ?? ''
  return t.trim() === '–' ? NaN : Number(t)
}

/** Waits for the worker's handshake and returns the backend it reports. */
export async function backendInUse(page: Page): Promise<string> {
  await expect(page.getByTestId('backend-name')).toBeVisible()
  return (await page.getByTestId('backend-name').textContent()) ?? ''
}

/** Share of the heatmap canvas's pixels that are neither white nor the hatched "future" grey: > 0 means something is drawn. */
export async function heatmapInk(page: Page): Promise<{ inked: number; distinct: number }> {
  return page.getByTestId('attention-heatmap').evaluate((el) => {
    const c = el as HTMLCanvasElement
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let inked = 0
    const colours = new Set<number>()
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]]
      if (a === 0) continue
      const blueish = b > r + 20 // the weight colour scale runs white → blue
      if (blueish) {
        inked++
        colours.add((r << 16) | (g << 8) | b)
      }
    }
    return { inked: inked / (d.length / 4), distinct: colours.size }
  })
}
