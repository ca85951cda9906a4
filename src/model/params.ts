/**
 * The GPT's parameters: their shapes by dotted path, GPT-2's initialisation, and the typed tree that the model
 * (gpt.ts), the probes and the KV-cache decoder read them through.
 *
 * Two forms of the same variables:
 * - `Params`, every variable by its dotted path, nanoGPT's names camelCased — what gradients, the optimizer,
 *   checkpoints (checkpoint.ts maps these paths to nanoGPT's) and readbacks see:
 *     wte.weight (V, C)  wpe.weight (blockSize, C)
 *     h.{i}.ln1.{weight,bias}  h.{i}.attn.cAttn.{weight (C, 3C), bias}  h.{i}.attn.cProj.{weight (C, C), bias}
 *     h.{i}.ln2.{weight,bias}  h.{i}.mlp.cFc.{weight (C, 4C), bias}    h.{i}.mlp.cProj.{weight (4C, C), bias}
 *     lnF.{weight,bias}        the LM head is tied to wte.weight (no parameter of its own), or with
 *     cfg.tiedHead false: lmHead.weight (V, C), wte's layout
 *   An attention-only model (cfg.mlp false) has no h.{i}.ln2 and no h.{i}.mlp.
 * - `GptParams`, the same variables as model.py's module tree, typed: `p.h[0].attn.cAttn.weight` is the
 *   variable at `h.0.attn.cAttn.weight`. Built once from the paths (`gptParams`), checking each one's rank.
 * Linear weights are stored [in, out] (tfjs layout); PyTorch's nn.Linear stores [out, in].
 */
import * as tf from '@tensorflow/tfjs'
import { hasMlp, isTied, type ModelConfig } from '../shared/config'
import { learnsPositions } from './positions'

/** Every variable of a model by its dotted path, in paramShapes order. */
export type Params = Record<string, tf.Variable>

/** A linear layer y = x·W + b: weight (in, out). */
export interface LinearOf<M, V> {
  weight: M
  bias?: V
}
/** LayerNorm's gain and (with cfg.bias) shift, (C). */
export interface LayerNormOf<V> {
  weight: V
  bias?: V
}
/** One transformer block: LayerNorm, causal self-attention, LayerNorm, MLP (the last two absent when attention-only). */
export interface BlockOf<M, V> {
  ln1: LayerNormOf<V>
  attn: { cAttn: LinearOf<M, V>; cProj: LinearOf<M, V> } // cAttn (C, 3C): q, k, v side by side; cProj (C, C)
  ln2?: LayerNormOf<V>
  mlp?: { cFc: LinearOf<M, V>; cProj: LinearOf<M, V> } // cFc (C, 4C), cProj (4C, C)
}
/** The model's parameter tree over matrices M and vectors V (tensors for tfjs, arrays for the decoder). */
export interface GptTree<M, V> {
  wte: { weight: M } // (V, C), also the LM head when tied
  wpe?: { weight: M } // (blockSize, C); absent with the fixed sinusoid
  h: BlockOf<M, V>[]
  lnF: LayerNormOf<V>
  lmHead?: { weight: M } // (V, C): an untied LM head
}

/** The LM head's (V, C) matrix: wte when tied, lm_head otherwise. */
export function headOf<M, V>(p: GptTree<M, V>): M {
  return (p.lmHead ?? p.wte).weight
}

/** The variables of a model as a typed tree. */
export type GptParams = GptTree<tf.Tensor2D, tf.Tensor1D>
export type BlockParams = BlockOf<tf.Tensor2D, tf.Tensor1D>
export type LinearParams = LinearOf<tf.Tensor2D, tf.Tensor1D>
export type LayerNormParams = LayerNormOf<tf.Tensor1D>

let modelCounter = 0

/** Parameter shapes by path, in a fixed order (the order the closed-form count in shared/config.ts adds them). */
export function paramShapes(cfg: ModelConfig): [string, number[]][] {
  const C = cfg.nEmbd
  const out: [string, number[]][] = [['wte.weight', [cfg.vocabSize, C]]]
  if (learnsPositions(cfg)) out.push(['wpe.weight', [cfg.blockSize, C]]) // a fixed sinusoid (or none) is not a parameter
  const lin = (name: string, nIn: number, nOut: number) => {
    out.push([`${name}.weight`, [nIn, nOut]])
    if (cfg.bias) out.push([`${name}.bias`, [nOut]])
  }
  for (let i = 0; i < cfg.nLayer; i++) {
    out.push([`h.${i}.ln1.weight`, [C]])
    if (cfg.bias) out.push([`h.${i}.ln1.bias`, [C]])
    lin(`h.${i}.attn.cAttn`, C, 3 * C)
    lin(`h.${i}.attn.cProj`, C, C)
    if (!hasMlp(cfg)) continue // attention-only: no ln_2, no MLP
    out.push([`h.${i}.ln2.weight`, [C]])
    if (cfg.bias) out.push([`h.${i}.ln2.bias`, [C]])
    lin(`h.${i}.mlp.cFc`, C, 4 * C)
    lin(`h.${i}.mlp.cProj`, 4 * C, C)
  }
  out.push(['lnF.weight', [C]])
  if (cfg.bias) out.push(['lnF.bias', [C]])
  if (!isTied(cfg)) out.push(['lmHead.weight', [cfg.vocabSize, C]]) // drawn N(0, 0.02), like wte
  return out
}

/** Weight decay applies to 2-D tensors only (embeddings and linear weights), as in nanoGPT's configure_optimizers. */
export function isDecayed(shape: readonly number[]): boolean {
  return shape.length >= 2
}

/**
 * GPT-2 initialisation: weights N(0, 0.02), residual projections (attn.cProj, mlp.cProj) N(0, 0.02/√(2·nLayer)),
 * biases 0, LayerNorm weights 1. Deterministic for a seed on every backend (the numbers are drawn in JS).
 */
export function initParams(cfg: ModelConfig, seed: number): Params {
  const id = ++modelCounter
  const params: Params = {}
  const residualStd = 0.02 / Math.sqrt(2 * cfg.nLayer)
  let k = 0
  for (const [path, shape] of paramShapes(cfg)) {
    k++
    const init = tf.tidy(() => {
      if (path.endsWith('.bias')) return tf.zeros(shape)
      if (/ln\d?\.weight$|lnF\.weight$/.test(path)) return tf.ones(shape)
      const std = /\.cProj\.weight$/.test(path) ? residualStd : 0.02
      return tf.randomNormal(shape, 0, std, 'float32', seed * 1000 + k)
    })
    params[path] = tf.variable(init, true, `gpt${id}/${path}`)
    init.dispose()
  }
  return params
}

/** Builds a set of variables from plain arrays (tests, checkpoints). */
export function paramsFromArrays(cfg: ModelConfig, values: Record<string, Float32Array | number[]>): Params {
  const id = ++modelCounter
  const params: Params = {}
  for (const [path, shape] of paramShapes(cfg)) {
    const v = values[path]
    if (!v) throw new Error(`missing parameter ${path}`)
    const init = tf.tensor(v, shape)
    params[path] = tf.variable(init, true, `gpt${id}/${path}`)
    init.dispose()
  }
  return params
}

/** Every parameter as a plain array, by path (one readback each). */
export async function readParams(params: Params): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {}
  for (const [name, v] of Object.entries(params)) out[name] = (await v.data()) as Float32Array
  return out
}

export function disposeParams(params: Params): void {
  for (const v of Object.values(params)) v.dispose()
}

/**
 * The tree of a set of values by dotted path: `matrix` and `vector` check and type each leaf. The number of
 * blocks is the number of `h.{i}` present; biases, wpe, lmHead and a block's ln2 and MLP (together) are optional,
 * every other path is required.
 */
export function paramTree<T, M, V>(
  byPath: Readonly<Record<string, T>>,
  matrix: (value: T, path: string) => M,
  vector: (value: T, path: string) => V,
): GptTree<M, V> {
  const need = (path: string): T => {
    const v = byPath[path]
    if (v === undefined) throw new Error(`missing parameter ${path}`)
    return v
  }
  const maybe = <R>(path: string, as: (value: T, path: string) => R): R | undefined =>
    byPath[path] === undefined ? undefined : as(byPath[path], path)
  const linearAt = (pre: string): LinearOf<M, V> => ({
    weight: matrix(need(`${pre}.weight`), `${pre}.weight`),
    bias: maybe(`${pre}.bias`, vector),
  })
  const normAt = (pre: string): LayerNormOf<V> => ({
    weight: vector(need(`${pre}.weight`), `${pre}.weight`),
    bias: maybe(`${pre}.bias`, vector),
  })
  const h: BlockOf<M, V>[] = []
  for (let i = 0; byPath[`h.${i}.ln1.weight`] !== undefined; i++) {
    const withMlp = byPath[`h.${i}.ln2.weight`] !== undefined
    h.push({
      ln1: normAt(`h.${i}.ln1`),
      attn: { cAttn: linearAt(`h.${i}.attn.cAttn`), cProj: linearAt(`h.${i}.attn.cProj`) },
      ...(withMlp && {
        ln2: normAt(`h.${i}.ln2`),
        mlp: { cFc: linearAt(`h.${i}.mlp.cFc`), cProj: linearAt(`h.${i}.mlp.cProj`) },
      }),
    })
  }
  const wpe = maybe('wpe.weight', matrix)
  const lmHead = maybe('lmHead.weight', matrix)
  return {
    wte: { weight: matrix(need('wte.weight'), 'wte.weight') },
    ...(wpe ? { wpe: { weight: wpe } } : {}),
    h,
    lnF: normAt('lnF'),
    ...(lmHead ? { lmHead: { weight: lmHead } } : {}),
  }
}

/** A variable as the matrix or vector it must be: the one place a variable's rank becomes its type. */
function asMatrix(v: tf.Variable, path: string): tf.Tensor2D {
  if (v.rank !== 2) throw new Error(`parameter ${path} has rank ${v.rank}, not 2`)
  return v as tf.Tensor2D
}
function asVector(v: tf.Variable, path: string): tf.Tensor1D {
  if (v.rank !== 1) throw new Error(`parameter ${path} has rank ${v.rank}, not 1`)
  return v as tf.Tensor1D
}

const trees = new WeakMap<Params, GptParams>()

/**
 * The typed tree of a set of variables, built once per set (a set's paths never change after it is made) and
 * then shared by every caller. A tree is returned as it is.
 */
export function gptParams(params: Params | GptParams): GptParams {
  if (isTree(params)) return params
  let tree = trees.get(params)
  if (!tree) {
    tree = paramTree(params, asMatrix, asVector)
    trees.set(params, tree)
  }
  return tree
}

function isTree(p: Params | GptParams): p is GptParams {
  return Array.isArray(p.h)
}
