// Model files: opening one (or a stored run) to fine-tune on the current text, and exporting the current model
// as safetensors or as a bundle to continue the run with nanoGPT, which arrives as a download.
import { fineTuneDefaults, formatBytes, type ModelSettings, type Problem, type TrainConfig } from '../../shared/config'
import { engineStoppedProblem, isStepping, useStore } from '../store'
import { DATASETS } from '../datasets'
import { engineUp, send } from './engine'
import * as requests from './requests'
import { persistRequest, requestRun, runGone, storedRecord } from './run'

const get = useStore.getState

/** A largest file worth reading: weights for far more parameters than a tab can train. */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3

/**
 * Opens a model file: the worker checks it and the current text completely, then builds a run from it that
 * trains on the text in panel 1 (with `train`, or the current settings' fine-tuning defaults). The current model
 * stays until the new one is ready, and stays if the file is bad.
 */
export async function importModel(file: File, extendVocab: boolean, train?: TrainConfig): Promise<void> {
  const s = get()
  if (!engineUp() || !s.report) return
  const refuse = (problem: Problem) => s.fileProblems([problem])
  if (isStepping(s))
    return refuse({
      field: 'file',
      code: 'import-while-training',
      message: 'Pause or stop training before opening a model file.',
    })
  if (file.size > MAX_MODEL_FILE_BYTES)
    return refuse({
      field: 'file',
      code: 'model-file-big',
      params: { name: file.name, size: formatBytes(file.size), limit: formatBytes(MAX_MODEL_FILE_BYTES) },
      message: `${file.name} is ${formatBytes(file.size)}; files above ${formatBytes(MAX_MODEL_FILE_BYTES)} are not read.`,
    })
  s.keepText()
  s.importLoading(file.name)
  let bytes: ArrayBuffer
  try {
    bytes = await file.arrayBuffer()
  } catch (e) {
    return refuse({
      field: 'file',
      code: 'file-unreadable',
      params: { name: file.name, detail: (e as Error).message },
      message: `${file.name} could not be read: ${(e as Error).message}`,
    })
  }
  get().fileRead(file.name, bytes.slice(0), extendVocab)
  sendFineTune(train ?? fineTuneDefaults(s.train))
}

/**
 * Builds a run from the fine-tune source (a model file, or a stored run) on the current text with `train`;
 * the current model stays until the new one is ready. Returns the new run's id.
 */
export function sendFineTune(train = get().train): string | undefined {
  const s = get()
  const src = s.fineTuneSource
  if (!src || !engineUp()) return undefined
  const runId = requests.nextId('run')
  requestRun(runId, { textVersion: s.textVersion }, 'file')
  const common = {
    runId,
    text: s.text,
    train,
    extendVocab: s.extendVocab,
    pairs: s.pairMode,
    persist: persistRequest(s, src.name.replace(/ · \d+ \w+, [\d:]+$/, '')),
  }
  if (src.kind === 'file') {
    const file = src.bytes.slice(0)
    send({ type: 'run.import', ...common, file, fileName: src.name }, [file])
  } else send({ type: 'run.finetune', ...common, storedId: src.storedId })
  return runId
}

/** Fine-tune a stored run: its weights, the text in panel 1, a ten times lower learning rate. */
export async function fineTuneFrom(storedId: string): Promise<void> {
  const s = get()
  if (!engineUp() || !s.report || isStepping(s)) return
  s.keepText()
  const record = await storedRecord(storedId)
  if (record === null) return
  if (!record) return get().setRestoreProblems([runGone])
  get().storedRunChosen(storedId, record.name)
  sendFineTune(fineTuneDefaults(record.train))
}

/** Whether two model shapes are the same (the weights of one fit the other). */
export function sameShape(a: ModelSettings, b: ModelSettings): boolean {
  return (
    a.nLayer === b.nLayer &&
    a.nHead === b.nHead &&
    a.nEmbd === b.nEmbd &&
    a.blockSize === b.blockSize &&
    a.bias === b.bias
  )
}

/**
 * Asks the worker for the current model as a safetensors file, or for a bundle to continue the run with
 * nanoGPT (its data, config, weights and optimizer state); it arrives as a download.
 */
export function exportModel(format: 'safetensors' | 'nanogpt' = 'safetensors'): void {
  const s = get()
  if (!s.run) return
  const requestId = requests.nextId('export')
  const ended = (problems?: Problem[]) => get().exportEnded(problems)
  requests.register(
    requestId,
    {
      'run.exported': (m) => {
        ended()
        const nanogpt = m.format === 'nanogpt'
        download(
          new Blob([m.bytes], { type: nanogpt ? 'application/x-tar' : 'application/octet-stream' }),
          nanogpt ? `nanogpt-${m.name}-step${m.step}.tar` : exportFileName(m.step),
        )
      },
      invalid: (m) => ended(m.problems),
      error: (m) => ended([{ field: 'file', message: `${m.name}: ${m.message}` }]),
      stopped: () => ended([engineStoppedProblem('file')]),
    },
    'export',
  )
  s.exportStarted(requestId)
  send({
    type: 'run.export',
    runId: s.run.runId,
    requestId,
    format,
    name: DATASETS.find((d) => d.id === s.datasetId)?.id ?? 'mytext',
  })
}

function exportFileName(step: number): string {
  const s = get()
  const m = s.run?.model
  const shape = m ? `${m.nLayer}x${m.nEmbd}` : 'gpt'
  return `${s.datasetId}-${shape}-step${step}.safetensors`
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000) // the download has long started by then
}
