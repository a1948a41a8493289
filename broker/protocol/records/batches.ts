// Zero-copy views over record batches in a buffer, and the header-only validation the broker runs on
// produce and recovery (no per-record work: records are only touched by records.ts).
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
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
  compressionOf,
  computeBatchCrc,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from './batch-header.ts'
import type { BatchHeader, CompressionName } from './batch-header.ts'
import {
  ERROR_CORRUPT_MESSAGE,
  ERROR_INVALID_RECORD,
  ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT,
} from './errors.ts'

/** Smallest legal batchLength: the header after the LOG_OVERHEAD fields, with no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD
/** Smallest encoded record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
export const MIN_RECORD_SIZE = 7

/**
 * One batch inside a larger buffer. Accessors read the header fields on demand; nothing is copied.
 * Setters patch the two fields outside the CRC in place.
 */
export class BatchView {
  readonly buf: Buffer
  readonly position: number
  /** Whole batch size in bytes, batchLength + LOG_OVERHEAD. */
  readonly size: number

  constructor(buf: Buffer, position: number, size: number) {
    this.buf = buf
    this.position = position
    this.size = size
  }

  get end(): number {
    return this.position + this.size
  }
  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.position + OFF_BASE_OFFSET)
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.position + OFF_LAST_OFFSET_DELTA)
  }
  /** Offset of the last record, counting records that compaction may have removed. */
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta)
  }
  get nextOffset(): bigint {
    return this.lastOffset + 1n
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.position + OFF_BATCH_LENGTH)
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.position + OFF_LEADER_EPOCH)
  }
  get magic(): number {
    return this.buf.readInt8(this.position + OFF_MAGIC)
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.position + OFF_CRC)
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.position + OFF_ATTRIBUTES)
  }
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.position + OFF_BASE_TIMESTAMP)
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.position + OFF_MAX_TIMESTAMP)
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.position + OFF_PRODUCER_ID)
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.position + OFF_PRODUCER_EPOCH)
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.position + OFF_BASE_SEQUENCE)
  }
  get recordCount(): number {
    return this.buf.readInt32BE(this.position + OFF_RECORD_COUNT)
  }
  /** Undefined for the unassigned codec ids 5-7. */
  get compression(): CompressionName | undefined {
    return compressionOf(this.attributes)
  }
  get isTransactional(): boolean {
    return (this.attributes & ATTR_TRANSACTIONAL) !== 0
  }
  get isControl(): boolean {
    return (this.attributes & ATTR_CONTROL) !== 0
  }
  get timestampType(): 'create' | 'logAppend' {
    return (this.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0 ? 'logAppend' : 'create'
  }

  header(): BatchHeader {
    return readBatchHeader(this.buf, this.position)
  }
  /** The batch's bytes (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(this.position, this.end)
  }
  /** The records section after the header, compressed if the batch is (a view, not a copy). */
  payload(): Buffer {
    return this.buf.subarray(this.position + BATCH_HEADER_SIZE, this.end)
  }
  crcMatches(): boolean {
    return computeBatchCrc(this.buf, this.position, this.size) === this.crc
  }
  setBaseOffset(baseOffset: bigint): void {
    setBaseOffset(this.buf, this.position, baseOffset)
  }
  setPartitionLeaderEpoch(epoch: number): void {
    setPartitionLeaderEpoch(this.buf, this.position, epoch)
  }
  validate(opts?: ValidateOptions): BatchProblem | null {
    return validateBatch(this.buf, this.position, this.size, opts)
  }
}

/**
 * Size of the batch starting at `pos` (batchLength + LOG_OVERHEAD), or -1 when fewer than LOG_OVERHEAD bytes
 * remain before `end`, the batch does not fit before `end`, or batchLength is below the v2 minimum.
 */
export function batchSizeAt(buf: Buffer, pos: number, end = buf.length): number {
  if (end - pos < LOG_OVERHEAD) return -1
  const batchLength = buf.readInt32BE(pos + OFF_BATCH_LENGTH)
  if (batchLength < MIN_BATCH_LENGTH) return -1
  const size = batchLength + LOG_OVERHEAD
  return size <= end - pos ? size : -1
}

/**
 * Yields a view of each complete batch in buf[start, end). Stops at the first batch that is incomplete or
 * whose batchLength is implausible: a fetch response may end in a partial batch, and log recovery compares
 * the last view's `end` with the data it read to find where to truncate. Views are not validated.
 */
export function* iterateBatches(buf: Buffer, start = 0, end = buf.length): Generator<BatchView> {
  let pos = start
  for (;;) {
    const size = batchSizeAt(buf, pos, end)
    if (size < 0) return
    yield new BatchView(buf, pos, size)
    pos += size
  }
}

export interface BatchProblem {
  /** Kafka error code: CORRUPT_MESSAGE (2), UNSUPPORTED_FOR_MESSAGE_FORMAT (43) or INVALID_RECORD (87). */
  errorCode: number
  reason: string
}

export interface ValidateOptions {
  /**
   * Accept batches shaped by compaction (recovery, replication): recordCount may be 0 and lastOffsetDelta
   * may exceed recordCount - 1. Produce requests leave this off.
   */
  allowCompacted?: boolean
}

function problem(errorCode: number, reason: string): BatchProblem {
  return { errorCode, reason }
}

/**
 * Checks the batch at buf[pos, pos + size) from its header alone (CRC-32C included, no record decoding).
 * Returns null when it is valid, otherwise which Kafka error applies and why.
 */
export function validateBatch(
  buf: Buffer,
  pos: number,
  size: number,
  opts?: ValidateOptions,
): BatchProblem | null {
  if (pos < 0 || size < 0 || pos + size > buf.length) {
    return problem(ERROR_CORRUPT_MESSAGE, 'batch extends past the end of the data')
  }
  // magic sits at byte 16 in every message format, so old message sets are recognised before their size.
  if (size <= OFF_MAGIC) return problem(ERROR_CORRUPT_MESSAGE, `batch of ${size} bytes is truncated`)
  const magic = buf.readInt8(pos + OFF_MAGIC)
  if (magic < MAGIC_V2 && magic >= 0) {
    return problem(ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic} is not supported`)
  }
  if (magic !== MAGIC_V2) return problem(ERROR_CORRUPT_MESSAGE, `unknown magic byte ${magic}`)
  if (size < BATCH_HEADER_SIZE) return problem(ERROR_CORRUPT_MESSAGE, `batch of ${size} bytes is truncated`)
  const batchLength = buf.readInt32BE(pos + OFF_BATCH_LENGTH)
  if (batchLength < MIN_BATCH_LENGTH) {
    return problem(
      ERROR_CORRUPT_MESSAGE,
      `batchLength ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`,
    )
  }
  if (batchLength + LOG_OVERHEAD !== size) {
    return problem(ERROR_CORRUPT_MESSAGE, `batchLength ${batchLength} does not match the ${size} bytes given`)
  }
  const storedCrc = buf.readUInt32BE(pos + OFF_CRC)
  const actualCrc = computeBatchCrc(buf, pos, size)
  if (storedCrc !== actualCrc) {
    return problem(
      ERROR_CORRUPT_MESSAGE,
      `CRC mismatch: stored ${storedCrc.toString(16)}, computed ${actualCrc.toString(16)}`,
    )
  }
  const attributes = buf.readInt16BE(pos + OFF_ATTRIBUTES)
  const codec = compressionOf(attributes)
  if (codec === undefined) {
    return problem(ERROR_CORRUPT_MESSAGE, `unknown compression codec ${attributes & ATTR_COMPRESSION_MASK}`)
  }
  const recordCount = buf.readInt32BE(pos + OFF_RECORD_COUNT)
  const lastOffsetDelta = buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA)
  if (recordCount < 0) return problem(ERROR_INVALID_RECORD, `negative record count ${recordCount}`)
  if (lastOffsetDelta < 0) return problem(ERROR_INVALID_RECORD, `negative lastOffsetDelta ${lastOffsetDelta}`)
  if (opts?.allowCompacted) {
    if (recordCount > 0 && lastOffsetDelta < recordCount - 1) {
      return problem(
        ERROR_INVALID_RECORD,
        `lastOffsetDelta ${lastOffsetDelta} is too small for ${recordCount} records`,
      )
    }
  } else {
    if (recordCount === 0) return problem(ERROR_INVALID_RECORD, 'batch has no records')
    if (lastOffsetDelta !== recordCount - 1) {
      return problem(
        ERROR_INVALID_RECORD,
        `lastOffsetDelta ${lastOffsetDelta} does not match record count ${recordCount}`,
      )
    }
  }
  if (codec === 'none' && recordCount > (size - BATCH_HEADER_SIZE) / MIN_RECORD_SIZE) {
    return problem(
      ERROR_INVALID_RECORD,
      `${recordCount} records cannot fit in ${size - BATCH_HEADER_SIZE} bytes`,
    )
  }
  return null
}
