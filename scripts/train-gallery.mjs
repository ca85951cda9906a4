// Trains the models the page ships under public/models/ (src/ui/client/galleryModels.ts lists them) with the
// project's own code — the same Run (src/train/run.ts) the worker trains, on tfjs's wasm backend in Node, loaded
// through Vite as scripts/spike-summary.mjs does — on the built-in dataset's own text (src/ui/datasets.ts), and
// writes each as half-precision safetensors in nanoGPT's layout. Its validation and training losses are measured
// on the half-precision weights as the page opens them (decodeCheckpoint, Run.prepareFrom on the same text) over
// EVAL_BATCHES batches of each split, and written into the file's metadata with the steps, the dataset and this
// command. Then it prints the facts to copy into galleryModels.ts.
//   node scripts/train-gallery.mjs [id …]        (all of them when none is named)
import { createServer } from 'vite'
import { mkdirSync, writeFileSync } from 'node:fs'

const EVAL_BATCHES = 100
const server = await createServer({ server: { middlewareMode: true }, appType: 'custom', logLevel: 'error' })
try {
  const tf = await import('@tensorflow/tfjs')
  await import('@tensorflow/tfjs-backend-wasm')
  const { installWasmKernels } = await server.ssrLoadModule('/src/model/kernels.ts')
  installWasmKernels() // as the worker does, after the wasm backend registered its own kernels
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start')
  const { Run } = await server.ssrLoadModule('/src/train/run.ts')
  const { decodeCheckpoint } = await server.ssrLoadModule('/src/model/checkpoint.ts')
  const { readSafetensors, writeSafetensors } = await server.ssrLoadModule('/src/model/safetensors.ts')
  const { DATASETS } = await server.ssrLoadModule('/src/ui/datasets.ts')
  const { GALLERY, galleryRecipe } = await server.ssrLoadModule('/src/ui/client/galleryModels.ts')

  const wanted = process.argv.slice(2)
  const unknown = wanted.filter((id) => !GALLERY.some((g) => g.id === id))
  if (unknown.length)
    throw new Error(`unknown model ${unknown.join(', ')} (known: ${GALLERY.map((g) => g.id).join(', ')})`)
  for (const g of GALLERY.filter((g) => !wanted.length || wanted.includes(g.id))) {
    const dataset = DATASETS.find((d) => d.id === g.datasetId)
    const text = await dataset.load()
    const { model, train } = galleryRecipe(g)
    const run = Run.create(text, model, train)
    const t0 = performance.now()
    while (run.step < train.maxIters) {
      const p = await run.trainStep()
      if (run.step % train.evalInterval === 0) {
        const e = await run.evaluate()
        console.error(`${g.id} step ${p.step}: loss ${p.loss.toFixed(3)}, val ${e.valLoss.toFixed(3)}`)
      }
    }
    const minutes = (performance.now() - t0) / 60_000
    const f32 = await run.exportFile() // weights, config, tokenizer, training config and step (checkpoint.ts)
    run.dispose()

    // the same tensors in half precision, the metadata kept, then measured as the page will open it
    const file = readSafetensors(f32)
    const tensors = [...file.tensors].map(([name, t]) => ({
      name,
      shape: t.shape,
      data: file.read(name),
      dtype: 'F16',
    }))
    const meta = {
      ...Object.fromEntries(file.metadata),
      gallery_id: g.id,
      dataset: g.datasetId,
      dataset_source: dataset.source,
      trained_with: `gpt-playground src/train/run.ts, tfjs ${tf.version.tfjs} wasm backend in Node`,
      command: g.command,
      precision: 'F16 (trained in float32)',
    }
    const measure = async (bytes) => {
      const ckpt = decodeCheckpoint(bytes)
      const prepared = Run.prepareFrom(ckpt, text, { ...train, evalIters: EVAL_BATCHES })
      if (prepared.problems) throw new Error(prepared.problems.map((p) => p.message).join('; '))
      const opened = prepared.build()
      const e = await opened.evaluate()
      opened.dispose()
      return e
    }
    const e = await measure(writeSafetensors(tensors, meta))
    Object.assign(meta, {
      val_loss: e.valLoss.toFixed(4),
      train_loss: e.trainLoss.toFixed(4),
      eval_batches: String(EVAL_BATCHES),
    })
    const bytes = writeSafetensors(tensors, meta)
    const out = new URL('../public/models/', import.meta.url)
    mkdirSync(out, { recursive: true })
    writeFileSync(new URL(g.file, out), bytes)
    console.error(`${g.id}: trained in ${minutes.toFixed(1)} min`)
    console.log(
      JSON.stringify({
        id: g.id,
        steps: Number(meta.step),
        valLoss: Number(meta.val_loss),
        trainLoss: Number(meta.train_loss),
        bytes: bytes.length,
      }),
    )
  }
} finally {
  await server.close()
}
