// Number, size, rate and time formatting shared by every view.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(value: number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '—'
  let n = Number(value)
  if (!Number.isFinite(n) || n < 0) return '—'
  let unit = 0
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024
    unit++
  }
  return unit === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${UNITS[unit]}`
}

const integer = new Intl.NumberFormat('en-US')

export function formatCount(value: number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '—'
  return integer.format(value)
}

export function formatRate(perSecond: number, unit: 'msg' | 'bytes'): string {
  if (!Number.isFinite(perSecond)) return '—'
  if (unit === 'bytes') return `${formatBytes(Math.round(perSecond))}/s`
  return `${perSecond < 10 ? perSecond.toFixed(1) : integer.format(Math.round(perSecond))} msg/s`
}

/** ISO-like local time with milliseconds: unambiguous and sortable. */
export function formatTimestamp(ms: number | bigint | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  const n = Number(ms)
  if (!Number.isFinite(n) || n < 0) return '—'
  const d = new Date(n)
  const pad = (v: number, w = 2): string => String(v).padStart(w, '0')
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  )
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`
  const m = s / 60
  if (m < 60) return `${m.toFixed(m < 10 ? 1 : 0)} min`
  const h = m / 60
  if (h < 48) return `${h.toFixed(h < 10 ? 1 : 0)} h`
  return `${(h / 24).toFixed(1)} d`
}
