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

/**
 * A grid of rows × cols cells, each cs CSS pixels square, drawn at (x, y) in one image: `rgb(i, j)` gives a
 * cell's colour, or null to leave it transparent. One pixel a cell in an image scaled up without smoothing,
 * instead of a fillRect a cell (a 256-token attention map is 65,536 cells: ~90 ms of the main thread as
 * rectangles, while training takes the other core).
 */
export function drawCells(
  g: CanvasRenderingContext2D,
  x: number,
  y: number,
  rows: number,
  cols: number,
  cs: number,
  rgb: (i: number, j: number) => readonly [number, number, number] | null,
): void {
  if (rows === 0 || cols === 0) return
  const image = new ImageData(cols, rows)
  const px = image.data
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const c = rgb(i, j)
      if (!c) continue
      const o = 4 * (i * cols + j)
      px[o] = c[0]
      px[o + 1] = c[1]
      px[o + 2] = c[2]
      px[o + 3] = 255
    }
  const tile = document.createElement('canvas')
  tile.width = cols
  tile.height = rows
  tile.getContext('2d')!.putImageData(image, 0, 0)
  const smoothing = g.imageSmoothingEnabled
  g.imageSmoothingEnabled = false
  g.drawImage(tile, x, y, cols * cs, rows * cs)
  g.imageSmoothingEnabled = smoothing
}
