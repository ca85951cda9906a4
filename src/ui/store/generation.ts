// Generation: the prompt, the sample being written (its tokens, the context the model saw, beam search's
// beams and tree), scoring a text, and the pinned prompt with its continuation at each step it was generated.
import type { StateCreator } from 'zustand'
import type { Problem } from '../../shared/config'
import type { BeamSummary, BeamTree, FromWorker, SampleSettings, TextScore } from '../../shared/protocol'
import type { AppState } from '.'

export interface SampleToken {
  text: string // what the token adds to the text
  token: string // the token as it shows alone
  prob: number
  top: { text: string; prob: number }[] // the model's 5 most likely tokens at this position
  entropy: number // nats
  /** the attention rows that chose this token: see SampledToken.attention in the protocol */
  attention?: { start: number; rows: Uint8Array }
}

export interface ScoreView extends TextScore {
  step: number
}

export interface WatchedPrompt {
  prompt: string
  every: number
  settings: Omit<SampleSettings, 'prompt'>
}

type Msg<K extends FromWorker['type']> = Extract<FromWorker, { type: K }>

export interface GenerationSlice {
  sampleRequestId?: string
  samplePrompt: string
  sampleTokens: SampleToken[]
  sampleContext: string[] // the prompt's tokens the model saw (the first keys of each token's attention trace)
  sampleStatus: 'idle' | 'running' | 'done' | 'cancelled'
  sampleProblems: Problem[]
  sampleStep?: number // the training step of the model that wrote the sample
  sampleElapsedMs?: number // worker time for the whole generation
  sampleBeams: BeamSummary[] // beam search: every final beam, best first
  sampleTree?: BeamTree // beam search: its tree over the first steps, and the greedy path
  sampleReason?: 'length' | 'stop' | 'cancelled'
  scoreText: string
  /** "Watch this prompt": what is pinned, and its continuation at each step it was generated */
  watchPinned?: WatchedPrompt
  watchTimeline: { step: number; loss: number; valLoss?: number; text: string }[]
  score?: ScoreView
  scoreProblems: Problem[]
  setSamplePrompt(prompt: string): void
  setScoreText(text: string): void
  sampleStarted(requestId: string): void
  tokenArrived(msg: Msg<'sample.token'>): void
  contextArrived(tokens: string[]): void
  beamsArrived(msg: Msg<'sample.beams'>): void
  sampleDone(msg: Msg<'sample.done'>): void
  /** Refused, failed or cut off by the engine stopping: no sample, and why. */
  sampleFailed(problems: Problem[]): void
  scoreStarted(): void
  scored(msg: Msg<'score.result'>): void
  setScoreProblems(problems: Problem[]): void
  pin(watch: WatchedPrompt): void
  unpin(): void
  /** The worker refused the pinned prompt: it is unpinned, and the generate box says why. */
  pinRefused(problems: Problem[]): void
  watchEntry(msg: Msg<'watch.entry'>): void
}

export const generationSlice: StateCreator<AppState, [], [], GenerationSlice> = (set) => ({
  samplePrompt: '',
  sampleTokens: [],
  sampleContext: [],
  sampleStatus: 'idle',
  sampleProblems: [],
  sampleBeams: [],
  scoreText: '',
  watchTimeline: [],
  scoreProblems: [],
  setSamplePrompt: (samplePrompt) => set({ samplePrompt }),
  setScoreText: (scoreText) => set({ scoreText }),
  sampleStarted: (sampleRequestId) =>
    set({
      sampleRequestId,
      sampleTokens: [],
      sampleContext: [],
      sampleBeams: [],
      sampleTree: undefined,
      sampleStatus: 'running',
      sampleProblems: [],
      sampleStep: undefined,
      sampleReason: undefined,
    }),
  tokenArrived: ({ text, token, prob, top, entropy, attention }) =>
    set((s) => ({ sampleTokens: [...s.sampleTokens, { text, token, prob, top, entropy, attention }] })),
  contextArrived: (sampleContext) => set({ sampleContext }),
  beamsArrived: (msg) => set({ sampleBeams: msg.beams, sampleTree: msg.tree }),
  sampleDone: (msg) =>
    set({
      sampleStatus: msg.reason === 'cancelled' ? 'cancelled' : 'done',
      sampleStep: msg.step,
      sampleElapsedMs: msg.elapsedMs,
      sampleReason: msg.reason,
    }),
  sampleFailed: (sampleProblems) => set({ sampleProblems, sampleStatus: 'idle' }),
  scoreStarted: () => set({ score: undefined, scoreProblems: [] }),
  scored: ({ type: _t, runId: _r, requestId: _q, ...score }) => set({ score, scoreProblems: [] }),
  setScoreProblems: (scoreProblems) => set({ scoreProblems }),
  pin: (watchPinned) => set({ watchPinned, watchTimeline: [] }),
  unpin: () => set({ watchPinned: undefined }),
  pinRefused: (sampleProblems) => set({ sampleProblems, watchPinned: undefined }),
  watchEntry: (msg) =>
    set((s) =>
      s.run?.runId !== msg.runId || !s.watchPinned || msg.prompt !== s.watchPinned.prompt
        ? {}
        : {
            watchTimeline: [
              ...s.watchTimeline,
              { step: msg.step, loss: msg.loss, valLoss: msg.valLoss, text: msg.text },
            ],
          },
    ),
})
