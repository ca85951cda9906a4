import { useStore } from '../store'
import { gradientCss, type SequentialMap } from '../colourMaps'
import { useT } from '../i18n'

/**
 * A heatmap's legend (the colour of its lowest and highest values, with their numbers) and, beside it, the
 * page-wide heatmap choices: viridis or cividis, and for attention a linear or square-root scale.
 */
export function HeatmapKey({
  low,
  high,
  label,
  scale,
  diverging,
}: {
  low: string
  high: string
  label: string
  scale?: boolean
  diverging?: boolean
}) {
  const t = useT()
  const map = useStore((s) => s.colourMap)
  const scheme = useStore((s) => s.scheme)
  const attentionScale = useStore((s) => s.attentionScale)
  const choose = (m: SequentialMap) => {
    useStore.getState().setColourMap(m)
    try {
      localStorage.setItem('gpt-playground:colours', m)
    } catch {
      // storage blocked: the choice lasts this visit
    }
  }
  return (
    <div className="heatmap-key small">
      <span aria-hidden="true">{low}</span>
      <span
        className="heatmap-gradient"
        style={{ background: gradientCss(diverging ? 'diverging' : map, scheme) }}
        role="img"
        aria-label={t.legendLabel(label, low, high, !!scale && attentionScale === 'sqrt')}
      />
      <span aria-hidden="true">{high}</span>
      {!diverging && (
        <label>
          {t.colours}{' '}
          <select value={map} onChange={(e) => choose(e.target.value as SequentialMap)}>
            <option value="viridis">{t.viridis}</option>
            <option value="cividis">{t.cividis}</option>
          </select>
        </label>
      )}
      {scale && (
        <label>
          {t.scale}{' '}
          <select
            value={attentionScale}
            onChange={(e) => useStore.getState().setAttentionScale(e.target.value as 'linear' | 'sqrt')}
          >
            <option value="linear">{t.linear}</option>
            <option value="sqrt">{t.sqrtScale}</option>
          </select>
        </label>
      )}
    </div>
  )
}
