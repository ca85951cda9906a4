// Training a byte-level BPE tokenizer in the worker on the current text, with progress and Cancel.
import { engineStoppedProblem, useStore } from '../store'
import { engineUp, send } from './engine'
import * as requests from './requests'

const get = useStore.getState

/** Trains a byte-level BPE tokenizer on the current text in the worker (progress and cancel in the store). */
export function trainTokenizer(): void {
  const s = get()
  if (!engineUp() || s.bpeTraining) return
  const requestId = requests.nextId('bpe')
  const from = { textVersion: s.textVersion, chars: s.text.length }
  requests.register(requestId, {
    'tokenizer.progress': (m) => get().bpeProgress(m),
    'tokenizer.trained': (m) => get().bpeTrained(m, from),
    invalid: (m) => get().bpeRefused(m.problems),
    stopped: () => get().bpeRefused([engineStoppedProblem('text')]),
  })
  s.bpeStarted(requestId, s.bpeVocabSize - 256)
  send({ type: 'tokenizer.train', requestId, text: s.text, vocabSize: s.bpeVocabSize })
}

export function cancelTokenizer(): void {
  const training = get().bpeTraining
  if (training) send({ type: 'tokenizer.cancel', requestId: training.requestId })
}
