import { useRef } from 'react'
import { isTraining, useStore } from '../store'
import { exportModel, importModel } from '../trainerClient'
import { visibleChar } from '../../shared/text'

/**
 * Save the model as a .safetensors file in nanoGPT's layout (PyTorch loads it), or open one — written here or
 * by PyTorch from a nanoGPT model — to sample from it, look at its attention, and train it further on the
 * text in panel 1.
 */
export function ModelFilePanel() {
  const run = useStore((s) => s.run)
  const status = useStore((s) => s.importStatus)
  const exporting = useStore((s) => s.exportRequestId !== undefined)
  const training = useStore(isTraining)
  const report = useStore((s) => s.report)
  const extend = useStore((s) => s.extendVocab)
  const input = useRef<HTMLInputElement>(null)

  return (
    <section className="panel" aria-labelledby="file-h">
      <h2 id="file-h">Model file</h2>
      <p className="muted small">
        Save the model as <code>.safetensors</code> with nanoGPT’s names and PyTorch’s layouts (a nanoGPT <code>GPT</code> loads it with <code>load_state_dict(…, strict=False)</code>), or open one to sample from it and train it further on the text in panel 1.
      </p>
      <div className="controls">
        <button type="button" onClick={() => exportModel()} disabled={!run || exporting}>
          {exporting ? 'Exporting…' : 'Export .safetensors'}
        </button>
        <button type="button" onClick={() => exportModel('nanogpt')} disabled={!run || exporting} title="A .tar with the tokenized text as nanoGPT's train.bin / val.bin / meta.pkl, a config with these settings, the weights and optimizer state, and the scripts to turn them into nanoGPT's ckpt.pt and back">
          Export for nanoGPT
        </button>
        <label className="file" htmlFor="model-file">
          Open a model file
        </label>
        <input
          ref={input}
          id="model-file"
          type="file"
          accept=".safetensors"
          disabled={!report || training || status?.kind === 'loading'}
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void importModel(f, extend)
            if (input.current) input.current.value = '' // the same file can be chosen again
          }}
        />
      </div>
      <label className="small">
        <input type="checkbox" checked={extend} onChange={(e) => useStore.setState({ extendVocab: e.target.checked })} /> Add characters of the text that the model has never seen to its vocabulary (new embedding rows; the others are kept)
      </label>
      {training && <p className="muted small">Pause or stop training to open a model file.</p>}
      <div aria-live="polite" data-testid="model-file-status">
        {status?.kind === 'loading' && <p className="muted small">Checking {status.fileName}…</p>}
        {status?.kind === 'done' && run?.origin?.from === 'file' && (
          <p className="small">
            Opened <b>{status.fileName}</b>: {run.model.nLayer} layers × {run.model.nHead} heads, {run.model.nEmbd} wide, context {run.model.blockSize}, {run.vocab.length} tokens
            {status.step !== undefined ? `, trained ${status.step.toLocaleString('en')} steps` : ''}.
            {status.added.length > 0 && ` Added to the vocabulary: ${status.added.map((c) => `“${visibleChar(c)}”`).join(' ')}.`} “Start training” continues training it on the text in panel 1.
          </p>
        )}
        {status?.kind === 'error' &&
          status.problems.map((p) => (
            <p className="error" role="alert" key={p.message}>
              {p.message}
              {run ? ' The current model is unchanged.' : ''}
            </p>
          ))}
      </div>
    </section>
  )
}
