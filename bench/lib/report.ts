// One printed row per figure: the measurement, the machine limit measured in the same run next to it, their
// ratio, and the target with a pass/short mark where the figure has one.
export interface Row {
  figure: string
  value: number
  unit: string
  /** The reference measured in the same run (raw disk, loopback, bare node, the mock cluster). */
  reference?: { label: string; value: number; unit: string }
  /** value / reference.value (or the inverse where smaller is better, as stated in `target`). */
  ratio?: number
  target?: { text: string; pass: boolean }
  detail?: Record<string, unknown>
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

export function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    `${fmt(r.value)} ${r.unit}`,
    r.reference ? `${r.reference.label} ${fmt(r.reference.value)} ${r.reference.unit}` : '',
    r.ratio === undefined ? '' : fmt(r.ratio),
    r.target ? `${r.target.pass ? 'PASS' : 'SHORT'} (${r.target.text})` : '',
  ])
  const head = ['figure', 'value', 'same-run reference', 'ratio', 'target']
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (c: string[]) =>
    c
      .map((s, i) => s.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

export const MB = 1e6

/** Progress on stderr, so a long run shows where it is. */
export function progress(msg: string): void {
  process.stderr.write(`  ${msg}\n`)
}
