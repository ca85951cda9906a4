// The page's language picks the built-in dataset a first visit starts on — the first names in English, the
// Tang poems in Chinese — until the text is chosen: by the learner, by a share link naming its dataset, or by a
// reopened run. It never replaces a text a run is under way on, or one a model has been trained on.
import type { Lang } from './i18n/lang'
import { DATASETS, type Dataset } from './datasets'
import { hasTrainedModel, isTraining, useStore, type AppState } from './store'

export function defaultDatasetId(lang: Lang): Dataset['id'] {
  return lang === 'zh-CN' ? 'tang' : 'names'
}

const free = (s: AppState) => !s.datasetChosen && !isTraining(s) && !hasTrainedModel(s)

/** Loads the language's default dataset when the page may still pick the text and shows another one. */
export async function followLanguage(): Promise<void> {
  const s = useStore.getState()
  const id = defaultDatasetId(s.lang)
  if (!free(s) || s.datasetId === id) return
  const d = DATASETS.find((x) => x.id === id)
  if (!d) return
  let text: string
  try {
    text = await d.load()
  } catch {
    return // the current text stays; the learner can pick the dataset from the list, which says why it failed
  }
  const now = useStore.getState()
  if (free(now) && now.lang === s.lang) now.takeText(text, d.id, { byDefault: true, pairs: Boolean(d.pairs) })
}

/** From now on, a change of language picks its default dataset too (while the page may). */
export function followLanguageFromNowOn(): void {
  useStore.subscribe((s, prev) => {
    if (s.lang !== prev.lang) void followLanguage()
  })
}
