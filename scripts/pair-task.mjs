// Measures the built-in pair tasks (src/text/pairTasks.ts, on the first names of src/ui/datasets.ts): the Small
// model pre-trained on the names (public/models/names-small.safetensors, scripts/train-gallery.mjs) fine-tuned
// on a task, against the same Small model trained on the task from scratch, with the project's own code — the
// Run and Generator the worker uses, tfjs's wasm backend in Node, loaded through Vite as train-gallery.mjs does.
// Each is scored before and after on the held-out pairs the page scores (at most 50, greedy), as PairsPanel does
// by default: exact match, and sentence BLEU-4 over characters with add-one smoothing, averaged.
//   node scripts/pair-task.mjs [task …] [--steps N]    (tasks: ending1 (the built-in one), ending2, ending3, capitalise, reverse;
//   default all, 600 steps: the table in docs/pair-tasks.md)
import { createServer } from 'vite'
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const at = args.indexOf('--steps')
const STEPS = at >= 0 ? Number(args[at + 1]) : 600
const tasks = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--steps')
const server = await createServer({ server: { middlewareMode: true }, appType: 'custom', logLevel: 'error' })
try {
  const tf = await import('@tensorflow/tfjs')
  await import('@tensorflow/tfjs-backend-wasm')
  const { installWasmKernels } = await server.ssrLoadModule('/src/model/kernels.ts')
  installWasmKernels()
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start')
  const { Run } = await server.ssrLoadModule('/src/train/run.ts')
  const { decodeCheckpoint } = await server.ssrLoadModule('/src/model/checkpoint.ts')
  const { fineTuneDefaults } = await server.ssrLoadModule('/src/shared/config.ts')
  const { getPreset } = await server.ssrLoadModule('/src/shared/presets.ts')
  const { sentenceBleu } = await server.ssrLoadModule('/src/analysis/metrics.ts')
  const { defaultText } = await server.ssrLoadModule('/src/ui/datasets.ts')
  const T = await server.ssrLoadModule('/src/text/pairTasks.ts')

  const source = decodeCheckpoint(
    new Uint8Array(readFileSync(new URL('../public/models/names-small.safetensors', import.meta.url))),
  )
  const small = getPreset('small')
  const names = T.nameLines(defaultText)
  const ids = {
    ending1: (n) => T.nameEndingPairs(n, 1),
    ending2: (n) => T.nameEndingPairs(n, 2),
    ending3: (n) => T.nameEndingPairs(n, 3),
    capitalise: T.capitalisedNamePairs,
    reverse: T.reversedNamePairs,
  }
  const wanted = tasks.length ? tasks : Object.keys(ids)

  const score = async (run) => {
    const rows = []
    await run.generator.evaluatePairs(
      (r) => rows.push(r),
      () => false,
      async () => {},
    )
    const chars = (s) => [...s]
    const bleu = rows.map((r) =>
      r.generation && r.reference
        ? sentenceBleu([chars(r.reference)], chars(r.generation), { smoothing: 'add-one' })
        : 0,
    )
    return {
      pairs: rows.length,
      exact: rows.filter((r) => r.generation === r.reference).length / rows.length,
      bleu: bleu.reduce((a, b) => a + b, 0) / rows.length,
      sample: rows.slice(0, 3).map((r) => `${r.prompt} → ${r.generation} (${r.reference})`),
    }
  }
  const train = async (run, label) => {
    const t0 = performance.now()
    let p
    while (run.step < STEPS) p = await run.trainStep()
    const s = (performance.now() - t0) / 1000
    console.error(`${label}: ${STEPS} steps in ${s.toFixed(1)} s, last loss ${p.loss.toFixed(3)}`)
    return s
  }

  for (const task of wanted) {
    if (!ids[task]) throw new Error(`unknown task ${task} (known: ${Object.keys(ids).join(', ')})`)
    const text = ids[task](names)
    for (const start of ['pre-trained', 'scratch']) {
      const prepared =
        start === 'pre-trained'
          ? Run.prepareFrom(source, text, { ...fineTuneDefaults(small.train), maxIters: STEPS }, { pairs: true })
          : Run.prepare(text, small.model, { ...small.train, maxIters: STEPS }, undefined, { pairs: true })
      if (prepared.problems) throw new Error(prepared.problems.map((p) => p.message).join('; '))
      const run = prepared.build()
      const before = await score(run)
      const seconds = await train(run, `${task} ${start}`)
      const after = await score(run)
      run.dispose()
      console.log(JSON.stringify({ task, start, steps: STEPS, seconds: Number(seconds.toFixed(1)), before, after }))
    }
  }
} finally {
  await server.close()
}
