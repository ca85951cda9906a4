// The theme on the page: which scheme is in effect on <html> (data-theme), and the colours canvases read from
// the design tokens (app.css), so heatmaps and charts follow light and dark like everything else.
import { useEffect, useLayoutEffect } from 'react'
import { useStore } from './store'

/** A colour token as RGB: `name` holds three numbers ("230 233 238"); `fallback` where there is no DOM. */
export function themeColour(name: string, fallback: [number, number, number]): [number, number, number] {
  if (typeof document === 'undefined') return fallback
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim().split(/\s+/).map(Number)
  return v.length === 3 && v.every(Number.isFinite) ? (v as [number, number, number]) : fallback
}

/** A colour token as CSS text, for a canvas's fillStyle; `fallback` where there is no DOM or no token. */
export function cssColour(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}

/** Puts the scheme on <html> and follows the system's while the theme is 'system'. */
export function useThemeOnPage(): void {
  const theme = useStore((s) => s.theme)
  const scheme = useStore((s) => s.scheme)
  // a layout effect: it runs before the canvases' effects, so they redraw with the new scheme's tokens
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = scheme
    document.documentElement.style.colorScheme = scheme
  }, [scheme])
  useEffect(() => {
    if (theme !== 'system' || typeof matchMedia === 'undefined') return
    const q = matchMedia('(prefers-color-scheme: dark)')
    const follow = () => useStore.getState().setScheme(q.matches ? 'dark' : 'light')
    follow()
    q.addEventListener('change', follow)
    return () => q.removeEventListener('change', follow)
  }, [theme])
}
