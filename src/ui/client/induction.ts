// "Watch an induction head form": one choice sets up the experiment — the generated repeated tokens as the data,
// the recipe's settings (the Induction preset: attention-only, an LM head of its own) and the repeated probe on
// the atlas and the head timeline, whose induction score is then the prefix-matching score the phase change reads.
import { DATASETS } from '../datasets'
import { useStore } from '../store'
import { offerText } from './text'
import { watchAtlas } from './views'

const get = useStore.getState

export const INDUCTION_PRESET = 'induction'

/** Sets up the induction experiment (the page's text, settings and atlas probe); the learner presses Start. */
export async function setUpInductionExperiment(): Promise<void> {
  const d = DATASETS.find((x) => x.synthetic === 'periodic')
  if (!d) return
  offerText(await d.load(), d.id, { synthetic: d.synthetic })
  get().applyPreset(INDUCTION_PRESET)
  const probe = get().atlasProbe
  if (probe.kind !== 'repeated') watchAtlas(get().atlasOpen, { kind: 'repeated', seed: 1 })
}
