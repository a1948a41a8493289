// Turns message payloads into text for display. Payloads are only ever shown as text nodes.
export type PayloadView = 'text' | 'json' | 'hex'

const decoder = new TextDecoder('utf-8', { fatal: true })

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] as number)
  return btoa(bin)
}

/** UTF-8 text, or null when the bytes are not valid UTF-8. */
export function bytesToText(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes)
  } catch {
    return null
  }
}

export function hexDump(bytes: Uint8Array, max = 64 * 1024): string {
  const lines: string[] = []
  const end = Math.min(bytes.length, max)
  for (let off = 0; off < end; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, end))
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ')
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`)
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`)
  return lines.join('\n')
}

export function prettyJson(text: string): string | null {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2)
  } catch {
    return null
  }
}

/** The best view for a payload: JSON if it parses, text if UTF-8, hex otherwise. */
export function defaultView(text: string | null): PayloadView {
  if (text === null) return 'hex'
  return prettyJson(text) !== null ? 'json' : 'text'
}

export function renderPayload(text: string | null, bytes: Uint8Array | null, view: PayloadView): string {
  if (view === 'hex')
    return bytes ? hexDump(bytes) : text !== null ? hexDump(new TextEncoder().encode(text)) : ''
  if (text === null) return bytes ? '(binary: not valid UTF-8, see hex)' : '(null)'
  if (view === 'json') return prettyJson(text) ?? text
  return text
}
