import { visibleText } from '../../text/text'
import type { BeamSummary, BeamTree } from '../../shared/protocol'
import { useT } from '../i18n'

const COL = 64
const ROW = 24

/**
 * The beam-search tree (V6): one column per step, each step's kept beams (solid) and the runners-up the cut
 * removed (grey, dashed), each with its total log-probability; the best beam's path in blue and the greedy
 * path in orange, so the learner sees where the two part and what beam search kept that greedy threw away.
 */
export function BeamTreeView({ tree, vocab }: { tree: BeamTree; vocab: string[] }) {
  const t = useT()
  const { nodes } = tree
  if (!nodes.length) return null
  const depth = Math.max(...nodes.map((n) => n.depth))
  const width = Math.max(
    ...Array.from({ length: depth }, (_, d) => nodes.filter((n) => n.kept && n.depth === d + 1).length),
  )
  // rows: within a step, best log-probability first
  const rank = new Array<number>(nodes.length)
  let rows = 0
  for (let d = 1; d <= depth; d++) {
    const level = nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.depth === d)
    level.sort((a, b) => b.n.logProb - a.n.logProb)
    level.forEach(({ i }, r) => (rank[i] = r))
    rows = Math.max(rows, level.length)
  }
  const x = (i: number) => (i < 0 ? 16 : 16 + nodes[i].depth * COL)
  const y = (i: number) => (i < 0 ? 14 + ((rows - 1) * ROW) / 2 : 14 + rank[i] * ROW)
  const best = new Set(tree.best)
  const greedyNodes: number[] = []
  let parent = -1
  for (let d = 1; d <= tree.greedy.length; d++) {
    const i = nodes.findIndex((n) => n.parent === parent && n.depth === d && n.token === tree.greedy[d - 1])
    if (i < 0) break
    greedyNodes.push(i)
    parent = i
  }
  const greedy = new Set(greedyNodes)
  const leaves = greedyNodes.length < Math.min(tree.greedy.length, depth) ? greedyNodes.length + 1 : undefined
  const token = (id: number) => visibleText(vocab[id] ?? '?')
  const sameAsBest = tree.best.length === greedyNodes.length && tree.best.every((b, k) => b === greedyNodes[k])
  return (
    <figure className="beam-tree" data-testid="beam-tree">
      <figcaption className="small">
        {t.beamCaption(width, depth)} <span className="beam-best-key">{t.beamBest}</span>
        {t.beamBestIs}
        <span className="beam-greedy-key">{t.beamGreedy}</span>
        {t.beamGreedyIs}
        {sameAsBest ? t.beamSame : leaves ? t.beamLeaves(leaves, token(tree.greedy[leaves - 1])) : t.beamPart}
      </figcaption>
      <div className="beam-tree-scroll">
        <svg
          width={32 + depth * COL + 40}
          height={rows * ROW + 12}
          role="img"
          aria-label={t.beamAria(nodes.filter((n) => n.kept).length, nodes.filter((n) => !n.kept).length, depth)}
        >
          {nodes.map((n, i) => {
            const cls = `beam-edge${n.kept ? '' : ' pruned'}${best.has(i) ? ' best' : ''}${greedy.has(i) ? ' greedy' : ''}`
            return (
              <line key={`e${i}`} className={cls} x1={x(n.parent) + 22} y1={y(n.parent)} x2={x(i) - 22} y2={y(i)} />
            )
          })}
          <text x={8} y={y(-1) + 4} className="beam-root">
            ▸
          </text>
          {nodes.map((n, i) => (
            <g
              key={i}
              className={`beam-node${n.kept ? '' : ' pruned'}${best.has(i) ? ' best' : ''}${greedy.has(i) ? ' greedy' : ''}${n.done ? ' done' : ''}`}
              data-kept={n.kept}
            >
              <title>
                {t.beamNode(n.depth, token(n.token), n.logProb, n.kept ? (n.done ? 'done' : 'kept') : 'pruned')}
              </title>
              <rect x={x(i) - 22} y={y(i) - 10} width={44} height={20} rx={3} />
              <text x={x(i) - 18} y={y(i) + 4}>
                {token(n.token).slice(0, 3)}
              </text>
              <text x={x(i) + 20} y={y(i) + 4} className="beam-lp" textAnchor="end">
                {n.logProb.toFixed(1)}
              </text>
            </g>
          ))}
        </svg>
      </div>
    </figure>
  )
}

/** Every final beam, best first: its text, total log-probability and length-penalised score. */
export function BeamsTable({ beams }: { beams: BeamSummary[] }) {
  const t = useT()
  return (
    <table className="results" aria-label={t.beamsTable}>
      <thead>
        <tr>
          <th>#</th>
          <th>{t.beamColumn}</th>
          <th>{t.logProbability}</th>
          <th>{t.scoreColumn}</th>
        </tr>
      </thead>
      <tbody>
        {beams.map((b, i) => (
          <tr key={i}>
            <td>{i + 1}</td>
            <td>
              <code>{visibleText(b.text)}</code>
              {b.done ? t.stopped : ''}
            </td>
            <td>{b.logProb.toFixed(3)}</td>
            <td>{b.score.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
