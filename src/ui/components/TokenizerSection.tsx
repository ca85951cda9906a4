import { useDeferredValue, useMemo, useState } from 'react'
import { isTraining, useStore } from '../store'
import { cancelTokenizer, currentTextStats, trainTokenizer } from '../client'
import { makeTokenizer, BPE_VOCAB, type TextTokenizer } from '../../text/tokenizer'
import { CharTokenizer } from '../../text/charTokenizer'
import { trainSplitIndex, visibleChar } from '../../text/text'
import { useSay, useT } from '../i18n'

const fmt = new Intl.NumberFormat('en')

/** A text cut into its tokens: alternating colours, the id on hover, white space made visible. */
function Tokens({ tokenizer, text, label }: { tokenizer: TextTokenizer; text: string; label: string }) {
  const t = useT()
  const ids = useMemo(() => Array.from(tokenizer.encode(text)), [tokenizer, text])
  return (
    <div className="inspector-row">
      <div className="small muted">
        {t.tokensOf(label, fmt.format(ids.length), ids.length ? ([...text].length / ids.length).toFixed(2) : undefined)}
      </div>
      <p className="tokens" data-testid={`tokens-${tokenizer.kind}`} aria-label={t.tokensAria(label)}>
        {ids.map((id, i) => (
          <span key={i} className={`t${i % 2}`} title={t.tokenId(id)}>
            {[...tokenizer.vocab[id]]
              .map((c) => (c === '\n' ? '⏎\n' : c === ' ' ? '·' : c === '\t' ? '⇥' : visibleChar(c)))
              .join('')}
          </span>
        ))}
      </p>
    </div>
  )
}

/**
 * Which tokens a new model reads: characters (every distinct character one token: a small vocabulary, long
 * sequences) or byte-level BPE trained here (frequent pieces of words become tokens: a larger vocabulary,
 * several characters per token, so the same context covers more text). With the numbers for this text, and an
 * inspector that shows any text cut both ways.
 */
export function TokenizerSection() {
  const t = useT()
  const say = useSay()
  const text = useStore((s) => s.text)
  const choice = useStore((s) => s.tokenizerChoice)
  const vocabSize = useStore((s) => s.bpeVocabSize)
  const bpe = useStore((s) => s.bpe)
  const training = useStore((s) => s.bpeTraining)
  const problems = useStore((s) => s.bpeProblems)
  const textVersion = useStore((s) => s.textVersion)
  const locked = useStore(isTraining)
  const chars = currentTextStats(useDeferredValue(text))
  const [sample, setSample] = useState<string | undefined>(undefined)
  const shownSample = sample ?? [...text].slice(0, 160).join('')
  // the text's own characters (the ids a character model of it has), extended only when the sample brings new ones
  const textTok = useMemo(() => CharTokenizer.fromText(text), [text])
  const charTok = useMemo(
    () => (textTok.unknown(shownSample).length ? CharTokenizer.fromText(text + shownSample) : textTok),
    [textTok, text, shownSample],
  )
  const bpeTok = useMemo(() => (bpe ? makeTokenizer(bpe.spec) : undefined), [bpe])
  const badSize = !(Number.isInteger(vocabSize) && vocabSize >= BPE_VOCAB.min && vocabSize <= BPE_VOCAB.max)
  const bpeTrain = bpe ? trainSplitIndex(bpe.tokens) : 0
  return (
    <fieldset className="tokens-box" disabled={locked}>
      <legend>{t.tokensLegend}</legend>
      <label className="small">
        <input
          type="radio"
          name="tokenizer"
          checked={choice === 'char'}
          onChange={() => useStore.getState().setTokenizerChoice('char')}
        />{' '}
        {t.charTokens}
      </label>
      <label className="small">
        <input
          type="radio"
          name="tokenizer"
          checked={choice === 'bpe'}
          onChange={() => useStore.getState().setTokenizerChoice('bpe')}
        />{' '}
        {t.bpeTokens}
      </label>
      <div className="row">
        <label htmlFor="bpe-vocab">{t.vocabulary}</label>
        <input
          id="bpe-vocab"
          type="number"
          className="short"
          min={BPE_VOCAB.min}
          max={BPE_VOCAB.max}
          step={256}
          value={Number.isFinite(vocabSize) ? vocabSize : ''}
          onChange={(e) => useStore.getState().setBpeVocabSize(e.target.value === '' ? NaN : Number(e.target.value))}
        />
        {training ? (
          <>
            <progress max={training.target} value={training.merges} aria-label={t.bpeTraining} />
            <span className="small muted">{t.merges(fmt.format(training.merges), fmt.format(training.target))}</span>
            <button type="button" onClick={cancelTokenizer}>
              {t.cancel}
            </button>
          </>
        ) : (
          <button type="button" onClick={trainTokenizer} disabled={badSize || text.length === 0}>
            {t.trainTokenizer}
          </button>
        )}
      </div>
      {badSize && (
        <p className="error" role="alert">
          {t.bpeBadSize(BPE_VOCAB.min, fmt.format(BPE_VOCAB.max))}
        </p>
      )}
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {say(p)}
        </p>
      ))}
      <table className="results" aria-label={t.tokenizersTable}>
        <thead>
          <tr>
            <th></th>
            <th>{t.vocabulary}</th>
            <th>{t.charsPerToken}</th>
            <th>{t.trainValTokens}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{t.charactersRow}</td>
            <td className="num">{fmt.format(chars.vocabSize)}</td>
            <td className="num">1.00</td>
            <td className="num">
              {fmt.format(chars.trainTokens)} / {fmt.format(chars.valTokens)}
            </td>
          </tr>
          <tr data-testid="bpe-stats">
            <td>BPE</td>
            {bpe ? (
              <>
                <td className="num">{fmt.format(256 + bpe.spec.merges.length)}</td>
                <td className="num">{(bpe.chars / bpe.tokens).toFixed(2)}</td>
                <td className="num">
                  {fmt.format(bpeTrain)} / {fmt.format(bpe.tokens - bpeTrain)}
                </td>
              </>
            ) : (
              <td colSpan={3} className="muted small">
                {t.notTrainedYet}
              </td>
            )}
          </tr>
        </tbody>
      </table>
      {bpe && (
        <p className="muted small" data-testid="bpe-note">
          {t.bpeNote(
            (bpe.ms / 1000).toFixed(2),
            fmt.format(bpe.spec.merges.length),
            !!bpe.stoppedEarly,
            bpe.textVersion !== textVersion,
            bpe.chars / bpe.tokens < 1,
          )}
        </p>
      )}
      <p className="muted small">{t.tokenizerTradeoff}</p>
      <details className="inspector">
        <summary>{t.tokenInspector}</summary>
        <label className="block" htmlFor="inspect-text">
          {t.textToCut}
        </label>
        <textarea
          id="inspect-text"
          rows={2}
          value={shownSample}
          spellCheck={false}
          onChange={(e) => setSample(e.target.value)}
        />
        <Tokens tokenizer={charTok} text={shownSample} label={t.charactersRow} />
        {bpeTok ? (
          <Tokens tokenizer={bpeTok} text={shownSample} label="BPE" />
        ) : (
          <p className="muted small">{t.trainBpeToSee}</p>
        )}
      </details>
    </fieldset>
  )
}
