import { useStore } from '../store'
import { openStoredRun, trainNoMaskTwin, trainTwin, twinOfModel, type Twin } from '../client'
import { useT } from '../i18n'
import { Panel, type ViewProps } from './Panel'

/**
 * "Break it to learn it" (V11), the first experiment: the same text, settings and seed trained without the
 * causal mask. Its loss collapses (every position can read the token it must predict), its generations are
 * gibberish (at generation time there is no future to read), and its attention fills the upper triangle. The
 * tutorial's mistake about the mask (twinCorrection) opens the panel, before the twin is trained.
 */
export function ExperimentPanel(panel: ViewProps) {
  const t = useT()
  const run = useStore((s) => s.run)
  const report = useStore((s) => s.report)
  const pending = useStore((s) => s.pendingRunId)
  const runState = useStore((s) => s.runState)
  const twin = twinOfModel(run?.model)
  const isTwin = twin === 'mask'
  const { last, wholeAt: maskedAt } = useTwinAgainstWhole()
  return (
    <Panel {...panel} folded>
      <p className="small">{t.twinIntro}</p>
      <p data-testid="twin-correction">
        <strong>
          {t.erratum}
          {t.colon}
        </strong>
        {t.twinCorrection}
      </p>
      {!isTwin ? (
        <>
          <button type="button" disabled={!report || !!pending || !!twin} onClick={() => void trainNoMaskTwin()}>
            {t.twinButton}
          </button>
          <p className="muted small">{t.twinKeep}</p>
        </>
      ) : (
        <div data-testid="twin-status">
          <p className="notice small">{t.twinTraining(runState ?? 'ready')}</p>
          <ol className="small">
            <li>
              <strong>{t.twinLossTitle}</strong>
              {t.twinLoss}
              {last && t.twinNow(last.loss, last.step)}
              {maskedAt && maskedAt.valLoss !== undefined && t.twinMasked(maskedAt.valLoss, maskedAt.step)}
              {last && t.fullStop}
            </li>
            <li>
              <strong>{t.twinGenerateTitle}</strong>
              {t.twinGenerate}
            </li>
            <li>
              <strong>{t.twinAtlasTitle}</strong>
              {t.twinAtlas}
            </li>
          </ol>
          <BackToWhole label={t.twinBack} />
        </div>
      )}
      <TwinSection kind="nopos" />
      <TwinSection kind="residual" />
      <TwinSection kind="postln" />
    </Panel>
  )
}

/**
 * One more twin of the current model (no positional encoding, no residual connections, post-LN): its idea, its
 * button, then how it does.
 */
function TwinSection({ kind }: { kind: Exclude<Twin, 'mask'> }) {
  const t = useT()
  const run = useStore((s) => s.run)
  const report = useStore((s) => s.report)
  const pending = useStore((s) => s.pendingRunId)
  const runState = useStore((s) => s.runState)
  const twin = twinOfModel(run?.model)
  const { last, wholeAt } = useTwinAgainstWhole()
  const say = {
    nopos: { title: t.noposTwinTitle, intro: t.noposTwinIntro, button: t.noposTwinButton, loss: t.noposTwinLoss },
    residual: { title: t.resTwinTitle, intro: t.resTwinIntro, button: t.resTwinButton, loss: t.resTwinLoss },
    postln: { title: t.postTwinTitle, intro: t.postTwinIntro, button: t.postTwinButton, loss: t.postTwinLoss },
  }[kind]
  return (
    <>
      <h3 className="small">{say.title}</h3>
      <p className="small">{say.intro}</p>
      {twin !== kind ? (
        <button
          type="button"
          disabled={!report || !!pending || !!twin}
          onClick={() => void trainTwin(kind)}
          data-testid={`twin-${kind}`}
        >
          {say.button}
        </button>
      ) : (
        <div data-testid={`twin-${kind}-status`}>
          <p className="notice small">{t.otherTwinTraining(runState ?? 'ready')}</p>
          <p className="small">
            {say.loss}
            {last && t.twinNow(last.loss, last.step)}
            {wholeAt && wholeAt.valLoss !== undefined && t.twinWhole(wholeAt.valLoss, wholeAt.step)}
            {last && t.fullStop}
          </p>
          <BackToWhole label={t.twinBackWhole} />
        </div>
      )}
    </>
  )
}

/** Back to the run the twin was made from (stored when the twin started), once the twin is not training. */
function BackToWhole({ label }: { label: (step: number) => string }) {
  const t = useT()
  const twinOf = useStore((s) => s.twinOf)
  const runState = useStore((s) => s.runState)
  if (!twinOf?.storedId) return null
  return (
    <button
      type="button"
      disabled={runState === 'training'}
      onClick={() => void openStoredRun(twinOf.storedId!)}
      title={runState === 'training' ? t.twinPauseFirst : undefined}
    >
      {label(twinOf.step)}
    </button>
  )
}

/**
 * The twin's last step, and the evaluation of the run it was made from (kept on the chart as 'masked-…') at that
 * step or the last before it.
 */
function useTwinAgainstWhole() {
  const points = useStore((s) => s.points)
  const compare = useStore((s) => s.compare)
  const whole = compare.find((c) => c.id.startsWith('masked-'))
  const last = points.at(-1)
  const wholeAt = last && whole ? [...whole.evals].reverse().find((e) => e.step <= last.step) : undefined
  return { last, wholeAt }
}
