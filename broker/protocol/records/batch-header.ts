// Record batch v2 header (Kafka's "message format v2"), 61 bytes:
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2) | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
//   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32
// The CRC covers attributes..end of batch; baseOffset and partitionLeaderEpoch lie outside it, so the broker
// can assign offsets and epochs in place without recomputing it.
import { crc32c } from './crc32c.ts'

export const BATCH_HEADER_SIZE = 61
/** Bytes of the header before `batchLength` counts: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12
export const MAGIC_V2 = 2

export const OFF_BASE_OFFSET = 0
export const OFF_BATCH_LENGTH = 8
export const OFF_LEADER_EPOCH = 12
export const OFF_MAGIC = 16
export const OFF_CRC = 17
export const OFF_ATTRIBUTES = 21
export const OFF_LAST_OFFSET_DELTA = 23
export const OFF_BASE_TIMESTAMP = 27
export const OFF_MAX_TIMESTAMP = 35
export const OFF_PRODUCER_ID = 43
export const OFF_PRODUCER_EPOCH = 51
export const OFF_BASE_SEQUENCE = 53
export const OFF_RECORD_COUNT = 57

export const ATTR_COMPRESSION_MASK = 0x07
export const ATTR_TIMESTAMP_LOG_APPEND = 0x08
export const ATTR_TRANSACTIONAL = 0x10
export const ATTR_CONTROL = 0x20
export const ATTR_DELETE_HORIZON = 0x40

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof COMPRESSION_NAMES)[number]

/** The decoded fixed header of one batch. Offsets and ids are bigint because they are int64 on the wire. */
export interface BatchHeader {
  baseOffset: bigint
  /** Size of the batch after the batchLength field; the whole batch is batchLength + LOG_OVERHEAD bytes. */
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

/** Reads the header at `pos`; the caller has checked that BATCH_HEADER_SIZE bytes are there. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(pos + OFF_BASE_OFFSET),
    batchLength: buf.readInt32BE(pos + OFF_BATCH_LENGTH),
    partitionLeaderEpoch: buf.readInt32BE(pos + OFF_LEADER_EPOCH),
    magic: buf.readInt8(pos + OFF_MAGIC),
    crc: buf.readUInt32BE(pos + OFF_CRC),
    attributes: buf.readInt16BE(pos + OFF_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA),
    baseTimestamp: buf.readBigInt64BE(pos + OFF_BASE_TIMESTAMP),
    maxTimestamp: buf.readBigInt64BE(pos + OFF_MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(pos + OFF_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFF_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFF_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + OFF_RECORD_COUNT),
  }
}

/** CRC-32C over attributes..end of the batch at `pos` whose total size is `size`. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + OFF_ATTRIBUTES, pos + size))
}

/** Overwrites baseOffset in place (outside the CRC). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, pos + OFF_BASE_OFFSET)
}

/** Overwrites partitionLeaderEpoch in place (outside the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + OFF_LEADER_EPOCH)
}

export function compressionOf(attributes: number): CompressionName | undefined {
  return COMPRESSION_NAMES[attributes & ATTR_COMPRESSION_MASK]
}
