// The message catalogue: English first, Simplified Chinese typed against it (a missing or extra key, or a
// message with other parameters, is a type error). Terms come from the glossary. Chinese uses full-width
// punctuation; inline English symbols (Q, K, V, softmax, top-k) stay as they are.
import { formatDuration } from './duration'
import { GLOSSARY as G, headZh } from './glossary'
import type { Coded } from '../../shared/problems'
import { fieldZh, problemZh } from './problemsZh'

const pct = (x: number) => `${(x * 100).toFixed(0)}%`
const size = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`
/** The library's backend as the chip names it. */
const LIBRARY: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'JavaScript' }
const onGpu = (backend: string, software: boolean) => (backend === 'webgpu' || backend === 'webgl') && !software

export const en = {
  documentTitle: 'GPT Playground — train a transformer in your tab',
  appTitle: 'GPT Playground',
  tagline:
    'Train a small GPT on your own text, right here in the tab. Watch the loss fall, watch attention form, and talk to the model while it learns.',
  footer:
    "The model is nanoGPT's GPT (token + position embeddings, pre-LayerNorm blocks with causal self-attention and a GELU MLP, tied LM head, AdamW), running on TensorFlow.js in a Web Worker. Nothing leaves your browser.",
  languageLabel: 'Language',

  // the page's frame: theme, the one-screen layout, the model diagram, the live sample, the tabs below
  themeLabel: 'Theme',
  themeSystem: 'Auto',
  themeLight: 'Light',
  themeDark: 'Dark',
  allSettings: 'All settings',
  moreTitle: 'Runs, model files, pair mode and more',
  toTools: 'Runs & files',
  diagramTitle: 'The model',
  diagramLabel: 'The model as a diagram. Arrow keys move between its parts; Enter opens one beside it.',
  diagramHint: 'Click a part to open it beside the diagram.',
  diagramEmbed: 'Token embedding',
  diagramEmbedOpen: 'Token embedding (wte): open the map of every token',
  diagramPos: 'Position embedding',
  diagramPosOpen: 'Position embedding (wpe): open the positional encoding',
  diagramBlock: (layer: number) => `Block ${layer}`,
  diagramBlockOpen: (layer: number) => `Block ${layer}: open the attention atlas`,
  diagramBlockParts: 'LayerNorm → attention heads → LayerNorm → MLP, each added to the residual stream',
  diagramBlockPartsAttnOnly: 'LayerNorm → attention heads, added to the residual stream (attention-only: no MLP)',
  diagramMlp: '+ MLP',
  diagramNoMlp: 'attention only',
  diagramResidOpen: 'What each block adds to the residual stream, and where the parameters are',
  diagramHead: (layer: number, head: number) => `Head ${layer}.${head}: open its attention`,
  diagramLm: 'LM head',
  diagramLmOpen: 'LM head: open the next-token lens and the logit lens',
  diagramLmParts: 'LayerNorm → logits over the vocabulary (tied to wte)',
  diagramLmPartsUntied: 'LayerNorm → logits over the vocabulary (an LM head of its own, not wte)',
  diagramExperiments: 'Experiments on the heads:',
  diagramInduction: 'Watch an induction head form',
  diagramInductionOpen:
    'The induction experiment: generated repeated tokens and an attention-only model; press Start and watch the head timeline',
  diagramAblation: 'Head ablation',
  diagramAblationOpen: 'Head ablation: switch heads off and measure what each is worth',
  diagramHeadsOff: (n: number) => `${n} off`,
  diagramPatching: 'Activation patching',
  diagramPatchingOpen: 'Activation patching: find where the information that decides an answer is carried',
  diagramParams: (n: string) => `${n} parameters`,
  diagramMapsSoon: 'Each head draws its attention on a validation probe once a model exists.',
  liveTitle: 'Live sample',
  liveEmpty: 'Start training: the model’s own text appears here and changes as it learns.',
  liveEvery: (every: number) => `The model continues the prompt every ${every} steps while it trains.`,
  liveAt: (step: number, loss: number) => `step ${step} · loss ${Number.isFinite(loss) ? loss.toFixed(2) : '–'}`,
  tabRuns: 'Runs',
  tabTokenizer: 'Tokenizer & pair mode',
  textOptionsTitle: 'The text’s tokens and pairs',
  tabFile: 'Model file',
  tabPairs: 'Pairs',
  tabConcepts: 'Concepts',
  tabAbout: 'About the texts',
  fullStop: '.',

  // heatmap legends
  colours: 'Colours',
  viridis: 'viridis',
  cividis: 'cividis (colour-blind safe)',
  scale: 'Scale',
  linear: 'linear',
  sqrtScale: 'square root (small weights show)',
  legendLabel: (label: string, low: string, high: string, sqrt: boolean) =>
    `${label}: from ${low} to ${high}${sqrt ? ', square-root scale' : ''}`,
  attentionWeight: 'Attention weight',

  // token strip ("why this token?")
  generatedText: 'Generated text',
  scoredText: 'Scored text',
  tokenAria: (token: string, p: number) => `${token}: probability ${(p * 100).toFixed(1)}%`,
  lockedHint: 'Locked (Esc to unlock): ',
  tokenDetail: (token: string, p: number, entropy: number, top: string) =>
    `“${token}” had probability ${(p * 100).toFixed(1)}% · entropy ${entropy.toFixed(2)} nats · the model’s top 5: ${top}`,
  tokenStripHint: (trace: boolean) =>
    `Colour shows each token’s probability (white = unlikely, green = likely). Hover or focus a token to see what else the model considered${trace ? ' and where it looked' : ''}; click or press Enter to keep it.`,
  traceCaption: (token: string, n: number) =>
    `Where the model looked to choose “${token}”: each row is one head’s attention from the token before it over the ${n} tokens of its context (each row sums to 1).`,
  traceStrongest: (layer: number, head: number, share: number, token: string, pos: number) =>
    `Strongest single link: layer ${layer}, head ${head} put ${pct(share)} on “${token}” (context token ${pos}).`,
  traceCaveat: 'Attention shows where information was read from, not why: it is not an explanation by itself.',
  traceTable: 'Attention of every head for this token',
  traceCell: (layer: number, head: number, token: string, w: number) =>
    `layer ${layer}, head ${head} → “${token}”: ${(w * 100).toFixed(1)}%`,
  contextToken: (n: number) => `context token ${n}`,

  // beam tree
  beamCaption: (width: number, depth: number) =>
    `The search, step by step (width ${width}, first ${depth} steps): each column is one step; solid boxes are the beams kept, grey dashed ones the best extensions the cut removed; numbers are total log-probabilities.`,
  beamBest: 'Blue',
  beamBestIs: ': the best beam. ',
  beamGreedy: 'Orange',
  beamGreedyIs: `: ${G.greedy.en}. `,
  beamSame: 'Here greedy decoding finds the same path.',
  beamLeaves: (step: number, token: string) =>
    `Greedy leaves the beams at step ${step} (it picks “${token}”, which the search pruned or never reached).`,
  beamPart: 'Greedy and the best beam part ways, both inside the tree.',
  beamAria: (kept: number, pruned: number, depth: number) =>
    `Beam search tree: ${kept} kept and ${pruned} pruned nodes over ${depth} steps`,
  beamNode: (step: number, token: string, lp: number, state: 'kept' | 'done' | 'pruned') =>
    `step ${step}: “${token}”, total log-probability ${lp.toFixed(3)} (${state === 'kept' ? 'kept' : state === 'done' ? 'kept, reached the stop text' : 'pruned'})`,

  // break it to learn it
  twinTitle: 'Break it to learn it: no causal mask, no positions, no residual connections, post-LN',
  noposTwinTitle: 'Without positional encoding',
  noposTwinIntro:
    'Take the position table away: each token enters as its embedding alone. Attention by itself cannot tell order, but a causal model is not attention by itself: position t attends over t + 1 tokens, so how spread its attention is tells it roughly where it stands (Haviv et al. 2022). Measured with Tiny, 500 steps: on the first names the twin ends level (2.20 against 2.20), on Moby-Dick too (2.48 against 2.52) — at these sizes the model leans on the current letter. On Repeated random tokens (the Induction preset, 600 steps) it is another story: no head finds “the token just before” precisely enough, so no induction head forms (prefix matching 0.27 against 0.82) and the repeats stay unpredictable (loss on them 2.70 against 0.46).',
  noposTwinButton: 'Train a twin without positional encoding',
  noposTwinLoss:
    'Compare the curves: on ordinary text they stay close; on repeated random tokens the twin’s loss stays far above the whole model’s.',
  resTwinTitle: 'Without residual connections',
  resTwinIntro:
    'Take the residual connections away: each block’s attention output replaces the stream instead of being added to it, and so does its MLP output. Everything — the token itself, its position, and on the way back the gradient — must now pass through every layer, and GPT-2’s initialisation makes each block’s output start small (it was meant to be added to the stream). Measured on the first names with Tiny, 500 steps: the twin stalls at 3.09, on the token-frequency line (it learns only which letters are common), against 2.20 with them — with 2 layers and with 6 alike.',
  resTwinButton: 'Train a twin without residual connections',
  resTwinLoss: 'Compare the curves: the twin’s loss flattens near the token-frequency line, above the whole model’s.',
  twinWhole: (loss: number, step: number) => `; the whole model: ${loss.toFixed(3)} at step ${step}`,
  postTwinTitle: 'LayerNorm after each sublayer (post-LN)',
  postTwinIntro:
    'GPT-2 normalises what each sublayer reads, x + f(LN(x)); the original Transformer normalised after the add, LN(x + f(x)). This twin does the latter, so nothing but the sublayers’ sums reaches the top, each squeezed by a LayerNorm, and so does the gradient on its way back. Measured on the first names with Tiny’s settings, 500 steps: with 2 layers it trains almost as well (2.22 against 2.20), a little slower at first; with 6 layers it sat on the token-frequency line (3.09) the whole time, where pre-LN reached 2.21 — set 6 layers first to see it. (Without warmup the same 6 layers did get going, at step ~200: post-LN is fickle.)',
  postTwinButton: 'Train a post-LN twin',
  postTwinLoss:
    'Compare the curves: with a few layers the two meet; in a deep stack the post-LN twin can stall for a long time.',
  twinIntro: `A GPT is trained to predict each next token from the tokens before it. The ${G.causalMask.en} is what keeps the future hidden: without it, every position may look at every other, including the very token it is asked to predict. One click trains a twin of your model on the same text, with the same settings and seed, but without the mask.`,
  twinButton: 'Train a twin without the causal mask',
  twinKeep:
    'The current run pauses and is kept (reopen it from the Runs panel); its validation curve stays on the loss chart to compare with.',
  twinTraining: (state: string) =>
    `You are training the no-mask twin${state === 'training' ? '' : ` (${state})`}. What to look for:`,
  otherTwinTraining: (state: string) =>
    `You are training this twin${state === 'training' ? '' : ` (${state})`}; the whole model is saved in Runs.`,
  twinLossTitle: 'The loss',
  twinLoss: ' falls far below anything the masked model reaches: the answer is in the input.',
  twinNow: (loss: number, step: number) => ` Now: training loss ${loss.toFixed(3)} at step ${step}`,
  twinMasked: (loss: number, step: number) => `; the masked run had validation loss ${loss.toFixed(3)} at step ${step}`,
  twinGenerateTitle: 'Generate',
  twinGenerate:
    ' some text: it is gibberish. While generating there is no future token to read, so what the twin learned — copy the next token — has nothing to copy. A low loss bought by reading the answer teaches nothing.',
  twinAtlasTitle: 'The attention atlas',
  twinAtlas:
    ': no hatching, and the upper triangle (tokens looking at later tokens) fills in. Look for a head whose “future” share grows: it reads the next token.',
  twinBack: (step: number) => `Back to the masked run (step ${step})`,
  twinBackWhole: (step: number) => `Back to the whole model (step ${step})`,
  twinPauseFirst: 'Pause the twin first',
  twinCorrection:
    "The tutorial says GPT is pre-trained as a masked language model (掩码语言模型), with the mask applied to the values of future positions. Masked language modelling is BERT's objective, and the mask acts on the attention scores, not the values. BERT needs no causal mask because it hides the tokens it must predict behind [MASK], so seeing both sides is fair. This twin sees both sides too but still predicts the next token, so the answer sits in its own input: that is the cheat this experiment shows.",

  // attention atlas
  atlasTitle: 'Attention atlas: every layer × head, through training',
  probe: 'Probe',
  probeValidation: 'a slice of the validation text',
  probeOwn: 'my own text',
  probeRepeated: 'random tokens, repeated (for induction)',
  probeText: 'Probe text',
  appearsWithModel: 'It appears once a model exists.',
  computing: 'Computing…',
  step: 'Step',
  atlasStep: (step: number, valLoss: number | undefined, n: number) =>
    `step ${step}${valLoss !== undefined ? ` · validation loss ${valLoss.toFixed(3)}` : ''} · ${n} snapshot${n === 1 ? '' : 's'}`,
  live: 'Live',
  probeTokens: 'Probe tokens',
  positionN: (i: number) => `position ${i}`,
  atlasGrid: 'Attention of every layer and head: arrow keys move the query/key pair, Enter keeps it, Esc clears',
  headLabel: (l: number, h: number) => `Layer ${l} head ${h}`,
  badge: (b: string) =>
    ({
      'previous-token': 'previous token',
      self: 'itself',
      'first-token': 'first token',
      induction: 'induction',
      diffuse: 'spread evenly',
      unclear: 'unclear',
    })[b] ?? b,
  futureShare: (x: number) => `future ${x.toFixed(2)}`,
  futureTitle: "Mean share of each row's attention on later tokens (the future): exactly 0 with the causal mask",
  noMaskNotice:
    'This model trains without the causal mask: nothing is hatched, and the upper triangle — each token looking at tokens after it — fills in. The “future” number under each head is the mean share of a row’s attention that goes to later tokens (exactly 0 with the mask). A head that looks one step ahead reads the very token it must predict.',
  lockedPair: 'Locked (Enter or Esc to release): ',
  atlasHint: (masked: boolean) =>
    `Each small map is one head: row = the token looking, column = the token looked at${masked ? '; the hatched triangle is the future, masked' : ''}. Hover or use the arrow keys to follow one query/key pair through every head; Enter or a click keeps it; click a head to read its numbers here.`,
  describeCell: (
    l: number,
    h: number,
    step: number,
    q: string,
    i: number,
    k: string,
    j: number,
    w: number,
    best: string,
    b: number,
  ) =>
    `Layer ${l}, head ${h} at step ${step}: the query “${q}” (position ${i}) looks at “${k}” (position ${j}) with weight ${w.toFixed(2)}; its strongest key is “${best}” (position ${b}).`,
  viewAsTable: (name: string) => `View head ${name} as a table`,
  tableLabel: (name: string) => `Head ${name}: each query's three strongest keys`,
  query: 'query',
  strongestKeys: 'strongest keys (weight)',
  atlasLookFor:
    'What to look for: a diagonal stripe just below the main diagonal is a previous-token head; on the repeated probe, a stripe one step after the earlier copy is an induction head. Badges appear only when a pattern holds at least 60% of the attention. Attention shows where a head reads from, not why the model predicts what it does.',
  headScoresOverTraining: 'Head scores over training:',
  scoreName: (n: string) =>
    ({
      previous: 'previous token',
      self: 'itself',
      first: 'first token',
      induction: 'induction (repeated probe)',
      entropy: 'entropy (bits)',
    })[n] ?? n,
  inductionHeadForms: (name: string) => `induction head ${name}`,
  needRepeated:
    'Induction scores need the repeated probe: choose “random tokens, repeated” above to watch for an induction head forming.',
  phaseChangeAt: (step: number) => `Phase change at step ${step}:`,
  phaseChange: (name: string, rise: number, window: number, drop: number, before: number) =>
    ` head ${name}’s induction score rose by ${rise.toFixed(2)} within the last ${window}% of the steps so far, while the loss fell faster (${drop.toFixed(3)} against ${before.toFixed(3)} over the window before; in the induction experiment, the loss on the repeated tokens). An ${G.inductionHead.en} finds where the current token appeared before and predicts what followed it there: the model starts to use the context as a lookup table, and the loss drops.`,
  noPhaseChange: (rise: number, window: number) =>
    `No induction head has formed so far: no head’s induction score rose by more than ${rise} within the last ${window}% of the steps so far while the loss bent. On ordinary text at these sizes that is the usual result (measured on tiny Shakespeare: see the README); the induction experiment (the dataset “Repeated random tokens”) is built to show one.`,

  // generation panel
  genTitle: '4. Generate',
  genIntro: (block: number | undefined) =>
    `Sample from the model as it is right now — before, during or after training. The prompt is cropped to the last ${block ?? '…'} characters the model can see.`,
  prompt: 'Prompt',
  promptPlaceholder: 'Leave empty to start from a new line',
  unknownChars: (n: number, list: string, more: number) =>
    `The model has never seen ${n === 1 ? 'this character' : 'these characters'}: ${list}${more > 0 ? ` and ${more} more` : ''}. Remove ${n === 1 ? 'it' : 'them'} to generate.`,
  promptCropped: (block: number) => `Only the last ${block} characters of the prompt are used as context.`,
  markedPrompt: 'The prompt, unknown characters marked',
  notInVocab: "Not in the model's vocabulary",
  decoding: 'Decoding',
  sampling: 'Sampling (temperature 0 = greedy)',
  beamSearchOption: 'Beam search',
  maxNewTokens: 'Max new tokens',
  stopAt: 'Stop at',
  stopNever: '(never)',
  stopTitle: 'Stop once the text ends with this; type \\n for a new line (\\n\\n: a blank line)',
  temperatureLabel: 'Temperature',
  topK: 'Top-k',
  topP: 'Top-p',
  seed: 'Seed',
  seedRandom: 'random',
  topKTitle: (v: number) => `0 = off; ${v} or more keeps the whole vocabulary`,
  topPTitle: 'Keep the smallest set of likeliest tokens whose probabilities add up to p; 1 = off',
  samplingOnly: 'Beam search keeps the most likely sequences: nothing is drawn at random',
  beamOnly: 'Only for beam search',
  topKNote: (k: number, v: number) =>
    `Top-k ${k} is more than the ${v} tokens in the vocabulary: it keeps them all (the same as 0, off).`,
  beamWidth: 'Beam width',
  lengthPenalty: 'Length penalty',
  lengthPenaltyTitle:
    'α: finished beams are ranked by log-probability ÷ ((5 + length) / 6)^α; above 0 favours longer ones',
  beamNote: (beam: boolean) =>
    beam
      ? 'Temperature, top-k, top-p and seed do not apply: beam search is deterministic.'
      : 'Beam width and length penalty apply to beam search only.',
  errTemperature: 'Temperature must be between 0 (greedy) and 10.',
  errTopK: 'Top-k must be 0 (off) or a positive whole number.',
  errTopP: 'Top-p must be above 0 and at most 1 (1 = off).',
  errBeamWidth: (max: number) => `Beam width must be a whole number from 1 to ${max}.`,
  errLengthPenalty: 'Length penalty must be between 0 and 5.',
  errStop: 'The stop text must be at most 100 characters.',
  errMaxNew: 'Max new tokens must be a whole number from 1 to 10000.',
  errSeed: 'Seed must be empty (random) or a whole number.',
  generate: 'Generate',
  cancel: 'Cancel',
  generating: (n: number) => `Generating… ${n} tokens`,
  genDone: (stopped: boolean, n: number, step: number | undefined, msPerToken: number | undefined) =>
    `Done${stopped ? ' (reached the stop text)' : ''}: ${n} tokens from the model at step ${step}${msPerToken !== undefined ? `, ${msPerToken.toFixed(1)} ms per token` : ''}.`,
  genCancelled: (n: number) => `Cancelled after ${n} tokens.`,
  watchEvery: 'Watch this prompt every',
  steps: 'steps',
  watchTitle:
    'While training, the model continues this prompt every N steps with these settings (a fixed seed: 1 if none is set), and the timeline below keeps each answer',
  watchPrompt: 'Watch this prompt',
  pinInstead: 'Pin this prompt instead',
  stopWatching: 'Stop watching',
  continuationHere: 'The continuation appears here, token by token.',
  referenceLabel: 'Reference text (to compare the generated text with)',
  referencePlaceholder: 'Paste what you hoped the model would write',
  words: 'Words (split at spaces: a line of Chinese is one word)',
  characters: 'Characters',
  nothingToCompare: 'nothing to compare',
  tooLong: (bleu: string) => `BLEU-4 ${bleu} · ROUGE-L and METEOR: too long to compute here`,
  meteorDetail: (score: string, matches: number, chunks: number, exact: boolean) =>
    `${score} (${matches} matched in ${chunks} chunk${chunks === 1 ? '' : 's'}${exact ? '' : ', alignment by local search'})`,
  beamsTable: 'Beams',
  beamColumn: 'beam',
  logProbability: 'log-probability',
  scoreColumn: 'score',
  stopped: ' (stopped)',
  watching: (prompt: string, every: number) => `Watching “${prompt}” every ${every} steps`,
  watchTimeline: 'Watched prompt timeline',
  stepColumn: 'step',
  lossColumn: 'loss',
  continuationColumn: 'continuation',
  firstAnswerSoon: (every: number) =>
    `The first answer appears in a moment; then one every ${every} steps while training.`,
  scoreTitle: 'Score a text',
  scoreIntro:
    'How likely does the model find a text? Every token’s probability given the ones before it, the total log-likelihood and the perplexity.',
  textToScore: 'Text to score',
  scoreButton: 'Score',
  scoreSummary: (n: number, step: number, ll: number, ppl: number, truncated: boolean) =>
    `${n} tokens predicted (model at step ${step}) · log-likelihood ${ll.toFixed(2)} nats · perplexity ${ppl.toFixed(2)}${truncated ? ' · only the start of the text was scored' : ''}`,

  // training panel
  trainTitle: '3. Train',
  startTraining: 'Start training',
  resume: 'Resume',
  pause: 'Pause',
  stop: 'Stop',
  stepOnce: 'Step',
  stepOnceHint: 'Take one training step, then pause: watch what a single update changes',
  reset: 'Reset',
  resetHint: 'Back to a fresh model at step 0 with these settings (the run so far stays in Runs)',
  otherTab: 'Another tab of this page is training a model: one tab trains at a time.',
  takeOver: 'Take over',
  otherTabPauses: '(that tab pauses, and its run is saved).',
  tookOver: (step: number | undefined) =>
    `Another tab took over training, so this one paused${step !== undefined ? ` (saved at step ${step})` : ''}. Resume here to take it back.`,
  origin: (file: boolean, name: string, steps: number | undefined, added: number) =>
    `Starts from ${file ? 'the model file' : 'the stored run'} “${name}”${steps !== undefined ? ` (trained ${steps.toLocaleString('en')} steps)` : ''}${added > 0 ? `, with ${added} new character${added === 1 ? '' : 's'} in its vocabulary` : ''}: training fine-tunes it on the text in panel 1.`,
  staleFineTune:
    'The text or settings changed: “Start training” fine-tunes the same starting model with them (a different shape of model starts from scratch).',
  staleNew:
    'The text, the tokenizer or the settings changed since this model was trained. Generate still uses the trained model; “Start training” begins a new one.',
  againFineTune: '“Start training” fine-tunes the same starting model again, from its first weights.',
  againNew: '“Start training” begins a new model from scratch with the same settings.',
  trainingStatus: 'Training status',
  runState: (s: string) =>
    ({
      ready: 'Ready',
      training: 'Training',
      paused: 'Paused',
      stopped: 'Stopped',
      finished: 'Finished',
      preparing: 'Preparing model',
      starting: 'Starting',
    })[s] ?? s,
  stepLabel: 'Step',
  trainLoss: 'Train loss',
  valLoss: 'Val loss',
  perplexityLabel: 'Perplexity',
  perplexityTitle: 'Validation perplexity, e^loss: as uncertain as a uniform choice among this many tokens',
  tokensPerSec: 'tokens/s',
  elapsed: 'Elapsed',
  eta: 'ETA',
  backend: 'Backend',
  tensors: 'Tensors',
  tensorsTitle: 'Live tensors in the training engine and the memory they hold; the count stays flat from step to step',
  savedAt: (step: number) => `Saved in this browser at step ${step}: a reload keeps it (see Runs).`,

  // loss chart
  lossTitle: 'Loss',
  referenceLinesToggle: 'Reference lines',
  logScale: 'Log scale',
  lastEval: (step: number, loss: number) =>
    `Step ${step}: validation loss ${loss.toFixed(4)}, perplexity ${Math.exp(loss).toFixed(2)} (the model is as unsure as a uniform choice among that many tokens)`,
  chartHint:
    'The training loss (per step) and validation loss (every few steps) appear here. A model that guesses uniformly starts near ln(vocabulary size).',
  stepAxis: 'step',
  stepN: (step: number) => `step ${step}`,
  withPerplexity: (v: number) => `${v.toFixed(4)} (perplexity ${Math.exp(v).toFixed(2)})`,
  uniformGuess: 'uniform guess',
  tokenFrequencies: 'token frequencies',
  previousTokenOnly: 'previous token only',
  inductionHeadLine: 'induction head forms',
  trainLine: 'train',
  validationLine: 'validation',
  repeatedLine: 'repeated tokens',
  lastRepLoss: (loss: number) =>
    ` · on the repeated tokens ${loss.toFixed(3)} (uniform guessing: ${Math.log(64).toFixed(2)}; an induction head takes it below 0.5)`,
  compareLine: (name: string) => `${name} (validation)`,
  maskedCompare: (step: number) => `with the mask (to step ${step})`,
  wholeCompare: (step: number) => `the whole model (to step ${step})`,
  referenceText: (u: number, uni: number, bi: number, atlas: boolean) =>
    `Dashed lines: ${u.toFixed(2)} is guessing every token equally (ln V); ${uni.toFixed(2)} is knowing only how often each token occurs; ${bi.toFixed(2)} is knowing only the token before. Below the last line, the model uses more than the previous token.${atlas ? ' Click the chart to show the attention atlas at that step.' : ''}`,
  lossByPositionAria: (T: number, n: number) => `Validation loss by position (${T} rows) at ${n} evaluations`,
  lossByPositionLegend: 'Validation loss (nats)',
  lossByPosition: (last: number, early: number, late: number, better: boolean) =>
    `Validation loss by position in the context (rows, 0 at the top) at each evaluation (columns; darker is lower). Now: positions 1–${last} ${early.toFixed(2)}, the last eighth ${late.toFixed(2)}${better ? ' — later tokens are predicted better: the model uses the context before them.' : '.'}`,

  // attention panel
  attentionTitle: 'Attention',
  attentionIntro: (full: boolean) =>
    `Each row is a query token; each column a key token it may attend to. A row's weights sum to 1. ${full ? 'This model has no causal mask: it attends to the future too.' : 'The hatched triangle is the future, hidden by the causal mask.'}`,
  layer: 'Layer',
  headWord: 'Head',
  attProbe: 'Probe text',
  attProbeValidation: 'A slice of the validation text',
  attProbePrompt: 'The prompt',
  attReadoutHint:
    'Hover over a cell (or focus the map and use the arrow keys) to read one weight; Enter keeps it, Esc clears.',
  attFuture: (q: string, qi: number, k: string, kj: number) =>
    `Query “${q}” (position ${qi}) cannot see key “${k}” (position ${kj}): it lies in the future, so the causal mask hides it.`,
  attWeight: (q: string, qi: number, k: string, kj: number, w: number) =>
    `Query “${q}” (position ${qi}) → key “${k}” (position ${kj}): weight ${w.toFixed(3)}`,
  attAria: (layer: number, head: number, step: number, T: number) =>
    `Attention of layer ${layer}, head ${head} at step ${step} over ${T} tokens`,
  attCaption: (layer: number, head: number, step: number) =>
    `Layer ${layer}, head ${head}, at step ${step}; refreshed while training.`,
  attComputing: 'Computing the attention map…',
  attNoModel: 'The attention map appears once a model exists.',

  // positional encoding
  positionsTitle: 'Positional encoding',
  loading: 'Loading…',
  positionsCaption: (sinusoid: boolean, step: number, T: number, C: number) =>
    `${sinusoid ? 'The fixed sinusoid' : `The learned table at step ${step}`}: ${T} positions × ${C} channels (blue positive, orange negative), added to each token’s embedding so the model can tell where a token stands.`,
  positionsNone:
    'This model adds no positional encoding: each token enters as its embedding alone. Whatever it knows about order, it works out through the causal mask (position t sees t + 1 tokens).',
  positionsAria: (T: number, C: number) => `Positional encoding: ${T} positions by ${C} channels`,
  positionsAxes: 'position (rows) × channel (columns)',
  channelValue: 'Channel value: orange negative, grey 0, blue positive',
  similarityAria: 'Cosine similarity between positions',
  similarityCaption: 'similarity of each position to every other (cosine: blue alike, orange opposite)',
  cosineSimilarity: 'Cosine similarity',
  // token embeddings
  embeddingsTitle: 'Token embeddings',
  show: 'Show',
  mostFrequent: (n: number) => `the ${n} most frequent tokens`,
  allTokens: (n: number) => `all ${n} tokens`,
  embeddingCaption: (step: number, C: number, kept: number, pc1: number, pc2: number) =>
    `Step ${step}: each token’s embedding, ${C} numbers, drawn along the two directions where they differ most (PCA). This picture keeps ${kept.toFixed(0)}% of the variance (${pc1.toFixed(0)}% + ${pc2.toFixed(0)}%); the rest is hidden.`,
  embeddingAria: (step: number) => `Token embeddings in two dimensions at step ${step}`,
  neighbours: (token: string, C: number, list: string) => `Closest to “${token}” in all ${C} dimensions: ${list}.`,
  neighboursHint:
    'Hover or tap a token, or choose one above, to see its nearest neighbours in the full space (cosine similarity).',
  nearestOf: 'Nearest to',
  chooseToken: 'choose a token…',
  embeddingLookFor:
    'What to look for as training goes on: tokens that play alike drift together (vowels, digits, punctuation). Two points close in this picture may be far apart in the other dimensions — the neighbours list is the truth.',

  // next-token lens
  residualTitle: 'Residual stream and parameters',
  residualIntro:
    'Each block reads the residual stream and adds to it — its attention output, then its MLP output — without overwriting what is there. Each bar is the size of one of these vectors (its L2 norm, averaged over the probe’s positions), on one scale.',
  residualProbe: 'Probe text (empty: a slice of the validation text)',
  residualStreamIn: (l: number) => `stream into block ${l}`,
  residualStreamOut: 'stream after the last block',
  residualAttn: (l: number) => `block ${l} adds: attention`,
  residualMlp: (l: number) => `block ${l} adds: MLP`,
  residualNoMlp: 'no MLP (attention-only)',
  residualStep: (step: number) => `Measured at step ${step}; refreshed at each evaluation while open.`,
  residualRead: (first: number, rest: number, layers: number) =>
    `Block 0 adds ${first.toFixed(2)}× the size of the stream it reads${layers > 1 ? `; the blocks after it, ${rest.toFixed(2)}× on average` : ''}. Once trained, block 0’s MLP usually writes a vector several times larger than the embeddings (it acts as a second embedding), and the later blocks add less than the stream already carries: they nudge it rather than replace it, so what lies below is still there at the top. Before training every addition is small: GPT-2’s initialisation scales the residual projections down.`,
  paramSplitTitle: 'Where the parameters are',
  paramSplitPart: (part: string) =>
    ({
      embeddings: 'embeddings (token + position)',
      attention: 'attention (4C² a block)',
      mlp: 'MLP (8C² a block)',
      final: 'final LayerNorm',
      head: 'LM head of its own',
    })[part] ?? part,
  paramSplitLine: (n: string, pct: string) => `${n} · ${pct}`,
  lensTitle: 'Next-token lens',
  lensProbe: 'Probe text (empty: a slice of the validation text)',
  position: 'Position',
  lensWhere: (text: string, pos: number, step: number) => `after “${text}” (position ${pos}, step ${step})`,
  nextTokenProbs: 'Next-token probabilities',
  trueNext: '← the true next token',
  trueNextOutside: (token: string, p: number) =>
    `The true next token “${token}” has ${p.toFixed(2)}% after these settings.`,
  lensSettingsNote:
    'Temperature, top-k and top-p reshape the model’s distribution here exactly as they do when it generates; the bars are what sampling would draw from.',
  logitLens: 'Logit lens',
  readOutAfter: 'Read out after',
  topGuesses: 'Top guesses',
  theEmbeddings: 'the embeddings',
  blockN: (l: number) => `block ${l}`,
  logitLensNote:
    'The logit lens reads the residual stream after each block as if it were the last layer: watch the guess sharpen as it goes up. The last row is the model’s own prediction.',

  // head ablation
  ablationTitle: 'Head ablation',
  ablationIntro:
    'Switch each head off in turn and measure how much worse the model predicts a fixed batch of validation text. A large rise means the model relies on that head; near zero, that it could do without it.',
  ablationMode: 'Switch a head off by',
  ablationZero: 'zeroing its output',
  ablationMean: 'its average output (mean over the batch)',
  ablationMeasure: 'Measure every head',
  ablationMeasuring: 'Measuring…',
  ablationBase: (loss: number, B: number, T: number, step: number) =>
    `Every head on: loss ${loss.toFixed(3)} on ${B} windows of ${T} tokens of the validation text (step ${step}). Each cell: the loss with that head off, minus this.`,
  ablationStale: (step: number) => `Measured at step ${step}; the model has trained since: measure again.`,
  ablationCell: (l: number, h: number, delta: number, off: boolean) =>
    `Layer ${l} head ${h}: loss ${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(3)} without it${off ? '; switched off for generation' : ''}`,
  ablationClickHint:
    'Click a head to switch it off for generation as well (its output zeroed), then generate and compare the text. Click again to switch it back on.',
  ablationOffList: (heads: string) => `Switched off for generation: ${heads}.`,
  ablationAllOn: 'Switch every head back on',
  ablationTarget: 'Also find what this head’s induction score needs',
  ablationTargetNone: 'no head',
  ablationTargetHead: (l: number, h: number, score?: number) =>
    `head ${l}.${h}${score !== undefined ? ` (induction ${score.toFixed(2)})` : ''}`,
  inductionGridIntro: (l: number, h: number, base: number) =>
    `Head ${l}.${h}’s prefix-matching score on the repeated probes is ${base.toFixed(2)} with every head on. Each cell: its score with that head off, minus this.`,
  inductionCell: (l: number, h: number, delta: number) =>
    `Layer ${l} head ${h} off: head’s induction score ${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}`,
  readsFrom: (tl: number, th: number, sl: number, sh: number, base: number, without: number, previous?: number) =>
    `Head ${tl}.${th} reads from head ${sl}.${sh}: without it, its induction score falls from ${base.toFixed(2)} to ${without.toFixed(2)}.${previous !== undefined ? ` Head ${sl}.${sh} puts ${Math.round(previous * 100)}% of its attention on the token just before — the previous-token head an induction head needs: it writes “what came before me” into each position, which the induction head then matches.` : ''}`,
  readsFromPair: (
    tl: number,
    th: number,
    al: number,
    ah: number,
    bl: number,
    bh: number,
    base: number,
    aloneA: number,
    aloneB: number,
    both: number,
    previous: boolean,
  ) =>
    `Head ${tl}.${th} reads from heads ${al}.${ah} and ${bl}.${bh} together: without either one its induction score only falls from ${base.toFixed(2)} to ${aloneA.toFixed(2)} or ${aloneB.toFixed(2)}, without both to ${both.toFixed(2)}.${previous ? ' Both attend to the token just before: two previous-token heads sharing the work, so each alone looks dispensable.' : ''}`,
  noSource: (tl: number, th: number) =>
    `No single head’s removal breaks head ${tl}.${th}’s score (none halves it): it does not read one earlier head alone, or it is not an induction head yet.`,
  ablationLayer: (l: number) => `layer ${l}`,
  ablationHead: (h: number) => `head ${h}`,
  genHeadsOff: (n: number) =>
    `${n} ${n === 1 ? 'head is' : 'heads are'} switched off (head ablation): the text is what the model writes without ${n === 1 ? 'it' : 'them'}.`,

  // activation patching
  patchingTitle: 'Activation patching',
  patchingIntro:
    'Two prompts of the same length that differ where it matters: the clean one leads to the answer, the corrupted one to the wrong answer. Run the corrupted prompt, put one activation of the clean run in its place, and see how much of the clean logit difference comes back: where the information that decides the answer is carried.',
  patchingClean: 'Clean prompt',
  patchingCorrupted: 'Corrupted prompt (the same length in tokens)',
  patchingAnswer: 'Answer (the clean prompt’s next token)',
  patchingWrong: 'Wrong answer (the corrupted one’s)',
  patchingRun: 'Patch every head and position',
  patchingDiffs: (clean: number, corrupted: number, step: number) =>
    `Logit difference (answer − wrong answer) at the last position: clean ${clean.toFixed(3)}, corrupted ${corrupted.toFixed(3)} (step ${step}). Each cell: the share of that difference a patch recovers — 1 all of it, 0 none.`,
  patchingSame:
    'The two prompts give the same logit difference: there is nothing to recover (choose prompts or answers that the model tells apart).',
  patchingHeads: 'Heads (their output patched)',
  patchingResid: 'Residual stream (one position patched, entering each block)',
  patchingStreamRow: (l: number, L: number) => (l === L ? 'after the last block' : `into block ${l}`),
  patchingCell: (where: string, share: number) => `${where}: ${(share * 100).toFixed(0)}% of the difference recovered`,
  patchingPosition: (t: number, token: string) => `position ${t} “${token}”`,

  // Q/K/V calculator
  qkvTitle: 'Q/K/V calculator',
  calcProbe: 'Calculator probe',
  calcProbePlaceholder: 'a slice of the validation text',
  calcLayer: 'Calculator layer',
  calcHead: 'Calculator head',
  queryPosition: 'Query position',
  qkvStep1: (token: string, pos: number, step: number, layer: number, xhat: string, n: number, mean: string) =>
    `The query token is “${token}” (position ${pos}, step ${step}). Its input to block ${layer}, after LayerNorm: ${xhat} (${n} numbers; before the gain and bias their mean is ${mean} → 0 and their spread is normalised to 1).`,
  qkvStep2: (hs: number, q: string) =>
    `q = x̂·W_q + b_q, this head’s ${hs} numbers: ${q}; each key token j gets a key k_j = x̂_j·W_k + b_k and a value v_j = x̂_j·W_v + b_v.`,
  qkvStep3: (hs: number, root: string, query: number, masked: boolean) =>
    `Scores q·k_j, divided by √${hs} = ${root} (the head size, not the width), then softmax (${masked ? `the future is masked, so only positions 0…${query} take part` : 'this model has no causal mask: every position takes part, the future included'}):`,
  scoresAndWeights: 'Scores and weights',
  keyColumn: 'key',
  weightColumn: 'weight',
  qkvStep4: (out: string) =>
    `The head’s output is Σ_j weight_j · v_j: ${out}. It joins the other heads’ outputs, and the output projection (c_proj) adds the result to the residual stream.`,
  qkvCheck: (worst: string) =>
    `Recomputed here from the inputs the model used: the largest difference from the model’s own numbers is ${worst}.`,

  // text panel
  dataTitle: '1. Text to learn from',
  dataset: 'Dataset',
  ownText: 'Your own text',
  uploadFile: 'Upload a text file',
  ownTextHelp: (max: string) =>
    `Paste or type any text (UTF-8; from a file, up to ${max} — of a larger one, its start is offered). Every distinct character becomes a token.`,
  trainingText: 'Training text',
  previewNote: (shown: string, total: string) =>
    `Showing the first ${shown} of ${total} characters. The whole text is used for training; a text this long is not edited here (a page holding it in an editable box slows to a crawl).`,
  clearToType: 'Clear it to type your own',
  textStats: (chars: string, vocab: string, train: string, val: string) =>
    `${chars} characters · vocabulary ${vocab} · ${train} train / ${val} validation tokens`,
  pairModeLabel:
    'Pair mode: each line is a prompt and its completion (“prompt⇥completion”, or JSON lines with "prompt" and "completion"), for fine-tuning on a task',
  pairStats: (n: string, tsv: boolean, train: string, held: string, vocab: string) =>
    `${n} pairs (${tsv ? 'tab-separated' : 'JSON lines'}) · ${train} to train on, ${held} held out to evaluate · vocabulary ${vocab}. The loss counts only the completions.`,
  textLocked: 'The text is locked while a model trains on it. Stop training to change it.',
  couldNotLoad: (label: string, why: string) => `Could not load ${label}: ${why}. The current text is unchanged.`,
  loadedFile: (name: string, size: string) => `Loaded “${name}” (${size}).`,

  // start from a trained model (the gallery)
  galleryTitle: 'Start from a trained model',
  galleryAbout: 'About these',
  galleryFactsShort: (steps: number, val: number) => `${steps.toLocaleString('en')} steps · val loss ${val.toFixed(2)}`,
  galleryIntro:
    'Models trained by this project’s own code and shipped with the page, in half precision; fetched only when chosen. Choose one: the text it learned becomes the training text, and every view shows a model that already knows something, before a single step.',
  galleryNamesSmall: 'First names · Small',
  galleryTangSmall: 'Tang poems · Small',
  galleryMobyBaby: 'Moby-Dick · Baby GPT',
  galleryFacts: (steps: number, val: number, kb: number) =>
    `trained ${steps.toLocaleString('en')} steps · validation loss ${val.toFixed(2)} · ${kb.toLocaleString('en')} KB`,
  galleryFetching: 'Fetching the model…',
  galleryFetchFailed: (detail: string) => `The model could not be fetched (${detail}). The current model is unchanged.`,
  galleryLoaded: (steps: number, val: number) =>
    `Loaded, trained ${steps.toLocaleString('en')} steps (validation loss ${val.toFixed(2)} when it was made). Every view now shows this model.`,
  galleryScratchLoaded: 'Now a fresh model of the same size, untrained (step 0), on the same text.',
  galleryStartLegend: 'When you press “Start training”:',
  galleryStartTrained: (steps: number) =>
    `fine-tune the trained model (its weights after ${steps.toLocaleString('en')} steps, at a tenth of the learning rate)`,
  galleryStartScratch: 'train a fresh model of the same size from scratch (random weights, step 0)',
  galleryLocked: 'Pause or stop training to choose a trained model.',

  // settings panel
  settingsTitle: '2. Model and training',
  preset: 'Preset',
  custom: 'Custom',
  ownSettings: 'Your own settings.',
  presetName: (_id: string, label: string) => label,
  presetDescription: (_id: string, description: string) => description,
  field: (key: string) =>
    ({
      nLayer: 'Layers',
      nHead: 'Heads',
      nEmbd: 'Embedding width',
      blockSize: 'Context length',
      dropout: 'Dropout',
      batchSize: 'Batch size',
      maxIters: 'Steps',
      learningRate: 'Learning rate',
      warmupIters: 'Warmup steps',
      minLr: 'Minimum learning rate',
      weightDecay: 'Weight decay',
      beta2: 'β2',
      gradClip: 'Gradient clip',
      evalInterval: 'Evaluate every',
      evalIters: 'Validation batches',
      seed: 'Seed',
    })[key] ?? key,
  fieldHint: (key: string) =>
    ({
      nLayer: 'Transformer blocks stacked on top of each other',
      nHead: 'Attention heads per block; must divide the embedding width',
      nEmbd: 'Channels in the residual stream (C)',
      blockSize: 'How many tokens the model sees at once (block size)',
      dropout: 'Fraction of activations zeroed in training (0 – 0.9)',
      batchSize: 'Sequences per step',
      maxIters: 'Training stops here; the learning rate decays to its minimum by then',
      learningRate: 'Peak AdamW learning rate',
      warmupIters: 'Linear warmup before the cosine decay',
      minLr: 'Where the cosine decay ends',
      weightDecay: 'AdamW decay on 2-D weights',
      beta2: "AdamW's second-moment decay",
      gradClip: 'Global-norm clipping; 0 turns it off',
      evalInterval: 'Steps between validation losses',
      evalIters: 'Batches averaged for each validation loss',
      seed: 'Same seed, same weights and batches',
    })[key] ?? '',
  positionsTitleHint:
    'How the model knows where a token is: a learned table (nanoGPT) or the fixed sinusoid of the original Transformer (no parameters)',
  positions: 'Positions',
  learnedTable: 'learned table',
  fixedSinusoid: 'fixed sinusoid',
  noPositions: 'none (the causal mask alone)',
  bias: 'Bias',
  generatedIntro: (minPeriod: number, maxPeriod: number, shortShare: number) =>
    `Every step draws new sequences like these: a few random symbols, then a random segment repeated to the end. The period is ${minPeriod}–${maxPeriod}, or 1–2 in ${shortShare}% of them, and changes from sequence to sequence, so only looking back for where the current symbol came before — and copying what followed it — predicts the repeats.`,
  generatedExamples: 'Examples of the generated sequences',
  generatedPeriod: (p: number) => `period ${p}`,
  generatedStats: (symbols: number) =>
    `${symbols} symbols, one token each · fresh batches every step: nothing to memorise, so the training and validation losses are the same`,
  mlpOn: 'MLP in each block',
  mlpOnHint:
    'Off: an attention-only model (no MLP, no second LayerNorm) — the two-layer kind in which induction heads were first found',
  tiedHead: 'LM head tied to the embedding',
  tiedHeadHint:
    'On (GPT-2, nanoGPT): the logits are the stream times the token embedding. Off: the model has an LM head of its own, V × C more parameters',
  paramCount: (params: string, vocab: string, pos: string, table: string, bytes: string) =>
    `${params} parameters (${vocab}-token vocabulary${pos === 'sinusoidal' ? '; the fixed sinusoid adds none' : pos === 'none' ? '; no positional encoding' : `; ${table} of them the position table`}) · about ${bytes} to train`,
  fixSizes: 'Fix the sizes above to see the parameter count.',
  estimateTime: 'How long will it take?',
  estimating: (seconds: number) =>
    `timing a few steps of these settings on this machine…${seconds >= 3 ? ` ${seconds} s` : ''}`,
  estimated: (total: string, stepMs: number) => `about ${total} on this machine (${stepMs} ms a step, measured)`,
  duration: (ms: number) => formatDuration(ms, { s: 's', min: 'min', h: 'h' }),
  settingsLocked: 'Settings are locked while training. Stop training to change them.',
  shareSettings: 'Share these settings',
  linkToSettings: 'Link to these settings',
  shareNote: (dataset: boolean) =>
    `The link carries the settings${dataset ? ' and the built-in dataset' : ''} — never your text or the model. It is copied to the clipboard where the browser allows.`,
  badLink: 'The settings in this page’s link could not be used, so the defaults stay:',

  // backend
  backendChoice: (c: string) =>
    ({
      auto: 'Auto (fastest available)',
      webgpu: 'WebGPU',
      webgl: 'WebGL',
      wasm: 'WebAssembly (wasm)',
      cpu: 'Plain JavaScript (cpu)',
    })[c] ?? c,
  switchBackendConfirm: 'Switching the backend starts a fresh worker: the trained model will be discarded. Continue?',
  runningOn: 'Running on',
  adapter: (software: boolean, description: string) => ` (${software ? 'software' : 'hardware'}: ${description})`,
  /** Why this backend runs, from the report's facts; English shows the worker's own sentence instead. */
  backendReason: (_requested: string, _backend: string, _webgpu: string, _webgl: string) => '',
  webgpuNote: (kind: string) =>
    ({
      hardware: 'WebGPU: available on a GPU',
      software: 'WebGPU: only a software adapter (no GPU)',
      none: 'WebGPU: not available in this browser',
    })[kind] ?? kind,
  backendsTried: 'Backends tried',
  backendWorks: (ok: boolean) => (ok ? 'works' : 'unusable'),
  startingWorker: 'Starting the training worker and testing backends…',
  stopToChangeBackend: 'Stop training to change the backend.',
  /** The header's chip: where the model computes, the backend, and the GPU's maker (or that it is a software one). */
  backendChip: (backend: string, software: boolean, vendor: string) =>
    `${onGpu(backend, software) ? 'GPU' : 'CPU'} · ${LIBRARY[backend] ?? backend}${software ? ' (software)' : vendor ? ` (${vendor})` : ''}`,
  backendChipTitle: 'The backend: open for the full report, and to choose another',
  backendStarting: 'Starting the engine…',
  backendLimits: (tensorBytes: number, totalBytes: number) =>
    `Limits used to refuse models too big for this backend: ${size(tensorBytes)} for one tensor, ${size(totalBytes)} in all.`,
  /** Whether the page is cross-origin isolated (threads can share memory) and how many threads train. */
  backendThreads: (isolated: boolean, threads: number) =>
    `${isolated ? 'Cross-origin isolated: threads can share memory' : 'Not cross-origin isolated: no shared memory, so one thread'}. Training's matrix products run on ${threads === 1 ? 'one thread' : `${threads} threads`}.`,

  // about the texts
  aboutTitle: 'About the built-in texts',
  aboutIntro:
    'Every built-in text is bundled with the page from an npm package at build time; choosing one loads it from the page itself, never from the network.',
  aboutTable: 'Built-in texts, their sources and licences',
  textColumn: 'Text',
  sourceColumn: 'Source',
  licenceColumn: 'Licence',
  // model file
  fileTitle: 'Model file',
  fileIntroBefore: 'Save the model as ',
  fileIntroMiddle: ' with nanoGPT’s names and PyTorch’s layouts (a nanoGPT ',
  fileIntroAfter: ' loads it with ',
  fileIntroEnd: '), or open one to sample from it and train it further on the text in panel 1.',
  exporting: 'Exporting…',
  exportSafetensors: 'Export .safetensors',
  exportNanoGptTitle:
    "A .tar with the tokenized text as nanoGPT's train.bin / val.bin / meta.pkl, a config with these settings, the weights and optimizer state, and the scripts to turn them into nanoGPT's ckpt.pt and back",
  exportNanoGpt: 'Export for nanoGPT',
  openModelFile: 'Open a model file',
  extendVocab:
    'Add characters of the text that the model has never seen to its vocabulary (new embedding rows; the others are kept)',
  pauseToOpen: 'Pause or stop training to open a model file.',
  pausedRunStays:
    'The paused run is saved in Runs: opening a model file starts a new run, and you can resume this one there.',
  checkingFile: (name: string) => `Checking ${name}…`,
  openedFile: (
    name: string,
    L: number,
    H: number,
    C: number,
    T: number,
    V: number,
    steps: number | undefined,
    added: string,
  ) =>
    `Opened ${name}: ${L} layers × ${H} heads, ${C} wide, context ${T}, ${V} tokens${steps !== undefined ? `, trained ${steps.toLocaleString('en')} steps` : ''}.${added ? ` Added to the vocabulary: ${added}.` : ''} “Start training” continues training it on the text in panel 1.`,
  modelUnchanged: ' The current model is unchanged.',

  // runs
  runsTitle: 'Runs',
  runName: 'Run name',
  save: 'Save',
  openMark: ' (open)',
  rename: 'Rename',
  savedWhen: (when: string) => `saved ${when}`,
  noCheckpoint: 'no checkpoint',
  compare: 'Compare',
  noCheckpointYet: 'This run closed before its first checkpoint',
  pauseToOpenRun: 'Pause or stop training to open or fine-tune another run.',
  stopToDeleteRun: 'Stop training to delete the run that is open.',
  open: 'Open',
  fineTuneTitle: "A new run from this one's weights, on the text in panel 1, with a tenth of the learning rate",
  fineTune: 'Fine-tune',
  deleteForGood: 'Delete for good',
  keep: 'Keep',
  deleteRun: 'Delete',
  noStorage:
    'This browser does not let the page store data (private mode, or storage blocked): runs are not kept after a reload.',
  interrupted: (name: string, step: string) => `“${name}” stopped at step ${step} when the page closed.`,
  resumeFrom: (step: string) => `Resume from step ${step}`,
  runsEmpty:
    'Runs you train are kept here, with their last checkpoint, loss history and settings: reload the page and resume where you were.',
  storedRuns: 'Stored runs',
  runColumn: 'Run',
  stepsColumn: 'Steps',
  bestValTitle: 'The lowest validation loss of the run',
  bestVal: 'Best val loss',
  sizeColumn: 'Size',

  // pairs
  pairsTitle: 'Held-out pairs',
  pairsIntro: (held: number, total: number) =>
    `${held} of ${total} pairs were held out from training. For each (at most 50), the model continues the prompt and its tab greedily until a line break; the scores compare that with the true completion.`,
  evaluateNow: 'Evaluate now',
  scoreOver: 'Score over',
  unitName: (u: string) => (u === 'words' ? 'words' : 'characters'),
  pairsEvaluating: (done: number, total: number) => `Evaluating… ${done} / ${total}`,
  pairsModelAt: (step: number) => `Model at step ${step}.`,
  pairsWhen: 'Evaluated when training ends, or now.',
  exactMatch: 'Exact match',
  pairMeans: (n: number, unit: string) => `(means over ${n} pairs, ${unit})`,
  pairsTable: 'Held-out pairs and scores',
  promptColumn: 'Prompt',
  referenceColumn: 'Reference',
  generatedColumn: 'Generated',
  // tokenizer
  tokensLegend: 'Tokens',
  charTokens: 'Characters: every distinct character is a token',
  bpeTokens: 'Byte-level BPE (as GPT-2), trained on this text:',
  vocabulary: 'Vocabulary',
  bpeTraining: 'BPE training',
  merges: (done: string, target: string) => `${done} / ${target} merges`,
  trainTokenizer: 'Train tokenizer',
  bpeBadSize: (min: number, max: string) =>
    `The BPE vocabulary must be a whole number from ${min} (the 256 bytes and one merge) to ${max}.`,
  tokenizersTable: 'Tokenizers on this text',
  charsPerToken: 'Characters per token',
  trainValTokens: 'Train / validation tokens',
  charactersRow: 'Characters',
  notTrainedYet: 'not trained yet',
  bpeNote: (s: string, merges: string, early: boolean, earlier: boolean, below: boolean) =>
    `Trained in ${s} s: ${merges} merges${early ? ' (all there were: no pair of tokens occurs twice more)' : ''}${earlier ? '; on an earlier text (it still encodes this one; train again to fit it)' : ''}.${below ? ' Fewer than one character per token: in UTF-8 a Hanzi takes 3 bytes and an accented letter 2, and a small vocabulary makes only the most frequent of them whole tokens — raise the vocabulary, or use characters.' : ''}`,
  tokenizerTradeoff:
    'More characters per token means a context of the same length sees more text, but the vocabulary (and the output layer) grows, and each token is seen less often. A different tokenizer means a new model.',
  tokenInspector: 'Token inspector',
  textToCut: 'Text to cut into tokens',
  tokensOf: (label: string, n: string, perToken: string | undefined) =>
    `${label}: ${n} tokens${perToken ? `, ${perToken} characters per token` : ''}`,
  tokensAria: (label: string) => `${label} tokens`,
  tokenId: (id: number) => `token ${id}`,
  trainBpeToSee: 'Train the BPE tokenizer to see the same text in its tokens.',

  /** A coded problem in the active language: '' means "use the problem's own English message". */
  problem: (_p: Coded): string => '',

  // concept cards
  conceptsTitle: 'Concept cards: the tutorial, on your model',
  conceptsIntro:
    'One card per idea of the tutorial, in its order: what it is, its formula, what to look for, something to try, a caveat — and the number from your model right now. Where the tutorial is wrong, the card says so under “A correction to the tutorial”.',
  erratum: 'A correction to the tutorial',
  colon: ': ',
  conceptNoNumber: 'No number yet: train a little, or open the view this card points to.',
  lookFor: 'What to look for',
  tryThis: 'Try this',
  caveat: 'Caveat',
  showMe: 'Show me',
  predictTitle: 'Predict first',
  predictAnswer: 'Answer',
  predictSkip: 'Show the number without predicting',
  predictYours: 'Your prediction',
  predictMeasured: 'measured',
  predictNotYet: 'not measured yet',
  predictAgain: 'Predict again',
  predictSep: ' · ',
  predictVerdict: (v: 'close' | 'high' | 'low' | 'right' | 'wrong') =>
    ({ close: 'close', high: 'too high', low: 'too low', right: 'right', wrong: 'not this one' })[v],
  maskExplorer: 'Three attention masks side by side',
  maskCausal: 'causal (GPT): each token sees itself and the past',
  maskBidirectional: 'bidirectional (BERT): every token sees every token',
  maskCross: 'cross-attention (encoder–decoder): decoder rows see all encoder columns',
  maskIllustration:
    'An illustration (dark: may attend). This page trains the first kind. BERT uses the second fairly, because it hides the tokens it predicts behind [MASK]; the no-mask twin uses the second while still predicting the next token, so the answer sits in its input — which is why a GPT cannot work this way.',

  // guided tour
  tourTitle: 'Guided tour',
  tourIntro:
    'Seventeen steps through the tutorial’s ideas on your own model, one of them an experiment: thirteen set a task the page checks, four are for reading. Where the tutorial is wrong, the step says so. You can skip any step, leave, and come back where you were.',
  tourStart: 'Start the tour',
  tourResume: (n: number) => `Resume the tour at step ${n}`,
  tourStepOf: (n: number, total: number) => `Step ${n} of ${total}`,
  tourTask: 'To do',
  tourDone: 'Done ✓',
  tourWaiting: 'Not yet',
  tourBack: 'Back',
  tourNext: 'Next',
  tourSkip: 'Skip',
  tourEnd: 'End the tour',
  tourFinish: 'Finish',
  tourFinished: 'Tour finished: every concept card stays open below for reference.',
  tourNoTask: 'Nothing to do here but look: read the view, then go on.',

  lessonRefused: (keys: string) =>
    `This link’s ${keys} could not be used (unknown or out of range); the rest of it was.`,
  copyLessonLink: 'Copy a lesson link',
  lessonLinkLabel: 'Lesson link',
  lessonLinkNote:
    'The link opens this page in this language, at this tour step, with the atlas probe, layer, head and pinned step you have now — never your text or the model.',

  fileRefused: (_code: string, _p: Record<string, string | number>) => '',
  /** A checkpoint that could not be written; English says the worker's own words. */
  storageProblem: (_reason: string) => '',
  engineStoppedTitle: 'Training engine stopped.',
  engineStoppedWhy: (why: string, detail: string) =>
    why === 'silent'
      ? `The training worker has not answered for ${detail} s: it was killed or is stuck.`
      : why === 'crashed'
        ? `An error escaped the training worker${detail ? ` (${detail})` : ''}.`
        : `The training worker could not start${detail ? ` (${detail})` : ''}.`,
  engineRestartResumes: (name: string, step: number, training: boolean) =>
    `Restart starts a new engine and reopens ${name ? `“${name}”` : 'the run'} at its last checkpoint, step ${step}${training ? ', and trains on' : ''}.`,
  engineRestartFresh: 'No checkpoint of this run was saved yet: Restart starts a new engine with a new model.',
  restartEngine: 'Restart',
  deviceLost: (backend: string, message: string, step: number | undefined, fallback: string | undefined) =>
    `The GPU device under ${backend} was lost (${message}).${fallback ? ` It was the second time within a minute, so training now runs on ${fallback}.` : ` A new engine was started on ${backend}.`}${step !== undefined ? ` The run was reopened at its last checkpoint, step ${step}.` : ' No checkpoint had been saved, so the run starts again.'}`,
  dismiss: 'Dismiss',
  textLoadCancelled: 'Loading the text was cancelled: the current text is unchanged.',
  measuringText: (pct: number, chars: string) =>
    `Measuring the new text (${chars} characters) in the training worker: ${pct}%. The current text stays until it is done.`,
  textOffer: (what: string, name: string, size: string, limit: string) =>
    what === 'file'
      ? `“${name}” is ${size}; the limit is ${limit}. Its first ${limit} can be used; the current text is unchanged until you choose.`
      : `The text has ${size} characters; the limit is ${limit}. Its first ${limit} characters can be used; the current text is unchanged until you choose.`,
  useTextStart: (what: string, limit: string) =>
    what === 'file' ? `Use its first ${limit}` : `Use the first ${limit} characters`,
  keepCurrentText: 'Keep the current text',
  unreadableRun: (id: string) => `A stored record (${id}) could not be read as a run:`,
  deleteRecord: 'Delete it',
  divergedTitle: 'Training paused itself.',
  diverged: (kind: string, step: number, loss: number, reference: number) =>
    kind === 'non-finite'
      ? `At step ${step} the loss became ${loss} — not a number. That step’s update was not applied: the model is as it was after step ${step - 1}.`
      : kind === 'worse-than-guessing'
        ? `At step ${step} the loss reached ${loss.toFixed(2)}, far worse than guessing every token evenly (${reference.toFixed(2)}): the updates overshoot.`
        : `At step ${step} the loss jumped to ${loss.toFixed(2)}, more than twice its recent average (${reference.toFixed(2)}).`,
  divergedAdvice: (lr: number, suggested: number) =>
    `A learning rate of ${lr} is probably too high for this model; try ${suggested}.`,
  divergedKept: (step: number) =>
    `The saved checkpoint (step ${step}) was not overwritten: the Runs panel can reopen it.`,
  resumeAtLr: (lr: number) => `Resume from here with learning rate ${lr}`,
  restartAtLr: (lr: number) => `Start again with learning rate ${lr}`,
  rewindAtLr: (step: number, lr: number) => `Go back to step ${step} and resume with learning rate ${lr}`,
  resumeAnyway: 'Resume unchanged',
  divergedLine: 'diverged',

  fileProblem: (detail: string) => detail,
}

type Widen<T> = { [K in keyof T]: T[K] extends (...args: infer A) => string ? (...args: A) => string : string }
export type Messages = Widen<typeof en>

export const zhCN: Messages = {
  documentTitle: 'GPT 游乐场——在浏览器标签页里训练 Transformer',
  appTitle: 'GPT 游乐场',
  tagline: '用你自己的文本，就在这个标签页里训练一个小型 GPT。看损失下降，看注意力成形，在模型学习的同时与它对话。',
  footer:
    '模型是 nanoGPT 的 GPT（词元嵌入 + 位置嵌入，带因果自注意力和 GELU 前馈网络的前置层归一化块，共享权重的输出层，AdamW），在 Web Worker 中由 TensorFlow.js 运行。数据不会离开你的浏览器。',
  languageLabel: '语言',

  themeLabel: '主题',
  themeSystem: '自动',
  themeLight: '浅色',
  themeDark: '深色',
  allSettings: '全部设置',
  moreTitle: '训练记录、模型文件、成对模式等',
  toTools: '训练记录与文件',
  diagramTitle: '模型',
  diagramLabel: '模型结构图。用方向键在各部分之间移动，按回车键在旁边打开它。',
  diagramHint: '点击某一部分，在结构图旁边打开它。',
  diagramEmbed: `${G.embedding.zh}`,
  diagramEmbedOpen: `${G.embedding.zh}（wte）：打开各${G.token.zh}的嵌入图`,
  diagramPos: '位置嵌入',
  diagramPosOpen: `位置嵌入（wpe）：打开${G.positionalEncoding.zh}`,
  diagramBlock: (layer) => `第 ${layer} 块`,
  diagramBlockOpen: (layer) => `第 ${layer} 块：打开注意力总览`,
  diagramBlockParts: `${G.layerNorm.zh} → 注意力头 → ${G.layerNorm.zh} → ${G.feedForward.zh}，两者的输出都加回${G.residualStream.zh}`,
  diagramBlockPartsAttnOnly: `${G.layerNorm.zh} → 注意力头，输出加回${G.residualStream.zh}（只有注意力：没有${G.feedForward.zh}）`,
  diagramMlp: `+ ${G.feedForward.zh}`,
  diagramNoMlp: '只有注意力',
  diagramResidOpen: `每个块往${G.residualStream.zh}里加了多少，以及参数都在哪里`,
  diagramHead: (layer, head) => `第 ${layer} 层第 ${head} 头：打开它的注意力`,
  diagramLm: '语言模型头',
  diagramLmOpen: '语言模型头：打开下一个词元透镜与 Logit 透镜',
  diagramLmParts: `${G.layerNorm.zh} → 词表上的 logits（与 wte 共享权重）`,
  diagramLmPartsUntied: `${G.layerNorm.zh} → 词表上的 logits（输出层有自己的权重，不是 wte）`,
  diagramExperiments: '在注意力头上做实验：',
  diagramInduction: `看着${G.inductionHead.zh}形成`,
  diagramInductionOpen: `归纳头实验：现场生成的重复词元，加上只有注意力的模型；点击开始，看头的时间线`,
  diagramAblation: '注意力头消融',
  diagramAblationOpen: '注意力头消融：关掉某些头，测出每个头的作用',
  diagramHeadsOff: (n) => `已关 ${n} 个`,
  diagramPatching: '激活修补',
  diagramPatchingOpen: '激活修补：找出决定答案的信息在哪里传递',
  diagramParams: (n) => `${n} 个参数`,
  diagramMapsSoon: '模型建好后，每个头会在验证探针上画出它的注意力。',
  liveTitle: '实时样本',
  liveEmpty: '开始训练后，模型自己写的文本会出现在这里，并随着学习不断变化。',
  liveEvery: (every) => `训练时，模型每 ${every} 步续写一次提示词。`,
  liveAt: (step, loss) => `第 ${step} 步 · ${G.loss.zh} ${Number.isFinite(loss) ? loss.toFixed(2) : '–'}`,
  tabRuns: G.run.zh,
  tabTokenizer: '分词与成对模式',
  textOptionsTitle: `文本的${G.token.zh}与${G.pair.zh}`,
  tabFile: '模型文件',
  tabPairs: G.pair.zh,
  tabConcepts: '概念',
  tabAbout: '关于文本',
  fullStop: '。',

  colours: '配色',
  viridis: 'viridis',
  cividis: 'cividis（色盲友好）',
  scale: '刻度',
  linear: '线性',
  sqrtScale: '平方根（小权重也看得见）',
  legendLabel: (label, low, high, sqrt) => `${label}：从 ${low} 到 ${high}${sqrt ? '，平方根刻度' : ''}`,
  attentionWeight: G.attentionWeight.zh,

  generatedText: '生成的文本',
  scoredText: '评分的文本',
  tokenAria: (token, p) => `${token}：概率 ${(p * 100).toFixed(1)}%`,
  lockedHint: '已锁定（按 Esc 解锁）：',
  tokenDetail: (token, p, entropy, top) =>
    `“${token}”的概率为 ${(p * 100).toFixed(1)}% · 熵 ${entropy.toFixed(2)} 奈特 · 模型排在前 5 位的${G.token.zh}：${top}`,
  tokenStripHint: (trace) =>
    `颜色表示每个${G.token.zh}的概率（白色 = 不太可能，绿色 = 很可能）。将鼠标悬停在某个${G.token.zh}上（或用 Tab 键选中它），可以看到模型还考虑过哪些${G.token.zh}${trace ? '、它当时在看哪里' : ''}；单击或按回车键可以锁定。`,
  traceCaption: (token, n) =>
    `模型选出“${token}”时在看哪里。每一行是一个${G.head.zh}的注意力：从“${token}”前面那个位置出发，分布在上下文的 ${n} 个${G.token.zh}上（每行之和为 1）。`,
  traceStrongest: (layer, head, share, token, pos) =>
    `最强的单个连接：第 ${layer} 层第 ${head} 头把 ${pct(share)} 的注意力放在“${token}”上（上下文第 ${pos} 个${G.token.zh}）。`,
  traceCaveat: '注意力只说明信息从哪里读来，并不说明原因；它本身算不上解释。',
  traceTable: `这个${G.token.zh}在每个${G.head.zh}上的注意力`,
  traceCell: (layer, head, token, w) => `第 ${layer} 层第 ${head} 头 → “${token}”：${(w * 100).toFixed(1)}%`,
  contextToken: (n) => `上下文第 ${n} 个${G.token.zh}`,

  beamCaption: (width, depth) =>
    `${G.beamSearch.zh}的过程（束宽 ${width}，前 ${depth} 步）。每一列是一步，实线框是保留下来的${G.beam.zh}，灰色虚线框是被剪掉的最佳扩展，数字是累计对数概率。`,
  beamBest: '蓝色',
  beamBestIs: `：最好的${G.beam.zh}。`,
  beamGreedy: '橙色',
  beamGreedyIs: `：${G.greedy.zh}的路径。`,
  beamSame: `这里${G.greedy.zh}找到的是同一条路径。`,
  beamLeaves: (step, token) =>
    `${G.greedy.zh}在第 ${step} 步选了“${token}”，从此离开了保留的${G.beam.zh}（${G.beamSearch.zh}剪掉了这条路，或者根本没有走到）。`,
  beamPart: `${G.greedy.zh}与最好的${G.beam.zh}在树中分道扬镳。`,
  beamAria: (kept, pruned, depth) => `${G.beamSearch.zh}树：${depth} 步中保留 ${kept} 个节点，剪掉 ${pruned} 个`,
  beamNode: (step, token, lp, state) =>
    `第 ${step} 步：“${token}”，累计对数概率 ${lp.toFixed(3)}（${state === 'kept' ? '保留' : state === 'done' ? '保留，已到达停止文本' : '剪掉'}）`,

  twinTitle: '动手破坏，才能真正理解：去掉因果掩码、去掉位置编码、去掉残差连接、post-LN',
  noposTwinTitle: `去掉${G.positionalEncoding.zh}`,
  noposTwinIntro: `把位置表拿掉：每个${G.token.zh}进入模型时只带着它自己的嵌入。单靠注意力分不出先后，可因果模型并不是“单靠注意力”：第 t 个位置只能看到 t + 1 个${G.token.zh}，注意力摊得有多开，就大致透露了它排在第几位（Haviv 等，2022）。用微型模型训练 500 步的测量结果：在英文名字上，双胞胎与完整模型打成平手（2.20 对 2.20），在《白鲸》上也一样（2.48 对 2.52）——这样的规模下，模型主要靠的是当前这个字母。换成“重复的随机词元”（归纳头预设，600 步）就完全不同了：没有哪个头能准确找到“前一个${G.token.zh}”，于是${G.inductionHead.zh}始终形成不了（前缀匹配得分 0.27 对 0.82），重复的部分也一直猜不出来（这部分的${G.loss.zh}是 2.70 对 0.46）。`,
  noposTwinButton: `训练一个没有${G.positionalEncoding.zh}的双胞胎模型`,
  noposTwinLoss: `对比两条曲线：在普通文本上两者相差无几；在重复的随机词元上，双胞胎的${G.loss.zh}一直远高于完整模型。`,
  resTwinTitle: `去掉${G.residual.zh}`,
  resTwinIntro: `把${G.residual.zh}拿掉：每个块注意力的输出不再加到${G.residualStream.zh}上，而是直接替换它，${G.feedForward.zh}的输出也一样。于是所有信息——${G.token.zh}本身、它的位置，以及反向传回的梯度——都必须穿过每一层；而 GPT-2 的初始化让每个块的输出一开始就很小（它本来是要加到${G.residualStream.zh}上的）。在英文名字上用微型模型训练 500 步的测量结果：双胞胎停在 3.09，正好在“${G.token.zh}频率”那条参考线上（它只学会了哪些字母常见），有${G.residual.zh}时是 2.20——2 层和 6 层都一样。`,
  resTwinButton: `训练一个没有${G.residual.zh}的双胞胎模型`,
  resTwinLoss: `对比两条曲线：双胞胎的${G.loss.zh}停在“${G.token.zh}频率”参考线附近，高于完整模型。`,
  twinWhole: (loss, step) => `；完整模型：第 ${step} 步为 ${loss.toFixed(3)}`,
  postTwinTitle: `在每个子层之后做${G.layerNorm.zh}（post-LN）`,
  postTwinIntro: `GPT-2 先对子层的输入做归一化，x + f(LN(x))；最初的 Transformer 则在相加之后才归一化，LN(x + f(x))。这个双胞胎用的是后一种：到达顶层的只有各子层相加后的结果，每一次都被${G.layerNorm.zh}压缩一遍，反向传回的梯度也是如此。在英文名字上用微型模型的设置训练 500 步的测量结果：2 层时它几乎学得一样好（2.22 对 2.20），只是开头慢一些；6 层时它一直停在“${G.token.zh}频率”参考线上（3.09），而 pre-LN 降到了 2.21——先把层数设为 6 再试。（同样的 6 层去掉预热后，它在第 200 步左右动了起来：post-LN 很不稳定。）`,
  postTwinButton: '训练一个 post-LN 双胞胎模型',
  postTwinLoss: '对比两条曲线：层数少时两者会合到一起；层数深时，post-LN 双胞胎可能长时间停滞不前。',
  twinIntro: `GPT 的训练目标是根据前面的${G.token.zh}预测下一个${G.token.zh}，${G.causalMask.zh}负责把未来挡住。去掉掩码，每个位置都能看到其他所有位置，也包括它要预测的那个${G.token.zh}。点一下按钮，就会用同样的文本、同样的设置和随机种子，训练一个没有掩码的“双胞胎”模型。`,
  twinButton: '训练一个没有因果掩码的双胞胎模型',
  twinKeep: `当前的训练会暂停并保存（可以在“${G.run.zh}”面板中重新打开），它的验证${G.loss.zh}曲线会留在${G.loss.zh}图上供你比较。`,
  twinTraining: (state) =>
    `你正在训练没有掩码的双胞胎模型${state === 'training' ? '' : `（${{ ready: '尚未开始', paused: '已暂停', stopped: '已停止', finished: '已完成' }[state] ?? state}）`}。请注意观察：`,
  otherTwinTraining: (state) =>
    `你正在训练这个双胞胎模型${state === 'training' ? '' : `（${{ ready: '尚未开始', paused: '已暂停', stopped: '已停止', finished: '已完成' }[state] ?? state}）`}；完整的模型已保存在“${G.run.zh}”中。`,
  twinLossTitle: G.loss.zh,
  twinLoss: '降到有掩码的模型怎么也达不到的水平，因为答案就在输入里。',
  twinNow: (loss, step) => `目前：第 ${step} 步的训练${G.loss.zh}为 ${loss.toFixed(3)}`,
  twinMasked: (loss, step) => `；有掩码的模型在第 ${step} 步的验证${G.loss.zh}为 ${loss.toFixed(3)}`,
  twinGenerateTitle: '生成',
  twinGenerate: `一段文本看看：全是${G.gibberish.zh}。生成时并没有未来的${G.token.zh}可读，双胞胎学会的唯一本事——照抄下一个${G.token.zh}——无从施展。靠偷看答案换来的低${G.loss.zh}，什么也没学到。`,
  twinAtlasTitle: '注意力总览',
  twinAtlas: `中没有斜线阴影，上三角（${G.token.zh}关注它后面的${G.token.zh}）被填满了。找一找“未来”占比不断增长的${G.head.zh}，它读取的正是下一个${G.token.zh}。`,
  twinBack: (step) => `回到有掩码的模型（第 ${step} 步）`,
  twinBackWhole: (step) => `回到完整的模型（第 ${step} 步）`,
  twinPauseFirst: '请先暂停双胞胎模型',
  twinCorrection:
    '教程说 GPT 用掩码语言模型（Masked Language Modeling）做预训练，并且掩码作用在未来位置的“值”上。其实掩码语言模型是 BERT 的目标，而掩码作用在注意力分数上，不是值上。BERT 不需要因果掩码，是因为它把要预测的词元换成了 [MASK]，看到两侧的上下文并不算作弊。这个双胞胎模型同样能看到两侧，预测的却仍是下一个词元，答案就摆在它自己的输入里——这正是这个实验要展示的“作弊”。',

  atlasTitle: '注意力总览：训练过程中的每一层 × 每个头',
  probe: '探针',
  probeValidation: `${G.validationSet.zh}中的一段`,
  probeOwn: '我自己的文本',
  probeRepeated: '重复一次的随机词元（用于观察归纳头）',
  probeText: '探针文本内容',
  appearsWithModel: '有了模型之后就会显示。',
  computing: '计算中…',
  step: '训练步',
  atlasStep: (step, valLoss, n) =>
    `第 ${step} 步${valLoss !== undefined ? ` · 验证${G.loss.zh} ${valLoss.toFixed(3)}` : ''} · ${n} 个快照`,
  live: '实时',
  probeTokens: `探针${G.token.zh}`,
  positionN: (i) => `位置 ${i}`,
  atlasGrid: `每一层每个头的注意力：用方向键移动${G.query.zh}和${G.key.zh}的位置，按回车键锁定，按 Esc 清除`,
  headLabel: (l, h) => `第 ${l} 层第 ${h} 头`,
  badge: (b) =>
    ({
      'previous-token': `前一个${G.token.zh}`,
      self: '自身',
      'first-token': `第一个${G.token.zh}`,
      induction: '归纳',
      diffuse: '均匀分散',
      unclear: '不明确',
    })[b] ?? b,
  futureShare: (x) => `未来 ${x.toFixed(2)}`,
  futureTitle: `每一行注意力中分给后面${G.token.zh}（未来）的平均占比；有${G.causalMask.zh}时恰好为 0`,
  noMaskNotice: `这个模型训练时没有${G.causalMask.zh}，所以图中没有斜线阴影，上三角（每个${G.token.zh}关注它后面的${G.token.zh}）被填满了。每个头下方的“未来”数字，是一行注意力中分给后面${G.token.zh}的平均占比（有掩码时恰好为 0）。向前看一步的头，读到的正是它要预测的${G.token.zh}。`,
  lockedPair: '已锁定（按回车键或 Esc 释放）：',
  atlasHint: (masked) =>
    `每张小图是一个${G.head.zh}，行是发出关注的${G.token.zh}（${G.query.zh}），列是被关注的${G.token.zh}（${G.key.zh}）${masked ? '，带斜线阴影的三角是被遮住的未来' : ''}。将鼠标悬停在格子上或用方向键移动，可以在所有头中追踪同一对${G.query.zh}和${G.key.zh}；按回车键或单击可以锁定；单击某个头，可以在这里读它的数字。`,
  describeCell: (l, h, step, q, i, k, j, w, best, b) =>
    `第 ${l} 层第 ${h} 头，第 ${step} 步：${G.query.zh}“${q}”（位置 ${i}）以权重 ${w.toFixed(2)} 关注“${k}”（位置 ${j}）；它最强的${G.key.zh}是“${best}”（位置 ${b}）。`,
  viewAsTable: (name) => `以表格查看${headZh(name)}`,
  tableLabel: (name) => `${headZh(name)}：每个${G.query.zh}最强的三个${G.key.zh}`,
  query: G.query.zh,
  strongestKeys: `最强的${G.key.zh}（权重）`,
  atlasLookFor: `观察要点：紧贴主对角线下方的一条斜线，说明这是“前一个${G.token.zh}”头；在重复探针上，如果斜线比上一次出现的位置晚一步，那就是${G.inductionHead.zh}。某种模式占到注意力的 60% 以上时才会显示标签。注意力只说明一个头从哪里读取信息，并不解释模型为什么这样预测。`,
  headScoresOverTraining: `各${G.head.zh}的得分随训练的变化：`,
  scoreName: (n) =>
    ({
      previous: `前一个${G.token.zh}`,
      self: '自身',
      first: `第一个${G.token.zh}`,
      induction: '归纳（重复探针）',
      entropy: '熵（比特）',
    })[n] ?? n,
  inductionHeadForms: (name) => `${G.inductionHead.zh}：${headZh(name)}`,
  needRepeated: `归纳得分需要重复探针：在上面选择“重复一次的随机词元”，观察${G.inductionHead.zh}是否形成。`,
  phaseChangeAt: (step) => `第 ${step} 步发生${G.phaseChange.zh}：`,
  phaseChange: (name, rise, window, drop, before) =>
    `${headZh(name)}的归纳得分在最近 ${window}% 的训练步数之内上升了 ${rise.toFixed(2)}，同时${G.loss.zh}下降得更快（${drop.toFixed(3)}，之前同样长的一段为 ${before.toFixed(3)}；在归纳头实验里看的是重复部分的${G.loss.zh}）。${G.inductionHead.zh}会找到当前${G.token.zh}上一次出现的位置，并预测当时紧随其后的内容：模型开始把上下文当作查找表来用，${G.loss.zh}随之下降。`,
  noPhaseChange: (rise, window) =>
    `目前还没有形成${G.inductionHead.zh}：没有哪个头的归纳得分在最近 ${window}% 的训练步数之内上升超过 ${rise}、同时${G.loss.zh}出现拐点。在普通文本上、这样的模型规模下，这很常见（README 中有在 tiny Shakespeare 上的测量）；归纳头实验（数据集“重复的随机词元”）就是为了让它出现而设计的。`,

  genTitle: '4. 生成',
  genIntro: (block) =>
    `从此刻的模型中采样，训练前、训练中、训练后都可以。提示词只保留模型能看到的最后 ${block ?? '…'} 个字符。`,
  prompt: '提示词',
  promptPlaceholder: '留空则从换行开始',
  unknownChars: (n, list, more) =>
    `模型从未见过${n === 1 ? '这个字符' : '这些字符'}：${list}${more > 0 ? ` 等另外 ${more} 个` : ''}。删掉${n === 1 ? '它' : '它们'}才能生成。`,
  promptCropped: (block) => `只有提示词的最后 ${block} 个字符会作为上下文。`,
  markedPrompt: '提示词（已标出未知字符）',
  notInVocab: '不在模型的词表中',
  decoding: '解码方式',
  sampling: `采样（${G.temperature.zh}为 0 时即${G.greedy.zh}）`,
  beamSearchOption: G.beamSearch.zh,
  maxNewTokens: `最多新${G.token.zh}数`,
  stopAt: '停止于',
  stopNever: '（从不）',
  stopTitle: '文本以此结尾时停止；输入 \\n 表示换行（\\n\\n：空行）',
  temperatureLabel: G.temperature.zh,
  topK: 'Top-k',
  topP: 'Top-p',
  seed: '随机种子',
  seedRandom: '随机',
  topKTitle: (v) => `0 = 关闭；${v} 或更大会保留整个词表`,
  topPTitle: `只保留最可能的一小组${G.token.zh}，它们的概率之和刚好达到 p；1 = 关闭`,
  samplingOnly: `${G.beamSearch.zh}只保留最可能的序列，不做随机抽取`,
  beamOnly: `仅用于${G.beamSearch.zh}`,
  topKNote: (k, v) => `Top-k 为 ${k}，超过了词表中的 ${v} 个${G.token.zh}，所以会全部保留（与设为 0、即关闭相同）。`,
  beamWidth: '束宽',
  lengthPenalty: '长度惩罚',
  lengthPenaltyTitle: `α：已结束的${G.beam.zh}按“对数概率 ÷ ((5 + 长度) / 6)^α”排序；大于 0 时偏向更长的序列`,
  beamNote: (beam) =>
    beam
      ? `${G.temperature.zh}、top-k、top-p 和随机种子不适用：${G.beamSearch.zh}是确定性的。`
      : `束宽和长度惩罚只用于${G.beamSearch.zh}。`,
  errTemperature: `${G.temperature.zh}必须在 0（${G.greedy.zh}）到 10 之间。`,
  errTopK: 'Top-k 必须是 0（关闭）或正整数。',
  errTopP: 'Top-p 必须大于 0 且不超过 1（1 = 关闭）。',
  errBeamWidth: (max) => `束宽必须是 1 到 ${max} 之间的整数。`,
  errLengthPenalty: '长度惩罚必须在 0 到 5 之间。',
  errStop: '停止文本最多 100 个字符。',
  errMaxNew: `最多新${G.token.zh}数必须是 1 到 10000 之间的整数。`,
  errSeed: '随机种子必须留空（随机）或为整数。',
  generate: '生成',
  cancel: '取消',
  generating: (n) => `生成中… ${n} 个${G.token.zh}`,
  genDone: (stopped, n, step, msPerToken) =>
    `完成${stopped ? '（到达停止文本）' : ''}：第 ${step} 步的模型生成了 ${n} 个${G.token.zh}${msPerToken !== undefined ? `，每个${G.token.zh} ${msPerToken.toFixed(1)} 毫秒` : ''}。`,
  genCancelled: (n) => `生成 ${n} 个${G.token.zh}后已取消。`,
  watchEvery: '观察这个提示词，每隔',
  steps: '步',
  watchTitle:
    '训练时，模型每隔 N 步用这些设置续写一次这个提示词（随机种子固定，未设置时为 1），每次的回答都记在下方的时间线上',
  watchPrompt: '观察这个提示词',
  pinInstead: '改为固定这个提示词',
  stopWatching: '停止观察',
  continuationHere: `续写会一个${G.token.zh}一个${G.token.zh}地出现在这里。`,
  referenceLabel: '参考文本（用来与生成的文本比较）',
  referencePlaceholder: '粘贴你希望模型写出的内容',
  words: '按词（以空格分隔，一行中文算一个词）',
  characters: '按字符',
  nothingToCompare: '没有可比较的内容',
  tooLong: (bleu) => `BLEU-4 ${bleu} · ROUGE-L 和 METEOR：太长，这里不计算`,
  meteorDetail: (score, matches, chunks, exact) =>
    `${score}（${matches} 个匹配，分成 ${chunks} 块${exact ? '' : '，对齐由局部搜索得到'}）`,
  beamsTable: G.beam.zh,
  beamColumn: G.beam.zh,
  logProbability: '对数概率',
  scoreColumn: '得分',
  stopped: '（已停止）',
  watching: (prompt, every) => `每 ${every} 步观察“${prompt}”`,
  watchTimeline: '观察提示词的时间线',
  stepColumn: '训练步',
  lossColumn: G.loss.zh,
  continuationColumn: '续写',
  firstAnswerSoon: (every) => `第一个回答马上就来；之后训练时每 ${every} 步出现一个。`,
  scoreTitle: '给文本打分',
  scoreIntro: `在模型看来，一段文本有多大可能出现？这里给出每个${G.token.zh}在前文条件下的概率、总对数似然和${G.perplexity.zh}。`,
  textToScore: '要打分的文本',
  scoreButton: '打分',
  scoreSummary: (n, step, ll, ppl, truncated) =>
    `预测了 ${n} 个${G.token.zh}（第 ${step} 步的模型）· 对数似然 ${ll.toFixed(2)} 奈特 · ${G.perplexity.zh} ${ppl.toFixed(2)}${truncated ? ' · 只对文本开头打了分' : ''}`,

  trainTitle: '3. 训练',
  startTraining: '开始训练',
  resume: '继续',
  pause: '暂停',
  stop: '停止',
  stepOnce: '单步',
  stepOnceHint: '只训练一步就暂停，看看一次更新改变了什么',
  reset: '重置',
  resetHint: '回到第 0 步的新模型，设置不变（之前的训练仍保存在训练记录里）',
  otherTab: '本页面的另一个标签页正在训练模型：同一时间只有一个标签页训练。',
  takeOver: '接管',
  otherTabPauses: '（那个标签页会暂停，它的训练会被保存）。',
  tookOver: (step) =>
    `另一个标签页接管了训练，所以这里已暂停${step !== undefined ? `（保存于第 ${step} 步）` : ''}。在这里点“继续”可以把它拿回来。`,
  origin: (file, name, steps, added) =>
    `训练将从${file ? '模型文件' : G.run.zh}“${name}”出发${steps !== undefined ? `（已训练 ${steps.toLocaleString('zh-CN')} 步）` : ''}${added > 0 ? `，词表中新增了 ${added} 个字符` : ''}，在面板 1 的文本上对它进行${G.fineTuning.zh}。`,
  staleFineTune: `文本或设置已改变：“开始训练”会用新的文本和设置对同一个起始模型进行${G.fineTuning.zh}（形状不同的模型会从头开始）。`,
  staleNew: '自这个模型训练以来，文本、分词器或设置已改变。“生成”仍使用训练好的模型；“开始训练”会开始一个新模型。',
  againFineTune: `“开始训练”会从起始权重重新对同一个模型进行${G.fineTuning.zh}。`,
  againNew: '“开始训练”会用相同的设置从头开始训练一个新模型。',
  trainingStatus: '训练状态',
  runState: (s) =>
    ({
      ready: '就绪',
      training: '训练中',
      paused: '已暂停',
      stopped: '已停止',
      finished: '已完成',
      preparing: '正在准备模型',
      starting: '正在启动',
    })[s] ?? s,
  stepLabel: '训练步',
  trainLoss: `训练${G.loss.zh}`,
  valLoss: `验证${G.loss.zh}`,
  perplexityLabel: G.perplexity.zh,
  perplexityTitle: `验证${G.perplexity.zh}，即 e^损失：模型的不确定程度，相当于在这么多个${G.token.zh}中均匀地随机选一个`,
  tokensPerSec: `${G.token.zh}/秒`,
  elapsed: '已用时间',
  eta: '预计剩余',
  backend: '后端',
  tensors: '张量',
  tensorsTitle: '训练引擎中存活的张量及其占用的内存；这个数量在每一步之间保持不变',
  savedAt: (step) => `第 ${step} 步已保存在这个浏览器中，刷新页面也不会丢失（见“${G.run.zh}”）。`,

  lossTitle: G.loss.zh,
  referenceLinesToggle: '参考线',
  logScale: '对数刻度',
  lastEval: (step, loss) =>
    `第 ${step} 步：验证${G.loss.zh} ${loss.toFixed(4)}，${G.perplexity.zh} ${Math.exp(loss).toFixed(2)}（模型的不确定程度相当于在这么多个${G.token.zh}中均匀地选一个）`,
  chartHint: `训练${G.loss.zh}（每一步）和验证${G.loss.zh}（每隔几步）会显示在这里。${G.uniform.zh}的模型从 ln(词表大小) 附近开始。`,
  stepAxis: '训练步',
  stepN: (step) => `第 ${step} 步`,
  withPerplexity: (v) => `${v.toFixed(4)}（${G.perplexity.zh} ${Math.exp(v).toFixed(2)}）`,
  uniformGuess: G.uniform.zh,
  tokenFrequencies: `${G.token.zh}频率`,
  previousTokenOnly: `只看前一个${G.token.zh}`,
  inductionHeadLine: `${G.inductionHead.zh}形成`,
  trainLine: '训练',
  validationLine: '验证',
  repeatedLine: `重复部分的${G.token.zh}`,
  lastRepLoss: (loss) =>
    ` · 重复部分的${G.loss.zh} ${loss.toFixed(3)}（${G.uniform.zh}：${Math.log(64).toFixed(2)}；有了${G.inductionHead.zh}会降到 0.5 以下）`,
  compareLine: (name) => `${name}（验证）`,
  maskedCompare: (step) => `有掩码（到第 ${step} 步）`,
  wholeCompare: (step) => `完整模型（到第 ${step} 步）`,
  referenceText: (u, uni, bi, atlas) =>
    `虚线：${u.toFixed(2)} 是对每个${G.token.zh}${G.uniform.zh}时的${G.loss.zh}（ln V）；${uni.toFixed(2)} 是只知道每个${G.token.zh}出现频率时的${G.loss.zh}；${bi.toFixed(2)} 是只知道前一个${G.token.zh}时的${G.loss.zh}。低于最后一条线，说明模型用到了比前一个${G.token.zh}更多的信息。${atlas ? '单击图表可以在注意力总览中显示那一步。' : ''}`,
  lossByPositionAria: (T, n) => `按位置的验证${G.loss.zh}（${T} 行），共 ${n} 次评估`,
  lossByPositionLegend: `验证${G.loss.zh}（奈特）`,
  lossByPosition: (last, early, late, better) =>
    `每一行是上下文中的一个位置（0 在最上面），每一列是一次评估，颜色越深表示验证${G.loss.zh}越低。目前位置 1～${last} 为 ${early.toFixed(2)}，最后八分之一为 ${late.toFixed(2)}${better ? `：靠后的${G.token.zh}预测得更好，说明模型用上了它们前面的上下文。` : '。'}`,

  attentionTitle: '注意力',
  attentionIntro: (full) =>
    `每一行是一个${G.query.zh}${G.token.zh}；每一列是它可以关注的${G.key.zh}${G.token.zh}。每行的权重之和为 1。${full ? `这个模型没有${G.causalMask.zh}：它也会关注未来。` : `斜线阴影的三角是未来，被${G.causalMask.zh}遮住。`}`,
  layer: '层',
  headWord: '头',
  attProbe: '探针文本',
  attProbeValidation: `${G.validationSet.zh}中的一段`,
  attProbePrompt: '提示词',
  attReadoutHint: '将鼠标悬停在某个格子上（或选中热力图后用方向键移动），即可读出一个权重；按回车键锁定，按 Esc 清除。',
  attFuture: (q, qi, k, kj) =>
    `${G.query.zh}“${q}”（位置 ${qi}）看不到${G.key.zh}“${k}”（位置 ${kj}）：它在未来，被${G.causalMask.zh}遮住了。`,
  attWeight: (q, qi, k, kj, w) =>
    `${G.query.zh}“${q}”（位置 ${qi}）→ ${G.key.zh}“${k}”（位置 ${kj}）：权重 ${w.toFixed(3)}`,
  attAria: (layer, head, step, T) => `第 ${layer} 层第 ${head} 头在第 ${step} 步、${T} 个${G.token.zh}上的注意力`,
  attCaption: (layer, head, step) => `第 ${layer} 层第 ${head} 头，第 ${step} 步；训练时会刷新。`,
  attComputing: '正在计算注意力图…',
  attNoModel: '有了模型之后就会显示注意力图。',

  positionsTitle: G.positionalEncoding.zh,
  loading: '加载中…',
  positionsCaption: (sinusoid, step, T, C) =>
    `${sinusoid ? '固定的正弦编码' : `第 ${step} 步的可学习位置表`}：${T} 个位置 × ${C} 个通道（蓝色为正，橙色为负），加到每个${G.token.zh}的嵌入上，让模型知道${G.token.zh}所在的位置。`,
  positionsNone: `这个模型不加${G.positionalEncoding.zh}：每个${G.token.zh}进入模型时只有它自己的嵌入。它对先后顺序的了解，全靠因果掩码推断出来（第 t 个位置能看到 t + 1 个${G.token.zh}）。`,
  positionsAria: (T, C) => `${G.positionalEncoding.zh}：${T} 个位置 × ${C} 个通道`,
  positionsAxes: '位置（行）× 通道（列）',
  channelValue: '通道值：橙色为负，灰色为 0，蓝色为正',
  similarityAria: '位置之间的余弦相似度',
  similarityCaption: '每个位置与其他位置的相似度（余弦：蓝色相似，橙色相反）',
  cosineSimilarity: '余弦相似度',
  embeddingsTitle: G.embedding.zh,
  show: '显示',
  mostFrequent: (n) => `最常见的 ${n} 个${G.token.zh}`,
  allTokens: (n) => `全部 ${n} 个${G.token.zh}`,
  embeddingCaption: (step, C, kept, pc1, pc2) =>
    `第 ${step} 步。每个${G.token.zh}的嵌入有 ${C} 个数，这里沿着差异最大的两个方向画出（${G.pca.zh}）。这张图保留了 ${kept.toFixed(0)}% 的方差（${pc1.toFixed(0)}% + ${pc2.toFixed(0)}%），其余部分看不到。`,
  embeddingAria: (step) => `第 ${step} 步的二维${G.embedding.zh}`,
  neighbours: (token, C, list) => `在全部 ${C} 维中与“${token}”最接近的：${list}。`,
  neighboursHint: `将鼠标悬停在某个${G.token.zh}上、点按它，或在上方的列表中选一个，即可查看它在完整空间中的最近邻（按余弦相似度）。`,
  nearestOf: '最近邻',
  chooseToken: `选择一个${G.token.zh}…`,
  embeddingLookFor: `观察要点：随着训练，作用相似的${G.token.zh}（元音、数字、标点）会逐渐靠拢。不过图上挨得近的两个点，在被略去的维度上可能相距很远，要以最近邻列表为准。`,

  residualTitle: `${G.residualStream.zh}与参数`,
  residualIntro: `每个块读取${G.residualStream.zh}，再往里加东西——先加注意力的输出，再加${G.feedForward.zh}的输出——原有的内容不会被覆盖。每根条的长度是其中一个向量的大小（L2 范数，对探针的各个位置取平均），所有条用同一个刻度。`,
  residualProbe: `探针文本（留空则取${G.validationSet.zh}中的一段）`,
  residualStreamIn: (l) => `进入第 ${l} 块的${G.residualStream.zh}`,
  residualStreamOut: `最后一块之后的${G.residualStream.zh}`,
  residualAttn: (l) => `第 ${l} 块加上：注意力`,
  residualMlp: (l) => `第 ${l} 块加上：${G.feedForward.zh}`,
  residualNoMlp: `没有${G.feedForward.zh}（只有注意力）`,
  residualStep: (step) => `第 ${step} 步的测量结果；展开时每次评估都会刷新。`,
  residualRead: (first, rest, layers) =>
    `第 0 块加上的向量是它读到的${G.residualStream.zh}的 ${first.toFixed(2)} 倍大${layers > 1 ? `；之后的各块平均是 ${rest.toFixed(2)} 倍` : ''}。训练之后，第 0 块的${G.feedForward.zh}通常会写入一个比嵌入大好几倍的向量（相当于第二层嵌入），而后面的各块加上的比${G.residualStream.zh}已有的要小：它们只是推动${G.residualStream.zh}，而不是替换它，所以下面各层的信息到了顶层依然在。训练之前，加上的都很小：GPT-2 的初始化把残差投影的权重调小了。`,
  paramSplitTitle: '参数都在哪里',
  paramSplitPart: (part) =>
    ({
      embeddings: '嵌入（词元 + 位置）',
      attention: '注意力（每块 4C²）',
      mlp: `${G.feedForward.zh}（每块 8C²）`,
      final: `最后的${G.layerNorm.zh}`,
      head: '自己的输出层',
    })[part] ?? `参数（${part}）`,
  paramSplitLine: (n, pct) => `${n} · ${pct}`,
  lensTitle: '下一个词元透镜',
  lensProbe: `探针文本（留空则取${G.validationSet.zh}中的一段）`,
  position: '位置',
  lensWhere: (text, pos, step) => `在“${text}”之后（位置 ${pos}，第 ${step} 步）`,
  nextTokenProbs: `下一个${G.token.zh}的概率`,
  trueNext: `← 真实的下一个${G.token.zh}`,
  trueNextOutside: (token, p) => `在这些设置下，真实的下一个${G.token.zh}“${token}”的概率为 ${p.toFixed(2)}%。`,
  lensSettingsNote: `${G.temperature.zh}、top-k 和 top-p 在这里对模型分布的改变与生成时完全相同；这些条形就是采样时要抽取的分布。`,
  logitLens: 'Logit 透镜（逐层预测）',
  readOutAfter: '读出位置',
  topGuesses: '最可能的猜测',
  theEmbeddings: '嵌入之后',
  blockN: (l) => `第 ${l} 块之后`,
  logitLensNote: `Logit 透镜把每一块之后的${G.residualStream.zh}当作最后一层的输出来读，可以看到猜测逐层变得清晰。最后一行就是模型自己的预测。`,

  patchingTitle: '激活修补',
  patchingIntro:
    '准备两个长度相同、只在关键处不同的提示词：干净的那个通向正确答案，被破坏的那个通向错误答案。让模型读被破坏的提示词，把它读干净提示词时的某一个激活换进去，看干净时的 logit 差能找回多少，由此找出决定答案的信息走的是哪条路。',
  patchingClean: '干净的提示词',
  patchingCorrupted: '被破坏的提示词（词元数相同）',
  patchingAnswer: '正确答案（干净提示词的下一个词元）',
  patchingWrong: '错误答案（被破坏提示词的下一个词元）',
  patchingRun: '修补每一个头和每一个位置',
  patchingDiffs: (clean, corrupted, step) =>
    `最后一个位置上的 logit 差（正确答案 − 错误答案）：干净时 ${clean.toFixed(3)}，被破坏时 ${corrupted.toFixed(3)}（第 ${step} 步）。每个格子里是一次修补找回这个差的比例：1 表示全部找回，0 表示毫无作用。`,
  patchingSame: '两个提示词给出的 logit 差相同，没有可以找回的东西（请换一组模型能区分开的提示词或答案）。',
  patchingHeads: '注意力头（修补它的输出）',
  patchingResid: `${G.residualStream.zh}（修补进入每个块时的某一个位置）`,
  patchingStreamRow: (l, L) => (l === L ? '最后一块之后' : `进入第 ${l} 块`),
  patchingCell: (where, share) => `${where}：找回了 ${(share * 100).toFixed(0)}% 的差`,
  patchingPosition: (t, token) => `位置 ${t}“${token}”`,

  ablationTitle: '注意力头消融',
  ablationIntro: `依次关掉每一个注意力头，看模型预测一批固定的${G.validationSet.zh}样本时损失上升多少。上升得多，说明模型依赖这个头；接近零，说明少了它也无妨。`,
  ablationMode: '关掉一个头的方式',
  ablationZero: '把它的输出置零',
  ablationMean: '换成它的平均输出（整批的均值）',
  ablationMeasure: '测量每一个头',
  ablationMeasuring: '正在测量……',
  ablationBase: (loss, B, T, step) =>
    `所有头都开着时：在${G.validationSet.zh}的 ${B} 段（每段 ${T} 个词元）上损失为 ${loss.toFixed(3)}（第 ${step} 步）。每个格子里是关掉该头后的损失减去这个值。`,
  ablationStale: (step) => `这是第 ${step} 步的测量结果，模型之后又训练过了，请重新测量。`,
  ablationCell: (l, h, delta, off) =>
    `第 ${l} 层第 ${h} 头：关掉后损失${delta >= 0 ? '上升' : '下降'} ${Math.abs(delta).toFixed(3)}${off ? '；生成时已关掉' : ''}`,
  ablationClickHint: '点击一个头，生成文本时也把它关掉（输出置零），然后生成，对比前后的文本。再点一次就重新打开。',
  ablationOffList: (heads) => `生成时关掉的头：${heads}。`,
  ablationAllOn: '重新打开所有的头',
  ablationTarget: '同时找出这个头的归纳得分依赖哪个头',
  ablationTargetNone: '不选',
  ablationTargetHead: (l, h, score) =>
    `第 ${l} 层第 ${h} 头${score !== undefined ? `（归纳得分 ${score.toFixed(2)}）` : ''}`,
  inductionGridIntro: (l, h, base) =>
    `所有头都开着时，第 ${l} 层第 ${h} 头在重复探针上的前缀匹配得分是 ${base.toFixed(2)}。每个格子里是关掉该头后它的得分减去这个值。`,
  inductionCell: (l, h, delta) =>
    `关掉第 ${l} 层第 ${h} 头：归纳得分${delta >= 0 ? '上升' : '下降'} ${Math.abs(delta).toFixed(2)}`,
  readsFrom: (tl, th, sl, sh, base, without, previous) =>
    `第 ${tl} 层第 ${th} 头读取的是第 ${sl} 层第 ${sh} 头：关掉后者，前者的归纳得分从 ${base.toFixed(2)} 降到 ${without.toFixed(2)}。${previous !== undefined ? `第 ${sl} 层第 ${sh} 头把 ${Math.round(previous * 100)}% 的注意力放在前一个${G.token.zh}上，正是${G.inductionHead.zh}需要的“前一词元头”：它把“我前面是谁”写进每个位置，${G.inductionHead.zh}再拿当前${G.token.zh}去匹配。` : ''}`,
  readsFromPair: (tl, th, al, ah, bl, bh, base, aloneA, aloneB, both, previous) =>
    `第 ${tl} 层第 ${th} 头同时读取第 ${al} 层第 ${ah} 头和第 ${bl} 层第 ${bh} 头：只关掉其中一个，它的归纳得分仅从 ${base.toFixed(2)} 降到 ${aloneA.toFixed(2)} 或 ${aloneB.toFixed(2)}；两个都关掉，降到 ${both.toFixed(2)}。${previous ? `这两个头都看前一个${G.token.zh}：两个前一词元头分担同一项工作，所以单独关掉哪一个都显得无关紧要。` : ''}`,
  noSource: (tl, th) =>
    `关掉任何一个头都不能让第 ${tl} 层第 ${th} 头的得分减半：它不只依赖某一个更早的头，或者它还不是${G.inductionHead.zh}。`,
  ablationLayer: (l) => `第 ${l} 层`,
  ablationHead: (h) => `第 ${h} 头`,
  genHeadsOff: (n) => `有 ${n} 个注意力头被关掉了（注意力头消融）：下面是模型在没有它们时写出的文本。`,

  qkvTitle: 'Q/K/V 计算器',
  calcProbe: '计算器探针文本',
  calcProbePlaceholder: `${G.validationSet.zh}中的一段`,
  calcLayer: '计算器的层',
  calcHead: '计算器的头',
  queryPosition: `${G.query.zh}位置`,
  qkvStep1: (token, pos, step, layer, xhat, n, mean) =>
    `${G.query.zh}${G.token.zh}是“${token}”（位置 ${pos}，第 ${step} 步）。它进入第 ${layer} 块的输入，经过${G.layerNorm.zh}（LayerNorm）后为：${xhat}（${n} 个数。在乘增益、加偏置之前，均值从 ${mean} 变为 0，${G.sd.zh}变为 1）。`,
  qkvStep2: (hs, q) =>
    `q = x̂·W_q + b_q，这个头的 ${hs} 个数：${q}；每个${G.key.zh}${G.token.zh} j 得到${G.key.zh} k_j = x̂_j·W_k + b_k 和${G.value.zh} v_j = x̂_j·W_v + b_v。`,
  qkvStep3: (hs, root, query, masked) =>
    `把分数 q·k_j 除以 √d_k = √${hs} = ${root}（d_k 是每个头的维度，而非整个嵌入宽度），再做 softmax（${masked ? `未来被掩码遮住，只有位置 0…${query} 参与` : `这个模型没有${G.causalMask.zh}，所有位置都参与，包括未来`}）：`,
  scoresAndWeights: '分数与权重',
  keyColumn: G.key.zh,
  weightColumn: '权重',
  qkvStep4: (out) =>
    `这个头的输出是 Σ_j 权重_j · v_j：${out}。它与其他头的输出拼接在一起，再由输出投影（c_proj）加到${G.residualStream.zh}上。`,
  qkvCheck: (worst) => `以上数字是根据模型实际使用的输入在这里重新算出的，与模型自己的数字相比，最大差异为 ${worst}。`,

  dataTitle: '1. 用来学习的文本',
  dataset: '数据集',
  ownText: '你自己的文本',
  uploadFile: '上传文本文件',
  ownTextHelp: (max) =>
    `粘贴或输入任意文本（UTF-8；文件最多 ${max}，更大的文件只取开头部分）。每个不同的字符都会成为一个${G.token.zh}。`,
  trainingText: '训练文本',
  previewNote: (shown, total) =>
    `显示 ${total} 个字符中的前 ${shown} 个。训练会使用整段文本；这么长的文本不在这里编辑（把它放进可编辑的文本框会让页面变得极慢）。`,
  clearToType: '清空后输入你自己的文本',
  textStats: (chars, vocab, train, val) =>
    `${chars} 个字符 · 词表 ${vocab} · 训练 ${train} / 验证 ${val} 个${G.token.zh}`,
  pairModeLabel:
    '成对模式：每行是一个提示词和它的补全（“提示词⇥补全”，或带 "prompt" 和 "completion" 的 JSON 行），用于在某个任务上微调',
  pairStats: (n, tsv, train, held, vocab) =>
    `${n} 对（${tsv ? '制表符分隔' : 'JSON 行'}）· ${train} 对用于训练，${held} 对留作评估 · 词表 ${vocab}。${G.loss.zh}只计算补全部分。`,
  textLocked: '模型在这段文本上训练时，文本被锁定。停止训练后才能修改。',
  couldNotLoad: (label, why) => `无法加载${label}：${why}。当前文本没有改变。`,
  loadedFile: (name, size) => `已加载“${name}”（${size}）。`,

  // start from a trained model (the gallery)
  galleryTitle: '从训练好的模型开始',
  galleryAbout: '关于这些模型',
  galleryFactsShort: (steps, val) => `已训练 ${steps.toLocaleString('zh-CN')} 步 · 验证损失 ${val.toFixed(2)}`,
  galleryIntro:
    '这些模型由本项目自己的代码训练，以半精度随页面提供，选中时才获取。选一个之后，它学过的文本会成为训练文本；不用训练一步，所有视图显示的就已经是一个学到了东西的模型。',
  galleryNamesSmall: '英文女性名字 · 小型',
  galleryTangSmall: '唐诗三百首 · 小型',
  galleryMobyBaby: '《白鲸》· 婴儿 GPT',
  galleryFacts: (steps, val, kb) =>
    `训练了 ${steps.toLocaleString('en')} 步 · 验证损失 ${val.toFixed(2)} · ${kb.toLocaleString('en')} KB`,
  galleryFetching: '正在获取模型…',
  galleryFetchFailed: (detail) => `无法获取模型（${detail}）。当前模型没有改变。`,
  galleryLoaded: (steps, val) =>
    `已载入：训练了 ${steps.toLocaleString('en')} 步（制作时的验证损失为 ${val.toFixed(2)}）。所有视图现在显示这个模型。`,
  galleryScratchLoaded: '现在是同样大小的新模型，未经训练（第 0 步），使用同一文本。',
  galleryStartLegend: '按下“开始训练”时：',
  galleryStartTrained: (steps) =>
    `微调训练好的模型（从它训练 ${steps.toLocaleString('en')} 步后的权重开始，学习率为原来的十分之一）`,
  galleryStartScratch: '从头训练一个同样大小的新模型（随机权重，第 0 步）',
  galleryLocked: '暂停或停止训练后才能选择训练好的模型。',

  settingsTitle: '2. 模型与训练',
  preset: '预设',
  custom: '自定义',
  ownSettings: '你自己的设置。',
  presetName: (id, label) =>
    ({
      tiny: '微型',
      small: '小型',
      baby: '婴儿 GPT（nanoGPT CPU 版）',
      shakespeare: 'nanoGPT shakespeare_char（1080 万参数）',
      induction: '归纳头（只有注意力，2 层 × 4 头）',
    })[id] ?? label,
  presetDescription: (id, description) =>
    ({
      tiny: '2 层 × 2 头，宽 32，上下文 32：在任何后端上几秒钟就能训练完。',
      small: '3 层 × 4 头，宽 64，上下文 64：几分钟就能把英文名字学得很好。',
      baby: 'nanoGPT 的 shakespeare_char 配置缩小到 CPU 可用：4 层 × 4 头，宽 128，上下文 64，批大小 12。',
      shakespeare:
        'nanoGPT 的 shakespeare_char 原尺寸：6 层 × 6 头，宽 384，上下文 256，批大小 8，共约 1080 万个参数。在 wasm 后端上放得下（它的融合内核为反向传播保存的东西很少），每步要好几秒：用来体会模型变大时代价如何增长。',
      induction:
        '归纳头实验的配方（docs/induction-recipe.md）：2 层只有注意力的块 × 4 个头，宽 64，上下文 32，输出层不与嵌入共享，批大小 32，学习率 3e-3，不做权重衰减，训练数据是现场生成的重复随机词元。在 PyTorch 里 5 个种子全部在 600 步以内长出了前一词元头和归纳头。',
    })[id] ?? description,
  field: fieldZh,
  fieldHint: (key) =>
    ({
      nLayer: '堆叠的 Transformer 块数',
      nHead: '每个块的注意力头数；必须能整除嵌入宽度',
      nEmbd: `${G.residualStream.zh}的通道数（C）`,
      blockSize: `模型一次能看到的${G.token.zh}数（block size）`,
      dropout: '训练时被置零的激活比例（0～0.9）',
      batchSize: '每步的序列数',
      maxIters: '训练在这里停止；学习率到这时衰减到最小值',
      learningRate: 'AdamW 的峰值学习率',
      warmupIters: '余弦衰减之前的线性预热',
      minLr: '余弦衰减的终点',
      weightDecay: 'AdamW 对二维权重的衰减',
      beta2: 'AdamW 的二阶矩衰减',
      gradClip: '全局范数裁剪；0 表示关闭',
      evalInterval: `每隔多少步计算一次验证${G.loss.zh}`,
      evalIters: `计算一次验证${G.loss.zh}时平均多少批`,
      seed: '相同的种子，相同的权重和批次',
    })[key] ?? '',
  positionsTitleHint: `模型如何知道${G.token.zh}在哪里：可学习的位置表（nanoGPT）或原始 Transformer 的固定正弦编码（没有参数）`,
  positions: G.positionalEncoding.zh,
  learnedTable: '可学习的位置表',
  fixedSinusoid: '固定正弦编码',
  noPositions: '不用（只靠因果掩码）',
  bias: '偏置',
  generatedIntro: (minPeriod, maxPeriod, shortShare) =>
    `每一步都会生成一批新的、类似下面这样的序列：先是几个随机符号，然后把一小段随机符号一直重复到结尾。周期在 ${minPeriod}～${maxPeriod} 之间（有 ${shortShare}% 的序列是 1 或 2），每个序列都不一样。所以要预测重复的部分，只能回头找当前符号上一次出现的位置，再抄下它后面那个符号。`,
  generatedExamples: '生成序列的例子',
  generatedPeriod: (p) => `周期 ${p}`,
  generatedStats: (symbols) =>
    `${symbols} 个符号，每个是一个${G.token.zh} · 每一步都是新生成的批次，没有可以背下来的东西，所以训练${G.loss.zh}和验证${G.loss.zh}一样`,
  mlpOn: `每个块都有${G.feedForward.zh}`,
  mlpOnHint: `关掉就是只有注意力的模型（没有${G.feedForward.zh}，也没有第二个${G.layerNorm.zh}）：最早发现${G.inductionHead.zh}的就是这种两层模型`,
  tiedHead: `输出层与${G.embedding.zh}共享权重`,
  tiedHeadHint: `打开（GPT-2、nanoGPT 的做法）：logits 等于${G.residualStream.zh}乘以${G.token.zh}嵌入。关掉：模型有自己的输出层，多出 V × C 个参数`,
  paramCount: (params, vocab, pos, table, bytes) =>
    `${params} 个参数（词表 ${vocab} 个${G.token.zh}${pos === 'sinusoidal' ? '；固定正弦编码不增加参数' : pos === 'none' ? `；没有${G.positionalEncoding.zh}` : `；其中 ${table} 个是位置表`}）· 训练约需 ${bytes} 内存`,
  fixSizes: '修正上面的尺寸后即可看到参数量。',
  estimateTime: '训练要多久？',
  estimating: (seconds) => `正在这台电脑上用这些设置试跑几步……${seconds >= 3 ? `${seconds} 秒` : ''}`,
  estimated: (total, stepMs) => `在这台电脑上约需 ${total}（实测每步 ${stepMs} 毫秒）`,
  duration: (ms) => formatDuration(ms, { s: '秒', min: '分钟', h: '小时' }),
  settingsLocked: '训练期间设置被锁定。停止训练后才能修改。',
  shareSettings: '分享这些设置',
  linkToSettings: '这些设置的链接',
  shareNote: (dataset) =>
    `链接包含这些设置${dataset ? '和内置数据集' : ''}——绝不包含你的文本或模型。在浏览器允许时会复制到剪贴板。`,
  badLink: '这个页面链接中的设置无法使用，所以保留默认值：',

  backendChoice: (c) =>
    ({
      auto: '自动（最快的可用后端）',
      webgpu: 'WebGPU',
      webgl: 'WebGL',
      wasm: 'WebAssembly（wasm）',
      cpu: '纯 JavaScript（cpu）',
    })[c] ?? c,
  switchBackendConfirm: '切换后端会启动一个新的工作线程：训练好的模型将被丢弃。继续吗？',
  runningOn: '运行在',
  adapter: (software, description) => `（${software ? '软件' : '硬件'}：${description}）`,
  backendReason: (requested, backend, webgpu, webgl) => {
    const gpuSays =
      { hardware: 'WebGPU 没能通过自检', software: 'WebGPU 只有软件适配器（不是 GPU）', none: 'WebGPU 不可用' }[
        webgpu
      ] ?? ''
    const glSays =
      { hardware: 'WebGL 没能通过自检', software: 'WebGL 只是软件渲染器', none: 'WebGL 2 不可用' }[webgl] ?? ''
    const auto =
      backend === 'webgpu'
        ? '通过 WebGPU 使用 GPU'
        : backend === 'webgl'
          ? `${gpuSays}，所以通过 WebGL 使用 GPU`
          : backend === 'wasm'
            ? `${gpuSays}，${glSays}，所以用 WebAssembly（wasm）在 CPU 上训练——这是这里真正可用的最快后端`
            : `${gpuSays}，${glSays}，WebAssembly 也失败了，只好退回纯 JavaScript 的 cpu 后端（很慢）`
    if (requested === 'auto') return `自动：${auto}`
    if (requested === backend)
      return `按你的选择使用 ${backend}${(backend === 'webgpu' && webgpu === 'software') || (backend === 'webgl' && webgl === 'software') ? '（这是软件模拟，不是 GPU：会很慢）' : ''}`
    return `你选择了 ${requested}，但它在这里不可用；${auto}`
  },
  webgpuNote: (kind) =>
    ({
      hardware: 'WebGPU：可在 GPU 上使用',
      software: 'WebGPU：只有软件适配器（没有 GPU）',
      none: 'WebGPU：这个浏览器不可用',
    })[kind] ?? kind,
  backendsTried: '尝试过的后端',
  backendWorks: (ok) => (ok ? '可用' : '不可用'),
  startingWorker: '正在启动训练工作线程并测试后端…',
  stopToChangeBackend: '停止训练后才能更换后端。',
  backendChip: (backend, software, vendor) =>
    `${onGpu(backend, software) ? 'GPU' : 'CPU'} 计算 · ${LIBRARY[backend] ?? backend}${software ? '（软件模拟）' : vendor ? `（${vendor}）` : ''}`,
  backendChipTitle: '后端：点开查看完整报告，也可以换一个后端',
  backendStarting: '正在启动引擎…',
  backendLimits: (tensorBytes, totalBytes) =>
    `用来拒绝对这个后端来说太大的模型的上限：单个张量 ${size(tensorBytes)}，总共 ${size(totalBytes)}。`,
  backendThreads: (isolated, threads) =>
    `${isolated ? '页面已跨源隔离：线程可以共享内存' : '页面没有跨源隔离：不能共享内存，所以只用一个线程'}。训练中的矩阵乘法使用 ${threads} 个线程。`,

  aboutTitle: '关于内置文本',
  aboutIntro: '每段内置文本都在构建时从 npm 包打包进页面；选择时从页面本身加载，绝不从网络获取。',
  aboutTable: '内置文本及其来源和许可',
  textColumn: '文本',
  sourceColumn: '来源',
  licenceColumn: '许可',
  fileTitle: '模型文件',
  fileIntroBefore: '把模型保存为 ',
  fileIntroMiddle: '，使用 nanoGPT 的名称和 PyTorch 的布局（nanoGPT 的 ',
  fileIntroAfter: ' 可以用 ',
  fileIntroEnd: ' 加载），或者打开一个模型文件，从中采样，并在面板 1 的文本上继续训练。',
  exporting: '导出中…',
  exportSafetensors: '导出 .safetensors',
  exportNanoGptTitle:
    '一个 .tar 文件：分好词的文本（nanoGPT 的 train.bin / val.bin / meta.pkl）、使用这些设置的配置、权重和优化器状态，以及把它们转换成 nanoGPT 的 ckpt.pt（以及转换回来）的脚本',
  exportNanoGpt: '导出给 nanoGPT',
  openModelFile: '打开模型文件',
  extendVocab: '把文本中模型从未见过的字符加入词表（新增嵌入行；原有的保留）',
  pauseToOpen: '暂停或停止训练后才能打开模型文件。',
  pausedRunStays: `暂停的训练已保存在“${G.run.zh}”中。打开模型文件会开始一次新的训练，之后仍可从那里接着训练这一次。`,
  checkingFile: (name) => `正在检查 ${name}…`,
  openedFile: (name, L, H, C, T, V, steps, added) =>
    `已打开 ${name}：${L} 层 × ${H} 头，宽 ${C}，上下文 ${T}，${V} 个${G.token.zh}${steps !== undefined ? `，已训练 ${steps.toLocaleString('zh-CN')} 步` : ''}。${added ? `加入词表的字符：${added}。` : ''}“开始训练”会在面板 1 的文本上继续训练它。`,
  modelUnchanged: '当前模型没有改变。',

  runsTitle: G.run.zh,
  runName: '记录名称',
  save: '保存',
  openMark: '（已打开）',
  rename: '重命名',
  savedWhen: (when) => `保存于 ${when}`,
  noCheckpoint: '没有检查点',
  compare: '比较',
  noCheckpointYet: '这次训练在保存第一个检查点之前就关闭了',
  pauseToOpenRun: `暂停或停止训练后，才能打开另一条${G.run.zh}或在它上面${G.fineTuning.zh}。`,
  stopToDeleteRun: `停止训练后，才能删除当前打开的${G.run.zh}。`,
  open: '打开',
  fineTuneTitle: '从这条记录的权重出发，在面板 1 的文本上开始一次新的训练，学习率降为原来的十分之一',
  fineTune: G.fineTuning.zh,
  deleteForGood: '永久删除',
  keep: '保留',
  deleteRun: '删除',
  noStorage: '这个浏览器不允许页面存储数据（隐私模式，或存储被阻止），刷新后训练记录不会保留。',
  interrupted: (name, step) => `页面关闭时，“${name}”停在第 ${step} 步。`,
  resumeFrom: (step) => `从第 ${step} 步继续`,
  runsEmpty: `你的每次训练都会作为${G.run.zh}保存在这里，包括最后的检查点、${G.loss.zh}历史和设置，刷新页面后可以从原处继续。`,
  storedRuns: `已保存的${G.run.zh}`,
  runColumn: '记录名称',
  stepsColumn: '步数',
  bestValTitle: `这次训练最低的验证${G.loss.zh}`,
  bestVal: `最佳验证${G.loss.zh}`,
  sizeColumn: '大小',

  pairsTitle: `留出的${G.pair.zh}`,
  pairsIntro: (held, total) =>
    `${total} 对${G.pair.zh}中有 ${held} 对没有参与训练。对其中每一对（最多 50 对），模型从提示词和其后的制表符开始，用${G.greedy.zh}一直续写到换行，再把续写与真正的补全比较打分。`,
  evaluateNow: '立即评估',
  scoreOver: '计分单位',
  unitName: (u) => (u === 'words' ? '词' : '字符'),
  pairsEvaluating: (done, total) => `评估中… ${done} / ${total}`,
  pairsModelAt: (step) => `第 ${step} 步的模型。`,
  pairsWhen: '训练结束时评估，或者现在。',
  exactMatch: '完全匹配',
  pairMeans: (n, unit) => `（${n} 对的平均值，按${unit}计）`,
  pairsTable: `留出的${G.pair.zh}及得分`,
  promptColumn: '提示词',
  referenceColumn: '参考',
  generatedColumn: '生成',
  tokensLegend: G.token.zh,
  charTokens: `字符：每个不同的字符是一个${G.token.zh}`,
  bpeTokens: '字节级 BPE（与 GPT-2 相同），在这段文本上训练：',
  vocabulary: '词表',
  bpeTraining: 'BPE 训练',
  merges: (done, target) => `${done} / ${target} 次合并`,
  trainTokenizer: '训练分词器',
  bpeBadSize: (min, max) => `BPE 词表大小必须是 ${min}（256 个字节加一次合并）到 ${max} 之间的整数。`,
  tokenizersTable: '这段文本上的分词器',
  charsPerToken: `每个${G.token.zh}的字符数`,
  trainValTokens: `训练 / 验证${G.token.zh}`,
  charactersRow: '字符',
  notTrainedYet: '尚未训练',
  bpeNote: (s, merges, early, earlier, below) =>
    `训练用时 ${s} 秒，共 ${merges} 次合并${early ? '（已经合并完：没有哪对词元再出现两次以上）' : ''}${earlier ? '；它是在较早的文本上训练的（仍然能编码这段文本，重新训练会更贴合）' : ''}。${below ? `每个${G.token.zh}不到一个字符：在 UTF-8 中一个汉字占 3 个字节，带重音的字母占 2 个，而较小的词表只会把其中最常见的变成完整的${G.token.zh}——请增大词表，或者改用字符。` : ''}`,
  tokenizerTradeoff: `每个${G.token.zh}的字符越多，同样长的上下文就能看到越多的文本，但词表（以及输出层）会变大，每个${G.token.zh}出现的次数也更少。换一个分词器就意味着换一个新模型。`,
  tokenInspector: `${G.token.zh}检查器`,
  textToCut: `要切分成${G.token.zh}的文本`,
  tokensOf: (label, n, perToken) =>
    `${label}：${n} 个${G.token.zh}${perToken ? `，每个${G.token.zh} ${perToken} 个字符` : ''}`,
  tokensAria: (label) => `${label}的${G.token.zh}`,
  tokenId: (id) => `${G.token.zh} ${id}`,
  trainBpeToSee: `训练 BPE 分词器后，可以看到同一段文本切分成的${G.token.zh}。`,

  problem: problemZh,

  conceptsTitle: '概念卡片：教程中的概念，用你的模型来看',
  conceptsIntro:
    '教程里的每个概念各有一张卡片，顺序与教程相同。每张卡片讲它是什么，给出公式、观察要点、可以动手试的事和注意事项，还有你的模型此刻的数字。教程讲错的地方，卡片会在“教程勘误”下指出来。',
  erratum: '教程勘误',
  colon: '：',
  conceptNoNumber: '还没有数字：先训练一会儿，或者打开这张卡片指向的视图。',
  lookFor: '观察要点',
  tryThis: '动手试试',
  caveat: '注意事项',
  showMe: '带我去看',
  predictTitle: '先猜一猜',
  predictAnswer: '确定',
  predictSkip: '不猜了，直接看数字',
  predictYours: '你的预测',
  predictMeasured: '实测',
  predictNotYet: '还没有实测数字',
  predictAgain: '重新预测',
  predictSep: '，',
  predictVerdict: (v) => ({ close: '很接近', high: '猜高了', low: '猜低了', right: '猜对了', wrong: '没猜中' })[v],
  maskExplorer: '三种注意力掩码并排比较',
  maskCausal: `因果（GPT）：每个${G.token.zh}只能看到自己和过去`,
  maskBidirectional: `双向（BERT）：每个${G.token.zh}都能看到所有${G.token.zh}`,
  maskCross: '交叉注意力（编码器–解码器）：解码器的每一行都能看到编码器的所有列',
  maskIllustration:
    '示意图（深色表示可以关注）。这个页面训练的是第一种。BERT 用第二种并不算作弊，因为它把要预测的词元换成了 [MASK]；没有掩码的双胞胎模型用的也是第二种，却仍在预测下一个词元，答案就在它的输入里——这正是 GPT 不能这样做的原因。',

  tourTitle: '导览',
  tourIntro:
    '用十七步在你自己的模型上走一遍教程里的概念，其中一步是一个实验：十三步有一项页面会检查的任务，另外四步只需阅读。教程讲错的地方，相应的步骤会指出来。任何一步都可以跳过；中途离开，回来时会从原处继续。',
  tourStart: '开始导览',
  tourResume: (n) => `从第 ${n} 步继续导览`,
  tourStepOf: (n, total) => `第 ${n} 步，共 ${total} 步`,
  tourTask: '要做的事',
  tourDone: '已完成 ✓',
  tourWaiting: '尚未完成',
  tourBack: '上一步',
  tourNext: '下一步',
  tourSkip: '跳过',
  tourEnd: '结束导览',
  tourFinish: '完成',
  tourFinished: '导览结束：所有概念卡片都留在下面，随时可以查看。',
  tourNoTask: '这一步没有任务，读一读这个视图再继续。',

  lessonRefused: (keys) => `这个链接中的 ${keys} 无法使用（未知或超出范围）；其余部分已生效。`,
  copyLessonLink: '复制课程链接',
  lessonLinkLabel: '课程链接',
  lessonLinkNote:
    '这个链接会用当前语言、在当前导览步骤打开这个页面，并带上你现在的注意力探针、层、头和固定的训练步。链接里绝不包含你的文本或模型。',

  engineStoppedTitle: '训练引擎停止了。',
  engineStoppedWhy: (why, detail) =>
    why === 'silent'
      ? `训练线程已经 ${detail} 秒没有回应：它被终止了，或者卡住了。`
      : why === 'crashed'
        ? `训练线程中出现了未捕获的错误${detail ? `（${detail}）` : ''}。`
        : `训练线程无法启动${detail ? `（${detail}）` : ''}。`,
  engineRestartResumes: (name, step, training) =>
    `“重新启动”会开启一个新的引擎，并在最后一个检查点（第 ${step} 步）重新打开${name ? `“${name}”` : '这次训练'}${training ? '，继续训练' : ''}。`,
  engineRestartFresh: '这次训练还没有保存过检查点，“重新启动”会用一个新模型开启新的引擎。',
  restartEngine: '重新启动',
  deviceLost: (backend, message, step, fallback) =>
    `${backend} 使用的 GPU 设备丢失了（${message}）。${fallback ? `这是一分钟内第二次丢失，所以训练改在 ${fallback} 上进行。` : `已经在 ${backend} 上启动了新的引擎。`}${step !== undefined ? `训练已从最后一个检查点（第 ${step} 步）重新打开。` : '还没有保存过检查点，所以训练会从头开始。'}`,
  dismiss: '关闭',
  textLoadCancelled: '已取消载入文本：当前文本没有改变。',
  measuringText: (pct, chars) => `正在训练线程中统计新文本（${chars} 个字符）：${pct}%。完成之前，当前文本保持不变。`,
  textOffer: (what, name, size, limit) =>
    what === 'file'
      ? `“${name}”有 ${size}；上限是 ${limit}。可以使用它的前 ${limit}；在你选择之前，当前文本不会改变。`
      : `文本有 ${size} 个字符；上限是 ${limit}。可以使用它的前 ${limit} 个字符；在你选择之前，当前文本不会改变。`,
  useTextStart: (what, limit) => (what === 'file' ? `使用它的前 ${limit}` : `使用前 ${limit} 个字符`),
  keepCurrentText: '保留当前文本',
  unreadableRun: (id) => `一条保存的记录（${id}）无法作为${G.run.zh}读取：`,
  deleteRecord: '删除它',
  divergedTitle: '训练自动暂停了。',
  diverged: (kind, step, loss, reference) =>
    kind === 'non-finite'
      ? `第 ${step} 步的损失变成了 ${loss}——不是一个数。这一步的更新没有执行：模型仍是第 ${step - 1} 步之后的样子。`
      : kind === 'worse-than-guessing'
        ? `第 ${step} 步的损失达到 ${loss.toFixed(2)}，远远差于对每个${G.token.zh}${G.uniform.zh}（${reference.toFixed(2)}）：更新的步子迈得太大了。`
        : `第 ${step} 步的损失跳到 ${loss.toFixed(2)}，超过最近平均值（${reference.toFixed(2)}）的两倍。`,
  divergedAdvice: (lr, suggested) => `对这个模型来说，学习率 ${lr} 大概太高了；试试 ${suggested}。`,
  divergedKept: (step) => `已保存的检查点（第 ${step} 步）没有被覆盖，可以在“${G.run.zh}”面板中重新打开它。`,
  resumeAtLr: (lr) => `从这里用学习率 ${lr} 继续`,
  restartAtLr: (lr) => `用学习率 ${lr} 重新开始`,
  rewindAtLr: (step, lr) => `回到第 ${step} 步，用学习率 ${lr} 继续`,
  resumeAnyway: '不做改变，继续',
  divergedLine: '发散',
  storageProblem: (reason) =>
    ({
      deleted: `这次训练的${G.run.zh}已从浏览器存储中删除：训练会在内存中继续，但不再保存。`,
      full: `这个页面的浏览器存储已满：训练会在内存中继续，但没有保存。删除一些旧的${G.run.zh}可以腾出空间。`,
      failed: '这次训练没能保存（详情见英文界面），训练会在内存中继续。',
    })[reason] ?? '',
  fileRefused: (code, p) =>
    ({
      empty: `“${p.name}”是空的。当前文本没有改变。`,
      binary: `“${p.name}”看起来是二进制文件，不是文本。请上传 UTF-8 文本文件（.txt）。当前文本没有改变。`,
      'not-utf8': `“${p.name}”不是有效的 UTF-8 文本。请另存为 UTF-8 后再试。当前文本没有改变。`,
    })[code] ?? '',

  fileProblem: (detail) => `无法使用这个文件（详情只有英文）：${detail}`,
}
