// Walking record batch v2 headers in a buffer: the per-batch (never per-record) work that append, read,
// recovery and the segment reader share.
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_ATTRIBUTES,
  OFF_BATCH_LENGTH,
  OFF_CRC,
  OFF_LAST_OFFSET_DELTA,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_RECORD_COUNT,
  computeBatchCrc,
} from '../protocol/records/batch-header.ts'

/** Total size (with LOG_OVERHEAD) of the batch at `pos`, or -1 when fewer than LOG_OVERHEAD bytes are there. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1
  return buf.readInt32BE(pos + OFF_BATCH_LENGTH) + LOG_OVERHEAD
}

export function lastOffsetAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos) + BigInt(buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA))
}

/** Why the batch at `pos` is invalid, or null when it is a whole v2 batch with a correct CRC. */
export function checkBatchAt(buf: Buffer, pos: number, verifyCrc: boolean): string | null {
  const left = buf.length - pos
  if (left < LOG_OVERHEAD) return 'truncated batch header'
  const size = buf.readInt32BE(pos + OFF_BATCH_LENGTH) + LOG_OVERHEAD
  if (size < BATCH_HEADER_SIZE) return `batch size ${size} below the v2 header size`
  if (left < BATCH_HEADER_SIZE) return 'truncated batch header'
  if (buf.readInt8(pos + OFF_MAGIC) !== MAGIC_V2) return `unsupported magic ${buf.readInt8(pos + OFF_MAGIC)}`
  if (size > left) return 'truncated batch'
  if (buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA) < 0) return 'negative lastOffsetDelta'
  if (buf.readInt32BE(pos + OFF_RECORD_COUNT) < 0) return 'negative record count'
  if (verifyCrc && computeBatchCrc(buf, pos, size) !== buf.readUInt32BE(pos + OFF_CRC)) return 'CRC mismatch'
  return null
}

export function attributesAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + OFF_ATTRIBUTES)
}

export function maxTimestampAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos + OFF_MAX_TIMESTAMP)
}

export function recordCountAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + OFF_RECORD_COUNT)
}
