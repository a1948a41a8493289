import { describe, expect, it } from 'vitest'
import { csvField, messagesToCsv, messagesToJson } from '../../../renderer/src/lib/export.ts'

const msg = {
  partition: 0,
  offset: '42',
  timestamp: 0,
  key: 'k,1',
  value: 'say "hi"\nbye',
  headers: [{ key: 'h', value: 'v' }],
}

describe('export', () => {
  it('quotes CSV fields as RFC 4180 requires', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "x"')).toBe('"say ""x"""')
    expect(csvField(null)).toBe('')
  })
  it('writes a CSV header and one line per message', () => {
    const csv = messagesToCsv([msg])
    expect(csv).toBe(
      'partition,offset,timestamp,key,value,headers\r\n' +
        '0,42,1970-01-01T00:00:00.000Z,"k,1","say ""hi""\nbye","{""h"":""v""}"\r\n',
    )
  })
  it('writes JSON that parses back', () => {
    expect(JSON.parse(messagesToJson([msg]))).toEqual([msg])
  })
})
