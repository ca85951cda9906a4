import { useDeferredValue, useMemo, useState } from 'react'
import { isTraining, useStore } from '../store'
import { cancelTokenizer, currentTextStats, trainTokenizer } from '../trainerClient'
import { makeTokenizer, BPE_VOCAB, type TextTokenizer } from '../../shared/tokenizer'
import { CharTokenizer } from '../../shared/charTokenizer'
import { trainSplitIndex, visibleChar } from '../../shared/text'

const fmt = new Intl.NumberFormat('en')

/** A text cut into its tokens: alternating colours, the id on hover, white space made visible. */
function Tokens({ tokenizer, text, label }: { tokenizer: TextTokenizer; text: string; label: string }) {
  const ids = useMemo(() => Array.from(tokenizer.encode(text)), [tokenizer, text])
  return (
    <div className="inspector-row">
      <div className="small muted">
        {label}: {fmt.format(ids.length)} tokens{ids.length ? `, ${([...text].length / ids.length).toFixed(2)} characters per token` : ''}
      </div>
      <p className="tokens" data-testid={`tokens-${tokenizer.kind}`} aria-label={`${label} tokens`}>
        {ids.map((id, i) => (
          <span key={i} className={`t${i % 2}`} title={`token ${id}`}>
            {[...tokenizer.vocab[id]].map((c) => (c === '\n' ? '⏎\n' : c === ' ' ? '·' : c === '\t' ? '⇥' : visibleChar(c))).join('')}
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
  const charTok = useMemo(() => (textTok.unknown(shownSample).length ? CharTokenizer.fromText(text + shownSample) : textTok), [textTok, text, shownSample])
  const bpeTok = useMemo(() => (bpe ? makeTokenizer(bpe.spec) : undefined), [bpe])
  const badSize = !(Number.isInteger(vocabSize) && vocabSize >= BPE_VOCAB.min && vocabSize <= BPE_VOCAB.max)
  const bpeTrain = bpe ? trainSplitIndex(bpe.tokens) : 0
  return (
    <fieldset className="tokens-box" disabled={locked}>
      <legend>Tokens</legend>
      <label className="small">
        <input type="radio" name="tokenizer" checked={choice === 'char'} onChange={() => useStore.setState({ tokenizerChoice: 'char' })} /> Characters: every distinct character is a token
      </label>
      <label className="small">
        <input type="radio" name="tokenizer" checked={choice === 'bpe'} onChange={() => useStore.setState({ tokenizerChoice: 'bpe' })} /> Byte-level BPE (as GPT-2), trained on this text:
      </label>
      <div className="row">
        <label htmlFor="bpe-vocab">Vocabulary</label>
        <input id="bpe-vocab" type="number" className="short" min={BPE_VOCAB.min} max={BPE_VOCAB.max} step={256} value={Number.isFinite(vocabSize) ? vocabSize : ''} onChange={(e) => useStore.setState({ bpeVocabSize: e.target.value === '' ? NaN : Number(e.target.value) })} />
        {training ? (
          <>
            <progress max={training.target} value={training.merges} aria-label="BPE training" />
            <span className="small muted">
              {fmt.format(training.merges)} / {fmt.format(training.target)} merges
            </span>
            <button type="button" onClick={cancelTokenizer}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={trainTokenizer} disabled={badSize || text.length === 0}>
            Train tokenizer
          </button>
        )}
      </div>
      {badSize && (
        <p className="error" role="alert">
          The BPE vocabulary must be a whole number from {BPE_VOCAB.min} (the 256 bytes and one merge) to {fmt.format(BPE_VOCAB.max)}.
        </p>
      )}
      {problems.map((p) => (
        <p className="error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      <table className="results" aria-label="Tokenizers on this text">
        <thead>
          <tr>
            <th></th>
            <th>Vocabulary</th>
            <th>Characters per token</th>
            <th>Train / validation tokens</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Characters</td>
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
                not trained yet
              </td>
            )}
          </tr>
        </tbody>
      </table>
      {bpe && (
        <p className="muted small" data-testid="bpe-note">
          Trained in {(bpe.ms / 1000).toFixed(2)} s: {fmt.format(bpe.spec.merges.length)} merges{bpe.stoppedEarly ? ' (all there were: no pair of tokens occurs twice more)' : ''}
          {bpe.textVersion !== textVersion ? '; on an earlier text (it still encodes this one; train again to fit it)' : ''}.
          {bpe.chars / bpe.tokens < 1 && ' Fewer than one character per token: in UTF-8 a Hanzi takes 3 bytes and an accented letter 2, and a small vocabulary makes only the most frequent of them whole tokens — raise the vocabulary, or use characters.'}
        </p>
      )}
      <p className="muted small">
        More characters per token means a context of the same length sees more text, but the vocabulary (and the output layer) grows, and each token is seen less often. A different tokenizer means a new model.
      </p>
      <details className="inspector">
        <summary>Token inspector</summary>
        <label className="block" htmlFor="inspect-text">
          Text to cut into tokens
        </label>
        <textarea id="inspect-text" rows={2} value={shownSample} spellCheck={false} onChange={(e) => setSample(e.target.value)} />
        <Tokens tokenizer={charTok} text={shownSample} label="Characters" />
        {bpeTok ? <Tokens tokenizer={bpeTok} text={shownSample} label="BPE" /> : <p className="muted small">Train the BPE tokenizer to see the same text in its tokens.</p>}
      </details>
    </fieldset>
  )
}
