import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatDuration, formatRate } from '../../../renderer/src/lib/format.ts'

describe('format', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(10n * 1024n * 1024n * 1024n)).toBe('10.0 GiB')
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
  })
  it('formats counts, rates and durations', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(12345678901234567890n)).toBe('12,345,678,901,234,567,890')
    expect(formatRate(2.345, 'msg')).toBe('2.3 msg/s')
    expect(formatRate(2048, 'bytes')).toBe('2.00 KiB/s')
    expect(formatDuration(604800000)).toBe('7.0 d')
  })
})
