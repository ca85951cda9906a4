import { useDeferredValue, useMemo, useState } from 'react'
import { DATASETS } from '../datasets'
import { isTraining, useStore } from '../store'
import { currentPairs, currentTextStats } from '../trainerClient'
import { heldOutCount } from '../../shared/pairs'
import { TokenizerSection } from './TokenizerSection'
import { readTextFile, MAX_UPLOAD_BYTES } from '../textFile'
import { formatBytes } from '../../shared/config'

const fmt = new Intl.NumberFormat('en')

function setText(text: string, datasetId: string, notice?: { kind: 'error' | 'info'; message: string }) {
  useStore.setState((s) => ({ text, datasetId, textVersion: s.textVersion + 1, textNotice: notice }))
}

/** Pair mode changes what the text means: a model built on it is one of a new text. */
function setPairMode(on: boolean) {
  useStore.setState((s) => (s.pairMode === on ? {} : { pairMode: on, textVersion: s.textVersion + 1 }))
}

/** What pair mode makes of the text: how many pairs, how many held out; or why it cannot read them. */
function PairSummary({ text }: { text: string }) {
  const { result, written } = currentPairs(text)
  if ('problems' in result)
    return (
      <p className="error" role="alert" data-testid="pair-stats">
        {result.problems[0]}
      </p>
    )
  const n = result.pairs.length
  return (
    <p className="stats" data-testid="pair-stats">
      {fmt.format(n)} pairs ({result.format === 'tsv' ? 'tab-separated' : 'JSON lines'}) · {fmt.format(n - heldOutCount(n))} to train on, {fmt.format(heldOutCount(n))} held out to evaluate · vocabulary {fmt.format(currentTextStats(written).vocabSize)}. The loss counts only the completions.
    </p>
  )
}

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

export function DataPanel() {
  const text = useStore((s) => s.text)
  const datasetId = useStore((s) => s.datasetId)
  const notice = useStore((s) => s.textNotice)
  const pairMode = useStore((s) => s.pairMode)
  const locked = useStore(isTraining)
  const [loading, setLoading] = useState(false)
  const deferred = useDeferredValue(text)
  const stats = useMemo(() => currentTextStats(deferred), [deferred])

  async function chooseDataset(id: string) {
    const d = DATASETS.find((x) => x.id === id)
    if (!d) {
      useStore.setState({ datasetId: 'custom' })
      return
    }
    setLoading(true)
    try {
      setText(await d.load(), d.id)
      setPairMode(Boolean(d.pairs))
    } catch (e) {
      useStore.setState({ textNotice: { kind: 'error', message: `Could not load ${d.label}: ${(e as Error).message}. The current text is unchanged.` } })
    } finally {
      setLoading(false)
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return
    const r = await readTextFile(file)
    if ('error' in r) useStore.setState({ textNotice: { kind: 'error', message: r.error } })
    else setText(r.text, 'custom', { kind: 'info', message: `Loaded “${file.name}” (${formatBytes(file.size)}).` })
  }

  const current = DATASETS.find((d) => d.id === datasetId)
  const large = text.length > PREVIEW_CHARS
  const preview = useMemo(() => (large ? previewOf(text) : ''), [large, text])
  return (
    <section className="panel" aria-labelledby="data-h">
      <h2 id="data-h">1. Text to learn from</h2>
      <div className="row">
        <label htmlFor="dataset">Dataset</label>
        <select id="dataset" value={datasetId} disabled={locked || loading} onChange={(e) => void chooseDataset(e.target.value)}>
            {DATASETS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
            <option value="custom">Your own text</option>
        </select>
        <label className="file" htmlFor="upload">
          Upload a text file
        </label>
        <input id="upload" type="file" accept=".txt,.md,.csv,.tsv,.json,text/plain" disabled={locked} onChange={(e) => void upload(e.target.files?.[0]).finally(() => (e.target.value = ''))} />
      </div>
      <p className="muted small">{loading ? 'Loading…' : current ? current.description : `Paste or type any text (UTF-8, up to ${formatBytes(MAX_UPLOAD_BYTES)} from a file). Every distinct character becomes a token.`}</p>
      <label className="block" htmlFor="training-text">
        Training text
      </label>
      {large ? (
        <>
          <textarea id="training-text" value={preview} rows={10} spellCheck={false} readOnly aria-describedby="text-stats text-preview-note text-notice" />
          <p id="text-preview-note" className="muted small">
            Showing the first {fmt.format(PREVIEW_CHARS)} of {fmt.format(text.length)} characters. The whole text is used for training; a text this long is not edited here (a page holding it in an editable box slows to a crawl).{' '}
            <button type="button" className="link" disabled={locked} onClick={() => setText('', 'custom')}>
              Clear it to type your own
            </button>
          </p>
        </>
      ) : (
        <textarea
          id="training-text"
          value={text}
          rows={10}
          spellCheck={false}
          readOnly={locked}
          aria-describedby="text-stats text-notice"
          onChange={(e) => setText(e.target.value, 'custom')}
        />
      )}
      <p id="text-stats" className="stats" data-testid="text-stats">
        {fmt.format(stats.chars)} characters · vocabulary {fmt.format(stats.vocabSize)} · {fmt.format(stats.trainTokens)} train / {fmt.format(stats.valTokens)} validation tokens
      </p>
      <label className="small">
        <input type="checkbox" checked={pairMode} disabled={locked} onChange={(e) => setPairMode(e.target.checked)} /> Pair mode: each line is a prompt and its completion (“prompt⇥completion”, or JSON lines with "prompt" and "completion"), for fine-tuning on a task
      </label>
      {pairMode && <PairSummary text={deferred} />}
      <TokenizerSection />
      <p id="text-notice" className={notice?.kind === 'error' ? 'error' : 'muted small'} role={notice?.kind === 'error' ? 'alert' : undefined}>
        {notice?.message ?? ''}
      </p>
      {locked && <p className="muted small">The text is locked while a model trains on it. Stop training to change it.</p>}
    </section>
  )
}
