import type { ReactNode } from 'react'
import { useT } from '../i18n'

/** A layer × head table (rows: layers, columns: heads), each cell drawn by `cell`, which returns a <td>. */
export function HeadGrid(p: {
  nLayer: number
  nHead: number
  className: string
  testId: string
  cell: (layer: number, head: number) => ReactNode
}) {
  const t = useT()
  return (
    <table className={p.className} data-testid={p.testId}>
      <thead>
        <tr>
          <th />
          {Array.from({ length: p.nHead }, (_, h) => (
            <th key={h} scope="col" className="small">
              {t.ablationHead(h)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: p.nLayer }, (_, l) => (
          <tr key={l}>
            <th scope="row" className="small">
              {t.ablationLayer(l)}
            </th>
            {Array.from({ length: p.nHead }, (_, h) => p.cell(l, h))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
