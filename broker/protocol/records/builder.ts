// Encoding record batches v2: for producers inside Strata (the console, tools), the transaction
// coordinator's markers, and tests. The broker itself stores the bytes clients send and never re-encodes.
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  COMPRESSION_NAMES,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_ATTRIBUTES,
  OFF_BASE_OFFSET,
  OFF_BASE_SEQUENCE,
  OFF_BASE_TIMESTAMP,
  OFF_BATCH_LENGTH,
  OFF_CRC,
  OFF_LAST_OFFSET_DELTA,
  OFF_LEADER_EPOCH,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_PRODUCER_EPOCH,
  OFF_PRODUCER_ID,
  OFF_RECORD_COUNT,
  computeBatchCrc,
} from './batch-header.ts'
import type { BatchHeader, CompressionName } from './batch-header.ts'
import { compress } from './compression.ts'
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.ts'

export interface HeaderInput {
  key: string
  value: Buffer | string | null
}

export interface RecordInput {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: HeaderInput[]
  /** Milliseconds since the epoch; defaults to the time the batch is built. */
  timestamp?: bigint | number
  /** Defaults to the record's index; set it to leave gaps (as compaction does). */
  offsetDelta?: number
}

export interface BuildBatchOptions {
  baseOffset?: bigint
  records: RecordInput[]
  compression?: CompressionName
  /** -1 (no idempotence) by default. */
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  partitionLeaderEpoch?: number
  /** Defaults to the largest offsetDelta; compaction keeps the original value when it drops the last record. */
  lastOffsetDelta?: number
}

export interface ControlBatchOptions {
  producerId: bigint
  producerEpoch: number
  commit: boolean
  coordinatorEpoch: number
  timestamp: bigint | number
  baseOffset?: bigint
  partitionLeaderEpoch?: number
}

interface HeaderBytes {
  key: Buffer
  value: Buffer | null
}

interface EncodedRecord {
  key: Buffer | null
  value: Buffer | null
  headers: HeaderBytes[]
  timestampDelta: number
  offsetDelta: number
  bodySize: number
}

function toBytes(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null
  return typeof v === 'string' ? Buffer.from(v) : v
}

function sizeOfBytes(b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1)
  pos = writeVarint(buf, pos, b.length)
  return pos + b.copy(buf, pos)
}

/** Encodes records into an uncompressed records section. */
function encodeRecords(records: EncodedRecord[]): Buffer {
  let total = 0
  for (const r of records) total += sizeOfVarint(r.bodySize) + r.bodySize
  const buf = Buffer.allocUnsafe(total)
  let pos = 0
  for (const r of records) {
    pos = writeVarint(buf, pos, r.bodySize)
    buf[pos++] = 0 // attributes: unused in v2
    pos = writeVarlong(buf, pos, r.timestampDelta)
    pos = writeVarint(buf, pos, r.offsetDelta)
    pos = writeBytes(buf, pos, r.key)
    pos = writeBytes(buf, pos, r.value)
    pos = writeVarint(buf, pos, r.headers.length)
    for (const h of r.headers) {
      pos = writeBytes(buf, pos, h.key)
      pos = writeBytes(buf, pos, h.value)
    }
  }
  return buf
}

function prepare(r: RecordInput, index: number, baseTimestamp: bigint, timestamp: bigint): EncodedRecord {
  const key = toBytes(r.key)
  const value = toBytes(r.value)
  const headers = (r.headers ?? []).map((h) => ({ key: Buffer.from(h.key), value: toBytes(h.value) }))
  const timestampDelta = Number(timestamp - baseTimestamp)
  const offsetDelta = r.offsetDelta ?? index
  let bodySize =
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    sizeOfBytes(key) +
    sizeOfBytes(value) +
    sizeOfVarint(headers.length)
  for (const h of headers) bodySize += sizeOfBytes(h.key) + sizeOfBytes(h.value)
  return { key, value, headers, timestampDelta, offsetDelta, bodySize }
}

/** The header fields a builder chooses; length, magic and CRC follow from the payload. */
type HeaderFields = Omit<BatchHeader, 'batchLength' | 'magic' | 'crc'>

/** Writes the 61-byte header in front of `payload` and fills in the CRC. */
function assemble(h: HeaderFields, payload: Buffer): Buffer {
  const size = BATCH_HEADER_SIZE + payload.length
  const buf = Buffer.allocUnsafe(size)
  buf.writeBigInt64BE(h.baseOffset, OFF_BASE_OFFSET)
  buf.writeInt32BE(size - LOG_OVERHEAD, OFF_BATCH_LENGTH)
  buf.writeInt32BE(h.partitionLeaderEpoch, OFF_LEADER_EPOCH)
  buf.writeInt8(MAGIC_V2, OFF_MAGIC)
  buf.writeInt16BE(h.attributes, OFF_ATTRIBUTES)
  buf.writeInt32BE(h.lastOffsetDelta, OFF_LAST_OFFSET_DELTA)
  buf.writeBigInt64BE(h.baseTimestamp, OFF_BASE_TIMESTAMP)
  buf.writeBigInt64BE(h.maxTimestamp, OFF_MAX_TIMESTAMP)
  buf.writeBigInt64BE(h.producerId, OFF_PRODUCER_ID)
  buf.writeInt16BE(h.producerEpoch, OFF_PRODUCER_EPOCH)
  buf.writeInt32BE(h.baseSequence, OFF_BASE_SEQUENCE)
  buf.writeInt32BE(h.recordCount, OFF_RECORD_COUNT)
  payload.copy(buf, BATCH_HEADER_SIZE)
  buf.writeUInt32BE(computeBatchCrc(buf, 0, size), OFF_CRC)
  return buf
}

/** Builds one batch (compressing its records with `compression`, 'none' by default) with a correct CRC. */
export async function buildRecordBatch(opts: BuildBatchOptions): Promise<Buffer> {
  const { records } = opts
  if (records.length === 0) throw new RangeError('a record batch needs at least one record')
  const compression = opts.compression ?? 'none'
  const now = BigInt(Date.now())
  const timestamps = records.map((r) => (r.timestamp === undefined ? now : BigInt(r.timestamp)))
  const baseTimestamp = timestamps[0]!
  let maxTimestamp = baseTimestamp
  for (const t of timestamps) if (t > maxTimestamp) maxTimestamp = t
  const encoded = records.map((r, i) => prepare(r, i, baseTimestamp, timestamps[i]!))
  let lastOffsetDelta = opts.lastOffsetDelta ?? 0
  for (const r of encoded) if (r.offsetDelta > lastOffsetDelta) lastOffsetDelta = r.offsetDelta
  const payload = await compress(compression, encodeRecords(encoded))
  return assemble(
    {
      baseOffset: opts.baseOffset ?? 0n,
      partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
      attributes: COMPRESSION_NAMES.indexOf(compression) | (opts.transactional ? ATTR_TRANSACTIONAL : 0),
      lastOffsetDelta,
      baseTimestamp,
      maxTimestamp,
      producerId: opts.producerId ?? -1n,
      producerEpoch: opts.producerEpoch ?? -1,
      baseSequence: opts.baseSequence ?? -1,
      recordCount: records.length,
    },
    payload,
  )
}

/** Builds a transaction marker batch (one control record: COMMIT or ABORT). */
export function buildControlBatch(opts: ControlBatchOptions): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(opts.commit ? 1 : 0, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(opts.coordinatorEpoch, 2)
  const timestamp = BigInt(opts.timestamp)
  const record = prepare({ key, value }, 0, timestamp, timestamp)
  return assemble(
    {
      baseOffset: opts.baseOffset ?? 0n,
      partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
      attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
      lastOffsetDelta: 0,
      baseTimestamp: timestamp,
      maxTimestamp: timestamp,
      producerId: opts.producerId,
      producerEpoch: opts.producerEpoch,
      baseSequence: -1,
      recordCount: 1,
    },
    encodeRecords([record]),
  )
}
