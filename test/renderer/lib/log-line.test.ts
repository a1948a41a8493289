import { describe, expect, it } from 'vitest'
import { formatLogLine } from '../../../renderer/src/lib/log-line.ts'

describe('formatLogLine', () => {
  it('turns pino JSON into level, message and fields', () => {
    expect(
      formatLogLine('{"level":30,"time":1,"pid":2,"topic":"t","partitions":3,"msg":"topic created"}'),
    ).toEqual({
      level: 'info',
      text: 'topic created  topic=t  partitions=3',
    })
    expect(formatLogLine('{"level":50,"msg":"boom","err":{"code":"EIO"}}')).toEqual({
      level: 'error',
      text: 'boom  err={"code":"EIO"}',
    })
  })
  it('leaves plain and malformed lines as they are', () => {
    expect(formatLogLine('strata broker ready')).toEqual({ level: null, text: 'strata broker ready' })
    expect(formatLogLine('{not json')).toEqual({ level: null, text: '{not json' })
  })
})
