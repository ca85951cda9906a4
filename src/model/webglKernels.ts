/**
 * The fused element-wise and row-wise kernels of ./fused.ts (the contracts of ./webgpuKernels.ts) as fragment
 * programs for tfjs-backend-webgl, the backend a browser without WebGPU falls back to on a real GPU (issue 22,
 * item 4). A WebGL program draws one output texture and a fragment computes one value, so a row's statistics
 * are a small program of their own, read by the element program after it:
 *
 *   GptLayerNorm       (x, weight[, bias] → y, stats (N, 2))     2 draws   (tfjs's chain: ~9 kernels)
 *   GptLayerNormGrad   (dy, x, weight, stats → dx, dW[, dB])     3–4       (autodiff: ~25)
 *   GptGelu            (x → y, dy/dx)                            2         (~5; its gradient ~10)
 *   GptGeluGrad        (dy, deriv → dx)                          1
 *   GptCausalSoftmax   (scores → probabilities; scale, causal)   2         (~7 with the mask)
 *   GptSoftmaxGrad     (dp, p → d scores; scale)                 2         (~6)
 *   GptCrossEntropy    (logits, targets[, weights] → loss, probs) 3        (~10)
 *   GptCrossEntropyGrad (probs, targets[, weights], dy → dlogits) 1        (~8)
 *   GptSplitHeads / GptMergeHeads (qkv ↔ heads)                 1 a part / 1  (slices, transposes, a concat)
 *   GptColumnSum       (dy → a bias's gradient)                  1         (2)
 *   GptAdamWFlat       (m, v, g, parameters[, guard] → updated) n + 2     (~20, a split and a reshape a parameter)
 *
 * Attention in one pass is not here: a fragment computes one output value, so the weighted sum's fragments
 * would each redo their row's scores (hs times the products' work); WebGL keeps tfjs's products and the fused
 * softmax. The gradient norm is tfjs's (a square and a sum over the flat vector). Sums are in f32 (highp), as
 * tfjs's own reductions on WebGL are. Shapes are baked into each program's source (tfjs caches one compiled
 * program per source); what changes from call to call is a uniform (`draw`). Registered by installWebGlKernels for the 'webgl' backend only; checked against the cpu
 * backend in the browser (e2e/webglKernels.spec.ts, the page e2e/kernels/webgl.html).
 */
import * as tf from '@tensorflow/tfjs'
import { LN_EPS } from './fused'
import { kernelSet, type KernelImpl } from './kernelSet'
import { splitHeadsShape } from './ops'

/** What tfjs-backend-webgl's runWebGLProgram takes (its GPGPUProgram, the parts these programs set). */
interface Program {
  variableNames: string[]
  outputShape: number[]
  userCode: string
  customUniforms?: { name: string; type: 'float' }[]
}

interface WebGlBackendLike {
  runWebGLProgram(program: Program, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: number[][]): tf.TensorInfo
  disposeIntermediateTensorInfo(t: tf.TensorInfo): void
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap
  backend: unknown
  attrs?: tf.NamedAttrMap
}

/**
 * One fragment program. Sizes are baked into `main` (a compiled program per shape, cached by tfjs); values that
 * change from call to call (a step's learning rate, a batch's weight total) are `uniforms`, float uniforms by
 * name, so no call compiles a program again.
 */
function draw(
  backend: unknown,
  outputShape: number[],
  variableNames: string[],
  inputs: tf.TensorInfo[],
  main: string,
  uniforms: Record<string, number> = {},
) {
  const names = Object.keys(uniforms)
  return (backend as WebGlBackendLike).runWebGLProgram(
    {
      variableNames,
      outputShape,
      userCode: main,
      ...(names.length && { customUniforms: names.map((name) => ({ name, type: 'float' as const })) }),
    },
    inputs,
    'float32',
    names.map((n) => [uniforms[n]]),
  )
}

function release(backend: unknown, ...ts: tf.TensorInfo[]): void {
  for (const t of ts) (backend as WebGlBackendLike).disposeIntermediateTensorInfo(t)
}

/** A float literal for GLSL (always with a point or an exponent). */
function f(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`webgl kernels: ${x} is no GLSL literal`)
  const t = String(x)
  return /[.e]/.test(t) ? t : `${t}.0`
}

function rowsOf(x: tf.TensorInfo): [number, number] {
  const C = x.shape[x.shape.length - 1]
  return [C ? tf.util.sizeFromShape(x.shape) / C : 0, C]
}

function checkFloat(where: string, ...ts: (tf.TensorInfo | undefined)[]): void {
  for (const t of ts) if (t && t.dtype !== 'float32') throw new Error(`${where}: float32 only, got ${t.dtype}`)
}

function check2d(where: string, x: tf.TensorInfo): void {
  if (x.shape.length !== 2) throw new Error(`${where} (webgl): a (rows, columns) input, got [${x.shape}]`)
}

// --- LayerNorm -------------------------------------------------------------------------------------------

function layerNorm({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x, weight, bias } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptLayerNorm', x, weight, bias)
  check2d('GptLayerNorm', x!)
  const [N, C] = rowsOf(x!)
  if (weight!.shape[0] !== C || (bias && bias.shape[0] !== C)) throw new Error(`GptLayerNorm: ${C} channels`)
  // [mean, rstd] of each row: the mean, then the variance about it (two passes, as torch's)
  const stats = draw(
    backend,
    [N, 2],
    ['X'],
    [x!],
    `void main() {
      ivec2 rc = getOutputCoords();
      float s = 0.0;
      for (int c = 0; c < ${C}; c++) { s += getX(rc.x, c); }
      float mu = s / ${f(C)};
      float q = 0.0;
      for (int c = 0; c < ${C}; c++) { float d = getX(rc.x, c) - mu; q += d * d; }
      setOutput(rc.y == 0 ? mu : inversesqrt(q / ${f(C)} + ${f(LN_EPS)}));
    }`,
  )
  const y = draw(
    backend,
    [N, C],
    bias ? ['X', 'ST', 'W', 'B'] : ['X', 'ST', 'W'],
    bias ? [x!, stats, weight!, bias] : [x!, stats, weight!],
    `void main() {
      ivec2 rc = getOutputCoords();
      setOutput((getX(rc.x, rc.y) - getST(rc.x, 0)) * getST(rc.x, 1) * getW(rc.y)${bias ? ' + getB(rc.y)' : ''});
    }`,
  )
  return [y, stats]
}

function layerNormGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, weight, mean: stats } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptLayerNormGrad', dy, x, weight, stats)
  check2d('GptLayerNormGrad', x)
  const [N, C] = rowsOf(x)
  if (stats.shape.join() !== `${N},2`)
    throw new Error('GptLayerNormGrad (webgl): the (N, 2) statistics of GptLayerNorm')
  const xhat = (r: string, c: string) => `((getX(${r}, ${c}) - getST(${r}, 0)) * getST(${r}, 1))`
  // per row: mean(g) and mean(g·x̂), g = dy·weight; then dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
  const sums = draw(
    backend,
    [N, 2],
    ['DY', 'X', 'W', 'ST'],
    [dy, x, weight, stats],
    `void main() {
      ivec2 rc = getOutputCoords();
      float s = 0.0;
      for (int c = 0; c < ${C}; c++) {
        float g = getDY(rc.x, c) * getW(c);
        s += rc.y == 0 ? g : g * ${xhat('rc.x', 'c')};
      }
      setOutput(s / ${f(C)});
    }`,
  )
  const dx = draw(
    backend,
    [N, C],
    ['DY', 'X', 'W', 'ST', 'SG'],
    [dy, x, weight, stats, sums],
    `void main() {
      ivec2 rc = getOutputCoords();
      float g = getDY(rc.x, rc.y) * getW(rc.y);
      setOutput(getST(rc.x, 1) * (g - getSG(rc.x, 0) - ${xhat('rc.x', 'rc.y')} * getSG(rc.x, 1)));
    }`,
  )
  release(backend, sums)
  // dWeight = Σ_rows dy·x̂, dBias = Σ_rows dy: a column to a fragment
  const dw = draw(
    backend,
    [C],
    ['DY', 'X', 'ST'],
    [dy, x, stats],
    `void main() {
      int c = getOutputCoords();
      float s = 0.0;
      for (int r = 0; r < ${N}; r++) { s += getDY(r, c) * ${xhat('r', 'c')}; }
      setOutput(s);
    }`,
  )
  const outs = [dx, dw]
  if (attrs?.hasBias) outs.push(columnSum(backend, dy))
  return outs
}

function columnSum(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  check2d('GptColumnSum', x)
  const [N, C] = rowsOf(x)
  return draw(
    backend,
    [C],
    ['X'],
    [x],
    `void main() {
      int c = getOutputCoords();
      float s = 0.0;
      for (int r = 0; r < ${N}; r++) { s += getX(r, c); }
      setOutput(s);
    }`,
  )
}

function columnSumKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptColumnSum', x)
  return columnSum(backend, x)
}

// --- GELU ------------------------------------------------------------------------------------------------

// Φ(x) by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, as fused.ts's and the WGSL kernels'), and φ's exp
const CDF = `
  vec2 gptCdf(float v) {
    float z = abs(v) * 0.7071067811865476;
    float t = 1.0 / (1.0 + 0.3275911 * z);
    float e = exp(-z * z);
    float tail = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * e;
    return vec2(v >= 0.0 ? 1.0 - 0.5 * tail : 0.5 * tail, e);
  }`

function gelu({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  checkFloat('GptGelu', x)
  const y = draw(
    backend,
    x.shape,
    ['X'],
    [x],
    `${CDF} void main() { float v = getXAtOutCoords(); setOutput(v * gptCdf(v).x); }`,
  )
  const deriv = draw(
    backend,
    x.shape,
    ['X'],
    [x],
    `${CDF}
    void main() {
      float v = getXAtOutCoords();
      vec2 ce = gptCdf(v);
      setOutput(ce.x + v * ce.y * 0.3989422804014327);
    }`,
  )
  return [y, deriv]
}

function geluGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, deriv } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptGeluGrad', dy, deriv)
  return draw(
    backend,
    dy.shape,
    ['DY', 'D'],
    [dy, deriv],
    `void main() { setOutput(getDYAtOutCoords() * getDAtOutCoords()); }`,
  )
}

// --- attention's softmax -----------------------------------------------------------------------------------

/** (B, nh, T, T) scores: a row r of the B·nh·T rows as its (b, h, i) in GLSL. */
function scoreRows(s: tf.TensorInfo, where: string): { B: number; H: number; T: number; at: string } {
  if (s.shape.length !== 4 || s.shape[2] !== s.shape[3]) throw new Error(`${where} (webgl): (B, nh, T, T) scores`)
  const [B, H, T] = s.shape
  return { B, H, T, at: `int b = r / ${H * T}; int h = (r / ${T}) - b * ${H}; int i = r - (r / ${T}) * ${T};` }
}

function causalSoftmax({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const s = inputs.scores as tf.TensorInfo
  checkFloat('GptCausalSoftmax', s)
  const { B, H, T, at } = scoreRows(s, 'GptCausalSoftmax')
  const causal = attrs?.causal !== false
  const scale = f(Number(attrs?.scale ?? 1))
  const n = causal ? 'i + 1' : `${T}`
  // per row: the largest score among the keys it sees, and Σ exp((s − max)·scale)
  const stats = draw(
    backend,
    [B * H * T, 2],
    ['S'],
    [s],
    `void main() {
      ivec2 rc = getOutputCoords();
      int r = rc.x;
      ${at}
      float mx = getS(b, h, i, 0);
      for (int j = 1; j < ${T}; j++) { if (j < ${n}) { mx = max(mx, getS(b, h, i, j)); } }
      float sum = 0.0;
      for (int j = 0; j < ${T}; j++) { if (j < ${n}) { sum += exp((getS(b, h, i, j) - mx) * ${scale}); } }
      setOutput(rc.y == 0 ? mx : sum);
    }`,
  )
  const p = draw(
    backend,
    s.shape,
    ['S', 'ST'],
    [s, stats],
    `void main() {
      ivec4 c = getOutputCoords();
      int r = (c.x * ${H} + c.y) * ${T} + c.z;
      ${causal ? 'if (c.w > c.z) { setOutput(0.0); return; }' : ''}
      setOutput(exp((getS(c.x, c.y, c.z, c.w) - getST(r, 0)) * ${scale}) / getST(r, 1));
    }`,
  )
  release(backend, stats)
  return p
}

function softmaxGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dp, p } = inputs as Record<string, tf.TensorInfo>
  checkFloat('GptSoftmaxGrad', dp, p)
  const { B, H, T, at } = scoreRows(p, 'GptSoftmaxGrad')
  const scale = f(Number(attrs?.scale ?? 1))
  const dot = draw(
    backend,
    [B * H * T],
    ['DP', 'P'],
    [dp, p],
    `void main() {
      int r = getOutputCoords();
      ${at}
      float s = 0.0;
      for (int j = 0; j < ${T}; j++) { s += getDP(b, h, i, j) * getP(b, h, i, j); }
      setOutput(s);
    }`,
  )
  const ds = draw(
    backend,
    p.shape,
    ['DP', 'P', 'D'],
    [dp, p, dot],
    `void main() {
      ivec4 c = getOutputCoords();
      int r = (c.x * ${H} + c.y) * ${T} + c.z;
      float pp = getP(c.x, c.y, c.z, c.w);
      setOutput(${scale} * pp * (getDP(c.x, c.y, c.z, c.w) - getD(r)));
    }`,
  )
  release(backend, dot)
  return ds
}

// --- cross-entropy -----------------------------------------------------------------------------------------

function crossEntropy({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const { logits, targets, weights } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptCrossEntropy', logits, weights)
  if (targets!.dtype !== 'int32') throw new Error('GptCrossEntropy: int32 targets')
  check2d('GptCrossEntropy', logits!)
  const [N, V] = rowsOf(logits!)
  const norm = { norm: Number(attrs?.norm ?? N) } // a batch's weight total in pair mode: a uniform
  // per row: max and Σ exp(l − max)
  const stats = draw(
    backend,
    [N, 2],
    ['L'],
    [logits!],
    `void main() {
      ivec2 rc = getOutputCoords();
      float mx = getL(rc.x, 0);
      for (int j = 1; j < ${V}; j++) { mx = max(mx, getL(rc.x, j)); }
      float sum = 0.0;
      for (int j = 0; j < ${V}; j++) { sum += exp(getL(rc.x, j) - mx); }
      setOutput(rc.y == 0 ? mx : sum);
    }`,
  )
  const probs = draw(
    backend,
    [N, V],
    ['L', 'ST'],
    [logits!, stats],
    `void main() {
      ivec2 rc = getOutputCoords();
      setOutput(exp(getL(rc.x, rc.y) - getST(rc.x, 0)) / getST(rc.x, 1));
    }`,
  )
  // the loss in one fragment: −log p_target = log Σ + max − logit_target over the rows (from the logits, not
  // log(probs), which underflows); a target outside [0, V) makes it NaN (the CPU checks a text's ids first)
  const names = weights ? ['L', 'ST', 'TG', 'WT'] : ['L', 'ST', 'TG']
  const loss = draw(
    backend,
    [1],
    names,
    weights ? [logits!, stats, targets!, weights] : [logits!, stats, targets!],
    `void main() {
      float total = 0.0;
      for (int r = 0; r < ${N}; r++) {
        int tg = int(round(getTG(r)));
        float nll = (tg >= 0 && tg < ${V}) ? log(getST(r, 1)) + getST(r, 0) - getL(r, tg) : NAN;
        total += ${weights ? 'getWT(r) * nll' : 'nll'};
      }
      setOutput(total / norm);
    }`,
    norm,
  )
  release(backend, stats)
  return [{ ...loss, shape: [] }, probs]
}

function crossEntropyGrad({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { probs, targets, weights, dy } = inputs as Record<string, tf.TensorInfo | undefined>
  checkFloat('GptCrossEntropyGrad', probs, weights, dy)
  check2d('GptCrossEntropyGrad', probs!)
  const [N, V] = rowsOf(probs!)
  const norm = { norm: Number(attrs?.norm ?? N) }
  const names = weights ? ['P', 'TG', 'DY', 'WT'] : ['P', 'TG', 'DY']
  return draw(
    backend,
    [N, V],
    names,
    weights ? [probs!, targets!, dy!, weights] : [probs!, targets!, dy!],
    `void main() {
      ivec2 rc = getOutputCoords();
      float hot = int(round(getTG(rc.x))) == rc.y ? 1.0 : 0.0;
      setOutput((getP(rc.x, rc.y) - hot) * getDY()${weights ? ' * getWT(rc.x)' : ''} / norm);
    }`,
    norm,
  )
}

// --- attention's heads ---------------------------------------------------------------------------------------

/** qkv (B·T, parts·C) → each part as (B, nh, T, hs): one gather each. */
function splitHeads({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo
  const { batch: B, heads: nh, parts } = attrs as { batch: number; heads: number; parts: number }
  checkFloat('GptSplitHeads', x)
  const { T, hs } = splitHeadsShape(x.shape, B, nh, parts)
  return Array.from({ length: parts }, (_, part) =>
    draw(
      backend,
      [B, nh, T, hs],
      ['X'],
      [x],
      `void main() {
        ivec4 c = getOutputCoords();
        setOutput(getX(c.x * ${T} + c.z, ${part * nh * hs} + c.y * ${hs} + c.w));
      }`,
    ),
  )
}

/** Parts, each (B, nh, T, hs) → (B·T, parts·C), heads side by side: one draw. */
function mergeHeads({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const parts = Array.from({ length: attrs!.parts as number }, (_, i) => inputs[`x${i}`] as tf.TensorInfo)
  checkFloat('GptMergeHeads', ...parts)
  const [B, nh, T, hs] = parts[0].shape
  if (parts.some((p) => p.shape.join() !== parts[0].shape.join()))
    throw new Error('GptMergeHeads: every part has the same (B, nh, T, hs)')
  const C = nh * hs
  const names = parts.map((_, i) => `X${i}`)
  const read = names
    .map((name, p) => `part == ${p} ? get${name}(b, h, t, d) : `)
    .join('')
    .concat('0.0')
  return draw(
    backend,
    [B * T, parts.length * C],
    names,
    parts,
    `void main() {
      ivec2 rc = getOutputCoords();
      int part = rc.y / ${C};
      int rem = rc.y - part * ${C};
      int h = rem / ${hs};
      int d = rem - h * ${hs};
      int b = rc.x / ${T};
      int t = rc.x - b * ${T};
      setOutput(${read});
    }`,
  )
}

// --- the optimizer ---------------------------------------------------------------------------------------------

/** GLSL: whether a float is neither NaN nor ±∞ (tfjs's isnan is its own, for drivers that fold x != x away). */
const finite = (x: string) => `!(isnan(${x}) || isinf(${x}))`

/**
 * GptAdamWFlat on WebGL: the contract of webgpuKernels.ts's (see there) — m′ and v′ one draw each over the flat
 * vectors, then one draw per parameter reading them at its offset; with `guard` (loss, norm) a step whose loss
 * or norm is not finite leaves every output equal to its input, decided on the GPU, and the clip factor comes
 * from the guard's norm (attrs.clip) where no `scale` is given.
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
    if (!t || tf.util.sizeFromShape(t.shape) !== total || t.shape.length !== 1)
      throw new Error(`GptAdamWFlat: ${what} a vector of ${total} values`)
  if (params.some((p) => p.shape.length > 4)) throw new Error('GptAdamWFlat (webgl): parameters of rank 4 at most')
  const a = attrs as Record<string, number>
  const gradScale = a.gradScale
  if (gradScale < 0 && !scale && !guard) throw new Error('GptAdamWFlat: a scale or a guard when gradScale is −1')
  const fromTensor = gradScale < 0 && Boolean(scale)
  // every value that changes from step to step is a uniform (no program compiled again each step)
  const s = fromTensor ? 'getS()' : gradScale < 0 ? '(clip > 0.0 ? min(1.0, clip / (getK(1) + 1e-6)) : 1.0)' : 'gs'
  const ok = guard ? `${finite('getK(0)')} && ${finite('getK(1)')}` : 'true'
  const extra = [...(fromTensor ? ['S'] : []), ...(guard ? ['K'] : [])]
  const extraInputs = [...(fromTensor ? [scale!] : []), ...(guard ? [guard] : [])]
  const moment = (name: 'M' | 'V', beta: number, update: string) =>
    draw(
      backend,
      [total],
      [name, 'G', ...extra],
      [name === 'M' ? m! : v!, g!, ...extraInputs],
      `void main() {
        int i = getOutputCoords();
        float old = get${name}(i);
        float gi = getG(i) * ${s};
        setOutput(${ok} ? beta * old + (1.0 - beta) * ${update} : old);
      }`,
      { beta, gs: Math.max(gradScale, 0), clip: a.clip ?? 0 },
    )
  const m2 = moment('M', a.beta1, 'gi')
  const v2 = moment('V', a.beta2, 'gi * gi')
  let at = 0
  const updated = params.map((p, i) => {
    const size = tf.util.sizeFromShape(p.shape)
    const strides = tf.util.computeStrides(p.shape)
    const rank = p.shape.length
    const flat =
      rank <= 1
        ? 'c'
        : strides
            .map((st, k) => `c.${'xyzw'[k]} * ${st}`)
            .concat(`c.${'xyzw'[rank - 1]}`)
            .join(' + ')
    const out = draw(
      backend,
      p.shape,
      ['P', 'M2', 'V2', ...(guard ? ['K'] : [])],
      [p, m2, v2, ...(guard ? [guard] : [])],
      `void main() {
        ${rank === 0 ? 'int c = 0;' : `${rank === 1 ? 'int' : `ivec${rank}`} c = getOutputCoords();`}
        int k = ${at} + ${rank === 0 ? '0' : flat};
        float old = getPAtOutCoords();
        float delta = stepSize * getM2(k) / (sqrt(getV2(k)) * rbc2 + eps);
        setOutput(${ok} ? old * keep - delta : old);
      }`,
      {
        keep: decayed[i] === 1 ? 1 - a.lr * a.weightDecay : 1,
        stepSize: a.lr / a.bc1,
        rbc2: 1 / Math.sqrt(a.bc2),
        eps: a.eps,
      },
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
  ['GptColumnSum', columnSumKernel],
  ['GptAdamWFlat', adamWFlat],
]

const SET = kernelSet('webgl', KERNELS)

/** The names installWebGlKernels registers (for tests). */
export const WEBGL_FUSED_KERNELS = SET.names

/** Registers the fused kernels for the 'webgl' backend (and the head kernels' gradients). Idempotent. */
export const installWebGlKernels = SET.install

/** Removes them again (tests compare the fused kernels with tfjs's own chains on the same backend). */
export const uninstallWebGlKernels = SET.uninstall
