// The presets the settings panel offers: nanoGPT's CPU recipe, two smaller ones and nanoGPT's shakespeare_char
// shape (the size that shows how the cost grows), each a whole configuration.
import type { ModelSettings, TrainConfig } from './config'

export interface Preset {
  id: string
  label: string
  description: string
  model: ModelSettings
  train: TrainConfig
}

const baseTrain: TrainConfig = {
  batchSize: 12,
  maxIters: 2000,
  learningRate: 1e-3,
  minLr: 1e-4,
  warmupIters: 100,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  gradClip: 1.0,
  evalInterval: 100,
  evalIters: 20,
  seed: 1337,
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'tiny',
    label: 'Tiny',
    description: '2 layers × 2 heads, 32 wide, context 32: trains in seconds on any backend.',
    model: { blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, dropout: 0, bias: true },
    train: {
      ...baseTrain,
      batchSize: 8,
      maxIters: 500,
      learningRate: 3e-3,
      minLr: 3e-4,
      warmupIters: 10,
      evalInterval: 25,
      evalIters: 4,
    },
  },
  {
    id: 'small',
    label: 'Small',
    description: '3 layers × 4 heads, 64 wide, context 64: learns first names well in a few minutes.',
    model: { blockSize: 64, nLayer: 3, nHead: 4, nEmbd: 64, dropout: 0, bias: true },
    train: {
      ...baseTrain,
      batchSize: 12,
      maxIters: 1500,
      learningRate: 2e-3,
      minLr: 2e-4,
      warmupIters: 50,
      evalInterval: 50,
      evalIters: 10,
    },
  },
  {
    id: 'baby',
    label: 'Baby GPT (nanoGPT CPU)',
    description:
      "nanoGPT's shakespeare_char config shrunk for a CPU: 4 layers × 4 heads, 128 wide, context 64, batch 12.",
    model: { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true },
    train: { ...baseTrain },
  },
  {
    id: 'shakespeare',
    label: 'nanoGPT shakespeare_char (10.8 M)',
    description:
      "nanoGPT's shakespeare_char shape: 6 layers × 6 heads, 384 wide, context 256, batch 8, 10.8 M parameters. It fits on wasm, whose fused kernels keep little for the backward pass; seconds a step there: to see how the cost grows.",
    model: { blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384, dropout: 0, bias: true },
    train: { ...baseTrain, batchSize: 8, evalInterval: 250 },
  },
  {
    id: 'induction',
    label: 'Induction heads (attention-only, 2 × 4)',
    description:
      "The induction experiment's recipe (docs/induction-recipe.md): 2 attention-only layers × 4 heads, 64 wide, context 32, its own LM head, batch 32, learning rate 3e-3 without weight decay, on the generated repeated tokens. In PyTorch a previous-token head and an induction head formed in 5 of 5 seeds, by step 600.",
    model: {
      blockSize: 32,
      nLayer: 2,
      nHead: 4,
      nEmbd: 64,
      dropout: 0,
      bias: true,
      mlp: false,
      tiedHead: false,
    },
    train: {
      ...baseTrain,
      batchSize: 32,
      maxIters: 3000,
      learningRate: 3e-3,
      minLr: 3e-4,
      warmupIters: 100,
      weightDecay: 0,
      evalInterval: 50,
      evalIters: 4,
      seed: 1,
    },
  },
]

export function getPreset(id: string): Preset {
  const p = PRESETS.find((x) => x.id === id)
  if (!p) throw new Error(`unknown preset "${id}" (known: ${PRESETS.map((x) => x.id).join(', ')})`)
  return p
}
