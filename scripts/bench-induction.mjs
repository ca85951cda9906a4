// `npm run bench -- --experiment induction [--seeds 1,2,3,4,5] [--steps N]`: the induction experiment in the tab,
// driven through the page's own controls, one seed at a time. For each seed: choose the dataset "Repeated random
// tokens" (which applies the Induction preset and the repeated probe), set the seed, open the attention atlas (its
// head timeline), press Start, and record — in wall time from the click — when some head of layer ≥ 1 first
// reaches a prefix-matching score of 0.5 on the varying-period probe set, when the loss on the repeated tokens
// first falls below 0.5 nats, and when the phase-change marker appears on the head timeline and on the loss
// chart (read from the page itself, as a learner sees them). At the end, the head-ablation view is measured with
// the best induction head as its target: which layer-0 head it reads from, and its score without it.

const round = (x, d = 2) => (Number.isFinite(x) ? +x.toFixed(d) : null)

/** One seed of the experiment on a fresh page; returns its figures. */
export async function inductionSeed(browser, { port, backend, seed, steps, log }) {
  const page = await browser.newPage()
  page.on('pageerror', (e) => log(`page error: ${e.message}`))
  page.on('console', (m) => m.type() === 'error' && log(`page console: ${m.text()}`))
  await page.goto(`http://localhost:${port}/?backend=${backend}`)
  await page.locator('[data-testid="backend-chip"][data-backend]').waitFor({ timeout: 180_000 })
  await page.getByLabel('Dataset').selectOption('induction')
  await page.waitForFunction(
    () => {
      const s = window.__playgroundStore.getState()
      return s.datasetId === 'induction' && s.presetId === 'induction' && s.synthetic === 'periodic'
    },
    null,
    { timeout: 60_000 },
  )
  if (!(await page.locator('details.all-settings').evaluate((d) => d.open)))
    await page.locator('details.all-settings > summary').click()
  await page.locator('#f-seed').fill(String(seed))
  if (steps !== undefined) await page.locator('#f-maxIters').fill(String(steps))
  // the attention atlas, with its head timeline (the phase-change marker's first place)
  await page
    .getByText(/^Attention atlas/)
    .first()
    .click()
  const settings = await page.evaluate(() => {
    const s = window.__playgroundStore.getState()
    return { model: s.model, train: s.train, probe: s.atlasProbe }
  })
  log(
    `bench: induction · seed ${seed} · ${settings.train.maxIters} steps · probe ${settings.probe.kind} · ` +
      `${settings.model.nLayer} × ${settings.model.nHead} × ${settings.model.nEmbd}, mlp ${settings.model.mlp !== false}, tied ${settings.model.tiedHead !== false}`,
  )
  // the times things first happen, from the store as it changes (ms since the click on Start)
  await page.evaluate(() => {
    const w = window
    w.__ind = { formed: null, repBelow: null, snapshots: 0 }
    document.addEventListener(
      'click',
      (e) => {
        if (
          e.target instanceof HTMLElement &&
          e.target.textContent === 'Start training' &&
          w.__ind.clickAt === undefined
        )
          w.__ind.clickAt = performance.now()
      },
      true,
    )
    w.__playgroundStore.subscribe((s, prev) => {
      const since = () => Math.round(performance.now() - (w.__ind.clickAt ?? performance.now()))
      if (s.atlasSnapshots !== prev.atlasSnapshots && s.atlasSnapshots.length) {
        const a = s.atlasSnapshots.at(-1)
        w.__ind.snapshots = s.atlasSnapshots.length
        let best = 0
        for (let k = a.heads; k < a.layers * a.heads; k++) best = Math.max(best, a.scores[k * 5 + 3])
        if (best >= 0.5 && !w.__ind.formed) w.__ind.formed = { step: a.step, ms: since(), score: best }
      }
      if (s.evals !== prev.evals && s.evals.length) {
        const e = s.evals.at(-1)
        if (e.repLoss !== undefined && e.repLoss < 0.5 && !w.__ind.repBelow)
          w.__ind.repBelow = { step: e.step, ms: since(), loss: e.repLoss }
      }
      if (s.runState === 'finished' && w.__ind.finishedAt === undefined) w.__ind.finishedAt = performance.now()
    })
  })
  await page.getByRole('button', { name: 'Start training' }).click()
  const clickAt = Date.now()
  let timeline = null // the marker on the head timeline: [ms, its text]
  let chart = null // … and on the loss chart
  let lastLogged = 0
  for (;;) {
    const s = await page.evaluate(() => {
      const st = window.__playgroundStore.getState()
      return {
        state: st.runState,
        error: st.runError ?? st.workerError,
        step: st.points.at(-1)?.step ?? 0,
        rep: st.evals.at(-1)?.repLoss,
      }
    })
    if (s.error) throw new Error(`training failed: ${s.error}`)
    if (!timeline) {
      const text = await page.getByTestId('phase-change').first().textContent()
      if (/Phase change at step/.test(text ?? '')) timeline = { ms: Date.now() - clickAt, text }
    }
    if (!chart && (await page.getByTestId('loss-chart').getByText('induction head forms').count()) > 0)
      chart = { ms: Date.now() - clickAt }
    if (s.step - lastLogged >= 250 || s.state === 'finished') {
      log(`  step ${s.step}  loss on the repeated tokens ${s.rep?.toFixed(3) ?? '–'}`)
      lastLogged = s.step
    }
    if (s.state === 'finished') break
    if (s.state === 'stopped') throw new Error('training stopped before the last step')
    await page.waitForTimeout(1000)
  }
  const r = await page.evaluate(() => {
    const st = window.__playgroundStore.getState()
    const a = st.atlasSnapshots.at(-1)
    const scores = Array.from({ length: a.layers * a.heads }, (_, k) => ({
      head: `${Math.floor(k / a.heads)}.${k % a.heads}`,
      induction: a.scores[k * 5 + 3],
      previous: a.scores[k * 5],
    }))
    return {
      ind: window.__ind,
      finishedMs: window.__ind.finishedAt - window.__ind.clickAt,
      steps: st.points.length,
      stepMs: st.points.map((p) => p.stepMs).sort((x, y) => x - y)[st.points.length >> 1],
      last: st.evals.at(-1),
      scores,
      run: { params: st.run.paramCount, vocab: st.run.vocab.length, backend: st.report.backend },
    }
  })
  // the previous-token head the induction head reads from: head ablation with the best induction head as target
  await page
    .getByText(/^Head ablation/)
    .first()
    .click()
  await page.getByTestId('ablation-measure').click()
  await page.getByTestId('induction-source').waitFor({ timeout: 120_000 })
  const source = await page.evaluate(() => {
    const a = window.__playgroundStore.getState().ablation.induction
    const H = window.__playgroundStore.getState().run.model.nHead
    const deltas = Array.from(a.scores, (v) => v - a.base)
    const self = a.layer * H + a.head
    let k = -1
    deltas.forEach((d, i) => {
      if (i !== self && (k < 0 || d < deltas[k])) k = i
    })
    const name = (i) => `${Math.floor(i / H)}.${i % H}`
    return {
      target: `${a.layer}.${a.head}`,
      base: a.base,
      source: name(k),
      without: a.scores[k],
      // no single head halved it: the two that cost it most, off together
      ...(a.pair && { pair: { heads: a.pair.heads.map(name), without: a.pair.score } }),
    }
  })
  const sourceText = await page.getByTestId('induction-source').textContent()
  await page.close()
  const layer1 = r.scores.filter((s) => !s.head.startsWith('0.'))
  const best = layer1.reduce((a, b) => (b.induction > a.induction ? b : a))
  const prev = r.scores.find((s) => s.head === source.source)
  return {
    seed,
    backend: r.run.backend,
    params: r.run.params,
    steps: r.steps,
    msPerStepMedian: round(r.stepMs, 1),
    wallMin: round(r.finishedMs / 60_000, 2),
    formed: r.ind.formed && {
      step: r.ind.formed.step,
      min: round(r.ind.formed.ms / 60_000, 2),
      score: round(r.ind.formed.score),
    },
    repBelowHalf: r.ind.repBelow && { step: r.ind.repBelow.step, min: round(r.ind.repBelow.ms / 60_000, 2) },
    markerTimeline: timeline && {
      min: round(timeline.ms / 60_000, 2),
      step: Number(/step (\d+)/.exec(timeline.text)?.[1]),
    },
    markerChart: chart && { min: round(chart.ms / 60_000, 2) },
    final: {
      step: r.last.step,
      repLoss: round(r.last.repLoss, 3),
      valLoss: round(r.last.valLoss, 3),
      bestHead: best.head,
      bestInduction: round(best.induction),
    },
    readsFrom: {
      ...source,
      base: round(source.base),
      without: round(source.without),
      sourcePrevious: round(prev?.previous),
      said: sourceText,
    },
  }
}

/** The seeds' table, for a person (stderr). */
export function inductionTable(results) {
  const rows = results.map((r) =>
    [
      r.seed,
      r.formed ? `${r.formed.step} (${r.formed.min} min)` : 'no',
      r.repBelowHalf ? `${r.repBelowHalf.step} (${r.repBelowHalf.min} min)` : 'no',
      r.markerTimeline ? `${r.markerTimeline.step} (${r.markerTimeline.min} min)` : 'no',
      r.markerChart ? `${r.markerChart.min} min` : 'no',
      `${r.final.bestHead}: ${r.final.bestInduction}`,
      r.final.repLoss,
      `${r.readsFrom.source} (prev ${r.readsFrom.sourcePrevious}): ${r.readsFrom.base} → ${r.readsFrom.without}` +
        (r.readsFrom.pair ? `; ${r.readsFrom.pair.heads.join(' + ')}: → ${round(r.readsFrom.pair.without)}` : ''),
      `${r.wallMin} min, ${r.msPerStepMedian} ms/step`,
    ].join(' | '),
  )
  return [
    'seed | PM ≥ 0.5 at | rep. loss < 0.5 at | marker (timeline) | marker (chart) | best L≥1 head at end | rep. loss at end | reads from (ablation) | run',
    ...rows,
  ].join('\n')
}
