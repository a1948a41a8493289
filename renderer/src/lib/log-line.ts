// Broker log lines for display: pino's JSON lines become "LEVEL message key=value ..." text.
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

export interface ShownLogLine {
  level: LogLevelName | null
  text: string
}

const LEVELS: [number, LogLevelName][] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
]
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v'])

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export function formatLogLine(raw: string): ShownLogLine {
  const trimmed = raw.trim()
  if (!trimmed.startsWith('{')) return { level: null, text: raw }
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch {
    return { level: null, text: raw }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { level: null, text: raw }
  const record = parsed as Record<string, unknown>
  const n = typeof record.level === 'number' ? record.level : null
  const level = n === null ? null : (LEVELS.find(([min]) => n >= min)?.[1] ?? null)
  const fields = Object.entries(record)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${show(v)}`)
  const msg = typeof record.msg === 'string' ? record.msg : ''
  return { level, text: [msg, ...fields].filter(Boolean).join('  ') }
}
