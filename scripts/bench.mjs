// `npm run bench`: how fast the playground trains and samples, and how well it learns, measured through the
// real page and worker (the code path a user runs). Builds the app if it is out of date, serves it with
// `vite preview` on localhost, drives headless Chromium (WebGPU enabled: here a software adapter), sets the
// dataset and settings through the UI, trains, samples, and prints progress on stderr and ONE JSON line per
// run on stdout. With --vs-torch, the same model, config, text, batches and schedule then train in PyTorch on
// the CPU (scripts/torch_gpt.py) and the JSON line carries both and their ratio.
//
//   npm run bench -- [--backend auto|webgpu|webgl|wasm|cpu[,…]] [--preset tiny|small|baby[,…]]
//                    [--n-layer N] [--n-head N] [--n-embd N] [--block-size N] [--batch-size N]
//                    [--corpus FILE | --dataset names|moby] [--steps N] [--eval-every N] [--eval-iters N]
//                    [--seed N] [--vs-torch] [--torch-threads N] [--curve FILE.svg] [--no-build] [--port N]
//                    [--watch-prompt TEXT [--watch-every N]]   (pin a prompt: its cost shows in wallMsPerStep)
//                    [--bpe VOCAB]   (train a byte-level BPE of that vocabulary size in the page first, and use it)
//                    [--views]   (open the teaching views — atlas, embeddings, positional encoding: their cost shows in wallMsPerStep)
//                    [--no-live-sample]   (stop the live sample the page pins when training starts: a continuation every 25 steps)
//                    [--page-hidden]   (the page says it is hidden, as a background tab: metrics every 2 s, no attention maps)
//                    [--estimate]   (press "How long will it take?" before Start: the page's estimate beside the
//                                    measured wall time from the click to the last step)
//                    [--warmup N]   (steps left out of the steady state at the start; default a fifth of the run, at most 20)
//                    [--experiment induction [--seeds 1,2,3,4,5]]   (the induction experiment in the tab, seed by
//                                            seed: when the head forms, the markers fire, what it reads from;
//                                            scripts/bench-induction.mjs)
//                    [--series FILE.json]   (write the step-time series: every step's ms, the evaluations, the live
//                                            sample's steps, the page's arrival times; and PyTorch's step times)
//
// Figures (scripts/bench-stats.mjs, one rule for the tab and for PyTorch): the steady state, msPerStep (median,
// p10, p90, quartiles over the steps after the warm-up, less every step that follows an evaluation or the live
// sample; the worker's own step clock, which includes the loss readback), and apart from it the whole run's wall
// time per step (wall: first step to last on the page, evaluations, samples and messages included, and from the
// click on "Start training"), what share of it the steps themselves took, and where the two cores' time went
// (CPU time by process and thread, from /proc, and the page's main thread, from the DevTools protocol); then
// tokens/s at the median, first-step ms, time from the click on
// "Start training" to the first step reported on the page, final train/val loss (the last evaluation),
// sampling ms/token (greedy, a prompt plus as many tokens as fit in the context — the worker's first
// generation, then the same again with the JIT warm — and a long generation past the context), tfjs tensors at the first and last metrics (and the most bytes they held), the worker's peak JS heap
// (DevTools protocol, sampled every second), and the page's long tasks
// (main thread blocked > 50 ms; Chromium's Long Tasks API) while training.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { findChromium } from './find-chromium.mjs'
import { findPython } from './python-prereqs.mjs'
import { evalSteps, stepStats } from './bench-stats.mjs'
import { cpuSampler } from './bench-cpu.mjs'
import { inductionSeed, inductionTable } from './bench-induction.mjs'

const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt
}
const num = (name) => {
  const v = arg(name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) fail(`--${name} needs a number (got "${v}")`)
  return n
}
function fail(message) {
  console.error(`bench: ${message}`)
  process.exit(2)
}
const log = (...a) => console.error(...a)

const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu']
const backends = arg('backend', 'auto').split(',')
for (const b of backends) if (!BACKENDS.includes(b)) fail(`unknown backend "${b}" (one of ${BACKENDS.join(', ')})`)
const presets = arg('preset', 'tiny').split(',')
const sizes = { nLayer: num('n-layer'), nHead: num('n-head'), nEmbd: num('n-embd'), blockSize: num('block-size') }
const batchSize = num('batch-size')
const corpus = arg('corpus')
if (corpus && !existsSync(corpus)) fail(`no such corpus file: ${corpus}`)
const dataset = arg('dataset')
const steps = num('steps')
const evalEvery = num('eval-every')
const evalIters = num('eval-iters')
const seed = num('seed')
const vsTorch = flag('vs-torch')
const torchThreads = num('torch-threads')
const curve = arg('curve')
const watchPrompt = arg('watch-prompt')
const watchEvery = num('watch-every') ?? 50
const bpeVocab = num('bpe')
const views = flag('views')
const noLiveSample = flag('no-live-sample')
const pageHidden = flag('page-hidden')
const warmupArg = num('warmup')
const seriesFile = arg('series')
const estimateFlag = flag('estimate')
if (bpeVocab !== undefined && vsTorch) fail('--vs-torch compares character models only')
const PORT = num('port') ?? 4188
const experiment = arg('experiment')
if (experiment !== undefined && experiment !== 'induction') fail(`unknown experiment "${experiment}" (induction)`)
const seeds = arg('seeds', '1,2,3,4,5')
  .split(',')
  .map((x) => Number(x))
if (seeds.some((x) => !Number.isInteger(x) || x < 0)) fail('--seeds takes whole numbers, e.g. 1,2,3')

// ------------------------------------------------------------------------------------------------ build
const ROOT = resolve(new URL('..', import.meta.url).pathname)
function newestMtime(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(0, ...readdirSync(path).map((f) => newestMtime(join(path, f))))
}
const distIndex = join(ROOT, 'dist', 'index.html')
const sourcesMtime = Math.max(
  ...['src', 'index.html', 'vite.config.ts', 'package.json', 'public']
    .filter((p) => existsSync(join(ROOT, p)))
    .map((p) => newestMtime(join(ROOT, p))),
)
if (!flag('no-build') && (!existsSync(distIndex) || statSync(distIndex).mtimeMs < sourcesMtime)) {
  log('bench: building the app (vite build)…')
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: ROOT,
  })
  if (r.status !== 0) fail('the build failed')
}

// ------------------------------------------------------------------------------------------------ serve
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
  cwd: ROOT,
  stdio: 'ignore',
  detached: true,
})
const stopServer = () => {
  try {
    process.kill(-server.pid)
  } catch {
    /* already gone */
  }
}
process.on('exit', stopServer)
let up = false
for (let i = 0; i < 150 && !up; i++) {
  try {
    up = (await fetch(`http://localhost:${PORT}/`)).ok
  } catch {
    await new Promise((r) => setTimeout(r, 200))
  }
}
if (!up) fail(`vite preview did not answer on port ${PORT}`)

const exe = findChromium()
const browser = await chromium.launch({
  executablePath: exe,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--enable-unsafe-webgpu',
    '--enable-precise-memory-info',
  ],
})
const browserVersion = browser.version()

/**
 * The training worker's JS heap, read over the DevTools protocol (a dedicated worker has no performance.memory):
 * attach to the page's worker target and ask Runtime.getHeapUsage. Returns a sampler, or null if unavailable.
 */
async function workerHeapProbe() {
  const cdp = await browser.newBrowserCDPSession()
  const { targetInfos } = await cdp.send('Target.getTargets')
  const worker = targetInfos.find((t) => t.type === 'worker' && t.url.startsWith(`http://localhost:${PORT}/`))
  if (!worker) return null
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })
  let id = 0
  const waiting = new Map()
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message)
    waiting.get(m.id)?.(m.result)
    waiting.delete(m.id)
  })
  return {
    async usedBytes() {
      const n = ++id
      const answer = new Promise((res) => waiting.set(n, res))
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }),
      })
      const r = await Promise.race([answer, new Promise((res) => setTimeout(() => res(undefined), 2000))])
      return r?.usedSize
    },
    detach: () => cdp.detach().catch(() => {}),
  }
}

const round = (x, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null)

async function benchOne(backend, preset) {
  const page = await browser.newPage()
  page.on('pageerror', (e) => log(`page error: ${e.message}`))
  await page.addInitScript(() => {
    window.__longTasks = []
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration })
      }).observe({ type: 'longtask', buffered: true })
    } catch {
      window.__longTasks = null // not supported
    }
    // each metrics batch as the worker sent it: [its sentAt on the page's clock, its last step]; the page's own
    // arrival time can lag the worker by a busy frame, while the steps after the batch start only once it is sent
    window.__metricsSent = []
    const PageWorker = window.Worker
    window.Worker = class extends PageWorker {
      constructor(...args) {
        super(...args)
        this.addEventListener('message', (e) => {
          const m = e.data
          if (m && m.type === 'metrics' && typeof m.sentAt === 'number' && m.points.length)
            window.__metricsSent.push([m.sentAt - performance.timeOrigin, m.points.at(-1).step])
        })
      }
    }
  })
  if (pageHidden)
    await page.addInitScript(() => {
      // what a background tab tells the page (headless pages are always visible): the engine reads it at start
      Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden' })
      Object.defineProperty(Document.prototype, 'hidden', { get: () => true })
    })
  await page.goto(`http://localhost:${PORT}/?backend=${backend}`)
  await page.locator('[data-testid="backend-chip"][data-backend]').waitFor({ timeout: 180_000 })

  // the text: a file through the upload control, a built-in dataset, or the default one
  if (corpus) {
    await page.locator('#upload').setInputFiles(corpus)
    await page.waitForFunction(() => window.__playgroundStore.getState().datasetId === 'custom', null, {
      timeout: 120_000,
    })
  } else if (dataset) {
    await page.getByLabel('Dataset').selectOption(dataset)
    await page.waitForFunction((id) => window.__playgroundStore.getState().datasetId === id, dataset, {
      timeout: 120_000,
    })
  }
  let bpe = null
  if (bpeVocab !== undefined) {
    // the tokenizer, trained in the worker through the page's own controls (in their tab below the first screen)
    await page.getByRole('tab', { name: 'Tokenizer & pair mode', exact: true }).click()
    await page.getByRole('radio', { name: /Byte-level BPE/ }).check()
    await page.getByLabel('Vocabulary', { exact: true }).fill(String(bpeVocab))
    await page.getByRole('button', { name: 'Train tokenizer' }).click()
    await page.waitForFunction(() => window.__playgroundStore.getState().bpe !== undefined, null, { timeout: 600_000 })
    bpe = await page.evaluate(() => {
      const b = window.__playgroundStore.getState().bpe
      return {
        vocab: 256 + b.spec.merges.length,
        merges: b.spec.merges.length,
        trainMs: Math.round(b.ms),
        chars: b.chars,
        tokens: b.tokens,
        charsPerToken: Math.round((100 * b.chars) / b.tokens) / 100,
      }
    })
    log(`bench: BPE ${bpe.vocab} tokens trained in ${bpe.trainMs} ms, ${bpe.charsPerToken} characters per token`)
  }
  await page.getByLabel('Preset').selectOption(preset)
  const fields = { ...sizes, batchSize, maxIters: steps, evalInterval: evalEvery ?? steps, evalIters, seed }
  // most settings are folded under "All settings" on the first screen
  if (!(await page.locator('details.all-settings').evaluate((d) => d.open)))
    await page.locator('details.all-settings > summary').click()
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) await page.locator(`#f-${key}`).fill(String(value))
  const settings = await page.evaluate(() => {
    const s = window.__playgroundStore.getState()
    return { model: s.model, train: s.train, text: s.text.length }
  })
  log(
    `bench: ${backend} · ${preset} · ${settings.train.maxIters} steps · evaluation every ${settings.train.evalInterval} over ${settings.train.evalIters} batches · seed ${settings.train.seed}`,
  )

  let estimate
  if (estimateFlag) {
    // "How long will it take?" before Start: the page's own estimate, compared below with the run's wall time
    const t0 = Date.now()
    await page.getByTestId('time-estimate').getByRole('button').click()
    await page.waitForFunction(() => window.__playgroundStore.getState().timeEstimate?.state === 'done', null, {
      timeout: 600_000,
    })
    estimate = await page.evaluate(() => window.__playgroundStore.getState().timeEstimate)
    estimate = { totalMs: round(estimate.totalMs, 0), stepMs: round(estimate.stepMs, 1), tookMs: Date.now() - t0 }
    log(
      `bench: estimated ${(estimate.totalMs / 60_000).toFixed(2)} min (${estimate.stepMs} ms a step), in ${estimate.tookMs} ms`,
    )
  }
  if (watchPrompt !== undefined) {
    // "Watch this prompt" with the panel's default settings: its continuation every watchEvery steps
    await page.getByLabel('Prompt', { exact: true }).fill(watchPrompt)
    await page.getByLabel('Watch this prompt every').fill(String(watchEvery))
    await page.getByRole('button', { name: 'Watch this prompt' }).click()
    await page.waitForFunction(() => window.__playgroundStore.getState().watchTimeline.length > 0, null, {
      timeout: 120_000,
    })
  }
  if (views) {
    for (const name of [/^Attention atlas/, /^Token embeddings/, /^Positional encoding/])
      await page.getByText(name).first().click()
    await page.waitForFunction(
      () =>
        window.__playgroundStore.getState().atlasSnapshots.length > 0 &&
        window.__playgroundStore.getState().embedding !== undefined,
      null,
      { timeout: 120_000 },
    )
  }
  // timing marks in the page: the click on Start, the first step's arrival, and every metrics batch's memory
  await page.evaluate(() => {
    const w = window
    w.__bench = { memory: [], arrivals: [] }
    document.addEventListener(
      'click',
      (e) => {
        if (
          e.target instanceof HTMLElement &&
          e.target.textContent === 'Start training' &&
          w.__bench.clickAt === undefined
        )
          w.__bench.clickAt = performance.now()
      },
      true,
    )
    w.__playgroundStore.subscribe((s, prev) => {
      if (s.points.length && !prev.points.length && w.__bench.firstStepAt === undefined)
        w.__bench.firstStepAt = performance.now()
      // when each metrics batch reached the page: [ms since the click, its last step]
      if (s.points !== prev.points && s.points.length && w.__bench.clickAt !== undefined)
        w.__bench.arrivals.push([Math.round(performance.now() - w.__bench.clickAt), s.points.at(-1).step])
      if (s.memory && s.memory !== prev.memory) w.__bench.memory.push(s.memory)
      if (s.runState === 'finished' && w.__bench.finishedAt === undefined) w.__bench.finishedAt = performance.now()
    })
  })
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const mainThread = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]))
    return {
      taskMs: m.TaskDuration * 1000,
      scriptMs: m.ScriptDuration * 1000,
      layoutMs: (m.LayoutDuration + m.RecalcStyleDuration) * 1000,
    }
  }
  const cpu = cpuSampler()
  cpu?.start()
  const mainBefore = await mainThread()
  await page.getByRole('button', { name: 'Start training' }).click()
  if (noLiveSample) {
    // the live sample pins the prompt as training starts; "Stop watching" unpins it
    await page.waitForFunction(() => window.__playgroundStore.getState().watchPinned !== undefined, null, {
      timeout: 120_000,
    })
    await page.getByRole('button', { name: 'Stop watching' }).click()
    await page.waitForFunction(() => window.__playgroundStore.getState().watchPinned === undefined)
  }

  const maxIters = settings.train.maxIters
  const heap = await workerHeapProbe().catch(() => null)
  let peakHeap = 0
  let lastLogged = 0
  const spent = { load: [] } // load: [ms since the click, this run's CPU ms, the others' CPU ms] every second
  const loopStart = performance.now()
  for (;;) {
    if (cpu) spent.load.push([Math.round(performance.now() - loopStart), ...cpu.sample()])
    const used = await heap?.usedBytes().catch(() => undefined)
    if (used) peakHeap = Math.max(peakHeap, used)
    const s = await page.evaluate(() => {
      const st = window.__playgroundStore.getState()
      const p = st.points.at(-1)
      const e = st.evals.at(-1)
      const recent = st.points
        .slice(-10)
        .map((x) => x.stepMs)
        .sort((a, b) => a - b)
      const refused = st.runProblems.map((x) => x.message).join('; ')
      return {
        state: st.runState,
        error: st.runError ?? st.workerError ?? (refused ? `the page refused the settings: ${refused}` : undefined),
        step: p?.step ?? 0,
        loss: p?.loss,
        val: e?.valLoss,
        evalStep: e?.step,
        ms: recent[recent.length >> 1],
      }
    })
    if (s.error) throw new Error(`training failed: ${s.error}`)
    if (
      s.step !== lastLogged &&
      (s.step - lastLogged >= Math.max(1, Math.round(maxIters / 40)) || s.state === 'finished')
    ) {
      log(
        `  step ${s.step}/${maxIters}  loss ${s.loss?.toFixed(4) ?? '–'}${s.val !== undefined ? `  val ${s.val.toFixed(4)} (step ${s.evalStep})` : ''}  ${s.ms ? `${s.ms.toFixed(0)} ms/step` : ''}`,
      )
      lastLogged = s.step
    }
    if (s.state === 'finished') {
      spent.cpu = cpu?.stop() ?? null
      const after = await mainThread()
      spent.main = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - mainBefore[k]]))
      break
    }
    if (s.state === 'stopped') throw new Error('training stopped before the last step')
    await page.waitForTimeout(1000)
  }

  // sampling, greedy: a prompt plus as many tokens as fit in the context (the KV cache's range), then a long one
  const sample = async (prompt, maxNew) => {
    await page.getByLabel('Prompt', { exact: true }).fill(prompt)
    await page.getByLabel('Temperature').fill('0')
    await page.getByLabel('Max new tokens').fill(String(maxNew))
    await page.getByRole('button', { name: 'Generate' }).click()
    await page.waitForFunction(() => window.__playgroundStore.getState().sampleStatus === 'done', null, {
      timeout: 600_000,
    })
    return page.evaluate(() => {
      const s = window.__playgroundStore.getState()
      return { tokens: s.sampleTokens.length, ms: s.sampleElapsedMs, text: s.sampleTokens.map((t) => t.text).join('') }
    })
  }
  const r = await page.evaluate(() => {
    const s = window.__playgroundStore.getState()
    return {
      points: s.points,
      evals: s.evals,
      run: s.run,
      report: s.report,
      text: s.text,
      bench: window.__bench,
      longTasks: window.__longTasks,
      metricsSent: window.__metricsSent,
      watchEntries: s.watchTimeline.length,
      watchSteps: s.watchTimeline.map((e) => e.step),
      saved: s.saved,
    }
  })
  const vocab = r.run.vocab
  const prompt = [...r.text.slice(0, 200)].find((c) => vocab.includes(c)) ?? ''
  const blockSize = r.run.model.blockSize
  const short = await sample(prompt, Math.max(1, blockSize - [...prompt].length)) // the worker's first: JIT still cold
  const warm = await sample(prompt, Math.max(1, blockSize - [...prompt].length))
  const long = await sample(prompt, Math.max(200, 3 * blockSize))

  const stepMs = r.points.map((p) => p.stepMs)
  const evalAt = r.evals.map((e) => e.step)
  const stats = stepStats(stepMs, { warmup: warmupArg, after: [...evalAt, ...r.watchSteps] })
  // from the first metrics batch to the end: that batch may hold several steps (the worker sends at most 10/s);
  // timed from when the worker sent it (the steps after it start later), else from its arrival on the page
  const firstSent = r.metricsSent.find(([at]) => at >= r.bench.clickAt)
  const [firstAt, firstBatchStep] = firstSent
    ? [firstSent[0] - r.bench.clickAt, firstSent[1]]
    : (r.bench.arrivals[0] ?? [r.bench.firstStepAt - r.bench.clickAt, 1])
  const wallMs = r.bench.finishedAt - r.bench.clickAt - firstAt
  const wallSteps = Math.max(1, r.points.length - firstBatchStep)
  const sumMs = (xs) => xs.reduce((a, b) => a + b, 0)
  const lastEval = r.evals.at(-1)
  const mem = r.bench.memory
  const trainingTasks = r.longTasks
    ? r.longTasks.filter((t) => t.start >= r.bench.clickAt && t.start <= (r.bench.finishedAt ?? Infinity))
    : null
  for (let i = 0; i < 2; i++) peakHeap = Math.max(peakHeap, (await heap?.usedBytes().catch(() => 0)) ?? 0) // after sampling too
  await heap?.detach()
  const result = {
    date: new Date().toISOString(),
    browser: `Chromium ${browserVersion}`,
    backend: r.report.backend,
    requested: backend,
    adapter: r.report.adapter
      ? `${r.report.adapter.software ? 'software' : 'hardware'}: ${r.report.adapter.description}`
      : 'none (runs on the CPU)',
    // as the backend report says: whether the worker is cross-origin isolated, and how many threads train
    isolated: r.report.isolated ?? null,
    threads: r.report.threads ?? null,
    preset,
    model: r.run.model,
    train: r.run.train,
    params: r.run.paramCount,
    corpus: corpus ?? `built-in: ${dataset ?? 'default dataset'}`,
    corpusChars: r.text.length,
    tokenizer: bpe ? { kind: 'bpe', ...bpe } : { kind: 'char', vocab: r.run.vocab.length },
    tokensPerStep: r.run.tokensPerStep,
    steps: r.points.length,
    // the steady state: the worker's step clock after the warm-up, less the steps that follow other work
    msPerStep: stats.steady,
    // the steps left out because they follow an evaluation or the live sample, and the warm-up's
    afterOtherWorkMsPerStep: stats.afterOtherWork,
    warmupMsPerStep: stats.warmupSteps,
    tokensPerSec: Math.round((r.run.tokensPerStep * 1000) / stats.steady.median),
    firstStepMs: round(r.points[0].stepMs, 0),
    // the whole run, apart from the steady state: wall clock per step on the page, from the first step's arrival
    // to the end (evaluations, checkpoints, the live sample, attention maps, messages included) and from the click
    wall: {
      msPerStep: round(wallMs / wallSteps, 1),
      fromClickMsPerStep: round((r.bench.finishedAt - r.bench.clickAt) / r.points.length, 1),
      // the share of that wall time the steps themselves took (the worker's step clock, the same steps)
      stepShare: round(sumMs(stepMs.slice(firstBatchStep)) / wallMs, 3),
      evaluations: evalAt.length,
      liveSamples: r.watchSteps.length,
    },
    // CPU time while training (click to finish), per step: where the two cores went
    cpuMsPerStep: spent.cpu
      ? {
          total: round(spent.cpu.totalMs / r.points.length, 1),
          otherProcesses: round(spent.cpu.othersMs / r.points.length, 1), // the rest of the machine: other users
          // the share of all cores' time (click to finish) that other processes took: above ~0.1 the figures
          // measure the machine's other load as much as the code
          othersShare: round(spent.cpu.othersMs / ((r.bench.finishedAt - r.bench.clickAt) * availableParallelism()), 2),
          pageMainThread: round(spent.main.taskMs / r.points.length, 1), // DevTools: tasks on the page's main thread
          pageLayoutAndStyle: round(spent.main.layoutMs / r.points.length, 1),
          threads: Object.fromEntries(
            spent.cpu.threads.slice(0, 8).map(([name, ms]) => [name, round(ms / r.points.length, 1)]),
          ),
        }
      : null,
    wallMsPerStep: round(wallMs / wallSteps, 1), // the same as wall.msPerStep (kept for older readers)
    liveSample: !noLiveSample,
    pageHidden,
    watched: watchPrompt !== undefined ? { prompt: watchPrompt, every: watchEvery, entries: r.watchEntries } : null,
    views,
    clickToFirstStepMs: round(r.bench.firstStepAt - r.bench.clickAt, 0),
    // --estimate: the page's estimate before Start against the wall time from the click to the last step
    estimate: estimate && {
      ...estimate,
      measuredMs: round(r.bench.finishedAt - r.bench.clickAt, 0),
      measuredOverEstimate: round((r.bench.finishedAt - r.bench.clickAt) / estimate.totalMs, 2),
    },
    firstLoss: round(r.points[0].loss, 4),
    lastLoss: round(r.points.at(-1).loss, 4),
    finalTrainLoss: lastEval ? round(lastEval.trainLoss, 4) : null,
    finalValLoss: lastEval ? round(lastEval.valLoss, 4) : null,
    evalStep: lastEval?.step ?? null,
    samplingMsPerToken: round(short.ms / short.tokens, 2),
    samplingTokens: short.tokens,
    samplingWarmMsPerToken: round(warm.ms / warm.tokens, 2), // the same generation again
    samplingLongMsPerToken: round(long.ms / long.tokens, 2),
    samplingLongTokens: long.tokens,
    // the run is stored in IndexedDB as it trains: checkpoints while training and at the end; the last one's size and time
    checkpoint: r.saved
      ? {
          saves: r.saved.count ?? null,
          lastStep: r.saved.step,
          MB: round(r.saved.bytes / 2 ** 20, 2),
          ms: round(r.saved.ms, 0),
        }
      : null,
    numTensors: { start: mem[0]?.numTensors ?? null, end: mem.at(-1)?.numTensors ?? null },
    peakWorkerJsHeapMB: peakHeap ? round(peakHeap / 2 ** 20, 1) : null, // sampled once a second while training
    peakTensorMB: round(Math.max(0, ...mem.map((m) => m.numBytes)) / 2 ** 20, 1),
    longTaskList: trainingTasks?.map((t) => ({ atMs: Math.round(t.start - r.bench.clickAt), ms: Math.round(t.ms) })), // after the click on Start
    longTasks: trainingTasks
      ? {
          over50ms: trainingTasks.length,
          over100ms: trainingTasks.filter((t) => t.ms > 100).length,
          maxMs: round(Math.max(0, ...trainingTasks.map((t) => t.ms)), 0),
        }
      : null,
    evals: r.evals.map((e) => ({ step: e.step, trainLoss: round(e.trainLoss, 4), valLoss: round(e.valLoss, 4) })),
  }
  const series = {
    stepMs: stepMs.map((x) => round(x, 1)),
    evalSteps: evalAt,
    liveSampleSteps: r.watchSteps,
    arrivals: r.bench.arrivals,
    // [when the worker sent each metrics batch, ms since the click; its last step]
    metricsSent: r.metricsSent.map(([at, step]) => [Math.round(at - r.bench.clickAt), step]),
    load: spent.load,
  }
  let textFile = corpus
  if (vsTorch && !textFile) {
    textFile = join(mkdtempSync(join(tmpdir(), 'bench-')), 'text.txt')
    writeFileSync(textFile, r.text)
  }
  await page.close()
  return { result, textFile, series }
}

function torchRun(result, textFile) {
  const { python: py } = findPython({ required: true, log }) // found, or installed as npm test does
  const args = [
    join(ROOT, 'scripts', 'torch_gpt.py'),
    'bench',
    '--model',
    JSON.stringify(result.model),
    '--train',
    JSON.stringify(result.train),
    '--corpus',
    textFile,
    '--steps',
    String(result.steps),
    '--eval-every',
    String(result.train.evalInterval),
  ]
  if (torchThreads) args.push('--threads', String(torchThreads))
  log(`bench: the same run in PyTorch on the CPU (${py} scripts/torch_gpt.py)…`)
  const r = spawnSync(py, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) throw new Error(`PyTorch run failed (exit ${r.status})`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1))
}

/** A small SVG of the evaluation curves (validation solid, training dashed), the browser's and PyTorch's. */
function curveSvg(runs) {
  const W = 640
  const H = 360
  const m = { l: 48, r: 16, t: 24, b: 40 }
  const all = runs.flatMap((r) => r.evals)
  const maxStep = Math.max(...all.map((e) => e.step))
  const losses = all.flatMap((e) => [e.valLoss, e.trainLoss])
  const lo = Math.floor(Math.min(...losses) * 2) / 2
  const hi = Math.ceil(Math.max(...losses) * 2) / 2
  const x = (s) => m.l + ((W - m.l - m.r) * s) / maxStep
  const y = (v) => m.t + ((H - m.t - m.b) * (hi - v)) / (hi - lo)
  const colours = ['#1f6feb', '#d9480f']
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ]
  for (let v = lo; v <= hi + 1e-9; v += 0.5)
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`,
    )
  for (let i = 0; i <= 4; i++) {
    const s = Math.round((maxStep * i) / 4)
    parts.push(`<text x="${x(s)}" y="${H - m.b + 16}" text-anchor="middle">${s}</text>`)
  }
  parts.push(`<text x="${(W + m.l) / 2}" y="${H - 6}" text-anchor="middle">step</text>`)
  runs.forEach((r, i) => {
    const pts = (k) => r.evals.map((e) => `${x(e.step).toFixed(1)},${y(e[k]).toFixed(1)}`).join(' ')
    parts.push(`<polyline fill="none" stroke="${colours[i]}" stroke-width="2" points="${pts('valLoss')}"/>`)
    parts.push(
      `<polyline fill="none" stroke="${colours[i]}" stroke-width="1" stroke-dasharray="4 3" points="${pts('trainLoss')}"/>`,
    )
    const last = r.evals.at(-1)
    parts.push(
      `<text x="${W - m.r - 4}" y="${m.t + 14 + 16 * i}" text-anchor="end" fill="${colours[i]}">${r.label}: val ${last.valLoss.toFixed(3)} at step ${last.step}</text>`,
    )
  })
  parts.push(`<text x="${m.l}" y="${m.t - 8}">loss (solid: validation, dashed: training)</text>`, '</svg>')
  return parts.join('\n') + '\n'
}

/** The run in a few lines for a person (stderr): the steady state and the whole run's wall time, apart. */
function summarise(r) {
  const m = r.msPerStep
  const w = r.wall
  const lines = [
    `bench: ${r.backend} · ${r.preset} · ${r.params.toLocaleString('en')} parameters · ${r.steps} steps (evaluation every ${r.train.evalInterval}) · ` +
      `${r.isolated ? 'cross-origin isolated' : 'not isolated'}, ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
    `  steady state  ${m.median} ms/step median (p10 ${m.p10}, p90 ${m.p90}; IQR ${m.q1}–${m.q3}) over ${m.n} steps: ` +
      `after ${m.warmup} warm-up, less ${m.excluded} that follow an evaluation or the live sample`,
    `  whole run     ${w.msPerStep} ms/step wall (${w.fromClickMsPerStep} from the click): the steps are ` +
      `${(100 * w.stepShare).toFixed(0)} % of it; ${w.evaluations} evaluations, ${w.liveSamples} live samples`,
  ]
  if (r.estimate)
    lines.push(
      `  estimate      ${(r.estimate.totalMs / 60_000).toFixed(2)} min before Start; measured ${(r.estimate.measuredMs / 60_000).toFixed(2)} min from the click (×${r.estimate.measuredOverEstimate})`,
    )
  if (r.afterOtherWorkMsPerStep)
    lines.push(
      `  after other work ${r.afterOtherWorkMsPerStep.median} ms/step median (${r.afterOtherWorkMsPerStep.n} steps)`,
    )
  if (r.cpuMsPerStep) {
    const top = Object.entries(r.cpuMsPerStep.threads)
      .slice(0, 4)
      .map(([name, ms]) => `${name} ${ms}`)
      .join(', ')
    lines.push(
      `  CPU           ${r.cpuMsPerStep.total} ms per step on all cores (page main thread ${r.cpuMsPerStep.pageMainThread}; ` +
        `other processes ${r.cpuMsPerStep.otherProcesses}): ${top}`,
    )
  }
  if (r.cpuMsPerStep?.othersShare > 0.1)
    lines.push(
      `  note          other processes took ${Math.round(100 * r.cpuMsPerStep.othersShare)} % of the machine's CPU meanwhile: ` +
        'these figures measure that load as much as the code (compare runs only on a quiet machine)',
    )
  if (r.torch)
    lines.push(
      `  PyTorch       ${r.torch.msPerStep.median} ms/step steady (p10 ${r.torch.msPerStep.p10}, p90 ${r.torch.msPerStep.p90}), ` +
        `${r.torch.wallMsPerStep} wall: ratio ${r.ratioVsTorch} steady, ${r.wallRatioVsTorch} wall` +
        (r.torch.cpuMsPerStep
          ? ` (other processes took ${Math.round(100 * r.torch.cpuMsPerStep.othersShare)} % of the CPU meanwhile)`
          : ''),
    )
  log(lines.join('\n'))
}

try {
  if (experiment === 'induction') {
    for (const backend of backends) {
      const results = []
      for (const seed of seeds) {
        const r = await inductionSeed(browser, { port: PORT, backend, seed, steps, log })
        results.push(r)
        console.log(JSON.stringify({ experiment: 'induction', date: new Date().toISOString(), ...r }))
      }
      log(inductionTable(results))
    }
  }
  for (const backend of experiment ? [] : backends) {
    for (const preset of presets) {
      const { result, textFile, series } = await benchOne(backend, preset)
      if (vsTorch) {
        const cpu = cpuSampler()
        cpu?.start()
        const torchStart = performance.now()
        const { stepMs: torchStepMs, ...torch } = torchRun(result, textFile)
        const used = cpu?.stop()
        const torchWallMs = performance.now() - torchStart // the whole process, Python's start included
        // PyTorch's CPU time per step and the rest of the machine's meanwhile: a busy machine skews the ratio
        if (used)
          torch.cpuMsPerStep = {
            total: round(used.totalMs / torchStepMs.length, 1),
            otherProcesses: round(used.othersMs / torchStepMs.length, 1),
            othersShare: round(used.othersMs / (torchWallMs * availableParallelism()), 2),
          }
        // the same steady state as the tab's: the same warm-up, less the steps after its evaluations
        const ts = stepStats(torchStepMs, {
          warmup: result.msPerStep.warmup,
          after: evalSteps(torchStepMs.length, result.train.evalInterval),
        })
        torch.msPerStep = ts.steady
        torch.afterOtherWorkMsPerStep = ts.afterOtherWork
        torch.tokensPerSec = Math.round((result.tokensPerStep * 1000) / ts.steady.median)
        result.torch = torch
        result.ratioVsTorch = round(result.msPerStep.median / torch.msPerStep.median, 2)
        result.wallRatioVsTorch = round(result.wall.msPerStep / torch.wallMsPerStep, 2)
        series.torchStepMs = torchStepMs
      }
      if (seriesFile) {
        writeFileSync(seriesFile, JSON.stringify(series) + '\n')
        log(`bench: wrote ${seriesFile}`)
      }
      summarise(result)
      if (curve) {
        const runs = [{ label: `browser (${result.backend})`, evals: result.evals }]
        if (result.torch?.evals?.length)
          runs.push({
            label: 'PyTorch',
            evals: result.torch.evals.map((e) => ({ step: e.step, valLoss: e.valLoss, trainLoss: e.trainLoss })),
          })
        writeFileSync(curve, curveSvg(runs))
        log(`bench: wrote ${curve}`)
      }
      console.log(JSON.stringify(result))
    }
  }
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : e}`)
  process.exitCode = 1
} finally {
  await browser.close()
  stopServer()
}
