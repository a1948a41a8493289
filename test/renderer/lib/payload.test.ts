import { describe, expect, it } from 'vitest'
import {
  base64ToBytes,
  bytesToBase64,
  bytesToText,
  defaultView,
  hexDump,
  renderPayload,
} from '../../../renderer/src/lib/payload.ts'

describe('payload', () => {
  it('round-trips base64 and detects invalid UTF-8', () => {
    const bytes = new Uint8Array([0, 1, 255, 104, 105])
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes)
    expect(bytesToText(new Uint8Array([0xff, 0xfe]))).toBeNull()
    expect(bytesToText(new TextEncoder().encode('héllo'))).toBe('héllo')
  })
  it('picks JSON, text or hex as the default view', () => {
    expect(defaultView('{"a":1}')).toBe('json')
    expect(defaultView('plain')).toBe('text')
    expect(defaultView(null)).toBe('hex')
  })
  it('pretty-prints JSON and keeps HTML as literal text', () => {
    expect(renderPayload('{"a":[1]}', null, 'json')).toBe('{\n  "a": [\n    1\n  ]\n}')
    expect(renderPayload('<img src=x onerror=alert(1)>', null, 'text')).toBe('<img src=x onerror=alert(1)>')
    expect(renderPayload(null, null, 'text')).toBe('(null)')
  })
  it('hex-dumps with offsets and ASCII', () => {
    expect(hexDump(new TextEncoder().encode('AB\n'))).toBe('00000000  41 42 0a' + ' '.repeat(39) + '  AB.')
  })
})
