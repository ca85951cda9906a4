// The run and everything that moves it: one run at a time, its state machine (RUN_TRANSITIONS in the protocol,
// enforced here), the one serial queue every piece of model work goes through, the training loop with its
// divergence check, and the metrics the page is sent.
//
// Scheduling: all model work (train steps, evaluations, sampling, attention captures) goes through one serial
// queue, so a sample or an attention map is always computed between two steps on a consistent model. The
// training loop yields to the event loop after every step, so pause / stop / sample messages are handled promptly.
import type { EvalPoint, MetricPoint, RestoredHistory, RunInfo, RunState } from '../shared/protocol'
import { canMove } from '../shared/protocol'
import type { Problem } from '../shared/config'
import type { Run } from '../train/run'
import { checkDivergence, lowerLearningRate, RECENT_STEPS } from '../analysis/divergence'
import { memoryReport, yieldToEvents, type WorkerContext } from './context'
import type { Persisted, Persistence } from './persistence'
import type { Views } from './views'
import type { Generation } from './generation'
import { epochMs } from '../util/clock'

/**
 * Metrics go out at most this often (ms); state changes and evaluations flush at once. Each batch re-renders the
 * status line and what follows the step (and the page's layout): at 100 ms the page's main thread took ~35 % of
 * a core through a Baby run, and on two cores that is the core the products' second thread needs (the step:
 * 110 ms shown against 93 hidden, docs/performance.md). Four updates a second still read as live.
 */
const METRICS_EVERY_MS = 250
/**
 * While the page is hidden, metrics go out at most this often (ms) and the views that only show the latest
 * state (attention map, embedding, positions) not at all: a hidden or frozen tab queues messages it cannot
 * read, so they are coalesced here; on return the page gets the latest of everything at once.
 */
export const HIDDEN_FLUSH_MS = 2000

export class RunController {
  run: Run | undefined
  runId: string | undefined
  state: RunState = 'ready'
  /** The latest training loss and validation loss, for the views that report them beside what they show. */
  lastLoss = Number.NaN
  lastVal: number | undefined
  /** A generated run's latest loss on the repeated tokens (EvalPoint.repLoss). */
  lastRep: number | undefined
  pageHidden = false
  persistence!: Persistence
  views!: Views
  generation!: Generation
  private looping: Run | undefined // the run whose training loop is running, if any
  private stepsLeft = Infinity // steps the loop may still take before it pauses (step once: 1)
  private queue: Promise<unknown> = Promise.resolve()
  private recentLosses: number[] = [] // the latest RECENT_STEPS finite training losses, for the divergence check
  private pendingPoints: MetricPoint[] = []
  private pendingEvals: EvalPoint[] = []
  private lastFlush = -Infinity

  constructor(private readonly ctx: WorkerContext) {}

  /** Whether a run is training now (its loop takes the queue between steps). */
  isTraining(): boolean {
    return this.state === 'training'
  }

  /** The run, if `id` is the current one. */
  current(id: string): Run | undefined {
    return id === this.runId ? this.run : undefined
  }

  /** Run `job` after every job queued before it. A failed job does not stop the queue. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job)
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Moves the run along RUN_TRANSITIONS (anything else is a bug here, and throws), says so, and saves. */
  setState(s: RunState, o: { save?: boolean } = {}) {
    if (!canMove(this.state, s)) throw new Error(`a run cannot go from ${this.state} to ${s}`)
    this.state = s
    this.flush(true)
    const { run, runId } = this
    if (run && runId) {
      this.ctx.post({ type: 'run.state', runId, state: s, step: run.step })
      this.persistence.onState(run, runId, s, o.save !== false)
    }
  }

  /** The GPU device is gone: the run stands still (the page reopens it in a new worker). */
  halt() {
    this.state = 'paused'
  }

  /** Metrics gathered since the last message, sent now if `force` or if enough time has passed. */
  flush(force = false) {
    const { runId } = this
    if (!runId || (!this.pendingPoints.length && !this.pendingEvals.length)) return
    if (!force && this.ctx.now() - this.lastFlush < (this.pageHidden ? HIDDEN_FLUSH_MS : METRICS_EVERY_MS)) return
    this.ctx.post({
      type: 'metrics',
      runId,
      points: this.pendingPoints,
      evals: this.pendingEvals,
      memory: (this.ctx.deps.memory ?? memoryReport)(),
      sentAt: epochMs(),
    })
    this.pendingPoints = []
    this.pendingEvals = []
    this.lastFlush = this.ctx.now()
  }

  /** The page was hidden or is visible again; on return it gets what it missed at once. */
  setHidden(hidden: boolean) {
    const was = this.pageHidden
    this.pageHidden = hidden
    if (!was || hidden) return
    this.flush(true)
    const { run: r, runId: id } = this
    if (r && id) void this.exclusive(() => this.views.onVisible(r, id)).catch((e) => this.ctx.fail(e, { runId: id }))
  }

  /** Swap in a new run (built once the old one is disposed, on the model queue) and announce it. */
  async replaceRun(
    id: string,
    build: () => Run,
    o: { origin?: RunInfo['origin']; persist?: Persisted; restored?: RestoredHistory; state?: RunState } = {},
  ) {
    const old = this.run
    this.run = undefined // stops the old loop after its current step
    this.runId = id
    this.persistence.current = o.persist
    this.pendingPoints = []
    this.pendingEvals = []
    this.views.reset()
    this.recentLosses = (o.restored?.points ?? []).slice(-RECENT_STEPS).map((p) => p.loss)
    await this.exclusive(async () => {
      old?.dispose()
      this.run = build()
      this.hook(this.run, id)
    })
    const r = this.run!
    this.ctx.post({
      type: 'run.created',
      runId: id,
      ...r.info(),
      ...(o.origin ? { origin: o.origin } : {}),
      ...(o.restored ? { restored: o.restored } : {}),
    })
    // the latest losses are this run's: a restored run's last ones, none for a new model
    this.lastVal = o.restored?.evals.at(-1)?.valLoss
    this.lastRep = o.restored?.evals.at(-1)?.repLoss
    this.lastLoss = o.restored?.points.at(-1)?.loss ?? Number.NaN
    this.state = o.state ?? 'ready'
    this.flush(true)
    this.ctx.post({ type: 'run.state', runId: id, state: this.state, step: r.step })
    await this.views.onReplaced(r, id)
  }

  /**
   * train.start / train.resume: a ready, paused or stopped run (re)starts. train.step (`steps: 1`): it takes that
   * many steps and pauses (saved, as any pause), unless it finishes, diverges or is paused or stopped first.
   */
  start(id: string, o: { steps?: number } = {}) {
    const r = this.current(id)
    if (!r || !canMove(this.state, 'training')) return
    this.stepsLeft = o.steps ?? Infinity // read by the loop, so a loop still ending its last step obeys it too
    this.persistence.start(r, id)
    this.setState('training')
    void this.trainLoop(r, id)
  }

  pause(id: string) {
    if (this.current(id) && canMove(this.state, 'paused')) this.setState('paused')
  }

  stop(id: string) {
    if (this.current(id) && canMove(this.state, 'stopped')) this.setState('stopped')
  }

  /** A new peak learning rate for a run that is not training; the problems, if it is refused. */
  retune(id: string, learningRate: number): Problem[] | undefined {
    const r = this.current(id)
    if (!r) return
    if (this.state === 'training')
      return [
        { field: 'learningRate', code: 'retune-training', message: 'Pause training before changing the learning rate' },
      ]
    const problems = r.retune(learningRate)
    if (problems.length) return problems
    this.persistence.write(id, (store, p) => store.setTrain(p.storedId, r.train))
    this.ctx.post({ type: 'run.train', runId: id, train: r.train })
    return []
  }

  /** The controller's hooks on a new run (minGPT's callbacks): each step's and evaluation's point is recorded. */
  private hook(r: Run, id: string) {
    r.addCallback('onStepEnd', (p) => {
      if (this.run !== r || p.skipped) return
      this.pendingPoints.push(p)
      this.persistence.recordPoint(id, p)
      this.lastLoss = p.loss
    })
    r.addCallback('onEvalEnd', (e) => {
      if (this.run !== r) return
      this.lastVal = e.valLoss
      this.lastRep = e.repLoss
      this.pendingEvals.push(e)
      this.persistence.recordEval(id, e)
    })
  }

  private async evaluate(r: Run, id: string) {
    await r.evaluate() // recorded by the hook
    if (this.run !== r) return
    this.flush(!this.pageHidden)
    await this.views.afterEvaluate(r, id)
  }

  private async trainLoop(r: Run, id: string) {
    if (this.looping === r) return
    this.looping = r
    const { ctx, persistence, views, generation } = this
    try {
      if (r.step === 0) await this.exclusive(() => this.evaluate(r, id)) // the loss before any training: ≈ ln(V)
      while (this.run === r && this.state === 'training') {
        if (r.step >= r.train.maxIters) {
          this.setState('finished')
          if (r.pairs) await this.exclusive(() => generation.evaluatePairs(r, id, `auto-${r.step}`)) // once training ends
          break
        }
        if (this.stepsLeft <= 0) {
          this.setState('paused') // step once: the steps asked for are taken
          break
        }
        this.stepsLeft--
        const p = await this.exclusive(() => r.trainStep())
        if (this.run !== r) break
        const diverged = checkDivergence({
          loss: p.loss,
          gradNorm: p.gradNorm,
          step: p.step - 1,
          recent: this.recentLosses,
          warmupIters: r.train.warmupIters,
          vocabSize: r.model.vocabSize,
        })
        if (!p.skipped) {
          // recorded by the hook; the divergence check above saw the recent losses without this one
          this.recentLosses.push(p.loss)
          if (this.recentLosses.length > RECENT_STEPS) this.recentLosses.shift()
        }
        if (diverged) {
          // Paused, not saved: the stored checkpoint stays the last good one (a spike's weights are finite but
          // worse; a non-finite step changed nothing). The page marks the step and offers a lower learning rate.
          this.flush(true)
          ctx.post({
            type: 'diverged',
            runId: id,
            step: p.step,
            loss: p.loss,
            gradNorm: p.gradNorm,
            kind: diverged.kind,
            reference: diverged.reference,
            learningRate: r.train.learningRate,
            suggested: lowerLearningRate(r.train.learningRate),
            savedStep: persistence.savedStep(id),
          })
          this.recentLosses = [] // a fresh average after the user's change
          this.setState('paused', { save: false })
          break
        }
        if (r.step % r.train.evalInterval === 0 || r.step === r.train.maxIters) {
          await this.exclusive(() => this.evaluate(r, id))
          if (persistence.checkpointDue(id) && r.step < r.train.maxIters) persistence.checkpoint(r, id, 'training')
        } else if (!this.pageHidden && views.attentionDue()) await this.exclusive(() => views.sendAttention(r, id))
        await generation.afterStep(r, id)
        this.flush()
        await yieldToEvents()
      }
    } catch (e) {
      // a lost GPU device first shows as a failed readback; its own message follows within moments
      const backend = ctx.report?.backend
      if ((backend === 'webgpu' || backend === 'webgl') && !ctx.deviceLost)
        await new Promise((resolve) => setTimeout(resolve, 200))
      if (this.run === r && !ctx.deviceLost) {
        ctx.fail(e, { runId: id })
        if (canMove(this.state, 'stopped')) this.setState('stopped')
      }
    } finally {
      if (this.looping === r) this.looping = undefined
      this.flush(true)
    }
  }

  dispose() {
    this.run?.dispose()
    this.run = undefined
  }
}
