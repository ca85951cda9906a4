// Starting from a trained model: a model of the gallery (galleryModels.ts) is fetched from the page's own origin
// when chosen (never before), the text it was trained on becomes the current text, and the file is opened the
// way every model file is (importModel: the worker checks it completely, then builds a run from it). Start then
// fine-tunes it; or, chosen explicitly, a fresh model of the same size trains from scratch on the same text.
import { fineTuneDefaults } from '../../shared/config'
import { isStepping, useStore } from '../store'
import { DATASETS } from '../datasets'
import { engineUp } from './engine'
import { importModel, sendFineTune } from './modelFiles'
import { createRun } from './run'
import { offerText } from './text'
import { GALLERY, galleryRecipe, type GalleryModel } from './galleryModels'

export { GALLERY, type GalleryModel } from './galleryModels'

const get = useStore.getState

/** Where a gallery file is served: public/models/, under the page's base path. */
export function galleryUrl(g: GalleryModel): string {
  return `${import.meta.env.BASE_URL}models/${g.file}`
}

/** The training settings Start fine-tunes a gallery model with: its own recipe, a ten times lower learning rate. */
function fineTuneTrain(g: GalleryModel) {
  return fineTuneDefaults(galleryRecipe(g).train)
}

/**
 * Whether a gallery model can be chosen now: the engine is up and no step is being taken (a paused run may be
 * replaced: it is saved). A model being built meanwhile (the page prepares one for its settings) does not stop
 * the choice: the trained model is opened once that build is done.
 */
export function canChooseModel(): boolean {
  const s = get()
  return engineUp() && Boolean(s.report) && !isStepping(s)
}

/** Resolves once no model is being built (at once if none is). */
function noPendingBuild(): Promise<void> {
  if (!get().pendingRunId) return Promise.resolve()
  return new Promise((resolve) => {
    const stop = useStore.subscribe((s) => {
      if (s.pendingRunId) return
      stop()
      resolve()
    })
  })
}

/** Fetches a gallery model, loads the text it was trained on, and opens it as a model file. */
export async function loadTrainedModel(id: GalleryModel['id']): Promise<void> {
  const g = GALLERY.find((x) => x.id === id)
  if (!g || !canChooseModel()) return
  get().galleryLoading(id)
  let bytes: ArrayBuffer
  try {
    const res = await fetch(galleryUrl(g))
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    bytes = await res.arrayBuffer()
  } catch (e) {
    return get().galleryFailed(id, (e as Error).message)
  }
  await noPendingBuild() // the model the page was preparing is built first: the trained one replaces it
  if (get().gallery?.id !== id) return // another was chosen meanwhile
  const d = DATASETS.find((x) => x.id === g.datasetId)
  if (d) offerText(await d.load(), d.id, { pairs: Boolean(d.pairs), synthetic: d.synthetic })
  get().galleryFetched(id)
  await importModel(new File([bytes], g.file), false, fineTuneTrain(g))
}

/**
 * What Start trains: the gallery model's own weights (fine-tuned), or a fresh model of its size and recipe on the
 * same text (from scratch). Either replaces the current model now, so every view shows the one Start will train.
 */
export function startFrom(start: 'trained' | 'scratch'): void {
  const s = get()
  const g = GALLERY.find((x) => x.id === s.gallery?.id)
  if (!g || !canChooseModel() || s.pendingRunId || s.fineTuneSource?.name !== g.file) return
  s.galleryStart(start)
  if (start === 'trained') {
    sendFineTune(fineTuneTrain(g))
    return
  }
  s.takeSettings(galleryRecipe(g))
  createRun()
}
