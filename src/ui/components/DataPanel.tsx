import { useDeferredValue, useMemo, useState } from 'react'
import { DATASETS } from '../datasets'
import { isTraining, useStore } from '../store'
import { cancelTextLoading, currentTextStats, offerText, setUpInductionExperiment } from '../client'
import { readTextFile, MAX_UPLOAD_BYTES } from '../textFile'
import { formatBytes } from '../../shared/config'
import { useT } from '../i18n'
import { GeneratedData } from './GeneratedData'
import { Panel, type ViewProps } from './Panel'

const fmt = new Intl.NumberFormat('en') // the same digits and separators in both languages

/**
 * Longer texts are shown as a read-only preview of their start: measured with the 1.1 MB tiny Shakespeare in
 * an editable textarea, every status update during training cost the page 60–600 ms of layout (long tasks).
 */
export const PREVIEW_CHARS = 100_000

/** The first PREVIEW_CHARS UTF-16 units, never ending inside a surrogate pair. */
function previewOf(text: string): string {
  const end = /[\uD800-\uDBFF]/.test(text[PREVIEW_CHARS - 1] ?? '') ? PREVIEW_CHARS - 1 : PREVIEW_CHARS
  return text.slice(0, end) + '\n…'
}

export function DataPanel(panel: ViewProps) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const text = useStore((s) => s.text)
  const datasetId = useStore((s) => s.datasetId)
  const synthetic = useStore((s) => s.synthetic)
  const notice = useStore((s) => s.textNotice)
  const locked = useStore(isTraining)
  const [loading, setLoading] = useState(false)
  const deferred = useDeferredValue(text)
  const stats = useMemo(() => currentTextStats(deferred), [deferred])

  async function chooseDataset(id: string) {
    const d = DATASETS.find((x) => x.id === id)
    if (!d) {
      useStore.getState().setDatasetId('custom')
      return
    }
    setLoading(true)
    try {
      if (d.synthetic)
        await setUpInductionExperiment() // the data, the recipe's settings and the repeated probe
      else offerText(await d.load(), d.id, { pairs: Boolean(d.pairs) })
    } catch (e) {
      useStore.getState().setTextNotice({
        kind: 'error',
        message: t.couldNotLoad(lang === 'zh-CN' ? d.zh.label : d.label, (e as Error).message),
      })
    } finally {
      setLoading(false)
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return
    const r = await readTextFile(file)
    if ('error' in r)
      return useStore.getState().setTextNotice({ kind: 'error', message: t.fileRefused(r.code, r.params) || r.error })
    const notice = { kind: 'info' as const, message: t.loadedFile(file.name, formatBytes(file.size)) }
    if (r.cutFrom === undefined) return offerText(r.text, 'custom', { notice, name: file.name })
    // over the upload limit: its start is offered, not taken
    useStore.getState().setTextOffer({
      what: 'file',
      name: file.name,
      size: formatBytes(r.cutFrom),
      limit: formatBytes(MAX_UPLOAD_BYTES),
      take: () =>
        offerText(r.text, 'custom', {
          notice: { kind: 'info', message: t.loadedFile(file.name, formatBytes(MAX_UPLOAD_BYTES)) },
          name: file.name,
        }),
    })
  }

  const textLoading = useStore((s) => s.textLoading)
  const textOffer = useStore((s) => s.textOffer)

  /** A paste that makes the text long is taken as a text, not typed into the box (a 50 MB textarea freezes the page). */
  function paste(e: React.ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = e.clipboardData.getData('text/plain')
    const box = e.currentTarget
    const next = box.value.slice(0, box.selectionStart) + pasted + box.value.slice(box.selectionEnd)
    if (next.length <= PREVIEW_CHARS) return // an ordinary paste
    e.preventDefault()
    offerText(next, 'custom')
  }

  const current = DATASETS.find((d) => d.id === datasetId)
  const large = text.length > PREVIEW_CHARS
  const preview = useMemo(() => (large ? previewOf(text) : ''), [large, text])
  return (
    <Panel {...panel}>
      <div className="row">
        <label htmlFor="dataset">{t.dataset}</label>
        <select
          id="dataset"
          value={datasetId}
          disabled={locked || loading}
          onChange={(e) => void chooseDataset(e.target.value)}
        >
          {DATASETS.map((d) => (
            <option key={d.id} value={d.id}>
              {lang === 'zh-CN' ? d.zh.label : d.label}
            </option>
          ))}
          <option value="custom">{t.ownText}</option>
        </select>
        {/* the browser's own file button says "Choose File / No file chosen" in its own language: the input lies
            invisible over its label (still focusable and labelled), and the label is the button, in the page's language */}
        <span className="file-pick">
          <input
            id="upload"
            className="file-input"
            type="file"
            accept=".txt,.md,.csv,.tsv,.json,text/plain"
            disabled={locked}
            onChange={(e) => void upload(e.target.files?.[0]).finally(() => (e.target.value = ''))}
          />
          <label className="file button" htmlFor="upload" aria-disabled={locked || undefined}>
            {t.uploadFile}
          </label>
        </span>
      </div>
      <p className="muted small" data-testid="dataset-description">
        {loading
          ? t.loading
          : current
            ? lang === 'zh-CN'
              ? current.zh.description
              : current.description
            : t.ownTextHelp(formatBytes(MAX_UPLOAD_BYTES))}
      </p>
      {synthetic ? (
        <GeneratedData />
      ) : (
        <>
          <label className="block" htmlFor="training-text">
            {t.trainingText}
          </label>
          {large ? (
            <>
              <textarea
                id="training-text"
                value={preview}
                rows={4}
                spellCheck={false}
                readOnly
                aria-describedby="text-stats text-preview-note text-notice"
              />
              <p id="text-preview-note" className="muted small">
                {t.previewNote(fmt.format(PREVIEW_CHARS), fmt.format(text.length))}{' '}
                <button type="button" className="link" disabled={locked} onClick={() => offerText('', 'custom')}>
                  {t.clearToType}
                </button>
              </p>
            </>
          ) : (
            <textarea
              id="training-text"
              value={text}
              rows={4}
              spellCheck={false}
              readOnly={locked}
              aria-describedby="text-stats text-notice"
              onChange={(e) => offerText(e.target.value, 'custom')}
              onPaste={paste}
            />
          )}
          {textLoading && (
            <div className="row" role="status" data-testid="text-loading">
              <progress
                max={textLoading.total}
                value={textLoading.done}
                aria-label={t.measuringText(
                  Math.floor((100 * textLoading.done) / textLoading.total),
                  fmt.format(textLoading.total),
                )}
              />
              {/* Cancel before the changing text, so it stays where it is as the percentage grows (a button that moves
              with each progress tick is hard to hit: a journey's click landed beside it under load) */}
              <button type="button" onClick={() => cancelTextLoading()}>
                {t.cancel}
              </button>
              <span className="small">
                {t.measuringText(
                  Math.floor((100 * textLoading.done) / textLoading.total),
                  fmt.format(textLoading.total),
                )}
              </span>
            </div>
          )}
          {textOffer && (
            <div className="callout" role="alert" data-testid="text-offer">
              <p>{t.textOffer(textOffer.what, textOffer.name, textOffer.size, textOffer.limit)}</p>
              <div className="controls">
                <button type="button" className="primary" onClick={textOffer.take}>
                  {t.useTextStart(textOffer.what, textOffer.limit)}
                </button>
                <button type="button" onClick={() => useStore.getState().setTextOffer(undefined)}>
                  {t.keepCurrentText}
                </button>
              </div>
            </div>
          )}
          <p id="text-stats" className="stats" data-testid="text-stats">
            {t.textStats(
              fmt.format(stats.chars),
              fmt.format(stats.vocabSize),
              fmt.format(stats.trainTokens),
              fmt.format(stats.valTokens),
            )}
          </p>
        </>
      )}
      <p
        id="text-notice"
        className={notice?.kind === 'error' ? 'error' : 'muted small'}
        role={notice?.kind === 'error' ? 'alert' : undefined}
      >
        {notice?.message ?? ''}
      </p>
      {locked && <p className="muted small">{t.textLocked}</p>}
    </Panel>
  )
}
