// The page's side of the protocol (never tfjs): the engine owns the Worker (engine.ts); every request is
// registered by its id and its replies, refusals and errors go to the code that asked (requests.ts); what the
// worker sends unasked about the run goes to the run's streams (events.ts). Each concern sends its own
// requests: text intake, runs, training, model files, the tokenizer, generation and the teaching views. All
// state lives in the store (ui/store), changed by its slices' actions.
import { useStore } from '../store'
import { refreshRuns } from '../runs'
import { connectEngine } from './engine'
import { onStream } from './events'
import { maybePrepareRun } from './run'
import { reopenRun } from './training'

export { PING_WAIT_MS, SILENCE_MS, restartEngine, setBackendChoice, startWorker } from './engine'
export type { TestEvent } from './testLog'
export { cancelTextLoading, currentPairs, currentTextStats, offerText } from './text'
export { localProblems } from './validation'
export { setUpInductionExperiment } from './induction'
export { estimateKey, estimateRunTime, maybePrepareRun, openStoredRun } from './run'
export {
  pauseTraining,
  resetRun,
  restartWithLearningRate,
  resumeTraining,
  resumeWithLearningRate,
  rewindWithLearningRate,
  startTraining,
  stepOnce,
  stopTraining,
  takeOverTraining,
  trainNoMaskTwin,
  trainTwin,
  twinOfModel,
  type Twin,
} from './training'
export { exportModel, fineTuneFrom, importModel, MAX_MODEL_FILE_BYTES } from './modelFiles'
export { canChooseModel, GALLERY, galleryUrl, loadTrainedModel, startFrom, type GalleryModel } from './gallery'
export { cancelTokenizer, trainTokenizer } from './tokenizer'
export { cancelGenerate, evaluatePairsNow, generate, pinPrompt, scoreText, unpinPrompt } from './generation'
export {
  askLens,
  askAblation,
  askResidual,
  askPatching,
  askNeighbours,
  askQkv,
  watchAtlas,
  watchAttention,
  watchDiagram,
  watchEmbedding,
  watchPositions,
} from './views'

connectEngine({
  ready: (reopen) => {
    if (reopen) void reopenRun(reopen.storedId, { resume: reopen.resume })
    else maybePrepareRun()
    void refreshRuns()
  },
  message: onStream,
})

// keep the untrained model in step with the settings
useStore.subscribe((s, prev) => {
  if (
    s.text !== prev.text ||
    s.model !== prev.model ||
    s.train !== prev.train ||
    s.pairMode !== prev.pairMode ||
    s.tokenizerChoice !== prev.tokenizerChoice ||
    s.bpe !== prev.bpe
  ) {
    // the worker's refusal was about the text and settings as they were: it no longer applies (the page's own
    // checks of the new ones show at once, and the next model request is checked again)
    if (s.runProblems.length) s.setRunProblems([])
    maybePrepareRun()
  }
})
