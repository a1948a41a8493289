// Payload bytes to display text (text, JSON, hex, base64) and user input back to bytes, for produce.
import { AdminError } from './errors.ts'
import type { DecodedPayload, DecodeFormat } from './types.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function decodePayload(
  bytes: Buffer | null,
  format: DecodeFormat,
  maxBytes: number,
): DecodedPayload | null {
  if (bytes === null) return null
  const truncated = bytes.length > maxBytes
  const shown = truncated ? bytes.subarray(0, maxBytes) : bytes
  const base = { format, bytes: bytes.length, truncated }
  switch (format) {
    case 'hex':
      return { ...base, text: shown.toString('hex'), error: null }
    case 'base64':
      return { ...base, text: shown.toString('base64'), error: null }
    case 'text':
    case 'json': {
      let text: string
      try {
        text = utf8.decode(shown)
      } catch {
        // A cut can split a multi-byte character; only a whole payload must be valid UTF-8.
        if (truncated) text = shown.toString('utf8')
        else return { ...base, text: shown.toString('hex'), error: 'not valid UTF-8: shown as hex' }
      }
      if (format === 'text' || truncated) return { ...base, text, error: null }
      try {
        return { ...base, text: JSON.stringify(JSON.parse(text), null, 2), error: null }
      } catch (error) {
        return { ...base, text, error: `not valid JSON: ${(error as Error).message}` }
      }
    }
  }
}

export function encodePayload(input: { text: string; format: DecodeFormat }, what: string): Buffer {
  switch (input.format) {
    case 'text':
      return Buffer.from(input.text, 'utf8')
    case 'json':
      try {
        return Buffer.from(JSON.stringify(JSON.parse(input.text)), 'utf8')
      } catch (error) {
        throw new AdminError('invalid-argument', `The ${what} is not valid JSON: ${(error as Error).message}`)
      }
    case 'hex': {
      const clean = input.text.replace(/\s+/g, '')
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean))
        throw new AdminError('invalid-argument', `The ${what} is not valid hex (pairs of 0-9, a-f).`)
      return Buffer.from(clean, 'hex')
    }
    case 'base64': {
      const clean = input.text.replace(/\s+/g, '')
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.replace(/=+$/, '').length % 4 === 1)
        throw new AdminError('invalid-argument', `The ${what} is not valid base64.`)
      return Buffer.from(clean, 'base64')
    }
  }
}
