import { visibleText } from '../../text/text'
import { useT } from '../i18n'

/**
 * The watched prompt's timeline: what the model wrote for it every `every` steps while it trained, with the
 * loss at that step, so the learner reads the model learning.
 */
export function WatchTimeline({
  pinned,
  timeline,
}: {
  pinned: { prompt: string; every: number }
  timeline: { step: number; loss: number; text: string }[]
}) {
  const t = useT()
  return (
    <>
      <h3 id="watch-h">{t.watching(visibleText(pinned.prompt), pinned.every)}</h3>
      <table className="results" aria-label={t.watchTimeline}>
        <thead>
          <tr>
            <th>{t.stepColumn}</th>
            <th>{t.lossColumn}</th>
            <th>{t.continuationColumn}</th>
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
      {timeline.length === 0 && <p className="muted small">{t.firstAnswerSoon(pinned.every)}</p>}
    </>
  )
}
