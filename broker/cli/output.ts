// What the commands print: aligned tables and key/value blocks for people, one JSON document for scripts.
// Everything goes to stdout; messages about the run (summaries, progress) go to stderr.

export type OutputMode = 'table' | 'json'

export type Cell = string | number | bigint | boolean | null | undefined

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '-'
  return String(c)
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map(cellText))
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...text.map(line)].join('\n') + '\n'
}

/** `key: value` lines with the keys aligned. */
export function formatFields(fields: [string, Cell][]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${cellText(v)}`).join('\n') + '\n'
}

/** JSON with bigint as decimal strings (int64 values do not fit a JSON number). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent)
}

export function writeJson(value: unknown): void {
  process.stdout.write(toJson(value) + '\n')
}

export function writeOut(text: string): void {
  process.stdout.write(text)
}

/** A note about the run for a person (never part of the data on stdout). */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n')
}

let guarded = false
/** `strata consume ... | head` closes stdout early: stop quietly instead of throwing EPIPE. */
export function installPipeGuard(): void {
  if (guarded) return
  guarded = true
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}
