import { useState } from 'react'
import { useStore } from '../store'
import { ofModel } from '../store/views'
import { askPatching } from '../client'
import { diverging, inkOn } from '../colourMaps'
import { HeadGrid } from './HeadGrid'
import { visibleChar } from '../../text/text'
import { useT } from '../i18n'
import { HeatmapKey } from './HeatmapKey'
import { Panel, type ViewProps } from './Panel'

/** A share recovered as a cell: orange where the patch brings the clean answer back, blue where it pushes away. */
function Cell({ share, label, scheme }: { share: number; label: string; scheme: 'light' | 'dark' }) {
  const bg = diverging(-share, 1, scheme)
  return (
    <td className="patch-cell" style={{ background: bg, color: inkOn(bg) }} title={label} aria-label={label}>
      {share.toFixed(2)}
    </td>
  )
}

/**
 * Activation patching (issue 20): a clean and a corrupted prompt of one length, an answer and a wrong answer; every
 * head's output and every position of the residual stream entering each block, patched one at a time from the
 * clean run into the corrupted one, shown as the share of the clean logit difference each recovers.
 */
export function PatchingPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const patching = useStore((s) => s.patching)
  const problems = useStore((s) => s.patchingProblems)
  const scheme = useStore((s) => s.scheme)
  const [q, setQ] = useState({ clean: '', corrupted: '', answer: '', wrong: '' })
  const field = (k: keyof typeof q, label: string) => (
    <label className="block small">
      {label}
      <input
        className="wide mono"
        value={q[k]}
        spellCheck={false}
        onChange={(e) => setQ({ ...q, [k]: e.target.value })}
        data-testid={`patching-${k}`}
      />
    </label>
  )
  const current = ofModel(patching, run)
  return (
    <Panel {...panel} folded model={run} data={run}>
      {(run) => {
        const L = run.model.nLayer
        const H = run.model.nHead
        const T = current?.tokens.length ?? 0
        return (
          <>
            <p className="muted small">{t.patchingIntro}</p>
            <div className="patch-fields">
              {field('clean', t.patchingClean)}
              {field('corrupted', t.patchingCorrupted)}
              {field('answer', t.patchingAnswer)}
              {field('wrong', t.patchingWrong)}
            </div>
            <button
              type="button"
              onClick={() => askPatching(q)}
              disabled={!q.clean || !q.corrupted || !q.answer || !q.wrong}
              data-testid="patching-run"
            >
              {t.patchingRun}
            </button>
            {problems.length > 0 && (
              <p className="error small" role="alert" data-testid="patching-problems">
                {problems.map((p) => p.message).join(' ')}
              </p>
            )}
            {current && (
              <>
                <p className="small" data-testid="patching-diffs">
                  {t.patchingDiffs(current.clean, current.corrupted, current.step)}
                </p>
                {current.clean === current.corrupted && <p className="muted small">{t.patchingSame}</p>}
                <h3 className="small">{t.patchingHeads}</h3>
                <HeadGrid
                  nLayer={L}
                  nHead={H}
                  className="patch-grid"
                  testId="patching-heads"
                  cell={(l, h) => (
                    <Cell
                      key={h}
                      share={current.heads[l * H + h]}
                      label={t.patchingCell(t.headLabel(l, h), current.heads[l * H + h])}
                      scheme={scheme}
                    />
                  )}
                />
                <h3 className="small">{t.patchingResid}</h3>
                <div className="table-scroll">
                  <table className="patch-grid" data-testid="patching-resid">
                    <thead>
                      <tr>
                        <th />
                        {current.tokens.map((tok, i) => (
                          <th
                            key={i}
                            scope="col"
                            className={tok !== current.cleanTokens[i] ? 'mono small differs' : 'mono small'}
                            title={t.patchingPosition(i, visibleChar(tok))}
                          >
                            {visibleChar(tok)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {Array.from({ length: L + 1 }, (_, l) => (
                        <tr key={l}>
                          <th scope="row" className="small">
                            {t.patchingStreamRow(l, L)}
                          </th>
                          {Array.from({ length: T }, (_, i) => (
                            <Cell
                              key={i}
                              share={current.resid[l * T + i]}
                              label={t.patchingCell(
                                `${t.patchingStreamRow(l, L)}, ${t.patchingPosition(i, visibleChar(current.tokens[i]))}`,
                                current.resid[l * T + i],
                              )}
                              scheme={scheme}
                            />
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <HeatmapKey low="1" high="−1" label={t.patchingTitle} diverging />
              </>
            )}
          </>
        )
      }}
    </Panel>
  )
}
