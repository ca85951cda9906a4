import { DATASETS } from '../datasets'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'
import { useStore } from '../store'

/** Where the built-in texts come from and under which terms: all of them are bundled, nothing is fetched. */
export function AboutPanel(panel: ViewProps) {
  const t = useT()
  const lang = useStore((s) => s.lang)
  return (
    <Panel {...panel} folded>
      <p className="muted small">{t.aboutIntro}</p>
      <table className="results" aria-label={t.aboutTable}>
        <thead>
          <tr>
            <th>{t.textColumn}</th>
            <th>{t.sourceColumn}</th>
            <th>{t.licenceColumn}</th>
          </tr>
        </thead>
        <tbody>
          {DATASETS.map((d) => (
            <tr key={d.id}>
              <td>{lang === 'zh-CN' ? d.zh.label : d.label}</td>
              <td className="small">{d.source}</td>
              <td className="small">{d.licence}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  )
}
