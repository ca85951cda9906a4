// The text's options, in their tab below the first screen: pair mode (each line a prompt and its completion)
// and the tokenizer (characters or byte-level BPE). Both change what a model built on the text is.
import { useDeferredValue } from 'react'
import { isTraining, useStore } from '../store'
import { currentPairs, currentTextStats } from '../client'
import { heldOutCount } from '../../text/pairs'
import { TokenizerSection } from './TokenizerSection'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

const fmt = new Intl.NumberFormat('en') // the same digits and separators in both languages

/** Pair mode changes what the text means: a model built on it is one of a new text. */
function setPairMode(on: boolean) {
  useStore.getState().setPairMode(on)
}

/** What pair mode makes of the text: how many pairs, how many held out; or why it cannot read them. */
function PairSummary({ text }: { text: string }) {
  const t = useT()
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
      {t.pairStats(
        fmt.format(n),
        result.format === 'tsv',
        fmt.format(n - heldOutCount(n)),
        fmt.format(heldOutCount(n)),
        fmt.format(currentTextStats(written).vocabSize),
      )}
    </p>
  )
}

export function TextOptionsPanel(panel: ViewProps) {
  const t = useT()
  const text = useStore((s) => s.text)
  const pairMode = useStore((s) => s.pairMode)
  const locked = useStore(isTraining)
  const deferred = useDeferredValue(text)
  return (
    <Panel {...panel}>
      <label className="small">
        <input type="checkbox" checked={pairMode} disabled={locked} onChange={(e) => setPairMode(e.target.checked)} />{' '}
        {t.pairModeLabel}
      </label>
      {pairMode && <PairSummary text={deferred} />}
      <TokenizerSection />
      {locked && <p className="muted small">{t.textLocked}</p>}
    </Panel>
  )
}
