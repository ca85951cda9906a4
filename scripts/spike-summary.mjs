// Reads the JSON files scripts/induction_spike.py wrote and applies the page's own phase-change rule
// (src/analysis/heads.ts phaseChange, loaded through Vite so the rule is the same code) to each run:
// npm run spike:summary -- /tmp/spike/*.json
import { createServer } from 'vite'

const files = process.argv.slice(2)
if (!files.length) {
  console.error('usage: npm run spike:summary -- RUN.json …')
  process.exit(2)
}
const server = await createServer({ server: { middlewareMode: true }, appType: 'custom', logLevel: 'error' })
try {
  const { phaseChange } = await server.ssrLoadModule('/src/analysis/heads.ts')
  const { readFileSync } = await import('node:fs')
  console.log(
    'data | seed | model | steps | lr | val loss start → end | best induction score (layer ≥ 1, step) | phase change',
  )
  for (const f of files) {
    const run = JSON.parse(readFileSync(f, 'utf8'))
    const H = run.evals[0].heads[0].length
    const snaps = run.evals.map((e) => ({
      step: e.step,
      valLoss: e.valLoss,
      induction: e.heads.flat().map((h) => h.induction),
    }))
    let best = { score: 0, step: 0, head: '' }
    for (const e of run.evals)
      e.heads.forEach((layer, l) =>
        layer.forEach((h, k) => {
          if (l >= 1 && h.induction > best.score) best = { score: h.induction, step: e.step, head: `${l}.${k}` }
        }),
      )
    const p = phaseChange(snaps)
    const model = (run.model ?? [4, 4, 128, 64, 12]).join('/')
    const marker = p ? `step ${p.step}, head ${Math.floor(p.head / H)}.${p.head % H} (+${p.rise.toFixed(2)})` : 'none'
    console.log(
      `${run.data} | ${run.seed} | ${model} | ${run.maxIters} | ${run.learningRate ?? 1e-3} | ${run.evals[0].valLoss.toFixed(3)} → ${run.evals.at(-1).valLoss.toFixed(3)} | ${best.score.toFixed(3)} (${best.head}, step ${best.step}) | ${marker}`,
    )
  }
} finally {
  await server.close()
}
