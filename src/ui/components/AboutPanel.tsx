import { DATASETS } from '../datasets'

/** Where the built-in texts come from and under which terms: all of them are bundled, nothing is fetched. */
export function AboutPanel() {
  return (
    <section className="panel" aria-labelledby="about-h">
      <details>
        <summary>
          <h2 id="about-h" className="inline">
            About the built-in texts
          </h2>
        </summary>
        <p className="muted small">Every built-in text is bundled with the page from an npm package at build time; choosing one loads it from the page itself, never from the network.</p>
        <table className="results" aria-label="Built-in texts, their sources and licences">
          <thead>
            <tr>
              <th>Text</th>
              <th>Source</th>
              <th>Licence</th>
            </tr>
          </thead>
          <tbody>
            {DATASETS.map((d) => (
              <tr key={d.id}>
                <td>{d.label}</td>
                <td className="small">{d.source}</td>
                <td className="small">{d.licence}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}
