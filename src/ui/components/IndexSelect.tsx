/**
 * A label and a select over 0..count-1 (a layer or a head), each shown as `first + i`. Every view counts layers
 * and heads from 0, as the diagram, the code and nanoGPT do, so a head has one name everywhere.
 */
export function IndexSelect(p: {
  id: string
  label: string
  count: number
  value: number
  first: 0 | 1
  disabled?: boolean
  onChange: (i: number) => void
}) {
  return (
    <>
      <label htmlFor={p.id}>{p.label}</label>
      <select
        id={p.id}
        value={Math.min(p.value, p.count - 1)}
        disabled={p.disabled}
        onChange={(e) => p.onChange(Number(e.target.value))}
      >
        {Array.from({ length: p.count }, (_, i) => (
          <option key={i} value={i}>
            {i + p.first}
          </option>
        ))}
      </select>
    </>
  )
}
