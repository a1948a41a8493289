// Export of browsed messages as JSON or CSV (RFC 4180 quoting).
export interface ExportableMessage {
  partition: number
  offset: string
  timestamp: number | null
  key: string | null
  value: string | null
  headers: { key: string; value: string | null }[]
}

export function messagesToJson(messages: readonly ExportableMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
      headers: m.headers,
    })),
    null,
    2,
  )
}

export function csvField(value: string | number | null): string {
  if (value === null) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s
}

export function messagesToCsv(messages: readonly ExportableMessage[]): string {
  const rows = [['partition', 'offset', 'timestamp', 'key', 'value', 'headers'].join(',')]
  for (const m of messages) {
    const headers = m.headers.length
      ? JSON.stringify(Object.fromEntries(m.headers.map((h) => [h.key, h.value])))
      : ''
    rows.push(
      [
        csvField(m.partition),
        csvField(m.offset),
        csvField(m.timestamp === null ? null : new Date(m.timestamp).toISOString()),
        csvField(m.key),
        csvField(m.value),
        csvField(headers),
      ].join(','),
    )
  }
  return rows.join('\r\n') + '\r\n'
}

/** Offers text as a file download; in Electron the same anchor download works for the renderer. */
export function downloadText(filename: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
