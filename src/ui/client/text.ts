// Text intake: a new training text is taken at once, measured in the worker first when long (with progress and
// Cancel), or offered cut when over the limit; and the text facts the page shows, computed once per text.
import { cutAt, LARGE_TEXT_CHARS, MAX_TEXT_CHARS, textStats, type TextStats } from '../../text/text'
import { readRunText } from '../../shared/runText'
import type { ParsedPairs } from '../../text/pairs'
import type { SyntheticData } from '../../shared/protocol'
import { useStore, type TextNotice } from '../store'
import { messagesFor } from '../i18n'
import { engineUp, send } from './engine'
import * as requests from './requests'

const get = useStore.getState

/**
 * Takes a new training text. Up to LARGE_TEXT_CHARS at once; a longer one is first measured in the worker —
 * in slices, with progress and Cancel — so the page never counts fifty million characters itself, and is taken
 * (with its measurements) only when that is done: until then, and after a Cancel, the current text stays.
 * A text over MAX_TEXT_CHARS is not taken: its start is offered instead.
 */
export function offerText(
  text: string,
  datasetId: string,
  o: { notice?: TextNotice; pairs?: boolean; name?: string; synthetic?: SyntheticData } = {},
): void {
  cancelTextLoading(false)
  if (text.length > MAX_TEXT_CHARS) {
    const cut = cutAt(text, MAX_TEXT_CHARS)
    get().setTextOffer({
      what: 'text',
      name: o.name ?? '',
      size: new Intl.NumberFormat('en').format(text.length),
      limit: new Intl.NumberFormat('en').format(MAX_TEXT_CHARS),
      take: () => offerText(text.slice(0, cut), datasetId, o),
    })
    return
  }
  get().setTextOffer(undefined)
  if (text.length <= LARGE_TEXT_CHARS || !engineUp()) return get().takeText(text, datasetId, o)
  const requestId = requests.nextId('text')
  requests.register(
    requestId,
    {
      'text.progress': (m) => get().setTextLoading({ requestId, done: m.done, total: m.total }),
      'text.stats': (m) => {
        if (m.cancelled) return
        const { type: _t, requestId: _r, cancelled: _c, ...stats } = m
        rememberStats(text, stats) // measured in the worker: the page never counts it again
        get().takeText(text, datasetId, o)
      },
    },
    'text',
  )
  get().setTextLoading({ requestId, done: 0, total: text.length })
  send({ type: 'text.analyze', requestId, text })
}

/** Stops measuring a long text: the current text stays as it was. */
export function cancelTextLoading(say = true): void {
  const requestId = requests.inSlot('text')
  if (!requestId) return
  requests.forget(requestId)
  send({ type: 'text.cancel', requestId })
  get().setTextLoading(undefined)
  const lang = get().lang
  if (say) get().setTextNotice({ kind: 'info', message: messagesFor(lang).textLoadCancelled })
}

/**
 * textStats of the texts the page shows, computed once per text (a megabyte takes tens of milliseconds; a long
 * text's come from the worker). A few are kept, not one: while React defers a render, the old text and the new
 * are both asked for, and one slot would recount them in turn.
 */
const statsMemo = new Map<string, TextStats>()
export function currentTextStats(text: string): TextStats {
  let stats = statsMemo.get(text)
  if (!stats) {
    stats = textStats(text)
    rememberStats(text, stats)
  }
  return stats
}
function rememberStats(text: string, stats: TextStats) {
  statsMemo.set(text, stats)
  if (statsMemo.size > 4) statsMemo.delete(statsMemo.keys().next().value!)
}

let pairsMemo:
  | { text: string; run: ReturnType<typeof readRunText>; result: ParsedPairs | { problems: string[] }; written: string }
  | undefined
/**
 * The current text read in pair mode, once per text, as the run reads it (shared/runText.ts): its pairs or the
 * problems with them, the text they are written as, and the run's own reading (for the page's checks).
 */
export function currentPairs(text: string) {
  if (pairsMemo?.text !== text) {
    const run = readRunText(text, true)
    const result =
      'problems' in run
        ? { problems: run.problems.map((p) => p.message) }
        : { pairs: run.pairs!.list, format: run.pairs!.format }
    pairsMemo = { text, run, result, written: 'problems' in run ? '' : run.text }
  }
  return pairsMemo
}
