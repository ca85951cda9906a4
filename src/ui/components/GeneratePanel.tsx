import { useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { cancelGenerate, generate, watchAttention } from '../trainerClient'
import { unknownChars, visibleChar } from '../../shared/text'

export function GeneratePanel() {
  const run = useStore((s) => s.run)
  const prompt = useStore((s) => s.samplePrompt)
  const tokens = useStore((s) => s.sampleTokens)
  const status = useStore((s) => s.sampleStatus)
  const problems = useStore((s) => s.sampleProblems)
  const sampleStep = useStore((s) => s.sampleStep)
  const sampleElapsedMs = useStore((s) => s.sampleElapsedMs)
  const probeSource = useStore((s) => s.probeSource)
  const [temperature, setTemperature] = useState('0.8')
  const [topK, setTopK] = useState('0')
  const [maxNew, setMaxNew] = useState('200')
  const [seed, setSeed] = useState('')

  const unknown = useMemo(() => (run ? unknownChars(prompt, run.vocab) : []), [prompt, run])
  const t = Number(temperature)
  const k = Number(topK)
  const n = Number(maxNew)
  const errors: string[] = []
  if (temperature.trim() === '' || !(t >= 0 && t <= 10)) errors.push('Temperature must be between 0 (greedy) and 10.')
  if (topK.trim() === '' || !(Number.isInteger(k) && k >= 0)) errors.push('Top-k must be 0 (off) or a positive whole number.')
  if (maxNew.trim() === '' || !(Number.isInteger(n) && n >= 1 && n <= 10000)) errors.push('Max new tokens must be a whole number from 1 to 10000.')
  if (seed.trim() !== '' && !(Number.isInteger(Number(seed)) && Number(seed) >= 0)) errors.push('Seed must be empty (random) or a whole number.')
  const cropped = run && [...prompt].length > run.model.blockSize

  useEffect(() => {
    if (probeSource !== 'prompt') return
    const id = setTimeout(watchAttention, 300)
    return () => clearTimeout(id)
  }, [prompt, probeSource])

  const running = status === 'running'
  const output = tokens.map((x) => x.text).join('')
  return (
    <section className="panel" aria-labelledby="gen-h">
      <h2 id="gen-h">4. Generate</h2>
      <p className="muted small">Sample from the model as it is right now — before, during or after training. The prompt is cropped to the last {run?.model.blockSize ?? '…'} characters the model can see.</p>
      <label className="block" htmlFor="gen-prompt">
        Prompt
      </label>
      <textarea id="gen-prompt" rows={2} value={prompt} spellCheck={false} onChange={(e) => useStore.setState({ samplePrompt: e.target.value })} aria-describedby="prompt-help" placeholder="Leave empty to start from a new line" />
      <p id="prompt-help" className={unknown.length ? 'error' : 'muted small'} role={unknown.length ? 'alert' : undefined}>
        {unknown.length
          ? `The model has never seen ${unknown.length === 1 ? 'this character' : 'these characters'}: ${unknown
              .slice(0, 10)
              .map((c) => `“${visibleChar(c)}”`)
              .join(' ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}. Remove ${unknown.length === 1 ? 'it' : 'them'} to generate.`
          : cropped
            ? `Only the last ${run!.model.blockSize} characters of the prompt are used as context.`
            : ''}
      </p>
      <div className="row">
        <label htmlFor="gen-temp">Temperature</label>
        <input id="gen-temp" type="number" step="0.1" min="0" max="10" value={temperature} onChange={(e) => setTemperature(e.target.value)} className="short" />
        <label htmlFor="gen-topk">Top-k</label>
        <input id="gen-topk" type="number" min="0" step="1" value={topK} onChange={(e) => setTopK(e.target.value)} className="short" />
        <label htmlFor="gen-max">Max new tokens</label>
        <input id="gen-max" type="number" min="1" max="10000" step="1" value={maxNew} onChange={(e) => setMaxNew(e.target.value)} className="short" />
        <label htmlFor="gen-seed">Seed</label>
        <input id="gen-seed" type="number" min="0" step="1" value={seed} placeholder="random" onChange={(e) => setSeed(e.target.value)} className="short" />
      </div>
      {errors.map((e) => (
        <p className="error" key={e}>
          {e}
        </p>
      ))}
      <div className="controls">
        <button
          type="button"
          className="primary"
          disabled={!run || unknown.length > 0 || errors.length > 0}
          onClick={() => generate({ temperature: t, topK: k, maxNewTokens: n, seed: seed.trim() === '' ? undefined : Number(seed) })}
        >
          Generate
        </button>
        <button type="button" onClick={cancelGenerate} disabled={!running}>
          Cancel
        </button>
        <span className="muted small" aria-live="polite">
          {running ? `Generating… ${tokens.length} tokens` : status === 'done' ? `Done: ${tokens.length} tokens from the model at step ${sampleStep}${sampleElapsedMs && tokens.length ? `, ${(sampleElapsedMs / tokens.length).toFixed(1)} ms per token` : ''}.` : status === 'cancelled' ? `Cancelled after ${tokens.length} tokens.` : ''}
        </span>
      </div>
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      <pre className="sample" aria-label="Generated text" data-testid="sample-output">
        {tokens.length > 0 || running ? (
          <>
            <span className="sample-prompt">{prompt}</span>
            <span className="sample-new">{output}</span>
            {running && <span className="cursor">▍</span>}
          </>
        ) : (
          <span className="muted">The continuation appears here, token by token.</span>
        )}
      </pre>
    </section>
  )
}
