import { useStore } from '../store'
import { gradientCss, type SequentialMap } from '../colourMaps'

/**
 * A heatmap's legend (the colour of its lowest and highest values, with their numbers) and, beside it, the
 * page-wide heatmap choices: viridis or cividis, and for attention a linear or square-root scale.
 */
export function HeatmapKey({ low, high, label, scale, diverging }: { low: string; high: string; label: string; scale?: boolean; diverging?: boolean }) {
  const map = useStore((s) => s.colourMap)
  const attentionScale = useStore((s) => s.attentionScale)
  const choose = (m: SequentialMap) => {
    useStore.setState({ colourMap: m })
    try {
      localStorage.setItem('gpt-playground:colours', m)
    } catch {
      // storage blocked: the choice lasts this visit
    }
  }
  return (
    <div className="heatmap-key small">
      <span aria-hidden="true">{low}</span>
      <span className="heatmap-gradient" style={{ background: gradientCss(diverging ? 'diverging' : map) }} role="img" aria-label={`${label}: from ${low} to ${high}${scale && attentionScale === 'sqrt' ? ', square-root scale' : ''}`} />
      <span aria-hidden="true">{high}</span>
      {!diverging && (
        <label>
          Colours{' '}
          <select value={map} onChange={(e) => choose(e.target.value as SequentialMap)}>
            <option value="viridis">viridis</option>
            <option value="cividis">cividis (colour-blind safe)</option>
          </select>
        </label>
      )}
      {scale && (
        <label>
          Scale{' '}
          <select value={attentionScale} onChange={(e) => useStore.setState({ attentionScale: e.target.value as 'linear' | 'sqrt' })}>
            <option value="linear">linear</option>
            <option value="sqrt">square root (small weights show)</option>
          </select>
        </label>
      )}
    </div>
  )
}
