// The live sample on the first screen: the model continuing a prompt, refreshed as it learns. It is the pinned
// prompt (the generation panel's "Watch this prompt"): when a run starts training and nothing is pinned, the
// current prompt is pinned every LIVE_EVERY steps, once per run; a prompt the learner pins replaces it.
import { useEffect, useRef } from 'react'
import { useStore } from '../store'
import { pinPrompt } from '../client'
import { visibleText } from '../../text/text'
import { useT } from '../i18n'

export const LIVE_EVERY = 25
const LIVE_SETTINGS = { temperature: 0.8, topK: 0, seed: 1 }

/**
 * How long the live sample is: 80 tokens, or what still fits in the model's context after the prompt (those
 * come from the KV cache; each token past the context is a full forward pass: measured 2–5% of a Baby GPT
 * step, docs/performance.md), but never under 48 — small contexts belong to small models, where it is cheap.
 */
export function liveLength(blockSize: number, prompt: string): number {
  return Math.min(80, Math.max(48, blockSize - [...prompt].length))
}

export function LiveSample() {
  const t = useT()
  const runId = useStore((s) => s.run?.runId)
  const training = useStore((s) => s.runState === 'training')
  const pinned = useStore((s) => s.watchPinned)
  const latest = useStore((s) => s.watchTimeline.at(-1))
  const pinnedFor = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!runId || !training || pinnedFor.current === runId) return
    pinnedFor.current = runId
    const s = useStore.getState()
    if (!s.watchPinned)
      pinPrompt(LIVE_EVERY, { ...LIVE_SETTINGS, maxNewTokens: liveLength(s.run?.model.blockSize ?? 0, s.samplePrompt) })
  }, [runId, training])

  return (
    <section className="panel live" aria-labelledby="live-h">
      <div className="panel-title">
        <h2 id="live-h">{t.liveTitle}</h2>
        {latest && (
          <span className="muted small mono" data-testid="live-step">
            {t.liveAt(latest.step, latest.loss)}
          </span>
        )}
      </div>
      {latest ? (
        <p className="live-text" data-testid="live-sample" aria-live="off">
          <span className="sample-prompt">{visibleText(pinned?.prompt ?? '')}</span>
          <span className="sample-new">{visibleText(latest.text)}</span>
        </p>
      ) : (
        <p className="muted small" data-testid="live-sample-empty">
          {t.liveEmpty}
        </p>
      )}
      {pinned && <p className="muted tiny">{t.liveEvery(pinned.every)}</p>}
    </section>
  )
}
