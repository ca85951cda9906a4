import { isStepping, useStore } from '../store'
import { GALLERY, loadTrainedModel, startFrom, type GalleryModel } from '../client'
import { useSay, useT } from '../i18n'
import type { Messages } from '../i18n/messages'

/** Each gallery model's name, in the language of the page. */
function label(t: Messages, id: GalleryModel['id']): string {
  return { 'names-small': t.galleryNamesSmall, 'tang-small': t.galleryTangSmall, 'moby-baby': t.galleryMobyBaby }[id]
}

/**
 * "Start from a trained model": the models the page ships (client/galleryModels.ts), one button each, fetched when
 * chosen and opened as a model file on the text they learned; then the explicit choice of what Start trains —
 * the trained model fine-tuned, or a fresh one of its size from scratch. Self-contained: place it anywhere.
 */
export function GalleryPanel() {
  const t = useT()
  const say = useSay()
  const gallery = useStore((s) => s.gallery)
  const source = useStore((s) => s.fineTuneSource)
  const origin = useStore((s) => s.run?.origin)
  const hasRun = useStore((s) => Boolean(s.run))
  const importStatus = useStore((s) => s.importStatus)
  const pending = useStore((s) => Boolean(s.pendingRunId))
  const locked = useStore(isStepping)
  const ready = useStore((s) => Boolean(s.report))
  const chosen = GALLERY.find((g) => g.id === gallery?.id)
  // the chosen model is the page's model source (no other file was opened since), and what the run is now
  const current = chosen && source?.kind === 'file' && source.name === chosen.file ? chosen : undefined
  const trainedLoaded = current && origin?.from === 'file' && origin.name === current.file
  const scratchLoaded = current && gallery?.start === 'scratch' && hasRun && !origin
  const busy = gallery?.status === 'loading' || pending
  return (
    <section className="panel gallery" aria-labelledby="gallery-h" data-testid="gallery">
      <div className="panel-title">
        <h2 id="gallery-h">{t.galleryTitle}</h2>
        <details className="gallery-about small">
          <summary>{t.galleryAbout}</summary>
          <p className="muted small">{t.galleryIntro}</p>
        </details>
      </div>
      <div className="gallery-models">
        {GALLERY.map((g) => (
          <button
            type="button"
            key={g.id}
            aria-pressed={gallery?.id === g.id && (gallery.status === 'loading' || current?.id === g.id)}
            disabled={!ready || locked || gallery?.status === 'loading'}
            onClick={() => void loadTrainedModel(g.id)}
            title={t.galleryFacts(g.steps, g.valLoss, Math.round(g.bytes / 1024))}
          >
            <strong>{label(t, g.id)}</strong>
            <span className="small muted">{t.galleryFactsShort(g.steps, g.valLoss)}</span>
            <span className="visually-hidden">
              {' · '}
              {t.galleryFacts(g.steps, g.valLoss, Math.round(g.bytes / 1024))}
            </span>
          </button>
        ))}
      </div>
      {locked && <p className="muted small">{t.galleryLocked}</p>}
      <div aria-live="polite" data-testid="gallery-status">
        {gallery?.status === 'loading' && <p className="muted small">{t.galleryFetching}</p>}
        {gallery?.status === 'error' && (
          <p className="error" role="alert">
            {t.galleryFetchFailed(gallery.detail ?? '')}
          </p>
        )}
        {current &&
          importStatus?.kind === 'error' &&
          importStatus.problems.map((p) => (
            <p className="error" role="alert" key={p.message}>
              {say(p)}
            </p>
          ))}
        {trainedLoaded && <p className="small">{t.galleryLoaded(current.steps, current.valLoss)}</p>}
        {scratchLoaded && <p className="small">{t.galleryScratchLoaded}</p>}
      </div>
      {current && (trainedLoaded || scratchLoaded) && (
        <fieldset className="tokens-box">
          <legend>{t.galleryStartLegend}</legend>
          <label className="small">
            <input
              type="radio"
              name="gallery-start"
              checked={gallery?.start === 'trained'}
              disabled={locked || busy}
              onChange={() => startFrom('trained')}
            />{' '}
            {t.galleryStartTrained(current.steps)}
          </label>
          <label className="small">
            <input
              type="radio"
              name="gallery-start"
              checked={gallery?.start === 'scratch'}
              disabled={locked || busy}
              onChange={() => startFrom('scratch')}
            />{' '}
            {t.galleryStartScratch}
          </label>
        </fieldset>
      )}
    </section>
  )
}
