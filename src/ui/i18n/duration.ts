/**
 * A duration in whole units, the way both catalogues say one: seconds under a minute and a half, minutes under
 * an hour and a half, then hours and minutes; the units are the catalogue's words (`s`, `min`, `h` / 秒, 分钟, 小时).
 */
export function formatDuration(ms: number, units: { s: string; min: string; h: string }): string {
  const s = Math.max(1, Math.round(ms / 1000))
  if (s < 90) return `${s} ${units.s}`
  const m = Math.round(s / 60)
  return m < 90 ? `${m} ${units.min}` : `${Math.floor(m / 60)} ${units.h} ${m % 60} ${units.min}`
}
