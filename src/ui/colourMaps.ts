// Colour maps for every heatmap (TEACHING-VIEWS §4): sequential data (attention weights, probabilities, losses)
// in viridis, or cividis for colour-vision deficiency (Nuñez, Anderton & Renslow 2018); signed data in an
// orange–grey–blue diverging map centred at 0. Never a rainbow. Both sequential maps rise in lightness from
// one end to the other, so order reads the same in greyscale; colourMaps.test.ts holds them to that.
// The stops are the published maps sampled at ninths (matplotlib's viridis and cividis tables), interpolated
// linearly in sRGB between them.

export type SequentialMap = 'viridis' | 'cividis'

const STOPS: Record<SequentialMap, string[]> = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#fde725'],
  cividis: ['#00224e', '#123570', '#3b496c', '#575d6d', '#707173', '#8a8779', '#a69d75', '#c4b56c', '#fee838'],
}

/**
 * orange (negative) – grey (0) – blue (positive): TensorFlow Playground's colour-blind-safe pair. On the dark
 * theme the middle is a dark grey near the page's surface, so 0 recedes there as it does on white.
 */
const DIVERGING: Record<'light' | 'dark', string[]> = {
  light: ['#f59322', '#e8eaeb', '#0877bd'],
  dark: ['#f59322', '#2b3038', '#3d9be0'],
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

function mix(stops: string[], t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const f = x - i
  const a = rgb(stops[i])
  const b = rgb(stops[i + 1])
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number]
}

/** The colour of t ∈ [0, 1] in a sequential map, as [r, g, b] 0–255. */
export function sequentialRgb(map: SequentialMap, t: number): [number, number, number] {
  return mix(STOPS[map], t)
}

export function sequential(map: SequentialMap, t: number): string {
  const [r, g, b] = sequentialRgb(map, t)
  return `rgb(${r}, ${g}, ${b})`
}

/** v in [−max, max] → orange … grey … blue (the grey of the page's theme). */
export function diverging(v: number, max: number, scheme: 'light' | 'dark' = 'light'): string {
  const [r, g, b] = mix(DIVERGING[scheme], 0.5 + 0.5 * Math.max(-1, Math.min(1, max ? v / max : 0)))
  return `rgb(${r}, ${g}, ${b})`
}

/** A CSS gradient of a map, for its legend. */
export function gradientCss(map: SequentialMap | 'diverging', scheme: 'light' | 'dark' = 'light'): string {
  const stops = map === 'diverging' ? DIVERGING[scheme] : STOPS[map]
  return `linear-gradient(to right, ${stops.join(', ')})`
}

/** WCAG relative luminance of an sRGB colour (0 black … 1 white). */
export function relativeLuminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** Attention is heavy-tailed: the square-root scale lifts small weights so they do not vanish. */
export function scaled(w: number, scale: 'linear' | 'sqrt'): number {
  const x = Math.max(0, Math.min(1, w))
  return scale === 'sqrt' ? Math.sqrt(x) : x
}

/** Text on a cell of colour `rgb` ("rgb(r, g, b)"): dark on light backgrounds, light on dark ones. */
export function inkOn(rgb: string): string {
  const [r, g, b] = rgb.match(/\d+/g)!.map(Number)
  return relativeLuminance([r, g, b]) > 0.35 ? '#111' : '#fff'
}
