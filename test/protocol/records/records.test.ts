import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ATTR_TIMESTAMP_LOG_APPEND,
  COMPRESSION_NAMES,
  OFF_ATTRIBUTES,
  OFF_RECORD_COUNT,
  computeBatchCrc,
  OFF_CRC,
} from '../../../broker/protocol/records/batch-header.ts'
import type { CompressionName } from '../../../broker/protocol/records/batch-header.ts'
import { iterateBatches, validateBatch } from '../../../broker/protocol/records/batches.ts'
import { buildControlBatch, buildRecordBatch } from '../../../broker/protocol/records/builder.ts'
import type { RecordInput } from '../../../broker/protocol/records/builder.ts'
import {
  DecompressionLimitError,
  ERROR_INVALID_RECORD,
  RecordBatchError,
} from '../../../broker/protocol/records/errors.ts'
import {
  decodeControlRecord,
  decodeRecords,
  decodeRecordsPayload,
  isControlBatch,
  readAllBatches,
  readBatchRecords,
} from '../../../broker/protocol/records/records.ts'
import type { Record } from '../../../broker/protocol/records/records.ts'

const b = (s: string) => Buffer.from(s)

/** Records as plain values, so expectations compare content rather than Buffer views. */
function plain(records: readonly Record[]) {
  return records.map((r) => ({
    key: r.key?.toString('hex') ?? null,
    value: r.value?.toString('hex') ?? null,
    headers: r.headers.map((h) => [h.key, h.value?.toString('hex') ?? null]),
  }))
}

function plainInputs(records: readonly RecordInput[]) {
  const hex = (v: Buffer | string | null | undefined) =>
    v === null || v === undefined ? null : (typeof v === 'string' ? b(v) : v).toString('hex')
  return records.map((r) => ({
    key: hex(r.key),
    value: hex(r.value),
    headers: (r.headers ?? []).map((h) => [h.key, hex(h.value)]),
  }))
}

const SAMPLE: RecordInput[] = [
  {
    key: 'user-1',
    value: '{"a":1}',
    timestamp: 1_700_000_000_000,
    headers: [{ key: 'trace', value: 'abc' }],
  },
  { key: null, value: 'no key', timestamp: 1_700_000_000_005 },
  { key: 'user-1', value: null, timestamp: 1_699_999_999_990 }, // tombstone, earlier than the base
  { key: '', value: '', timestamp: 1_700_000_000_001, headers: [{ key: 'empty', value: '' }] },
  {
    key: b('\u0000\u00ff'),
    value: Buffer.alloc(1000, 7),
    timestamp: 1_700_000_000_002,
    headers: [
      { key: 'null-value', value: null },
      { key: 'ünïcødé', value: b('x') },
      { key: 'dup', value: '1' },
      { key: 'dup', value: '2' },
    ],
  },
]

describe.each(COMPRESSION_NAMES)('builder -> iterate -> decode with %s', (compression: CompressionName) => {
  it('round-trips keys, null keys, tombstones, headers and empty values', async () => {
    const buf = await buildRecordBatch({
      baseOffset: 100n,
      records: SAMPLE,
      compression,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      transactional: true,
      partitionLeaderEpoch: 5,
    })
    const views = [...iterateBatches(buf)]
    expect(views).toHaveLength(1)
    const view = views[0]!
    expect(validateBatch(buf, view.position, view.size)).toBeNull()
    expect(view.compression).toBe(compression)
    expect(view.isTransactional).toBe(true)
    expect(view.recordCount).toBe(SAMPLE.length)
    expect(view.baseTimestamp).toBe(1_700_000_000_000n)
    expect(view.maxTimestamp).toBe(1_700_000_000_005n)

    const decoded = await readBatchRecords(buf, view.position, view.size)
    expect(decoded.header).toMatchObject({
      baseOffset: 100n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      partitionLeaderEpoch: 5,
      lastOffsetDelta: SAMPLE.length - 1,
    })
    expect(plain(decoded.records)).toEqual(plainInputs(SAMPLE))
    expect(decoded.records.map((r) => r.offset)).toEqual([100n, 101n, 102n, 103n, 104n])
    expect(decoded.records.map((r) => r.timestamp)).toEqual(SAMPLE.map((r) => BigInt(r.timestamp!)))
    expect(decoded.records[1]!.key).toBeNull()
    expect(decoded.records[2]!.value).toBeNull()
    expect(decoded.records[3]!.key).toEqual(Buffer.alloc(0))
    expect(decoded.records[3]!.headers[0]!.value).toEqual(Buffer.alloc(0))
    expect(decoded.records[4]!.headers[0]!.value).toBeNull()

    expect(plain(decodeRecords(view))).toEqual(plainInputs(SAMPLE))
  })

  it('round-trips many records', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({
      key: i % 10 === 0 ? null : `key-${i % 97}`,
      value: `value-${i}-${'x'.repeat(i % 50)}`,
      headers: i % 3 === 0 ? [{ key: 'i', value: String(i) }] : [],
    }))
    const buf = await buildRecordBatch({ records, compression, baseOffset: 1n << 40n })
    expect(validateBatch(buf, 0, buf.length)).toBeNull()
    const decoded = await readBatchRecords(buf, 0, buf.length)
    expect(decoded.records).toHaveLength(5000)
    expect(plain(decoded.records)).toEqual(plainInputs(records))
    expect(decoded.records[4999]!.offset).toBe((1n << 40n) + 4999n)
  })

  it('refuses to inflate beyond maxUncompressedBytes', async () => {
    const buf = await buildRecordBatch({ records: [{ value: Buffer.alloc(200_000) }], compression })
    await expect(
      readBatchRecords(buf, 0, buf.length, { maxUncompressedBytes: 100_000 }),
    ).rejects.toBeInstanceOf(DecompressionLimitError)
    const [view] = [...iterateBatches(buf)]
    expect(() => decodeRecords(view!, { maxUncompressedBytes: 100_000 })).toThrow(DecompressionLimitError)
  })

  it('round-trips random records (property)', async () => {
    const header = fc.record({
      key: fc.string({ maxLength: 20 }),
      value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
    })
    const record = fc.record({
      key: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
      value: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null }),
      headers: fc.array(header, { maxLength: 4 }),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 30 }),
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        async (recs, baseOffset) => {
          const inputs: RecordInput[] = recs.map((r) => ({
            key: r.key === null ? null : Buffer.from(r.key),
            value: r.value === null ? null : Buffer.from(r.value),
            headers: r.headers.map((h) => ({
              key: h.key,
              value: h.value === null ? null : Buffer.from(h.value),
            })),
            timestamp: r.timestamp,
          }))
          const buf = await buildRecordBatch({ records: inputs, compression, baseOffset })
          expect(validateBatch(buf, 0, buf.length)).toBeNull()
          const decoded = await readBatchRecords(buf, 0, buf.length)
          expect(plain(decoded.records)).toEqual(plainInputs(inputs))
          expect(decoded.records.map((r) => r.timestamp)).toEqual(recs.map((r) => BigInt(r.timestamp)))
          expect(decoded.records.map((r) => r.offset)).toEqual(recs.map((_, i) => baseOffset + BigInt(i)))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('record-level problems', () => {
  it('reports a corrupt record as INVALID_RECORD', async () => {
    const buf = await buildRecordBatch({
      records: [
        { key: 'k', value: 'v' },
        { key: 'k2', value: 'v2' },
      ],
    })
    const payload = Buffer.from(buf.subarray(61))
    const bad = Buffer.from(payload)
    bad[0] = 0x7e // record length far beyond the data
    expect(() => decodeRecordsPayload(bad, 2)).toThrow(RecordBatchError)
    try {
      decodeRecordsPayload(bad, 2)
    } catch (err) {
      expect((err as RecordBatchError).errorCode).toBe(ERROR_INVALID_RECORD)
    }
    expect(() => decodeRecordsPayload(payload, 3)).toThrow(/declares 3 records/)
    expect(() => decodeRecordsPayload(payload, 1)).toThrow(/left after the last record/)
    expect(() => decodeRecordsPayload(Buffer.concat([payload, Buffer.from([0])]), 2)).toThrow(
      RecordBatchError,
    )
  })

  it('reports a record whose fields disagree with its length as INVALID_RECORD', () => {
    // length 7: attributes, tsDelta 0, offsetDelta 0, key null, value null, 0 headers = 6 bytes + 1 extra
    const rec = Buffer.from([14, 0, 0, 0, 1, 1, 0, 0])
    expect(() => decodeRecordsPayload(rec, 1)).toThrow(/fields differ/)
    const nullHeaderKey = Buffer.from([16, 0, 0, 0, 1, 1, 2, 1, 1])
    expect(() => decodeRecordsPayload(nullHeaderKey, 1)).toThrow(/header key is null/)
  })

  it('uses maxTimestamp for every record of a LOG_APPEND_TIME batch', async () => {
    const buf = await buildRecordBatch({
      records: [
        { value: 'a', timestamp: 10 },
        { value: 'b', timestamp: 30 },
      ],
    })
    buf.writeInt16BE(buf.readInt16BE(OFF_ATTRIBUTES) | ATTR_TIMESTAMP_LOG_APPEND, OFF_ATTRIBUTES)
    buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), OFF_CRC)
    const decoded = await readBatchRecords(buf, 0, buf.length)
    expect(decoded.records.map((r) => r.timestamp)).toEqual([30n, 30n])
  })

  it('refuses a negative record count before decoding', async () => {
    const buf = await buildRecordBatch({ records: [{ value: 'a' }] })
    buf.writeInt32BE(-5, OFF_RECORD_COUNT)
    await expect(readBatchRecords(buf, 0, buf.length)).rejects.toThrow(/negative record count/)
  })

  it('keeps offset gaps and an explicit lastOffsetDelta (compaction output)', async () => {
    const buf = await buildRecordBatch({
      baseOffset: 10n,
      records: [
        { value: 'a', offsetDelta: 0 },
        { value: 'c', offsetDelta: 2 },
      ],
      lastOffsetDelta: 4,
    })
    expect(validateBatch(buf, 0, buf.length)?.errorCode).toBe(ERROR_INVALID_RECORD)
    expect(validateBatch(buf, 0, buf.length, { allowCompacted: true })).toBeNull()
    const decoded = await readBatchRecords(buf, 0, buf.length)
    expect(decoded.records.map((r) => r.offset)).toEqual([10n, 12n])
    expect(decoded.header.lastOffsetDelta).toBe(4)
  })

  it('refuses a truncated batch and an unknown codec with CORRUPT_MESSAGE', async () => {
    const buf = await buildRecordBatch({ records: [{ value: 'a' }] })
    await expect(readBatchRecords(buf, 0, buf.length + 1)).rejects.toMatchObject({ errorCode: 2 })
    await expect(readBatchRecords(buf, 0, 40)).rejects.toMatchObject({ errorCode: 2 })
    buf.writeInt16BE(6, OFF_ATTRIBUTES)
    await expect(readBatchRecords(buf, 0, buf.length)).rejects.toMatchObject({ errorCode: 2 })
  })

  it('refuses to build an empty batch', async () => {
    await expect(buildRecordBatch({ records: [] })).rejects.toThrow(RangeError)
  })
})

describe('readAllBatches', () => {
  it('decodes every complete batch and ignores a trailing partial one', async () => {
    const a = await buildRecordBatch({
      baseOffset: 0n,
      records: [{ value: 'a' }, { value: 'b' }],
      compression: 'lz4',
    })
    const c = buildControlBatch({
      producerId: 1n,
      producerEpoch: 0,
      commit: true,
      coordinatorEpoch: 0,
      timestamp: 0,
    })
    c.writeBigInt64BE(2n, 0)
    const d = await buildRecordBatch({ baseOffset: 3n, records: [{ value: 'd' }], compression: 'zstd' })
    const batches = await readAllBatches(Buffer.concat([a, c, d, d.subarray(0, 30)]))
    expect(batches.map((x) => x.records.map((r) => r.offset))).toEqual([[0n, 1n], [2n], [3n]])
    expect(batches[2]!.records[0]!.value!.toString()).toBe('d')
  })

  it('throws the batch problem as a RecordBatchError', async () => {
    const a = await buildRecordBatch({ records: [{ value: 'a' }] })
    a[a.length - 1] = a[a.length - 1]! ^ 0xff
    await expect(readAllBatches(a)).rejects.toMatchObject({ errorCode: 2, message: /CRC/ })
  })
})

describe('control batches', () => {
  it.each([true, false])('round-trips a transaction marker (commit=%s)', async (commit) => {
    const buf = buildControlBatch({
      producerId: 99n,
      producerEpoch: 4,
      commit,
      coordinatorEpoch: 12,
      timestamp: 1_700_000_000_123n,
      baseOffset: 50n,
    })
    expect(validateBatch(buf, 0, buf.length)).toBeNull()
    const [view] = [...iterateBatches(buf)]
    expect(isControlBatch(view!)).toBe(true)
    expect(view!.isTransactional).toBe(true)
    expect(view!.baseSequence).toBe(-1)
    const decoded = await readBatchRecords(buf, 0, buf.length)
    expect(isControlBatch(decoded.header)).toBe(true)
    expect(decoded.header).toMatchObject({ producerId: 99n, producerEpoch: 4, baseOffset: 50n })
    const [marker] = decoded.records
    expect(marker!.offset).toBe(50n)
    expect(marker!.timestamp).toBe(1_700_000_000_123n)
    expect(marker!.key!.toString('hex')).toBe(commit ? '00000001' : '00000000')
    expect(decodeControlRecord(marker!)).toEqual({
      type: commit ? 'commit' : 'abort',
      typeId: commit ? 1 : 0,
      version: 0,
      coordinatorEpoch: 12,
    })
  })

  it('reports unknown control types and rejects short keys', () => {
    expect(decodeControlRecord({ key: Buffer.from('00000003', 'hex'), value: null })).toEqual({
      type: 'unknown',
      typeId: 3,
      version: 0,
      coordinatorEpoch: -1,
    })
    expect(() => decodeControlRecord({ key: Buffer.from('0000', 'hex'), value: null })).toThrow(
      RecordBatchError,
    )
    expect(() =>
      decodeControlRecord({ key: Buffer.from('00000001', 'hex'), value: Buffer.alloc(2) }),
    ).toThrow(RecordBatchError)
  })

  it('is not a control batch for ordinary data', async () => {
    const buf = await buildRecordBatch({ records: [{ value: 'a' }], transactional: true })
    expect(isControlBatch([...iterateBatches(buf)][0]!)).toBe(false)
  })
})
