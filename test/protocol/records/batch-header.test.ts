import { describe, expect, it } from 'vitest'
import {
  BATCH_HEADER_SIZE,
  computeBatchCrc,
  readBatchHeader,
  setBaseOffset,
} from '../../../broker/protocol/records/batch-header.ts'
import { crc32c } from '../../../broker/protocol/records/crc32c.ts'

describe('crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })
})

describe('batch header', () => {
  it('reads fields and patches the base offset without touching the CRC range', () => {
    const buf = Buffer.alloc(BATCH_HEADER_SIZE)
    buf.writeInt32BE(BATCH_HEADER_SIZE - 12, 8)
    buf.writeInt8(2, 16)
    buf.writeInt32BE(3, 57)
    const crcBefore = computeBatchCrc(buf, 0, BATCH_HEADER_SIZE)
    setBaseOffset(buf, 0, 42n)
    const h = readBatchHeader(buf)
    expect(h.baseOffset).toBe(42n)
    expect(h.magic).toBe(2)
    expect(h.recordCount).toBe(3)
    expect(computeBatchCrc(buf, 0, BATCH_HEADER_SIZE)).toBe(crcBefore)
  })
})
