import { useDeferredValue, useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { cancelGenerate, generate, pinPrompt, scoreText, unpinPrompt, watchAttention } from '../trainerClient'
import { TokenStrip } from './TokenStrip'
import { BeamTreeView } from './BeamTreeView'
import { unknownChars, visibleChar, visibleText } from '../../shared/text'
import { MAX_BEAM_WIDTH } from '../../shared/beam'
import { meteor, rougeL, sentenceBleu } from '../../shared/metrics'

/**
 * Character-level ROUGE-L and METEOR grow with n·m (measured in Node: 2,000 characters each way, 65 and
 * 170 ms): above this many cells they are skipped rather than hold the page.
 */
const MAX_PAIR_CELLS = 4_000_000

/**
 * BLEU-4 (add-one smoothed, so one short text still scores), ROUGE-L F1 and METEOR (exact matching, case
 * folded) of the generated text against a reference, over words (split on white space) — and over
 * characters, which suit a character-level model. The reference is deferred so typing stays responsive.
 */
function Comparison({ generated, reference: typed }: { generated: string; reference: string }) {
  const reference = useDeferredValue(typed)
  const rows = useMemo(() => {
    const splits: [string, (t: string) => string[]][] = [
      ['Words', (t) => t.split(/\s+/).filter(Boolean)],
      ['Characters', (t) => [...t]],
    ]
    return splits.map(([name, split]) => {
      const hyp = split(generated)
      const ref = split(reference)
      if (!hyp.length || !ref.length) return { name, text: 'nothing to compare' }
      const bleu = sentenceBleu([ref], hyp, { smoothing: 'add-one' }).toFixed(3)
      if (hyp.length * ref.length > MAX_PAIR_CELLS) return { name, text: `BLEU-4 ${bleu} · ROUGE-L and METEOR: too long to compute here` }
      const m = meteor([ref], hyp)
      const meteorText = `${m.score.toFixed(3)} (${m.matches} matched in ${m.chunks} chunk${m.chunks === 1 ? '' : 's'}${m.exact ? '' : ', alignment by local search'})`
      return { name, text: `BLEU-4 ${bleu} · ROUGE-L F ${rougeL(ref, hyp).f.toFixed(3)} · METEOR ${meteorText}` }
    })
  }, [generated, reference])
  return (
    <ul className="small" data-testid="comparison">
      {rows.map((r) => (
        <li key={r.name}>
          {r.name}: {r.text}
        </li>
      ))}
    </ul>
  )
}

/** How many characters of a prompt with unknown characters are shown, marked, around the first unknown one. */
const MARKED_WINDOW = 160

/** The prompt again, with each character the model has never seen marked where it stands. */
function MarkedPrompt({ prompt, unknown }: { prompt: string; unknown: string[] }) {
  const chars = [...prompt]
  const bad = new Set(unknown)
  const first = chars.findIndex((c) => bad.has(c))
  const start = Math.max(0, Math.min(first - MARKED_WINDOW / 4, chars.length - MARKED_WINDOW))
  const shown = chars.slice(start, start + MARKED_WINDOW)
  return (
    <p className="small marked-prompt" data-testid="prompt-unknown" aria-label="The prompt, unknown characters marked">
      {start > 0 && '…'}
      {shown.map((c, i) => (bad.has(c) ? <mark key={i} title="Not in the model's vocabulary">{visibleChar(c)}</mark> : c === '\n' ? '⏎' : c))}
      {start + MARKED_WINDOW < chars.length && '…'}
    </p>
  )
}

export function GeneratePanel() {
  const run = useStore((s) => s.run)
  const prompt = useStore((s) => s.samplePrompt)
  const tokens = useStore((s) => s.sampleTokens)
  const status = useStore((s) => s.sampleStatus)
  const problems = useStore((s) => s.sampleProblems)
  const sampleStep = useStore((s) => s.sampleStep)
  const sampleElapsedMs = useStore((s) => s.sampleElapsedMs)
  const probeSource = useStore((s) => s.probeSource)
  const beams = useStore((s) => s.sampleBeams)
  const context = useStore((s) => s.sampleContext)
  const tree = useStore((s) => s.sampleTree)
  const requestId = useStore((s) => s.sampleRequestId)
  const scoreTextValue = useStore((s) => s.scoreText)
  const score = useStore((s) => s.score)
  const scoreProblems = useStore((s) => s.scoreProblems)
  const reason = useStore((s) => s.sampleReason)
  const [strategy, setStrategy] = useState<'sample' | 'beam'>('sample')
  const [temperature, setTemperature] = useState('0.8')
  const [topK, setTopK] = useState('0')
  const [topP, setTopP] = useState('1')
  const [beamWidth, setBeamWidth] = useState('4')
  const [lengthPenalty, setLengthPenalty] = useState('0')
  const [stop, setStop] = useState('')
  const [maxNew, setMaxNew] = useState('200')
  const [seed, setSeed] = useState('')
  const [watchEvery, setWatchEvery] = useState('50')
  const [reference, setReference] = useState('')
  const pinned = useStore((s) => s.watchPinned)
  const timeline = useStore((s) => s.watchTimeline)

  const unknown = useMemo(() => (run && run.tokenizerKind === 'char' ? unknownChars(prompt, run.vocab) : []), [prompt, run]) // BPE has a token for every byte
  const t = Number(temperature)
  const k = Number(topK)
  const p = Number(topP)
  const w = Number(beamWidth)
  const lp = Number(lengthPenalty)
  const n = Number(maxNew)
  const beam = strategy === 'beam'
  const errors: string[] = []
  if (!beam && (temperature.trim() === '' || !(t >= 0 && t <= 10))) errors.push('Temperature must be between 0 (greedy) and 10.')
  if (!beam && (topK.trim() === '' || !(Number.isInteger(k) && k >= 0))) errors.push('Top-k must be 0 (off) or a positive whole number.')
  if (!beam && (topP.trim() === '' || !(p > 0 && p <= 1))) errors.push('Top-p must be above 0 and at most 1 (1 = off).')
  if (beam && (beamWidth.trim() === '' || !(Number.isInteger(w) && w >= 1 && w <= MAX_BEAM_WIDTH))) errors.push(`Beam width must be a whole number from 1 to ${MAX_BEAM_WIDTH}.`)
  if (beam && (lengthPenalty.trim() === '' || !(lp >= 0 && lp <= 5))) errors.push('Length penalty must be between 0 and 5.')
  const stopText = stop.replace(/\\n/g, '\n') // typed \n means a new line (an input box cannot hold one)
  if (stopText.length > 100) errors.push('The stop text must be at most 100 characters.')
  const every = Number(watchEvery)
  const settings = () =>
    beam
      ? { strategy: 'beam' as const, beamWidth: w, lengthPenalty: lp, temperature: 0, topK: 0, maxNewTokens: n, stop: stopText }
      : { strategy: 'sample' as const, temperature: t, topK: k, topP: p, maxNewTokens: n, stop: stopText, seed: seed.trim() === '' ? undefined : Number(seed) }
  if (maxNew.trim() === '' || !(Number.isInteger(n) && n >= 1 && n <= 10000)) errors.push('Max new tokens must be a whole number from 1 to 10000.')
  if (seed.trim() !== '' && !(Number.isInteger(Number(seed)) && Number(seed) >= 0)) errors.push('Seed must be empty (random) or a whole number.')
  const cropped = run && [...prompt].length > run.model.blockSize

  useEffect(() => {
    if (probeSource !== 'prompt') return
    const id = setTimeout(watchAttention, 300)
    return () => clearTimeout(id)
  }, [prompt, probeSource])

  const running = status === 'running'
  const samplingOnly = beam ? 'Beam search keeps the most likely sequences: nothing is drawn at random' : undefined
  const beamOnly = beam ? undefined : 'Only for beam search'
  const vocabSize = run?.vocab.length ?? 0
  const topKClamped = !beam && vocabSize > 0 && Number.isInteger(k) && k > vocabSize
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
      {unknown.length > 0 && <MarkedPrompt prompt={prompt} unknown={unknown} />}
      <div className="row">
        <label htmlFor="gen-strategy">Decoding</label>
        <select id="gen-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as 'sample' | 'beam')}>
          <option value="sample">Sampling (temperature 0 = greedy)</option>
          <option value="beam">Beam search</option>
        </select>
        <label htmlFor="gen-max">Max new tokens</label>
        <input id="gen-max" type="number" min="1" max="10000" step="1" value={maxNew} onChange={(e) => setMaxNew(e.target.value)} className="short" />
        <label htmlFor="gen-stop">Stop at</label>
        <input id="gen-stop" type="text" value={stop} placeholder="(never)" onChange={(e) => setStop(e.target.value)} className="short" title="Stop once the text ends with this; type \n for a new line (\n\n: a blank line)" />
      </div>
      <div className="row">
        <label htmlFor="gen-temp">Temperature</label>
        <input id="gen-temp" type="number" step="0.1" min="0" max="10" value={temperature} disabled={beam} title={samplingOnly} onChange={(e) => setTemperature(e.target.value)} className="short" />
        <label htmlFor="gen-topk">Top-k</label>
        <input id="gen-topk" type="number" min="0" step="1" value={topK} disabled={beam} title={samplingOnly ?? (vocabSize ? `0 = off; ${vocabSize} or more keeps the whole vocabulary` : undefined)} onChange={(e) => setTopK(e.target.value)} className="short" />
        <label htmlFor="gen-topp">Top-p</label>
        <input id="gen-topp" type="number" min="0" max="1" step="0.05" value={topP} disabled={beam} title={samplingOnly ?? 'Keep the smallest set of likeliest tokens whose probabilities add up to p; 1 = off'} onChange={(e) => setTopP(e.target.value)} className="short" />
        <label htmlFor="gen-seed">Seed</label>
        <input id="gen-seed" type="number" min="0" step="1" value={seed} placeholder="random" disabled={beam} title={samplingOnly} onChange={(e) => setSeed(e.target.value)} className="short" />
      </div>
      {topKClamped && (
        <p className="muted small" data-testid="topk-note">
          Top-k {k} is more than the {vocabSize} tokens in the vocabulary: it keeps them all (the same as 0, off).
        </p>
      )}
      <div className="row">
        <label htmlFor="gen-width">Beam width</label>
        <input id="gen-width" type="number" min="1" max={MAX_BEAM_WIDTH} step="1" value={beamWidth} disabled={!beam} title={beamOnly} onChange={(e) => setBeamWidth(e.target.value)} className="short" />
        <label htmlFor="gen-lp">Length penalty</label>
        <input id="gen-lp" type="number" min="0" max="5" step="0.1" value={lengthPenalty} disabled={!beam} title={beamOnly ?? 'α: finished beams are ranked by log-probability ÷ ((5 + length) / 6)^α; above 0 favours longer ones'} onChange={(e) => setLengthPenalty(e.target.value)} className="short" />
        <span className="muted small">{beam ? 'Temperature, top-k, top-p and seed do not apply: beam search is deterministic.' : 'Beam width and length penalty apply to beam search only.'}</span>
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
          onClick={() => generate(settings())}
        >
          Generate
        </button>
        <button type="button" onClick={cancelGenerate} disabled={!running}>
          Cancel
        </button>
        <span className="muted small" aria-live="polite">
          {running ? `Generating… ${tokens.length} tokens` : status === 'done' ? `Done${reason === 'stop' ? ' (reached the stop text)' : ''}: ${tokens.length} tokens from the model at step ${sampleStep}${sampleElapsedMs && tokens.length ? `, ${(sampleElapsedMs / tokens.length).toFixed(1)} ms per token` : ''}.` : status === 'cancelled' ? `Cancelled after ${tokens.length} tokens.` : ''}
        </span>
      </div>
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      <div className="row">
        <label htmlFor="watch-every">Watch this prompt every</label>
        <input id="watch-every" type="number" min="1" step="1" value={watchEvery} onChange={(e) => setWatchEvery(e.target.value)} className="short" />
        <span className="small">steps</span>
        <button
          type="button"
          disabled={!run || unknown.length > 0 || errors.length > 0 || !(Number.isInteger(every) && every >= 1)}
          title="While training, the model continues this prompt every N steps with these settings (a fixed seed: 1 if none is set), and the timeline below keeps each answer"
          onClick={() => pinPrompt(every, { ...settings(), maxNewTokens: Math.min(n, 100), seed: beam ? undefined : seed.trim() === '' ? 1 : Number(seed) })}
        >
          {pinned ? 'Pin this prompt instead' : 'Watch this prompt'}
        </button>
        {pinned && (
          <button type="button" onClick={unpinPrompt}>
            Stop watching
          </button>
        )}
      </div>
      {tokens.length > 0 || running ? (
        <TokenStrip tokens={tokens} prefix={prompt} running={running} testId="sample-output" key={requestId} context={context} heads={run?.model} />
      ) : (
        <pre className="sample" aria-label="Generated text" data-testid="sample-output">
          <span className="muted">The continuation appears here, token by token.</span>
        </pre>
      )}
      {tokens.length > 0 && !running && (
        <div className="compare">
          <label className="block" htmlFor="gen-reference">
            Reference text (to compare the generated text with)
          </label>
          <textarea id="gen-reference" rows={2} value={reference} spellCheck={false} onChange={(e) => setReference(e.target.value)} placeholder="Paste what you hoped the model would write" />
          {reference.trim() !== '' && <Comparison generated={tokens.map((x) => x.text).join('')} reference={reference} />}
        </div>
      )}
      {beams.length > 0 && (
        <table className="results" aria-label="Beams">
          <thead>
            <tr>
              <th>#</th>
              <th>beam</th>
              <th>log-probability</th>
              <th>score</th>
            </tr>
          </thead>
          <tbody>
            {beams.map((b, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td>
                  <code>{visibleText(b.text)}</code>
                  {b.done ? ' (stopped)' : ''}
                </td>
                <td>{b.logProb.toFixed(3)}</td>
                <td>{b.score.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {beams.length > 0 && tree && run && <BeamTreeView tree={tree} vocab={run.vocab} />}
      {pinned && (
        <>
          <h3 id="watch-h">
            Watching “{visibleText(pinned.prompt)}” every {pinned.every} steps
          </h3>
          <table className="results" aria-label="Watched prompt timeline">
            <thead>
              <tr>
                <th>step</th>
                <th>loss</th>
                <th>continuation</th>
              </tr>
            </thead>
            <tbody>
              {timeline.map((e, i) => (
                <tr key={i}>
                  <td>{e.step}</td>
                  <td>{Number.isFinite(e.loss) ? e.loss.toFixed(3) : '–'}</td>
                  <td>
                    <code>{visibleText(e.text)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {timeline.length === 0 && <p className="muted small">The first answer appears in a moment; then one every {pinned.every} steps while training.</p>}
        </>
      )}
      <h3 id="score-h">Score a text</h3>
      <p className="muted small">How likely does the model find a text? Every token’s probability given the ones before it, the total log-likelihood and the perplexity.</p>
      <label className="block" htmlFor="score-text">
        Text to score
      </label>
      <textarea id="score-text" rows={2} value={scoreTextValue} spellCheck={false} onChange={(e) => useStore.setState({ scoreText: e.target.value })} />
      <div className="controls">
        <button type="button" disabled={!run || [...scoreTextValue].length < 2} onClick={scoreText}>
          Score
        </button>
        {score && (
          <span className="small" data-testid="score-summary">
            {score.tokens.length} tokens predicted (model at step {score.step}) · log-likelihood {score.logLikelihood.toFixed(2)} nats · perplexity {score.perplexity.toFixed(2)}
            {score.truncated ? ' · only the start of the text was scored' : ''}
          </span>
        )}
      </div>
      {scoreProblems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      {score && <TokenStrip tokens={score.tokens} prefix={score.first} testId="score-output" key={`${score.step}-${score.logLikelihood}`} />}
    </section>
  )
}
