// The teaching views the worker computes for the page. Views that follow the run are registered once below:
// what the page watches, how to compute and send it, and whether it is held back while the page is hidden
// (a hidden tab cannot read them; the latest is sent on return). Views answered once per request (the Q/K/V
// calculator, the next-token lens, an embedding's neighbours) are probe requests, coalesced per kind.
import type { AtlasProbe, FromWorker, ToWorker } from '../shared/protocol'
import type { Problem } from '../shared/config'
import type { Run } from '../train/run'
import { headScores, quantizeCausal, quantizeRows, triangleSize } from '../analysis/heads'
import { nearest, pca2 } from '../analysis/pca'
import type { WorkerContext } from './context'
import type { RunController } from './runController'

/** While training, the watched attention map is refreshed at most this often (ms) and after every evaluation. */
const ATTENTION_EVERY_MS = 1000

type WatchMessage = Extract<
  ToWorker,
  { type: 'attention.watch' | 'atlas.watch' | 'embedding.watch' | 'positions.watch' }
>
type ProbeMessage = Extract<
  ToWorker,
  {
    type:
      | 'qkv.request'
      | 'lens.request'
      | 'residual.request'
      | 'embedding.neighbours'
      | 'ablation.request'
      | 'patching.request'
  }
>

/** A view that follows the run: sent when watched, after every evaluation, and (unless held) on the page's return. */
interface FollowingView {
  /** Computes and sends the view if the page watches it for this run. */
  send(r: Run, id: string): Promise<void>
  /** Kept up to date while the page is hidden (the atlas: each evaluation is a frame of its scrubber). */
  whileHidden: boolean
}

export class Views {
  private attentionWatched: { runId: string; probe: string; layer: number; head: number } | undefined
  private positionsWatched: string | undefined // the run whose positional encoding the page shows
  private atlasWatched: { runId: string; probe: AtlasProbe } | undefined
  private embeddingWatched: string | undefined
  private lastAttentionAt = -Infinity
  private readonly latestProbe = new Map<string, string>() // kind → the newest request id

  /** In the order they are sent after an evaluation. */
  private readonly following: FollowingView[] = [
    { send: (r, id) => this.sendAtlas(r, id), whileHidden: true },
    { send: (r, id) => this.sendAttention(r, id), whileHidden: false },
    { send: (r, id) => this.sendPositions(r, id), whileHidden: false },
    { send: (r, id) => this.sendEmbedding(r, id), whileHidden: false },
  ]

  constructor(
    private readonly ctx: WorkerContext,
    private readonly runs: RunController,
  ) {}

  /** attention.watch, atlas.watch, embedding.watch, positions.watch: remember what is watched, and send it now. */
  async watch(msg: WatchMessage) {
    const r = this.runs.current(msg.runId)
    let send: ((r: Run, id: string) => Promise<void>) | undefined
    switch (msg.type) {
      case 'attention.watch':
        this.attentionWatched = { runId: msg.runId, probe: msg.probe, layer: msg.layer, head: msg.head }
        send = (r, id) => this.sendAttention(r, id)
        break
      case 'atlas.watch':
        this.atlasWatched = msg.probe ? { runId: msg.runId, probe: msg.probe } : undefined
        if (msg.probe) send = (r, id) => this.sendAtlas(r, id)
        break
      case 'embedding.watch':
        this.embeddingWatched = msg.on ? msg.runId : undefined
        if (msg.on) send = (r, id) => this.sendEmbedding(r, id)
        break
      case 'positions.watch':
        this.positionsWatched = msg.on ? msg.runId : undefined
        if (msg.on) send = (r, id) => this.sendPositions(r, id)
        break
    }
    if (r && send) await this.runs.exclusive(() => send(r, msg.runId))
  }

  /** A new run: the attention clock starts again. */
  reset() {
    this.lastAttentionAt = -Infinity
  }

  async onReplaced(r: Run, id: string) {
    if (this.attentionWatched?.runId === id) await this.runs.exclusive(() => this.sendAttention(r, id))
  }

  async afterEvaluate(r: Run, id: string) {
    for (const v of this.following) if (v.whileHidden || !this.runs.pageHidden) await v.send(r, id)
  }

  /** Back from hidden: the latest of every view that was held back. */
  async onVisible(r: Run, id: string) {
    for (const v of this.following) if (!v.whileHidden) await v.send(r, id)
  }

  attentionDue(): boolean {
    return this.ctx.now() - this.lastAttentionAt >= ATTENTION_EVERY_MS
  }

  async sendAttention(r: Run, id: string) {
    const w = this.attentionWatched
    if (!w || w.runId !== id || this.runs.run !== r || this.runs.pageHidden) return // hidden: sent on return
    const problems = r.checkText(w.probe, 'probe')
    if (problems.length) return this.ctx.post({ type: 'invalid', runId: id, problems })
    this.lastAttentionAt = this.ctx.now()
    const { tokens, weights } = await r.probes.attention(w.probe, w.layer, w.head)
    this.ctx.post({ type: 'attention', runId: id, step: r.step, layer: w.layer, head: w.head, tokens, weights }, [
      weights.buffer as ArrayBuffer,
    ])
  }

  private async sendPositions(r: Run, id: string) {
    if (this.positionsWatched !== id || this.runs.run !== r || this.runs.pageHidden) return
    const table = await r.probes.positionTable()
    const kind = r.model.posEncoding ?? 'learned'
    this.ctx.post({ type: 'positions', runId: id, step: r.step, kind, T: r.model.blockSize, C: r.model.nEmbd, table }, [
      table.buffer as ArrayBuffer,
    ])
  }

  /** The attention atlas of the watched probe: one forward pass, one readback, then bytes and scores on the CPU. */
  private async sendAtlas(r: Run, id: string) {
    const w = this.atlasWatched
    if (!w || w.runId !== id || this.runs.run !== r) return
    let ids: number[]
    let period: number | undefined
    if (w.probe.kind === 'repeated') ({ ids, period } = r.probes.repeatedProbe(w.probe.seed))
    else {
      const text = w.probe.kind === 'text' ? w.probe.text : ''
      const problems = r.checkText(text, 'probe')
      if (problems.length) return this.ctx.post({ type: 'invalid', runId: id, problems })
      ids = r.probes.probeIds(text)
    }
    const all = await r.probes.attentionAll(ids)
    const { nLayer: L, nHead: H } = r.model
    const T = ids.length
    const full = r.model.causal === false // no mask: the whole matrix, so the learner sees the future filled in
    const tri = triangleSize(T)
    const weights = full ? quantizeRows(all, L * H * T, T) : new Uint8Array(L * H * tri)
    const scores = new Float32Array(L * H * 5)
    for (let k = 0; k < L * H; k++) {
      const m = all.subarray(k * T * T, (k + 1) * T * T)
      if (!full) quantizeCausal(m, T, weights, k * tri)
      const s = headScores((i, j) => (j > i ? 0 : m[i * T + j]), T, period)
      scores.set([s.previous, s.self, s.first, s.induction, s.entropy], k * 5)
    }
    if (period !== undefined && w.probe.kind === 'repeated') {
      // the induction score over the whole varying-period set, not this one probe's period (a head that copies
      // from a fixed distance would pass on one period)
      const [set] = await r.probes.prefixMatching(w.probe.seed)
      for (let k = 0; k < L * H; k++) scores[k * 5 + 3] = set[k]
    }
    const tokens = ids.map((i) => r.tokenizer.vocab[i])
    const atlas = { tokens, period, layers: L, heads: H, T, weights, scores, ...(full && { full }) }
    const losses = {
      valLoss: this.runs.lastVal,
      ...(this.runs.lastRep !== undefined && { repLoss: this.runs.lastRep }),
    }
    this.ctx.post({ type: 'atlas', runId: id, step: r.step, ...losses, ...atlas }, [
      weights.buffer as ArrayBuffer,
      scores.buffer as ArrayBuffer,
    ])
  }

  /** wte by PCA in two dimensions (the page aligns frames and filters tokens). */
  private async sendEmbedding(r: Run, id: string) {
    if (this.embeddingWatched !== id || this.runs.run !== r || this.runs.pageHidden) return
    const wte = await r.probes.embedding()
    const { nEmbd: C, vocabSize: V } = r.model
    const p = pca2(wte, V, C)
    const components = Float32Array.from(p.components)
    const counts = r.probes.tokenCounts()
    const tokens = [...r.tokenizer.vocab]
    this.ctx.post(
      {
        type: 'embedding',
        runId: id,
        step: r.step,
        tokens,
        counts,
        coords: p.coords,
        components,
        explained: p.explained,
        C,
      },
      [p.coords.buffer as ArrayBuffer, components.buffer as ArrayBuffer, counts.buffer as ArrayBuffer],
    )
  }

  /** qkv.request, lens.request, embedding.neighbours: one answer each, for the request that asked. */
  probe(msg: ProbeMessage) {
    const { runId, requestId } = msg
    switch (msg.type) {
      case 'qkv.request':
        return this.probeRequest('qkv', msg, qkvProblems(msg.probe), async (r) => ({
          type: 'qkv.result',
          runId,
          requestId,
          step: r.step,
          ...(await r.probes.qkv(msg.probe, msg.layer, msg.head, msg.query)),
        }))
      case 'lens.request':
        return this.probeRequest('lens', msg, probeText(msg.probe), async (r) => {
          const { ids, logits } = await r.probes.lens(msg.probe, msg.position)
          const position = Math.min(Math.max(0, msg.position), ids.length - 1)
          const tokens = ids.map((i) => r.tokenizer.vocab[i])
          const layers = r.model.nLayer + 1
          return [
            { type: 'lens.result', runId, requestId, step: r.step, tokens, ids, position, layers, logits },
            [logits.buffer as ArrayBuffer],
          ]
        })
      case 'residual.request':
        return this.probeRequest('residual', msg, probeText(msg.probe), async (r) => {
          const { ids, stream, attn, mlp } = await r.probes.residualNorms(msg.probe)
          const tokens = ids.map((i) => r.tokenizer.vocab[i])
          return [
            { type: 'residual.result', runId, requestId, step: r.step, tokens, stream, attn, mlp },
            [stream.buffer as ArrayBuffer, attn.buffer as ArrayBuffer, mlp.buffer as ArrayBuffer],
          ]
        })
      case 'ablation.request':
        return this.probeRequest(
          'ablation',
          msg,
          (r) => ablationProblems(r, msg),
          async (r) => {
            const { base, losses, B, T } = await r.probes.headAblation(msg.mode)
            const { nLayer, nHead } = r.model
            const out = { type: 'ablation.result' as const, runId, requestId, step: r.step, mode: msg.mode }
            const induction = msg.target && (await targetAblation(r, msg.target, msg.mode))
            const buffers = [
              losses.buffer as ArrayBuffer,
              ...(induction ? [induction.scores.buffer as ArrayBuffer] : []),
            ]
            return [{ ...out, base, losses, nLayer, nHead, B, T, ...(induction && { induction }) }, buffers]
          },
        )
      case 'patching.request':
        return this.probeRequest(
          'patching',
          msg,
          (r) => patchingIds(r, msg).problems,
          async (r) => {
            const { clean, corrupted, answer, wrong } = patchingIds(r, msg)
            const res = await r.probes.patching(clean, corrupted, answer, wrong)
            const vocab = r.tokenizer.vocab
            const out = {
              type: 'patching.result' as const,
              runId,
              requestId,
              step: r.step,
              cleanTokens: clean.map((i) => vocab[i]),
              tokens: corrupted.map((i) => vocab[i]),
              ...res,
              nLayer: r.model.nLayer,
              nHead: r.model.nHead,
            }
            return [out, [res.heads.buffer as ArrayBuffer, res.resid.buffer as ArrayBuffer]]
          },
        )
      case 'embedding.neighbours': {
        const r = this.runs.current(runId)
        if (!r || !(Number.isInteger(msg.id) && msg.id >= 0 && msg.id < r.model.vocabSize)) return
        void this.runs
          .exclusive(async () => {
            const wte = await r.probes.embedding()
            const near = nearest(wte, r.model.vocabSize, r.model.nEmbd, msg.id, 5)
            const neighbours = near.map((n) => ({ id: n.row, cos: n.cos }))
            this.ctx.post({ type: 'embedding.neighbours.result', runId, requestId, id: msg.id, neighbours })
          })
          .catch((e) => this.ctx.fail(e, { runId, requestId }))
        return
      }
    }
  }

  /**
   * A view's request about the model: checked by `check` (before the model queue), then served on the model queue
   * — coalesced, so a newer request of the same kind replaces one still waiting (dragging a slider sends many;
   * only the last counts).
   */
  private probeRequest(
    kind: string,
    msg: { runId: string; requestId: string },
    check: (r: Run) => Problem[],
    job: (r: Run) => Promise<FromWorker | [FromWorker, ArrayBuffer[]]>,
  ) {
    const r = this.runs.current(msg.runId)
    const ids = { runId: msg.runId, requestId: msg.requestId }
    if (!r) return
    const problems = check(r)
    if (problems.length) return this.ctx.post({ type: 'invalid', ...ids, problems })
    this.latestProbe.set(kind, msg.requestId)
    void this.runs
      .exclusive(async () => {
        if (this.latestProbe.get(kind) !== msg.requestId || this.runs.run !== r) return
        const out = await job(r)
        if (Array.isArray(out)) this.ctx.post(out[0], out[1])
        else this.ctx.post(out)
      })
      .catch((e) => this.ctx.fail(e, ids))
  }
}

/** A probe text the model can read. */
const probeText = (probe: string) => (r: Run) => r.checkText(probe, 'probe')

/**
 * Activation patching's question as token ids, and what makes it unanswerable: texts the model cannot read,
 * prompts of different lengths in tokens or longer than the context, answers that are not one token each.
 */
function patchingIds(r: Run, msg: { clean: string; corrupted: string; answer: string; wrong: string }) {
  const texts = [msg.clean, msg.corrupted, msg.answer, msg.wrong].map((t) => (typeof t === 'string' ? t : ''))
  const problems: Problem[] = texts.flatMap((t) => r.checkText(t, 'probe'))
  const [clean, corrupted, answers, wrongs] = problems.length
    ? [[], [], [], []]
    : texts.map((t) => Array.from(r.tokenizer.encode(t)))
  const say = (message: string) => problems.push({ field: 'patching', message })
  if (!problems.length) {
    if (!clean.length || !corrupted.length) say('Both prompts need some text')
    else if (clean.length !== corrupted.length)
      say(
        `The two prompts must be the same length in tokens (the clean one has ${clean.length}, the corrupted one ${corrupted.length})`,
      )
    else if (clean.length > r.model.blockSize)
      say(`The prompts are longer than the context of ${r.model.blockSize} tokens`)
    if (answers.length !== 1 || wrongs.length !== 1) say('The answer and the wrong answer must be one token each')
    else if (answers[0] === wrongs[0]) say('The answer and the wrong answer must be different tokens')
  }
  return { problems, clean, corrupted, answer: answers[0], wrong: wrongs[0] }
}

/** What is wrong with an ablation request for this run's model, in words. */
function ablationProblems(r: Run, msg: Extract<ToWorker, { type: 'ablation.request' }>): Problem[] {
  if (msg.mode !== 'zero' && msg.mode !== 'mean')
    return [{ field: 'ablation', message: `Unknown ablation “${String(msg.mode)}”: zero or mean` }]
  const t = msg.target
  if (
    t &&
    !(
      Number.isInteger(t.layer) &&
      Number.isInteger(t.head) &&
      t.layer >= 1 &&
      t.layer < r.model.nLayer &&
      t.head >= 0 &&
      t.head < r.model.nHead
    )
  )
    return [
      {
        field: 'ablation',
        message: `Head ${t.layer}.${t.head} cannot be an induction head here: it must be in layer 1 … ${r.model.nLayer - 1}`,
      },
    ]
  return []
}

/**
 * The target head's prefix-matching score with the model intact and with each head switched off in turn; and, when
 * no single head halves it, with the two whose removal costs it most switched off together (two previous-token
 * heads can share the work, and then each alone looks dispensable).
 */
async function targetAblation(r: Run, target: { layer: number; head: number }, mode: 'zero' | 'mean') {
  const { nLayer: L, nHead: H } = r.model
  const one = (k: number) => [Math.floor(k / H), k % H] as const
  const ablations = [undefined, ...Array.from({ length: L * H }, (_, k) => ({ heads: [one(k)], mode }))]
  const all = await r.probes.prefixMatching(1, ablations)
  const at = target.layer * H + target.head
  const base = all[0][at]
  const scores = Float32Array.from(all.slice(1), (s) => s[at])
  const worst = Array.from(scores.keys())
    .filter((k) => k !== at)
    .sort((a, b) => scores[a] - scores[b])
  if (worst.length < 2 || scores[worst[0]] <= base / 2) return { ...target, base, scores }
  const heads: [number, number] = [worst[0], worst[1]]
  const [both] = await r.probes.prefixMatching(1, [{ heads: heads.map(one), mode }])
  return { ...target, base, scores, pair: { heads, score: both[at] } }
}

/** The Q/K/V calculator follows a pre-LN block (its first step is LN₁ of the block's input): the post-LN twin is refused. */
const qkvProblems = (probe: string) => (r: Run) =>
  r.model.norm === 'post'
    ? [
        {
          field: 'probe' as const,
          message:
            'The Q/K/V calculator follows the pre-LN blocks of GPT-2; this twin normalises after each sublayer (post-LN): open it on the whole model.',
        },
      ]
    : r.checkText(probe, 'probe')
