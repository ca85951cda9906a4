import { useStore } from '../store'
import { useT } from '../i18n'
import { headSummary, topKeys, type HeadView } from '../headSummary'
import { visibleText } from '../../text/text'

/**
 * One head for readers who prefer words to a heatmap: its summary (pattern when clear, strongest link, focus)
 * and, folded, a table of each query's strongest keys. `base`: the number the view gives its first layer and
 * head (every view counts from 0 today).
 */
export function HeadInWords({
  view,
  k,
  base,
  names,
  testId,
}: {
  view: HeadView
  k: number
  base: number
  names: { layer: number; head: number }
  testId: string
}) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  const name = `${names.layer + base}.${names.head + base}`
  return (
    <>
      <p className="small" data-testid={testId}>
        {headSummary(view, k, lang, base, names)}
      </p>
      <details className="small">
        <summary>{t.viewAsTable(name)}</summary>
        <table className="results" aria-label={t.tableLabel(name)}>
          <thead>
            <tr>
              <th>{t.query}</th>
              <th>{t.strongestKeys}</th>
            </tr>
          </thead>
          <tbody>
            {topKeys(view, k).map((r) => (
              <tr key={r.query}>
                <td>
                  {r.query} “{visibleText(view.tokens[r.query])}”
                </td>
                <td>
                  {r.keys
                    .map((x) => `${x.key} “${visibleText(view.tokens[x.key])}” ${x.weight.toFixed(2)}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  )
}
