// The trained models the page ships (public/models/, half precision), loaded only when chosen. Each was trained
// by this project's own code (src/train/run.ts, on tfjs's wasm backend in Node) with the command in `command`,
// which rewrites the file and prints the facts below; src/ui/client/gallery.test.ts holds every fact here to the
// file's own metadata. scripts/train-gallery.mjs reads the recipes from here too (so this imports only presets).
import { getPreset } from '../../shared/presets'
import type { ModelSettings, TrainConfig } from '../../shared/config'

export interface GalleryModel {
  id: 'names-small' | 'tang-small' | 'moby-baby'
  /** Under public/models/. */
  file: string
  /** The built-in dataset it was trained on (src/ui/datasets.ts), loaded as the current text when chosen. */
  datasetId: 'names' | 'tang' | 'moby'
  /** Its model and training settings (src/shared/presets.ts), with fewer steps where `maxIters` says so. */
  preset: 'tiny' | 'small' | 'baby'
  maxIters?: number
  /** What the file's metadata says: optimizer steps, and the losses measured on the half-precision weights. */
  steps: number
  valLoss: number
  trainLoss: number
  /** The file's size in bytes. */
  bytes: number
  /** The command that trains it again and rewrites the file. */
  command: string
}

export const GALLERY: readonly GalleryModel[] = [
  {
    id: 'names-small',
    file: 'names-small.safetensors',
    datasetId: 'names',
    preset: 'small',
    steps: 1500,
    valLoss: 1.9369,
    trainLoss: 1.8304,
    bytes: 327152,
    command: 'node scripts/train-gallery.mjs names-small',
  },
  {
    id: 'tang-small',
    file: 'tang-small.safetensors',
    datasetId: 'tang',
    preset: 'small',
    maxIters: 600, // 28,388 characters: past ~15 passes over them the Small model learns the poems by heart
    steps: 600,
    valLoss: 5.7928,
    trainLoss: 4.6206,
    bytes: 1004176,
    command: 'node scripts/train-gallery.mjs tang-small',
  },
  {
    id: 'moby-baby',
    file: 'moby-baby.safetensors',
    datasetId: 'moby',
    preset: 'baby', // nanoGPT's shakespeare_char shape shrunk for a CPU, on a novel of 1.2 million characters
    maxIters: 1500,
    steps: 1500,
    valLoss: 1.938,
    trainLoss: 1.9361,
    bytes: 1651944,
    command: 'node scripts/train-gallery.mjs moby-baby',
  },
]

/** The model and training settings a gallery model was trained with: its preset's, with its own step count. */
export function galleryRecipe(g: GalleryModel): { model: ModelSettings; train: TrainConfig } {
  const p = getPreset(g.preset)
  return { model: { ...p.model }, train: { ...p.train, ...(g.maxIters !== undefined && { maxIters: g.maxIters }) } }
}
