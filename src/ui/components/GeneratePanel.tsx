import { useEffect, useMemo, useState } from 'react'
import { useStore } from '../store'
import { cancelGenerate, generate, pinPrompt, scoreText, unpinPrompt, watchAttention } from '../client'
import { TokenStrip } from './TokenStrip'
import { BeamsTable, BeamTreeView } from './BeamTreeView'
import { Comparison } from './Comparison'
import { MarkedPrompt } from './MarkedPrompt'
import { WatchTimeline } from './WatchTimeline'
import { unknownChars, visibleChar } from '../../text/text'
import { MAX_BEAM_WIDTH } from '../../analysis/beam'
import { useSay, useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { ShortInput } from './ShortInput'

export function GeneratePanel(panel: ViewProps) {
  const t = useT()
  const say = useSay()
  const run = useStore((s) => s.run)
  const prompt = useStore((s) => s.samplePrompt)
  const tokens = useStore((s) => s.sampleTokens)
  const status = useStore((s) => s.sampleStatus)
  const offHeads = useStore((s) => s.offHeads)
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

  const unknown = useMemo(
    () => (run && run.tokenizerKind === 'char' ? unknownChars(prompt, run.vocab) : []),
    [prompt, run],
  ) // BPE has a token for every byte
  const temp = Number(temperature)
  const k = Number(topK)
  const p = Number(topP)
  const w = Number(beamWidth)
  const lp = Number(lengthPenalty)
  const n = Number(maxNew)
  const beam = strategy === 'beam'
  const errors: string[] = []
  if (!beam && (temperature.trim() === '' || !(temp >= 0 && temp <= 10))) errors.push(t.errTemperature)
  if (!beam && (topK.trim() === '' || !(Number.isInteger(k) && k >= 0))) errors.push(t.errTopK)
  if (!beam && (topP.trim() === '' || !(p > 0 && p <= 1))) errors.push(t.errTopP)
  if (beam && (beamWidth.trim() === '' || !(Number.isInteger(w) && w >= 1 && w <= MAX_BEAM_WIDTH)))
    errors.push(t.errBeamWidth(MAX_BEAM_WIDTH))
  if (beam && (lengthPenalty.trim() === '' || !(lp >= 0 && lp <= 5))) errors.push(t.errLengthPenalty)
  const stopText = stop.replace(/\\n/g, '\n') // typed \n means a new line (an input box cannot hold one)
  if (stopText.length > 100) errors.push(t.errStop)
  const every = Number(watchEvery)
  const settings = () =>
    beam
      ? {
          strategy: 'beam' as const,
          beamWidth: w,
          lengthPenalty: lp,
          temperature: 0,
          topK: 0,
          maxNewTokens: n,
          stop: stopText,
        }
      : {
          strategy: 'sample' as const,
          temperature: temp,
          topK: k,
          topP: p,
          maxNewTokens: n,
          stop: stopText,
          seed: seed.trim() === '' ? undefined : Number(seed),
        }
  if (maxNew.trim() === '' || !(Number.isInteger(n) && n >= 1 && n <= 10000)) errors.push(t.errMaxNew)
  if (seed.trim() !== '' && !(Number.isInteger(Number(seed)) && Number(seed) >= 0)) errors.push(t.errSeed)
  const cropped = run && [...prompt].length > run.model.blockSize

  useEffect(() => {
    if (probeSource !== 'prompt') return
    const id = setTimeout(watchAttention, 300)
    return () => clearTimeout(id)
  }, [prompt, probeSource])

  const running = status === 'running'
  const samplingOnly = beam ? t.samplingOnly : undefined
  const beamOnly = beam ? undefined : t.beamOnly
  const vocabSize = run?.vocab.length ?? 0
  const topKClamped = !beam && vocabSize > 0 && Number.isInteger(k) && k > vocabSize
  return (
    <Panel {...panel}>
      <p className="muted small">{t.genIntro(run?.model.blockSize)}</p>
      {offHeads.length > 0 && (
        <p className="notice small" data-testid="gen-heads-off">
          {t.genHeadsOff(offHeads.length)}{' '}
          <button type="button" className="link" onClick={() => useStore.getState().clearOffHeads()}>
            {t.ablationAllOn}
          </button>
        </p>
      )}
      <label className="block" htmlFor="gen-prompt">
        {t.prompt}
      </label>
      <textarea
        id="gen-prompt"
        rows={2}
        value={prompt}
        spellCheck={false}
        onChange={(e) => useStore.getState().setSamplePrompt(e.target.value)}
        aria-describedby="prompt-help"
        placeholder={t.promptPlaceholder}
      />
      <p
        id="prompt-help"
        className={unknown.length ? 'error' : 'muted small'}
        role={unknown.length ? 'alert' : undefined}
      >
        {unknown.length
          ? t.unknownChars(
              unknown.length,
              unknown
                .slice(0, 10)
                .map((c) => `“${visibleChar(c)}”`)
                .join(' '),
              unknown.length - 10,
            )
          : cropped
            ? t.promptCropped(run!.model.blockSize)
            : ''}
      </p>
      {unknown.length > 0 && <MarkedPrompt prompt={prompt} unknown={unknown} />}
      <div className="row">
        <label htmlFor="gen-strategy">{t.decoding}</label>
        <select id="gen-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as 'sample' | 'beam')}>
          <option value="sample">{t.sampling}</option>
          <option value="beam">{t.beamSearchOption}</option>
        </select>
        <ShortInput
          id="gen-max"
          label={t.maxNewTokens}
          min="1"
          max="10000"
          step="1"
          value={maxNew}
          onValue={setMaxNew}
        />
        <ShortInput
          id="gen-stop"
          label={t.stopAt}
          type="text"
          value={stop}
          placeholder={t.stopNever}
          onValue={setStop}
          title={t.stopTitle}
        />
      </div>
      <div className="row">
        <ShortInput
          id="gen-temp"
          label={t.temperatureLabel}
          step="0.1"
          min="0"
          max="10"
          value={temperature}
          disabled={beam}
          title={samplingOnly}
          onValue={setTemperature}
        />
        <ShortInput
          id="gen-topk"
          label={t.topK}
          min="0"
          step="1"
          value={topK}
          disabled={beam}
          title={samplingOnly ?? (vocabSize ? t.topKTitle(vocabSize) : undefined)}
          onValue={setTopK}
        />
        <ShortInput
          id="gen-topp"
          label={t.topP}
          min="0"
          max="1"
          step="0.05"
          value={topP}
          disabled={beam}
          title={samplingOnly ?? t.topPTitle}
          onValue={setTopP}
        />
        <ShortInput
          id="gen-seed"
          label={t.seed}
          min="0"
          step="1"
          value={seed}
          placeholder={t.seedRandom}
          disabled={beam}
          title={samplingOnly}
          onValue={setSeed}
        />
      </div>
      {topKClamped && (
        <p className="muted small" data-testid="topk-note">
          {t.topKNote(k, vocabSize)}
        </p>
      )}
      <div className="row">
        <ShortInput
          id="gen-width"
          label={t.beamWidth}
          min="1"
          max={MAX_BEAM_WIDTH}
          step="1"
          value={beamWidth}
          disabled={!beam}
          title={beamOnly}
          onValue={setBeamWidth}
        />
        <ShortInput
          id="gen-lp"
          label={t.lengthPenalty}
          min="0"
          max="5"
          step="0.1"
          value={lengthPenalty}
          disabled={!beam}
          title={beamOnly ?? t.lengthPenaltyTitle}
          onValue={setLengthPenalty}
        />
        <span className="muted small">{t.beamNote(beam)}</span>
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
          {t.generate}
        </button>
        <button type="button" onClick={cancelGenerate} disabled={!running}>
          {t.cancel}
        </button>
        <span className="muted small" aria-live="polite">
          {running
            ? t.generating(tokens.length)
            : status === 'done'
              ? t.genDone(
                  reason === 'stop',
                  tokens.length,
                  sampleStep,
                  sampleElapsedMs && tokens.length ? sampleElapsedMs / tokens.length : undefined,
                )
              : status === 'cancelled'
                ? t.genCancelled(tokens.length)
                : ''}
        </span>
      </div>
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {say(p)}
        </p>
      ))}
      <div className="row">
        <ShortInput id="watch-every" label={t.watchEvery} min="1" step="1" value={watchEvery} onValue={setWatchEvery} />
        <span className="small">{t.steps}</span>
        <button
          type="button"
          disabled={!run || unknown.length > 0 || errors.length > 0 || !(Number.isInteger(every) && every >= 1)}
          title={t.watchTitle}
          onClick={() =>
            pinPrompt(every, {
              ...settings(),
              maxNewTokens: Math.min(n, 100),
              seed: beam ? undefined : seed.trim() === '' ? 1 : Number(seed),
            })
          }
        >
          {pinned ? t.pinInstead : t.watchPrompt}
        </button>
        {pinned && (
          <button type="button" onClick={unpinPrompt}>
            {t.stopWatching}
          </button>
        )}
      </div>
      {tokens.length > 0 || running ? (
        <TokenStrip
          tokens={tokens}
          prefix={prompt}
          running={running}
          testId="sample-output"
          key={requestId}
          context={context}
          heads={run?.model}
        />
      ) : (
        <pre className="sample" aria-label={t.generatedText} data-testid="sample-output">
          <span className="muted">{t.continuationHere}</span>
        </pre>
      )}
      {tokens.length > 0 && !running && (
        <div className="compare">
          <label className="block" htmlFor="gen-reference">
            {t.referenceLabel}
          </label>
          <textarea
            id="gen-reference"
            rows={2}
            value={reference}
            spellCheck={false}
            onChange={(e) => setReference(e.target.value)}
            placeholder={t.referencePlaceholder}
          />
          {reference.trim() !== '' && (
            <Comparison generated={tokens.map((x) => x.text).join('')} reference={reference} />
          )}
        </div>
      )}
      {beams.length > 0 && <BeamsTable beams={beams} />}
      {beams.length > 0 && tree && run && <BeamTreeView tree={tree} vocab={run.vocab} />}
      {pinned && <WatchTimeline pinned={pinned} timeline={timeline} />}
      <h3 id="score-h">{t.scoreTitle}</h3>
      <p className="muted small">{t.scoreIntro}</p>
      <label className="block" htmlFor="score-text">
        {t.textToScore}
      </label>
      <textarea
        id="score-text"
        rows={2}
        value={scoreTextValue}
        spellCheck={false}
        onChange={(e) => useStore.getState().setScoreText(e.target.value)}
      />
      <div className="controls">
        <button type="button" disabled={!run || [...scoreTextValue].length < 2} onClick={scoreText}>
          {t.scoreButton}
        </button>
        {score && (
          <span className="small" data-testid="score-summary">
            {t.scoreSummary(score.tokens.length, score.step, score.logLikelihood, score.perplexity, score.truncated)}
          </span>
        )}
      </div>
      {scoreProblems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {say(p)}
        </p>
      ))}
      {score && (
        <TokenStrip
          tokens={score.tokens}
          prefix={score.first}
          testId="score-output"
          key={`${score.step}-${score.logLikelihood}`}
        />
      )}
    </Panel>
  )
}
