// Share a configuration by URL: the model and training settings (and which built-in dataset) go in the
// address's hash as plain key=value pairs — never the text, never weights. Reading a link checks every value
// with the same validation as the settings panel; a bad link changes nothing and says why.
import {
  getPreset,
  TRAIN_KEYS,
  validateConfig,
  type ModelSettings,
  type Problem,
  type TrainConfig,
} from '../shared/config'

const MODEL_KEYS = [
  'blockSize',
  'nLayer',
  'nHead',
  'nEmbd',
  'dropout',
  'bias',
] as const satisfies readonly (keyof ModelSettings)[]

/** The link format this page writes and reads; a link with a higher `v` came from a newer version. */
export const LINK_FORMAT = 1

export interface SharedSettings {
  model: ModelSettings
  train: TrainConfig
  datasetId?: string
}

/** The hash for these settings: "#nLayer=4&nHead=4&…&dataset=names". */
export function settingsHash(s: SharedSettings): string {
  const p = new URLSearchParams()
  p.set('v', String(LINK_FORMAT))
  for (const k of MODEL_KEYS) p.set(k, String(k === 'bias' ? Number(s.model.bias) : s.model[k]))
  if (s.model.posEncoding === 'sinusoidal' || s.model.posEncoding === 'none') p.set('posEncoding', s.model.posEncoding)
  if (s.model.mlp === false) p.set('mlp', '0')
  if (s.model.tiedHead === false) p.set('tiedHead', '0')
  for (const k of TRAIN_KEYS) p.set(k, String(s.train[k]))
  if (s.datasetId) p.set('dataset', s.datasetId)
  return `#${p.toString()}`
}

/**
 * Settings from a hash, or the problems with it; undefined when the hash carries no settings. Keys it does not
 * name keep the tiny preset's values; unknown keys are ignored.
 */
export function readSettingsHash(
  hash: string,
  knownDatasets: readonly string[],
): SharedSettings | { problems: Problem[] } | undefined {
  const p = new URLSearchParams(hash.replace(/^#/, ''))
  if (![...MODEL_KEYS, ...TRAIN_KEYS].some((k) => p.has(k))) return undefined
  const v = p.get('v') ?? '1' // links from before the field are version 1
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1)
    return {
      problems: [
        {
          field: 'model',
          code: 'link-version',
          params: { v },
          message: `The link's format “${v}” is not a version number: the link is damaged`,
        },
      ],
    }
  if (Number(v) > LINK_FORMAT)
    return {
      problems: [
        {
          field: 'model',
          code: 'link-newer',
          params: { v, reads: LINK_FORMAT },
          message: `The link was made by a newer version of the playground (format ${v}; this page reads up to ${LINK_FORMAT}): reload to get the newer version`,
        },
      ],
    }
  const base = getPreset('tiny')
  const model: ModelSettings = { ...base.model }
  const train: TrainConfig = { ...base.train }
  const problems: Problem[] = []
  const num = (k: string): number | undefined => {
    const raw = p.get(k)
    if (raw === null) return undefined
    const v = raw.trim() === '' ? NaN : Number(raw)
    if (!Number.isFinite(v)) problems.push({ field: 'model', message: `The link's ${k} is “${raw}”, not a number` })
    return v
  }
  for (const k of MODEL_KEYS) {
    const v = num(k)
    if (v === undefined) continue
    if (k === 'bias') model.bias = v !== 0
    else model[k] = v
  }
  for (const k of TRAIN_KEYS) {
    const v = num(k)
    if (v !== undefined) train[k] = v
  }
  const pos = p.get('posEncoding')
  if (pos === 'sinusoidal' || pos === 'learned' || pos === 'none') model.posEncoding = pos
  else if (pos !== null)
    problems.push({
      field: 'posEncoding',
      message: `The link's posEncoding is “${pos}”: it can be learned, sinusoidal or none`,
    })
  for (const k of ['mlp', 'tiedHead'] as const) {
    const raw = p.get(k)
    if (raw === '0') model[k] = false
    else if (raw !== null && raw !== '1')
      problems.push({ field: k, message: `The link's ${k} is “${raw}”: it can be 1 (on) or 0 (off)` })
  }
  const datasetId = p.get('dataset') ?? undefined
  if (datasetId && !knownDatasets.includes(datasetId))
    problems.push({ field: 'text', message: `The link names a dataset “${datasetId}” this page does not have` })
  problems.push(...validateConfig(model, train))
  return problems.length ? { problems } : { model, train, datasetId }
}

/**
 * Applies the settings of the page's own address, once at start: a link someone shared. Returns the problems
 * to show when the link's settings cannot be used (the defaults then stay).
 */
export async function applySettingsFromLocation(
  apply: (s: SharedSettings) => void,
  loadDataset: (id: string) => Promise<void>,
  knownDatasets: readonly string[],
): Promise<Problem[]> {
  if (typeof location === 'undefined') return []
  const read = readSettingsHash(location.hash, knownDatasets)
  if (!read) return []
  if ('problems' in read) return read.problems
  if (read.datasetId) await loadDataset(read.datasetId)
  apply(read)
  return []
}
