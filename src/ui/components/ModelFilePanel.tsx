import { useRef } from 'react'
import { isStepping, useStore } from '../store'
import { exportModel, importModel } from '../client'
import { visibleChar } from '../../text/text'
import { useSay, useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

/**
 * Save the model as a .safetensors file in nanoGPT's layout (PyTorch loads it), or open one — written here or
 * by PyTorch from a nanoGPT model — to sample from it, look at its attention, and train it further on the
 * text in panel 1.
 */
export function ModelFilePanel(panel: ViewProps) {
  const t = useT()
  const say = useSay()
  const run = useStore((s) => s.run)
  const status = useStore((s) => s.importStatus)
  const exporting = useStore((s) => s.exportRequestId !== undefined)
  const stepping = useStore(isStepping)
  // a paused run was checkpointed at the pause: it stays in Runs when a file replaces it
  const pausedAndSaved = useStore((s) => s.runState === 'paused' && s.saved !== undefined)
  const report = useStore((s) => s.report)
  const extend = useStore((s) => s.extendVocab)
  const input = useRef<HTMLInputElement>(null)

  return (
    <Panel {...panel}>
      <p className="muted small">
        {t.fileIntroBefore}
        <code>.safetensors</code>
        {t.fileIntroMiddle}
        <code>GPT</code>
        {t.fileIntroAfter}
        <code>load_state_dict(…, strict=False)</code>
        {t.fileIntroEnd}
      </p>
      <div className="controls">
        <button type="button" onClick={() => exportModel()} disabled={!run || exporting}>
          {exporting ? t.exporting : t.exportSafetensors}
        </button>
        <button
          type="button"
          onClick={() => exportModel('nanogpt')}
          disabled={!run || exporting}
          title={t.exportNanoGptTitle}
        >
          {t.exportNanoGpt}
        </button>
        {/* the label is the button, in the page's language (DataPanel says why) */}
        <span className="file-pick">
          <input
            ref={input}
            id="model-file"
            className="file-input"
            type="file"
            accept=".safetensors"
            disabled={!report || stepping || status?.kind === 'loading'}
            onChange={(e) => {
              const f = e.target.files?.[0]
              if (f) void importModel(f, extend)
              if (input.current) input.current.value = '' // the same file can be chosen again
            }}
          />
          <label
            className="file button"
            htmlFor="model-file"
            aria-disabled={!report || stepping || status?.kind === 'loading' || undefined}
          >
            {t.openModelFile}
          </label>
        </span>
      </div>
      <label className="small">
        <input
          type="checkbox"
          checked={extend}
          onChange={(e) => useStore.getState().setExtendVocab(e.target.checked)}
        />{' '}
        {t.extendVocab}
      </label>
      {stepping && <p className="muted small">{t.pauseToOpen}</p>}
      {pausedAndSaved && <p className="muted small">{t.pausedRunStays}</p>}
      <div aria-live="polite" data-testid="model-file-status">
        {status?.kind === 'loading' && <p className="muted small">{t.checkingFile(status.fileName)}</p>}
        {status?.kind === 'done' && run?.origin?.from === 'file' && (
          <p className="small">
            {t.openedFile(
              status.fileName,
              run.model.nLayer,
              run.model.nHead,
              run.model.nEmbd,
              run.model.blockSize,
              run.vocab.length,
              status.step,
              status.added.map((c) => `“${visibleChar(c)}”`).join(' '),
            )}
          </p>
        )}
        {status?.kind === 'error' &&
          status.problems.map((p) => (
            <p className="error" role="alert" key={p.message}>
              {say(p)}
              {run ? t.modelUnchanged : ''}
            </p>
          ))}
      </div>
    </Panel>
  )
}
