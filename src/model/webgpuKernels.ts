/**
 * The fused kernels of ./fused.ts (the same names and contracts as the wasm ones, ./kernels.ts), in WGSL for
 * tfjs-backend-webgpu: where tfjs's autodiff runs a chain of element-wise kernels, each one a compute dispatch
 * on a GPU, these run one or two passes.
 *
 *   GptLayerNorm      (x, weight[, bias] → y, stats (N, 2))      2 dispatches  (tfjs's chain: ~9 kernels)
 *   GptLayerNormGrad  (dy, x, weight, stats → dx, dW[, dB])      2–3          (autodiff: ~25)
 *   GptGelu           (x → y, dy/dx)                             2            (~5; its gradient ~10)
 *   GptGeluGrad       (dy, deriv → dx)                           1
 *   GptCausalSoftmax  (scores → probabilities; scale, causal)    1            (~7 with the mask)
 *   GptSoftmaxGrad    (dp, p → d scores; scale)                  1            (~6)
 *   GptCrossEntropy   (logits, targets[, weights] → loss, probs) 2            (~10)
 *   GptCrossEntropyGrad (probs, targets[, weights], dy → dlogits) 1           (~8)
 *   GptSplitHeads / GptMergeHeads (qkv ↔ heads)                 1 a part / 1  (slices, transposes, a concat)
 *   GptAttention      (qkv → y, lse: the heads' outputs merged)  2            (5: split, q·kᵀ, softmax, ·v, merge)
 *   GptAttentionGrad  (dy, qkv, y, lse → d qkv)                  1            (7)
 *   GptColumnSum      (dy → a bias's gradient)                   1            (2: a transpose, a sum)
 *   GptGlobalNorm     (the flat gradient → ‖g‖₂)                 2            (2: square, sum; then sqrt)
 *   GptAdamWFlat      (m, v, g, parameters → updated)            n + 2        (~20 and a slice per parameter)
 *
 * A tfjs webgpu program has one output, so a kernel with several runs one program for each. Row-wise kernels
 * give a row to a thread (rows are B·T or B·nh·T: thousands, enough to fill a GPU at these sizes); the loss is
 * one workgroup's reduction. Sums are in f32 (WGSL has no f64), as tfjs's own reductions on webgpu are.
 * Registered by installWebGpuKernels for the 'webgpu' backend only; gpt.ts takes each fused kernel where the
 * backend has it (ops.ts hasFused). Checked against the cpu backend's unfused chains in webgpuKernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs'
import { LN_EPS } from './fused'
import { kernelSet, type KernelImpl } from './kernelSet'
import { FUSED_ATTENTION_MAX_HEAD, splitHeadsShape } from './ops'

/** What tfjs-backend-webgpu's runWebGPUProgram takes (its WebGPUProgram, the parts these programs set). */
interface Program {
  outputShape: number[]
  shaderKey: string
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]
  variableNames: string[]
  workgroupSize: [number, number, number]
  uniforms?: string
  size?: boolean
  getUserCode(): string
}

type Uniform = { type: 'int32' | 'float32'; data: number[] }

interface WebGpuBackendLike {
  runWebGPUProgram(program: Program, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: Uniform[]): tf.TensorInfo
  disposeData(dataId: object): boolean
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap
  backend: unknown
  attrs?: tf.NamedAttrMap
}

const WG = 64

/**
 * A program over `threads` invocations, one each (flat: tfjs folds a long dispatch into 2-D and its
 * getGlobalIndex unfolds it), writing an output of `outputShape`; `body` sees `i` (the invocation) and the
 * uniforms declared in `uniforms`.
 */
function program(
  key: string,
  outputShape: number[],
  threads: number,
  variableNames: string[],
  uniforms: string,
  body: string,
  prelude = '',
): Program {
  return {
    outputShape,
    shaderKey: `gpt_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(threads / WG), 1, 1],
    variableNames,
    workgroupSize: [WG, 1, 1],
    uniforms: `threads : i32, ${uniforms}`,
    getUserCode: () => `
      ${prelude}
      fn main(i : i32) {
        if (i >= uniforms.threads) { return; }
        ${body}
      }`,
  }
}

function run(
  backend: unknown,
  p: Program,
  inputs: tf.TensorInfo[],
  threads: number,
  extra: Uniform[] = [],
  dtype: tf.DataType = 'float32',
): tf.TensorInfo {
  return (backend as WebGpuBackendLike).runWebGPUProgram(p, inputs, dtype, [
    { type: 'int32', data: [threads] },
    ...extra,
  ])
}

const int = (...data: number[]): Uniform[] => data.map((d) => ({ type: 'int32', data: [d] }))
const float = (...data: number[]): Uniform[] => data.map((d) => ({ type: 'float32', data: [d] }))

function rowsOf(x: tf.TensorInfo): [number, number] {
  const C = x.shape[x.shape.length - 1]
  return [C ? tf.util.sizeFromShape(x.shape) / C : 0, C]
}

function checkFloat(where: string, ...ts: (tf.TensorInfo | undefined)[]): void {
  for (const t of ts) if (t && t.dtype !== 'float32') throw new Error(`${where}: float32 only, got ${t.dtype}`)
}

// --- LayerNorm -------------------------------------------------------------------------------------------

function layerNorm({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x, weight, bias } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptLayerNorm', x, weight, bias)
  const [N, C] = rowsOf(x!)
  if (weight!.shape[0] !== C || (bias && bias.shape[0] !== C)) throw new Error(`GptLayerNorm: ${C} channels`)
  // a row to a thread: its mean, then its variance about that mean (two passes over the row, as torch's), into
  // one (N, 2) output: [mean, rstd] per row
  const stats = run(
    backend,
    program(
      'ln_stats',
      [N, 2],
      N,
      ['X'],
      'cols : i32, eps : f32,',
      `let o = i * uniforms.cols;
       var s = 0.0;
       for (var c = 0; c < uniforms.cols; c++) { s += X[o + c]; }
       let mu = s / f32(uniforms.cols);
       var q = 0.0;
       for (var c = 0; c < uniforms.cols; c++) { let d = X[o + c] - mu; q += d * d; }
       result[2 * i] = mu;
       result[2 * i + 1] = inverseSqrt(q / f32(uniforms.cols) + uniforms.eps);`,
    ),
    [x!],
    N,
    [...int(C), ...float(LN_EPS)],
  )
  const names = bias ? ['X', 'ST', 'W', 'B'] : ['X', 'ST', 'W']
  const y = run(
    backend,
    program(
      bias ? 'ln_apply_b' : 'ln_apply',
      x!.shape,
      N * C,
      names,
      'cols : i32,',
      `let r = i / uniforms.cols;
       let c = i - r * uniforms.cols;
       result[i] = (X[i] - ST[2 * r]) * ST[2 * r + 1] * W[c]${bias ? ' + B[c]' : ''};`,
    ),
    bias ? [x!, stats, weight!, bias] : [x!, stats, weight!],
    N * C,
    int(C),
  )
  return [y, stats]
}

function layerNormGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  // mean is the forward's (N, 2) statistics ([mean, rstd] per row; rstd is the same tensor)
  const { dy, x, weight, mean: stats } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptLayerNormGrad', dy, x, weight, stats)
  const [N, C] = rowsOf(x)
  if (stats.shape.join() !== `${N},2`)
    throw new Error('GptLayerNormGrad (webgpu): the (N, 2) statistics of GptLayerNorm')
  // dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·weight: a row to a thread, two passes over it
  const dx = run(
    backend,
    program(
      'ln_dx',
      x.shape,
      N,
      ['DY', 'X', 'W', 'ST'],
      'cols : i32,',
      `let o = i * uniforms.cols;
       let mu = ST[2 * i];
       let rs = ST[2 * i + 1];
       var sg = 0.0;
       var sgx = 0.0;
       for (var c = 0; c < uniforms.cols; c++) {
         let g = DY[o + c] * W[c];
         sg += g;
         sgx += g * (X[o + c] - mu) * rs;
       }
       let mg = sg / f32(uniforms.cols);
       let mgx = sgx / f32(uniforms.cols);
       for (var c = 0; c < uniforms.cols; c++) {
         let xh = (X[o + c] - mu) * rs;
         result[o + c] = rs * (DY[o + c] * W[c] - mg - xh * mgx);
       }`,
    ),
    [dy, x, weight, stats],
    N,
    int(C),
  )
  // dWeight = Σ_rows dy·x̂, dBias = Σ_rows dy: a column to a thread
  const dw = run(
    backend,
    program(
      'ln_dw',
      [C],
      C,
      ['DY', 'X', 'ST'],
      'rows : i32, cols : i32,',
      `var s = 0.0;
       for (var r = 0; r < uniforms.rows; r++) {
         let k = r * uniforms.cols + i;
         s += DY[k] * (X[k] - ST[2 * r]) * ST[2 * r + 1];
       }
       result[i] = s;`,
    ),
    [dy, x, stats],
    C,
    int(N, C),
  )
  const outs = [dx, dw]
  if (attrs?.hasBias) outs.push(columnSum(backend, dy, N, C))
  return outs
}

function columnSum(backend: unknown, x: tf.TensorInfo, N: number, C: number): tf.TensorInfo {
  return run(
    backend,
    program(
      'colsum',
      [C],
      C,
      ['X'],
      'rows : i32, cols : i32,',
      `var s = 0.0;
       for (var r = 0; r < uniforms.rows; r++) { s += X[r * uniforms.cols + i]; }
       result[i] = s;`,
    ),
    [x],
    C,
    int(N, C),
  )
}

// --- GELU ------------------------------------------------------------------------------------------------

// Φ(x) by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, as fused.ts's and tfjs's Erf), and φ's exp.
const GELU_PRELUDE = `
  fn gptCdf(v : f32) -> vec2<f32> {
    let z = abs(v) * 0.7071067811865476;
    let t = 1.0 / (1.0 + 0.3275911 * z);
    let e = exp(-z * z);
    let tail = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e;
    return vec2<f32>(select(0.5 * tail, 1.0 - 0.5 * tail, v >= 0.0), e);
  }`

function gelu({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptGelu', x)
  const n = tf.util.sizeFromShape(x.shape)
  const y = run(
    backend,
    program('gelu', x.shape, n, ['X'], '', `let v = X[i]; result[i] = v * gptCdf(v).x;`, GELU_PRELUDE),
    [x],
    n,
  )
  const deriv = run(
    backend,
    program(
      'gelu_deriv',
      x.shape,
      n,
      ['X'],
      '',
      `let v = X[i]; let ce = gptCdf(v); result[i] = ce.x + v * ce.y * 0.3989422804014327;`,
      GELU_PRELUDE,
    ),
    [x],
    n,
  )
  return [y, deriv]
}

function geluGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, deriv } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptGeluGrad', dy, deriv)
  const n = tf.util.sizeFromShape(dy.shape)
  return run(backend, program('gelu_grad', dy.shape, n, ['DY', 'D'], '', `result[i] = DY[i] * D[i];`), [dy, deriv], n)
}

// --- attention's softmax -----------------------------------------------------------------------------------

function causalSoftmax({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const s = inputs.scores as tf.TensorInfo
  checkFloat('GptCausalSoftmax', s)
  const [R, T] = rowsOf(s)
  const causal = attrs?.causal !== false
  return run(
    backend,
    program(
      causal ? 'softmax_causal' : 'softmax_full',
      s.shape,
      R,
      ['S'],
      'cols : i32, scale : f32,',
      `let T = uniforms.cols;
       let o = i * T;
       let n = ${causal ? 'i % T + 1' : 'T'};
       var mx = S[o];
       for (var j = 1; j < n; j++) { mx = max(mx, S[o + j]); }
       var sum = 0.0;
       for (var j = 0; j < n; j++) { let e = exp((S[o + j] - mx) * uniforms.scale); result[o + j] = e; sum += e; }
       let inv = 1.0 / sum;
       for (var j = 0; j < n; j++) { result[o + j] = result[o + j] * inv; }
       for (var j = n; j < T; j++) { result[o + j] = 0.0; }`,
    ),
    [s],
    R,
    [...int(T), ...float(Number(attrs?.scale ?? 1))],
  )
}

function softmaxGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dp, p } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptSoftmaxGrad', dp, p)
  const [R, T] = rowsOf(p)
  return run(
    backend,
    program(
      'softmax_grad',
      p.shape,
      R,
      ['DP', 'P'],
      'cols : i32, scale : f32,',
      `let o = i * uniforms.cols;
       var dot = 0.0;
       for (var j = 0; j < uniforms.cols; j++) { dot += DP[o + j] * P[o + j]; }
       for (var j = 0; j < uniforms.cols; j++) { result[o + j] = uniforms.scale * P[o + j] * (DP[o + j] - dot); }`,
    ),
    [dp, p],
    R,
    [...int(T), ...float(Number(attrs?.scale ?? 1))],
  )
}

// --- cross-entropy -----------------------------------------------------------------------------------------

const LOSS_WG = 256

function crossEntropy({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptCrossEntropy', logits, weights)
  if (targets!.dtype !== 'int32') throw new Error('GptCrossEntropy: int32 targets')
  const [N, V] = rowsOf(logits!)
  const probs = run(
    backend,
    program(
      'ce_probs',
      logits!.shape,
      N,
      ['L'],
      'cols : i32,',
      `let o = i * uniforms.cols;
       var mx = L[o];
       for (var j = 1; j < uniforms.cols; j++) { mx = max(mx, L[o + j]); }
       var sum = 0.0;
       for (var j = 0; j < uniforms.cols; j++) { let e = exp(L[o + j] - mx); result[o + j] = e; sum += e; }
       let inv = 1.0 / sum;
       for (var j = 0; j < uniforms.cols; j++) { result[o + j] = result[o + j] * inv; }`,
    ),
    [logits!],
    N,
    int(V),
  )
  // the loss: one workgroup, each thread a stride of rows (−log p_target = log Σ + max − logit_target, from the
  // logits, not log(probs), which underflows), then a tree sum in workgroup memory. A target outside [0, V)
  // makes the loss NaN (the page's tokens never are: the CPU checks a text's ids before training).
  const names = weights ? ['L', 'TG', 'WT'] : ['L', 'TG']
  const loss: Program = {
    outputShape: [],
    shaderKey: `gpt_ce_loss${weights ? '_w' : ''}`,
    dispatchLayout: { x: [] },
    dispatch: [1, 1, 1],
    variableNames: names,
    workgroupSize: [LOSS_WG, 1, 1],
    uniforms: 'rows : i32, cols : i32, norm : f32,',
    getUserCode: () => `
      var<workgroup> part : array<f32, ${LOSS_WG}>;
      fn main(unused : i32) {
        let t = i32(localId.x);
        var total = 0.0;
        for (var r = t; r < uniforms.rows; r += ${LOSS_WG}) {
          let o = r * uniforms.cols;
          var mx = L[o];
          for (var j = 1; j < uniforms.cols; j++) { mx = max(mx, L[o + j]); }
          var sum = 0.0;
          for (var j = 0; j < uniforms.cols; j++) { sum += exp(L[o + j] - mx); }
          let tg = TG[r];
          var nll = uniforms.NAN;
          if (tg >= 0 && tg < uniforms.cols) { nll = log(sum) + mx - L[o + tg]; }
          total += ${weights ? 'WT[r] * nll' : 'nll'};
        }
        part[t] = total;
        workgroupBarrier();
        for (var k = ${LOSS_WG / 2}; k > 0; k = k / 2) {
          if (t < k) { part[t] = part[t] + part[t + k]; }
          workgroupBarrier();
        }
        if (t == 0) { result[0] = part[0] / uniforms.norm; }
      }`,
  }
  const value = (backend as WebGpuBackendLike).runWebGPUProgram(
    loss,
    weights ? [logits!, targets!, weights] : [logits!, targets!],
    'float32',
    [...int(N, V), ...float(Number(attrs?.norm ?? N))],
  )
  return [value, probs]
}

function crossEntropyGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { probs, targets, weights, dy } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptCrossEntropyGrad', probs, weights, dy)
  const [N, V] = rowsOf(probs!)
  const names = weights ? ['P', 'TG', 'DY', 'WT'] : ['P', 'TG', 'DY']
  return run(
    backend,
    program(
      weights ? 'ce_grad_w' : 'ce_grad',
      probs!.shape,
      N * V,
      names,
      'cols : i32, norm : f32,',
      `let r = i / uniforms.cols;
       let j = i - r * uniforms.cols;
       let k = ${weights ? 'WT[r] * ' : ''}DY[0] / uniforms.norm;
       result[i] = (P[i] - select(0.0, 1.0, TG[r] == j)) * k;`,
    ),
    weights ? [probs!, targets!, dy!, weights] : [probs!, targets!, dy!],
    N * V,
    [...int(V), ...float(Number(attrs?.norm ?? N))],
  )
}

// --- attention's heads ---------------------------------------------------------------------------------------

/** qkv (B·T, parts·C) → each part as (B, nh, T, hs): one gather each (tfjs: a slice and a transpose each). */
function splitHeads({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  const { batch: B, heads: nh, parts } = attrs as { batch: number; heads: number; parts: number }
  checkFloat('GptSplitHeads', x)
  const { T, hs } = splitHeadsShape(x.shape, B, nh, parts)
  const n = B * nh * T * hs
  return Array.from({ length: parts }, (_, part) =>
    run(
      backend,
      program(
        'split_heads',
        [B, nh, T, hs],
        n,
        ['X'],
        'T : i32, nh : i32, hs : i32, width : i32, offset : i32,',
        `let d = i % uniforms.hs;
         let t = (i / uniforms.hs) % uniforms.T;
         let h = (i / (uniforms.hs * uniforms.T)) % uniforms.nh;
         let b = i / (uniforms.hs * uniforms.T * uniforms.nh);
         result[i] = X[(b * uniforms.T + t) * uniforms.width + uniforms.offset + h * uniforms.hs + d];`,
      ),
      [x],
      n,
      int(T, nh, hs, x.shape[1], part * nh * hs),
    ),
  )
}

/** Parts, each (B, nh, T, hs) → (B·T, parts·C), heads side by side: one pass (tfjs: transposes and a concat). */
function mergeHeads({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const parts = Array.from({ length: attrs!.parts as number }, (_, i) => inputs[`x${i}`] as tf.TensorInfo)
  checkFloat('GptMergeHeads', ...parts)
  const [B, nh, T, hs] = parts[0].shape
  if (parts.some((p) => p.shape.join() !== parts[0].shape.join()))
    throw new Error('GptMergeHeads: every part has the same (B, nh, T, hs)')
  const C = nh * hs
  const n = B * T * parts.length * C
  const names = parts.map((_, i) => `X${i}`)
  const read = names
    .map((name, p) => (p === names.length - 1 ? `${name}[k]` : `select(${'$'}, ${name}[k], part == ${p})`))
    .reduceRight((inner, expr) => expr.replace('$', inner))
  return run(
    backend,
    program(
      `merge_heads_${parts.length}`,
      [B * T, parts.length * C],
      n,
      names,
      'T : i32, nh : i32, hs : i32, C : i32, width : i32,',
      `let row = i / uniforms.width;
       let col = i - row * uniforms.width;
       let part = col / uniforms.C;
       let rem = col - part * uniforms.C;
       let h = rem / uniforms.hs;
       let d = rem - h * uniforms.hs;
       let b = row / uniforms.T;
       let t = row - b * uniforms.T;
       let k = ((b * uniforms.nh + h) * uniforms.T + t) * uniforms.hs + d;
       result[i] = ${read};`,
    ),
    parts,
    n,
    int(T, nh, hs, C, parts.length * C),
  )
}

// --- attention in one pass (FlashAttention-style) -------------------------------------------------------------

/** Threads (query or key rows) in a workgroup of the attention kernels. */
const ATT_ROWS = 32

/** Rows of a tile in workgroup memory: two tiles of (rows × hs) floats in 8 KiB (WebGPU's minimum is 16 KiB). */
function attentionTile(hs: number): number {
  return Math.max(1, Math.min(64, Math.floor(1024 / hs)))
}

interface AttentionShape {
  B: number
  nh: number
  T: number
  hs: number
  C: number
  causal: boolean
  blocks: number // row blocks of ATT_ROWS per (sequence, head)
}

function attentionShape(qkv: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined, where: string): AttentionShape {
  checkFloat(where, qkv)
  const { batch: B, heads: nh } = attrs as { batch: number; heads: number }
  const { T, hs } = splitHeadsShape(qkv.shape, B, nh, 3)
  if (hs > FUSED_ATTENTION_MAX_HEAD)
    throw new Error(`${where}: heads of at most ${FUSED_ATTENTION_MAX_HEAD} (got ${hs})`)
  return { B, nh, T, hs, C: nh * hs, causal: attrs?.causal !== false, blocks: Math.ceil(T / ATT_ROWS) }
}

/**
 * A program of `groups` workgroups of ATT_ROWS threads over (sequence, head, block of rows). The shader sees,
 * all uniform across the workgroup (so its barriers may sit in loops over tiles): `wg` (its workgroup), `bh`
 * (sequence·heads + head), `b`, `h`, `r0` (its first row), `jobs` (B·nh·blocks), `valid` (not a workgroup of
 * tfjs's padding); and per thread `lane` and `row` (r0 + lane), `live` (a row of the sequence). Two tiles `tA`, `tB` of TILE rows of
 * the head, and `tL`, `tD` of TILE values, in workgroup memory. uniforms: T, nh, C, bh (B·nh), blocks, scale.
 */
function attentionProgram(
  key: string,
  s: AttentionShape,
  outputShape: number[],
  groups: number,
  variableNames: string[],
  body: string,
): Program {
  const tile = attentionTile(s.hs)
  return {
    outputShape,
    shaderKey: `gpt_attn_${key}_${s.hs}_${s.causal ? 'causal' : 'full'}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    variableNames,
    workgroupSize: [ATT_ROWS, 1, 1],
    uniforms: 'T : i32, nh : i32, C : i32, bh : i32, blocks : i32, scale : f32,',
    getUserCode: () => `
      const HS = ${s.hs};
      const TILE = ${tile};
      const ROWS = ${ATT_ROWS};
      const CAUSAL = ${s.causal};
      var<workgroup> tA : array<f32, ${tile * s.hs}>;
      var<workgroup> tB : array<f32, ${tile * s.hs}>;
      var<workgroup> tL : array<f32, ${tile}>;
      var<workgroup> tD : array<f32, ${tile}>;
      var<workgroup> wgShared : i32;
      fn main(i : i32) {
        let lane = i32(localIndex);
        if (lane == 0) { wgShared = i / ROWS; }
        let wg = workgroupUniformLoad(&wgShared);
        let T = uniforms.T;
        let W = 3 * uniforms.C;
        let jobs = uniforms.bh * uniforms.blocks;
        let job = wg % jobs;
        let bh = job / uniforms.blocks;
        let valid = wg < ${key === 'grad' ? '2 * jobs' : 'jobs'};
        let r0 = (job - bh * uniforms.blocks) * ROWS;
        let b = bh / uniforms.nh;
        let h = bh - b * uniforms.nh;
        let row = r0 + lane;
        let live = valid && row < T;
        ${body}
      }`,
  }
}

function runAttention(backend: unknown, p: Program, inputs: tf.TensorInfo[], s: AttentionShape): tf.TensorInfo {
  return (backend as WebGpuBackendLike).runWebGPUProgram(p, inputs, 'float32', [
    ...int(s.T, s.nh, s.C, s.B * s.nh, s.blocks),
    ...float(1 / Math.sqrt(s.hs)),
  ])
}

// a tile of TILE rows of the head from `src` (the query, key or value part of qkv: column offset `part`) into
// `dst`, rows from `first`; rows past T are left as they are (no thread reads them)
const loadTile = (dst: string, src: string, width: string, part: string, first: string, scaled = false) => `
        for (var e = lane; e < TILE * HS; e += ROWS) {
          let j = ${first} + e / HS;
          if (valid && j < T) {
            ${dst}[e] = ${src}[(b * T + j) * ${width} + ${part} + h * HS + e % HS]${scaled ? ' * uniforms.scale' : ''};
          }
        }`

// a head's row `r` of qkv's part `part` (or of a (B·T, C) tensor with width C) into the private array `dst`
const loadRow = (dst: string, src: string, width: string, part: string, scaled = false) => `
        for (var d = 0; d < HS; d++) {
          ${dst}[d] = ${src}[(b * T + row) * ${width} + ${part} + h * HS + d]${scaled ? ' * uniforms.scale' : ''};
        }`

/**
 * A query row's walk over the keys it sees (causal: those up to it), a tile at a time: each tile of keys (tA)
 * and, with `values`, of values (tB) loaded by the whole workgroup, then `body` once per key of the tile (`jj`
 * its row in the tile, `sc` its scaled score q·k) by each live thread.
 */
const overKeys = (values: boolean, body: string) => `
        let kEnd = select(T, min(T, r0 + ROWS), CAUSAL);
        let rowEnd = select(T, row + 1, CAUSAL);
        for (var c0 = 0; c0 < kEnd; c0 += TILE) {
          workgroupBarrier();
          ${loadTile('tA', 'QKV', 'W', 'uniforms.C', 'c0')}
          ${values ? loadTile('tB', 'QKV', 'W', '2 * uniforms.C', 'c0') : ''}
          workgroupBarrier();
          if (live) {
            let n = min(TILE, rowEnd - c0);
            for (var jj = 0; jj < n; jj++) {
              var sc = 0.0;
              for (var d = 0; d < HS; d++) { sc += q[d] * tA[jj * HS + d]; }
              ${body}
            }
          }
        }`

/**
 * GptAttention: qkv (B·T, 3C) → y (B·T, C), the heads' outputs side by side (softmax(q·kᵀ/√hs, causal)·v), and
 * lse (B, nh, T), each row's log Σ exp of its scaled scores, for the backward. Two dispatches where tfjs's chain
 * runs five (the heads' split, q·kᵀ, the softmax, ·v, the merge) and writes the (B, nh, T, T) probabilities:
 * each workgroup takes ROWS query rows of one head and walks the keys a tile at a time through workgroup memory
 * (causal: only the tiles at or before its last row), a thread per query row; the first pass keeps a running
 * maximum and sum (the online softmax), the second weights the values by exp(s − lse).
 */
function attentionKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const qkv = inputs.qkv as tf.TensorInfo
  const s = attentionShape(qkv, attrs, 'GptAttention')
  const groups = s.B * s.nh * s.blocks
  // the thread's query row, scaled, in registers
  const query = `
        var q : array<f32, HS>;
        if (live) { ${loadRow('q', 'QKV', 'W', '0', true)} }`
  const lse = runAttention(
    backend,
    attentionProgram(
      'lse',
      s,
      [s.B, s.nh, s.T],
      groups,
      ['QKV'],
      `${query}
        var m = -3.0e38;
        var l = 0.0;
        ${overKeys(
          false,
          `let mx = max(m, sc);
           l = l * exp(m - mx) + exp(sc - mx);
           m = mx;`,
        )}
        if (live) { result[bh * T + row] = m + log(l); }`,
    ),
    [qkv],
    s,
  )
  const y = runAttention(
    backend,
    attentionProgram(
      'out',
      s,
      [s.B * s.T, s.C],
      groups,
      ['QKV', 'LSE'],
      `${query}
        var acc : array<f32, HS>;
        var li = 0.0;
        if (live) { li = LSE[bh * T + row]; }
        ${overKeys(
          true,
          `let p = exp(sc - li);
           for (var d = 0; d < HS; d++) { acc[d] += p * tB[jj * HS + d]; }`,
        )}
        if (live) {
          for (var d = 0; d < HS; d++) { result[(b * T + row) * uniforms.C + h * HS + d] = acc[d]; }
        }`,
    ),
    [qkv, lse],
    s,
  )
  return [y, lse]
}

/**
 * GptAttentionGrad: (dy (B·T, C), qkv, y, lse) → d qkv (B·T, 3C) in one dispatch, as FlashAttention's backward
 * recomputes the probabilities p = exp(q·k/√hs − lse) instead of keeping them. With D = rowsum(dy ⊙ y) and
 * ds = p ⊙ (dy·vᵀ − D): dq = ds·k/√hs, dk = dsᵀ·q/√hs, dv = pᵀ·dy. Half the workgroups take query rows (dq: a
 * thread per query walks the key tiles), half take key rows (dk and dv: a thread per key walks the query tiles,
 * causal: those at or after its first row, with each tile's lse and D); every element of d qkv is written once,
 * by one thread, so nothing is summed across threads. tfjs's chain: seven kernels (the merge's and the split's
 * gradients, two products for each of the two products, the softmax's gradient).
 */
function attentionGradKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, qkv, y, lse } = inputs as Record<string, tf.TensorInfo>
  const s = attentionShape(qkv, attrs, 'GptAttentionGrad')
  checkFloat('GptAttentionGrad', dy, y, lse)
  if (dy.shape.join() !== `${s.B * s.T},${s.C}` || y.shape.join() !== dy.shape.join())
    throw new Error(`GptAttentionGrad: dy and y are (B·T, C) = (${s.B * s.T}, ${s.C})`)
  return runAttention(
    backend,
    attentionProgram(
      'grad',
      s,
      [s.B * s.T, 3 * s.C],
      2 * s.B * s.nh * s.blocks,
      ['DY', 'QKV', 'Y', 'LSE'],
      `if (wg < jobs) {
          // dq for query row \`row\`: keys ≤ row
          var q : array<f32, HS>;
          var g : array<f32, HS>;
          var dq : array<f32, HS>;
          var li = 0.0;
          var di = 0.0;
          if (live) {
            ${loadRow('q', 'QKV', 'W', '0', true)}
            ${loadRow('g', 'DY', 'uniforms.C', '0')}
            li = LSE[bh * T + row];
            for (var d = 0; d < HS; d++) { di += g[d] * Y[(b * T + row) * uniforms.C + h * HS + d]; }
          }
          ${overKeys(
            true,
            `var dp = 0.0;
             for (var d = 0; d < HS; d++) { dp += g[d] * tB[jj * HS + d]; }
             let ds = exp(sc - li) * (dp - di);
             for (var d = 0; d < HS; d++) { dq[d] += ds * tA[jj * HS + d]; }`,
          )}
          if (live) {
            for (var d = 0; d < HS; d++) { result[(b * T + row) * W + h * HS + d] = dq[d] * uniforms.scale; }
          }
        } else {
          // dk and dv for key row \`row\`: queries ≥ row
          var k : array<f32, HS>;
          var v : array<f32, HS>;
          var dk : array<f32, HS>;
          var dv : array<f32, HS>;
          if (live) {
            ${loadRow('k', 'QKV', 'W', 'uniforms.C')}
            ${loadRow('v', 'QKV', 'W', '2 * uniforms.C')}
          }
          for (var c0 = select(0, r0, CAUSAL); c0 < T; c0 += TILE) {
            workgroupBarrier();
            ${loadTile('tA', 'QKV', 'W', '0', 'c0', true)}
            ${loadTile('tB', 'DY', 'uniforms.C', '0', 'c0')}
            for (var e = lane; e < TILE; e += ROWS) {
              let j = c0 + e;
              if (valid && j < T) {
                tL[e] = LSE[bh * T + j];
                var dd = 0.0;
                for (var d = 0; d < HS; d++) {
                  let o = (b * T + j) * uniforms.C + h * HS + d;
                  dd += DY[o] * Y[o];
                }
                tD[e] = dd;
              }
            }
            workgroupBarrier();
            if (live) {
              let n = min(TILE, T - c0);
              for (var ii = select(0, row - c0, CAUSAL && row > c0); ii < n; ii++) {
                var sc = 0.0;
                var dp = 0.0;
                for (var d = 0; d < HS; d++) {
                  sc += tA[ii * HS + d] * k[d];
                  dp += tB[ii * HS + d] * v[d];
                }
                let p = exp(sc - tL[ii]);
                let ds = p * (dp - tD[ii]);
                for (var d = 0; d < HS; d++) {
                  dv[d] += p * tB[ii * HS + d];
                  dk[d] += ds * tA[ii * HS + d];
                }
              }
            }
          }
          if (live) {
            for (var d = 0; d < HS; d++) {
              result[(b * T + row) * W + uniforms.C + h * HS + d] = dk[d];
              result[(b * T + row) * W + 2 * uniforms.C + h * HS + d] = dv[d];
            }
          }
        }`,
    ),
    [dy, qkv, y, lse],
    s,
  )
}

// --- a linear layer's bias gradient -------------------------------------------------------------------------

/** GptColumnSum: x (N, C) → (C), the sum of its rows (1ᵀ·dy; tfjs's Sum over the rows transposes dy first). */
function columnSumKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptColumnSum', x)
  const [N, C] = rowsOf(x)
  return columnSum(backend, x, N, C)
}

// --- the optimizer ---------------------------------------------------------------------------------------------

const NORM_WG = 256

/**
 * GptGlobalNorm over one flat vector (g0; count 1): ‖g‖₂ in two dispatches — each of up to 256 workgroups sums
 * the squares of a stride of the vector in workgroup memory, then one workgroup sums those partial sums. A NaN
 * or an infinity anywhere makes the norm one too (the step's guard reads it).
 */
function globalNorm({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  if (attrs?.count !== 1 || !inputs.g0) throw new Error('GptGlobalNorm (webgpu): one flat vector, g0')
  const g = inputs.g0 as tf.TensorInfo
  checkFloat('GptGlobalNorm', g)
  const n = tf.util.sizeFromShape(g.shape)
  const groups = Math.max(1, Math.min(NORM_WG, Math.ceil(n / NORM_WG)))
  const reduce = (key: string, outputShape: number[], workgroups: number, name: string, body: string): Program => ({
    outputShape,
    shaderKey: `gpt_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [workgroups, 1, 1],
    variableNames: [name],
    workgroupSize: [NORM_WG, 1, 1],
    uniforms: 'size : i32, stride : i32,',
    getUserCode: () => `
      var<workgroup> part : array<f32, ${NORM_WG}>;
      fn main(unused : i32) {
        let t = i32(localId.x);
        var s = 0.0;
        for (var k = i32(workgroupId.x) * ${NORM_WG} + t; k < uniforms.size; k += uniforms.stride) { ${body} }
        part[t] = s;
        workgroupBarrier();
        for (var h = ${NORM_WG / 2}; h > 0; h = h / 2) {
          if (t < h) { part[t] = part[t] + part[t + h]; }
          workgroupBarrier();
        }
        if (t == 0) { result[i32(workgroupId.x)] = ${key === 'norm_total' ? 'sqrt(part[0])' : 'part[0]'}; }
      }`,
  })
  const b = backend as WebGpuBackendLike
  const partial = b.runWebGPUProgram(
    reduce('norm_part', [groups], groups, 'G', 'let x = G[k]; s += x * x;'),
    [g],
    'float32',
    int(n, groups * NORM_WG),
  )
  const norm = b.runWebGPUProgram(
    reduce('norm_total', [], 1, 'P', 's += P[k];'),
    [partial],
    'float32',
    int(groups, NORM_WG),
  )
  b.disposeData(partial.dataId)
  return norm
}

// bits of an f32 that is neither NaN nor ±∞ (WGSL has no isNan; a compiler may fold x != x away)
const FINITE_PRELUDE = `
  fn gptFinite(x : f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }`

/**
 * GptAdamWFlat: AdamW over every parameter at once, the gradients end to end in one vector (g, in the moments'
 * order), as torch.optim.AdamW steps (see src/train/adamw.ts):
 *   inputs m, v, g (total), p0 … p{n−1}; `scale` (a scalar: the clip factor) when attrs.gradScale is −1;
 *   `guard` (loss, gradient norm) to skip the step on the device: if either is not finite, every output is its
 *   input — the step changes no weight and no moment; with gradScale −1 and no `scale`, the clip factor is
 *   computed from the guard's norm and attrs.clip (no kernels of its own).
 *   attrs decayed (a flag per parameter), lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale[, clip].
 *   outputs p0' … p{n−1}', m', v'.
 * m' and v' are one dispatch each over the flat vectors; each parameter's update one more, reading m' and v' at
 * its offset (a program has one output): n + 2 dispatches, where tfjs's chain ran ~20 kernels and a slice per
 * parameter to split the updated vector back.
 */
function adamWFlat({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const decayed = attrs!.decayed as number[]
  const params = decayed.map((_, i) => inputs[`p${i}`] as tf.TensorInfo)
  const { m, v, g, scale, guard } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptAdamWFlat', m, v, g, scale, guard, ...params)
  const total = params.reduce((s, p) => s + tf.util.sizeFromShape(p.shape), 0)
  for (const [t, what] of [
    [m, 'm'],
    [v, 'v'],
    [g, 'g'],
  ] as const)
    if (!t || tf.util.sizeFromShape(t.shape) !== total) throw new Error(`GptAdamWFlat: ${what} of ${total} values`)
  const a = attrs as Record<string, number>
  const gradScale = a.gradScale
  if (gradScale < 0 && !scale && !guard) throw new Error('GptAdamWFlat: a scale or a guard when gradScale is −1')
  const fromTensor = gradScale < 0 && Boolean(scale)
  // the clip factor: given, or a tensor, or from the guard's norm (attrs.clip, 0 = off) as clip_grad_norm_ has it
  const s = fromTensor
    ? 'S[0]'
    : gradScale < 0
      ? 'select(1.0, min(1.0, uniforms.clip / (K[1] + 1e-6)), uniforms.clip > 0.0)'
      : 'uniforms.gs'
  const ok = guard ? 'gptFinite(K[0]) && gptFinite(K[1])' : 'true'
  const extra = [...(fromTensor ? ['S'] : []), ...(guard ? ['K'] : [])]
  const extraInputs = [...(fromTensor ? [scale!] : []), ...(guard ? [guard] : [])]
  const variant = `${fromTensor ? 't' : gradScale < 0 ? 'k' : 'u'}${guard ? 'g' : ''}`
  const moment = (key: string, name: string, update: string) =>
    run(
      backend,
      program(
        `adamw_${key}_${variant}`,
        [total],
        total,
        [name, 'G', ...extra],
        'beta : f32, gs : f32, clip : f32,',
        `if (!(${ok})) { result[i] = ${name}[i]; return; }
         let gi = G[i] * ${s};
         result[i] = uniforms.beta * ${name}[i] + (1.0 - uniforms.beta) * ${update};`,
        FINITE_PRELUDE,
      ),
      [key === 'm' ? m! : v!, g!, ...extraInputs],
      total,
      float(key === 'm' ? a.beta1 : a.beta2, Math.max(gradScale, 0), a.clip ?? 0),
    )
  const m2 = moment('m', 'M', 'gi')
  const v2 = moment('v', 'V', 'gi * gi')
  let at = 0
  const updated = params.map((p, i) => {
    const size = tf.util.sizeFromShape(p.shape)
    const out = run(
      backend,
      program(
        `adamw_p${guard ? 'g' : ''}`,
        p.shape,
        size,
        ['P', 'M2', 'V2', ...(guard ? ['K'] : [])],
        'offset : i32, keep : f32, step : f32, rbc2 : f32, eps : f32,',
        `if (!(${ok})) { result[i] = P[i]; return; }
         let k = uniforms.offset + i;
         result[i] = P[i] * uniforms.keep - uniforms.step * M2[k] / (sqrt(V2[k]) * uniforms.rbc2 + uniforms.eps);`,
        FINITE_PRELUDE,
      ),
      [p, m2, v2, ...(guard ? [guard] : [])],
      size,
      [
        ...int(at),
        ...float(decayed[i] === 1 ? 1 - a.lr * a.weightDecay : 1, a.lr / a.bc1, 1 / Math.sqrt(a.bc2), a.eps),
      ],
    )
    at += size
    return out
  })
  return [...updated, m2, v2]
}

const KERNELS: [string, KernelImpl][] = [
  ['GptLayerNorm', layerNorm],
  ['GptLayerNormGrad', layerNormGrad],
  ['GptGelu', gelu],
  ['GptGeluGrad', geluGrad],
  ['GptCausalSoftmax', causalSoftmax],
  ['GptSoftmaxGrad', softmaxGrad],
  ['GptCrossEntropy', crossEntropy],
  ['GptCrossEntropyGrad', crossEntropyGrad],
  ['GptSplitHeads', splitHeads],
  ['GptMergeHeads', mergeHeads],
  ['GptAttention', attentionKernel],
  ['GptAttentionGrad', attentionGradKernel],
  ['GptColumnSum', columnSumKernel],
  ['GptGlobalNorm', globalNorm],
  ['GptAdamWFlat', adamWFlat],
]

const SET = kernelSet('webgpu', KERNELS)

/** The names installWebGpuKernels registers (for tests and the bench). */
export const WEBGPU_FUSED_KERNELS = SET.names

/** Registers the fused kernels for the 'webgpu' backend (and the head kernels' gradients). Idempotent. */
export const installWebGpuKernels = SET.install

/** Removes them again (tests compare the fused kernels with tfjs's own chains on the same backend). */
export const uninstallWebGpuKernels = SET.uninstall
