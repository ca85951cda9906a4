import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './store'
import { defaultText } from './datasets'
import { followLanguage } from './defaultDataset'

const initial = useStore.getState()

describe('the language picks the default dataset', () => {
  beforeEach(() => useStore.setState(initial, true))

  it('starts a Chinese page on the Tang poems, and an English one on the names again', async () => {
    useStore.setState({ lang: 'zh-CN' })
    await followLanguage()
    const s = useStore.getState()
    expect(s.datasetId).toBe('tang')
    expect(s.text).toMatch(/[\u4e00-\u9fff]/)
    expect(s.datasetChosen).toBe(false)
    useStore.setState({ lang: 'en' })
    await followLanguage()
    expect(useStore.getState().datasetId).toBe('names')
    expect(useStore.getState().text).toBe(defaultText)
  })

  it('leaves a chosen text alone', async () => {
    useStore.getState().takeText('my own text\n', 'custom')
    useStore.setState({ lang: 'zh-CN' })
    await followLanguage()
    expect(useStore.getState().datasetId).toBe('custom')
    expect(useStore.getState().text).toBe('my own text\n')
  })

  it('leaves the text of a run under way alone', async () => {
    useStore.setState({ lang: 'zh-CN', runState: 'paused' })
    await followLanguage()
    expect(useStore.getState().datasetId).toBe('names')
  })
})
