// The model as a picture that is also the navigation (Transformer Explainer's idea, TensorFlow Playground's
// network you click): token and position embeddings → each block with its heads drawn as live mini attention
// maps (the atlas's newest snapshot, on the validation probe) → the LM head. Each part opens its view in the
// side panel. One widget for the keyboard: Tab enters it, the arrow keys move between parts, Enter opens.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { isTraining, useStore } from '../store'
import { setUpInductionExperiment, watchAttention, watchDiagram } from '../client'
import { weightAt } from '../../analysis/heads'
import type { AtlasSnapshot } from '../../shared/protocol'
import { sequentialRgb, type SequentialMap } from '../colourMaps'
import { showView } from '../showView'
import { themeColour } from '../theme'
import { useT } from '../i18n'
import { snapshotAt } from './atlasSnapshots'

const fmt = new Intl.NumberFormat('en')

/** One head's map at one pixel per cell (the canvas is scaled up by CSS, pixelated); the future in the theme's hatch colour. */
function drawMini(canvas: HTMLCanvasElement, s: AtlasSnapshot, k: number, map: SequentialMap) {
  const T = s.T
  canvas.width = T
  canvas.height = T
  const g = canvas.getContext('2d')!
  const img = g.createImageData(T, T)
  const hatch = themeColour('--hatch-rgb', [230, 233, 238])
  for (let i = 0; i < T; i++)
    for (let j = 0; j < T; j++) {
      const [r, gr, b] = j > i && !s.full ? hatch : sequentialRgb(map, Math.sqrt(weightAt(s, k, i, j)))
      const o = 4 * (i * T + j)
      img.data[o] = r
      img.data[o + 1] = gr
      img.data[o + 2] = b
      img.data[o + 3] = 255
    }
  g.putImageData(img, 0, 0)
}

function MiniMap({ s, k, testId }: { s?: AtlasSnapshot; k: number; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null)
  const map = useStore((st) => st.colourMap)
  const scheme = useStore((st) => st.scheme)
  useEffect(() => {
    if (ref.current && s && k < s.layers * s.heads) drawMini(ref.current, s, k, map)
  }, [s, k, map, scheme])
  return s ? (
    <canvas ref={ref} className="mini-map" data-testid={testId} aria-hidden />
  ) : (
    <span className="mini-map empty" />
  )
}

/** A part of the diagram: a button in the widget's roving focus, named by `label`. */
function Part(p: {
  label: string
  className: string
  onOpen: () => void
  children: ReactNode
  testId?: string
  detail?: string
}) {
  return (
    <button
      type="button"
      className={`diagram-part ${p.className}`}
      aria-label={p.label}
      title={p.detail ? `${p.label}. ${p.detail}` : p.label}
      data-testid={p.testId}
      tabIndex={-1}
      onClick={p.onOpen}
    >
      {p.children}
    </button>
  )
}

export function ModelDiagram() {
  const t = useT()
  const run = useStore((s) => s.run)
  const offHeads = useStore((s) => s.offHeads.length)
  const training = useStore(isTraining)
  const synthetic = useStore((s) => s.synthetic === 'periodic')
  const settings = useStore((s) => s.model)
  const snapshots = useStore((s) => s.atlasSnapshots)
  const viewStep = useStore((s) => s.viewStep)
  const chosen = useStore((s) => `${s.layer}.${s.head}`) // the head the attention view shows
  const model = run?.model ?? settings
  const s = run ? snapshotAt(snapshots, viewStep) : undefined
  const root = useRef<HTMLDivElement>(null)

  useEffect(() => {
    watchDiagram(true)
    return () => watchDiagram(false)
  }, [])
  const runId = run?.runId
  useEffect(() => {
    if (runId) watchDiagram(true) // a new run: its heads are watched from its first evaluation
  }, [runId])

  // roving focus: one part is in the tab order; the arrow keys move it (in reading order)
  useEffect(() => {
    const parts = Array.from(root.current?.querySelectorAll<HTMLButtonElement>('.diagram-part') ?? [])
    if (parts.length && !parts.some((b) => b.tabIndex === 0)) parts[0].tabIndex = 0
  })
  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const parts = Array.from(root.current?.querySelectorAll<HTMLButtonElement>('.diagram-part') ?? [])
    const i = parts.indexOf(document.activeElement as HTMLButtonElement)
    if (i < 0) return
    const next = {
      ArrowRight: i + 1,
      ArrowDown: i + 1,
      ArrowLeft: i - 1,
      ArrowUp: i - 1,
      Home: 0,
      End: parts.length - 1,
    }[e.key]
    if (next === undefined || next < 0 || next >= parts.length) return
    e.preventDefault()
    parts.forEach((b, k) => (b.tabIndex = k === next ? 0 : -1))
    parts[next].focus()
  }
  const openHead = (layer: number, head: number) => {
    useStore.getState().chooseAttention({ layer, head })
    watchAttention()
    showView('att-h')
  }
  const vocab = run?.vocab.length
  const params = run?.paramCount

  return (
    <section className="panel diagram-panel" aria-labelledby="diagram-h">
      <div className="panel-title">
        <h2 id="diagram-h">{t.diagramTitle}</h2>
        <span className="muted small" data-testid="diagram-params">
          {params !== undefined ? t.diagramParams(fmt.format(params)) : ''}
        </span>
      </div>
      <div className="diagram" role="group" aria-label={t.diagramLabel} ref={root} onKeyDown={move}>
        <div className="diagram-stage embed-stage">
          <Part label={t.diagramEmbedOpen} className="embed" onOpen={() => showView('emb-h')} testId="diagram-embed">
            <b>{t.diagramEmbed}</b>
            <span className="mono small">
              wte · {vocab ?? '·'} × {model.nEmbd}
            </span>
          </Part>
          <span className="plus" aria-hidden>
            +
          </span>
          <Part label={t.diagramPosOpen} className="pos" onOpen={() => showView('pos-h')} testId="diagram-pos">
            <b>{t.diagramPos}</b>
            <span className="mono small">
              {model.posEncoding === 'none'
                ? '∅'
                : `${model.posEncoding === 'sinusoidal' ? 'sin' : 'wpe'} · ${model.blockSize} × ${model.nEmbd}`}
            </span>
          </Part>
        </div>
        <span className="arrow" aria-hidden />
        {Array.from({ length: model.nLayer }, (_, layer) => (
          <div className="diagram-stage block-stage" key={layer}>
            <Part
              label={t.diagramBlockOpen(layer)}
              className="block-head"
              onOpen={() => showView('atlas-h')}
              testId={`diagram-block-${layer}`}
              detail={model.mlp === false ? t.diagramBlockPartsAttnOnly : t.diagramBlockParts}
            >
              <b>{t.diagramBlock(layer)}</b>
            </Part>
            <div className="heads" style={{ gridTemplateColumns: `repeat(${Math.min(model.nHead, 4)}, auto)` }}>
              {Array.from({ length: model.nHead }, (_, head) => (
                <Part
                  key={head}
                  label={t.diagramHead(layer, head)}
                  className={chosen === `${layer}.${head}` ? 'head chosen' : 'head'}
                  onOpen={() => openHead(layer, head)}
                >
                  <MiniMap s={s} k={layer * model.nHead + head} testId={`diagram-head-${layer}-${head}`} />
                  <span className="mono tiny">
                    {layer}.{head}
                  </span>
                </Part>
              ))}
            </div>
            <button
              type="button"
              className="tiny mlp"
              title={t.diagramResidOpen}
              onClick={() => showView('resid-h')}
              data-testid={`diagram-mlp-${layer}`}
            >
              {model.mlp === false ? t.diagramNoMlp : t.diagramMlp}
            </button>
          </div>
        ))}
        <span className="arrow" aria-hidden />
        <div className="diagram-stage lm-stage">
          <Part
            label={t.diagramLmOpen}
            className="lm"
            onOpen={() => showView('lens-h')}
            testId="diagram-lm"
            detail={model.tiedHead === false ? t.diagramLmPartsUntied : t.diagramLmParts}
          >
            <b>{t.diagramLm}</b>
            <span className="mono small">→ p(next)</span>
          </Part>
        </div>
      </div>
      <p className="muted small diagram-hint">{s ? t.diagramHint : t.diagramMapsSoon}</p>
      <p className="diagram-tools small">
        <span className="muted">{t.diagramExperiments}</span>
        <button
          type="button"
          className="chip"
          title={t.diagramInductionOpen}
          disabled={training && !synthetic}
          aria-pressed={synthetic}
          // set up once; then the button brings the experiment's view (the head timeline) back into sight
          onClick={() =>
            synthetic ? showView('atlas-h') : void setUpInductionExperiment().then(() => showView('atlas-h'))
          }
          data-testid="diagram-induction"
        >
          {t.diagramInduction}
        </button>
        {(
          [
            ['ablation', t.diagramAblation, t.diagramAblationOpen, offHeads > 0 ? t.diagramHeadsOff(offHeads) : ''],
            ['patching', t.diagramPatching, t.diagramPatchingOpen, ''],
          ] as const
        ).map(([view, name, title, note]) => (
          <button
            key={view}
            type="button"
            className="chip"
            title={title}
            onClick={() => showView(`${view}-h`)}
            data-testid={`diagram-${view}`}
          >
            {name}
            {note && <span className="mono"> · {note}</span>}
          </button>
        ))}
      </p>
    </section>
  )
}
