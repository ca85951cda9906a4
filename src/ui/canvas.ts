// Canvases drawn sharp on any screen: sized in CSS pixels, backed by devicePixelRatio times as many.

/** Sizes the canvas to width × height CSS pixels and returns its context, scaled so drawing is in CSS pixels. */
export function sharpCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1
  canvas.width = width * dpr
  canvas.height = height * dpr
  canvas.style.width = `${width}px`
  canvas.style.height = `${height}px`
  const g = canvas.getContext('2d')!
  g.setTransform(dpr, 0, 0, dpr, 0, 0)
  return g
}
