import { describe, expect, it } from 'vitest'
import {
  OFF_ATTRIBUTES,
  OFF_CRC,
  OFF_LAST_OFFSET_DELTA,
  OFF_MAGIC,
  OFF_RECORD_COUNT,
  computeBatchCrc,
} from '../../../broker/protocol/records/batch-header.ts'
import { BatchView, iterateBatches, validateBatch } from '../../../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../../../broker/protocol/records/builder.ts'
import {
  ERROR_CORRUPT_MESSAGE,
  ERROR_INVALID_RECORD,
  ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT,
} from '../../../broker/protocol/records/errors.ts'

async function batchOf(count: number, compression: 'none' | 'gzip' = 'none'): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    value: `value-${i}`,
    timestamp: 1000 + i,
  }))
  return buildRecordBatch({ records, compression, producerId: 7n, producerEpoch: 2, baseSequence: 10 })
}

/** Rewrites the CRC after a deliberate header edit, so only the edited field is wrong. */
function fixCrc(buf: Buffer, pos = 0, size = buf.length - pos): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + OFF_CRC)
}

function codeOf(buf: Buffer, pos = 0, size = buf.length - pos, allowCompacted = false): number | null {
  return validateBatch(buf, pos, size, { allowCompacted })?.errorCode ?? null
}

describe('iterateBatches', () => {
  it('yields zero-copy views of consecutive batches with their header fields', async () => {
    const a = await batchOf(3)
    const b = await batchOf(5, 'gzip')
    const buf = Buffer.concat([a, b])
    const views = [...iterateBatches(buf)]
    expect(views.map((v) => [v.position, v.size])).toEqual([
      [0, a.length],
      [a.length, b.length],
    ])
    const v = views[1]!
    expect(v.bytes().buffer).toBe(buf.buffer)
    expect(v.bytes().equals(b)).toBe(true)
    expect(v.recordCount).toBe(5)
    expect(v.lastOffsetDelta).toBe(4)
    expect(v.compression).toBe('gzip')
    expect(v.magic).toBe(2)
    expect(v.producerId).toBe(7n)
    expect(v.producerEpoch).toBe(2)
    expect(v.baseSequence).toBe(10)
    expect(v.baseTimestamp).toBe(1000n)
    expect(v.maxTimestamp).toBe(1004n)
    expect(v.partitionLeaderEpoch).toBe(-1)
    expect(v.isTransactional).toBe(false)
    expect(v.isControl).toBe(false)
    expect(v.timestampType).toBe('create')
    expect(v.crcMatches()).toBe(true)
    expect(v.header()).toMatchObject({ recordCount: 5, batchLength: b.length - 12, producerId: 7n })
    expect(v.validate()).toBeNull()
  })

  it('stops before a truncated tail and on an implausible batchLength', async () => {
    const a = await batchOf(2)
    const b = await batchOf(2)
    const buf = Buffer.concat([a, b.subarray(0, b.length - 1)])
    expect([...iterateBatches(buf)].map((v) => v.end)).toEqual([a.length])
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([])
    expect([...iterateBatches(a.subarray(0, 11))]).toEqual([])
    const bad = Buffer.from(a)
    bad.writeInt32BE(10, 8)
    expect([...iterateBatches(bad)]).toEqual([])
  })

  it('iterates a sub-range of the buffer', async () => {
    const a = await batchOf(1)
    const buf = Buffer.concat([Buffer.alloc(5), a, a, Buffer.alloc(3)])
    expect([...iterateBatches(buf, 5, 5 + 2 * a.length)].map((v) => v.position)).toEqual([5, 5 + a.length])
  })

  it('patches base offset and leader epoch in place without invalidating the CRC', async () => {
    const buf = Buffer.concat([Buffer.alloc(4), await batchOf(3)])
    const view = new BatchView(buf, 4, buf.length - 4)
    view.setBaseOffset(1234567890123n)
    view.setPartitionLeaderEpoch(9)
    expect(view.baseOffset).toBe(1234567890123n)
    expect(view.lastOffset).toBe(1234567890125n)
    expect(view.nextOffset).toBe(1234567890126n)
    expect(view.partitionLeaderEpoch).toBe(9)
    expect(view.validate()).toBeNull()
  })
})

describe('validateBatch', () => {
  it('accepts a valid batch at any position', async () => {
    const a = await batchOf(4)
    const buf = Buffer.concat([Buffer.alloc(7), a])
    expect(codeOf(buf, 7, a.length)).toBeNull()
  })

  it('reports a CRC mismatch in the records as CORRUPT_MESSAGE', async () => {
    const buf = await batchOf(3)
    buf[buf.length - 2] = buf[buf.length - 2]! ^ 0x01
    expect(codeOf(buf)).toBe(ERROR_CORRUPT_MESSAGE)
    expect(validateBatch(buf, 0, buf.length)?.reason).toMatch(/CRC/)
  })

  it('reports a CRC mismatch in the attributes as CORRUPT_MESSAGE', async () => {
    const buf = await batchOf(3)
    buf[OFF_ATTRIBUTES + 1] = buf[OFF_ATTRIBUTES + 1]! ^ 0x10
    expect(codeOf(buf)).toBe(ERROR_CORRUPT_MESSAGE)
  })

  it('reports truncation and size disagreements as CORRUPT_MESSAGE', async () => {
    const buf = await batchOf(3)
    expect(codeOf(buf, 0, buf.length - 1)).toBe(ERROR_CORRUPT_MESSAGE)
    expect(codeOf(buf.subarray(0, buf.length - 1), 0, buf.length)).toBe(ERROR_CORRUPT_MESSAGE)
    expect(codeOf(buf.subarray(0, 40), 0, 40)).toBe(ERROR_CORRUPT_MESSAGE)
    expect(codeOf(buf.subarray(0, 10), 0, 10)).toBe(ERROR_CORRUPT_MESSAGE)
    const short = Buffer.from(buf)
    short.writeInt32BE(20, 8)
    expect(codeOf(short)).toBe(ERROR_CORRUPT_MESSAGE)
  })

  it('reports an unknown magic as CORRUPT_MESSAGE and old formats as UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    const buf = await batchOf(1)
    buf[OFF_MAGIC] = 3
    expect(codeOf(buf)).toBe(ERROR_CORRUPT_MESSAGE)
    // A v1 message set entry: offset, size, crc, magic 1, attributes, timestamp, key -1, value "x"
    const v1 = Buffer.alloc(12 + 4 + 1 + 1 + 8 + 4 + 4 + 1)
    v1.writeInt32BE(v1.length - 12, 8)
    v1[16] = 1
    v1.writeInt32BE(-1, 26)
    v1.writeInt32BE(1, 30)
    expect(codeOf(v1)).toBe(ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT)
    v1[16] = 0
    expect(codeOf(v1)).toBe(ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT)
  })

  it('reports an unknown compression codec as CORRUPT_MESSAGE', async () => {
    const buf = await batchOf(1)
    buf.writeInt16BE(5, OFF_ATTRIBUTES)
    fixCrc(buf)
    expect(codeOf(buf)).toBe(ERROR_CORRUPT_MESSAGE)
  })

  it('reports count inconsistencies as INVALID_RECORD', async () => {
    const edit = async (field: number, value: number) => {
      const buf = await batchOf(3)
      buf.writeInt32BE(value, field)
      fixCrc(buf)
      return buf
    }
    expect(codeOf(await edit(OFF_RECORD_COUNT, -1))).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(await edit(OFF_RECORD_COUNT, 0))).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(await edit(OFF_RECORD_COUNT, 4))).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(await edit(OFF_LAST_OFFSET_DELTA, 1))).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(await edit(OFF_LAST_OFFSET_DELTA, 5))).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(await edit(OFF_LAST_OFFSET_DELTA, -1))).toBe(ERROR_INVALID_RECORD)
    // Far more records than the uncompressed bytes can hold (each record takes at least 7 bytes).
    const crowded = await edit(OFF_RECORD_COUNT, 1000)
    crowded.writeInt32BE(999, OFF_LAST_OFFSET_DELTA)
    fixCrc(crowded)
    expect(codeOf(crowded)).toBe(ERROR_INVALID_RECORD)
  })

  it('accepts compacted shapes only when asked to', async () => {
    const gap = await batchOf(3)
    gap.writeInt32BE(9, OFF_LAST_OFFSET_DELTA)
    fixCrc(gap)
    expect(codeOf(gap)).toBe(ERROR_INVALID_RECORD)
    expect(codeOf(gap, 0, gap.length, true)).toBeNull()
    const emptied = await batchOf(1)
    emptied.writeInt32BE(0, OFF_RECORD_COUNT)
    fixCrc(emptied)
    expect(codeOf(emptied, 0, emptied.length, true)).toBeNull()
    const tooSmall = await batchOf(3)
    tooSmall.writeInt32BE(1, OFF_LAST_OFFSET_DELTA)
    fixCrc(tooSmall)
    expect(codeOf(tooSmall, 0, tooSmall.length, true)).toBe(ERROR_INVALID_RECORD)
  })
})
