// Builds an uncompressed v2 record batch of key-less records: the container the metadata log and its
// snapshots use (each record value is one encoded metadata record).
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_CRC,
  computeBatchCrc,
} from '../protocol/records/batch-header.ts'
import { sizeOfVarint, writeVarint } from '../protocol/records/varint.ts'

export function buildBatch(baseOffset: bigint, values: readonly Buffer[], timestampMs: number): Buffer {
  if (values.length === 0) throw new Error('a batch needs at least one record')
  // Record: attributes(1) timestampDelta(varlong 0 = 1 byte) offsetDelta key(-1) value header count(0).
  const bodySizes = values.map(
    (v, i) =>
      1 + 1 + sizeOfVarint(i) + sizeOfVarint(-1) + sizeOfVarint(v.length) + v.length + sizeOfVarint(0),
  )
  const total = BATCH_HEADER_SIZE + bodySizes.reduce((s, n) => s + sizeOfVarint(n) + n, 0)
  const buf = Buffer.alloc(total)
  buf.writeBigInt64BE(baseOffset, 0)
  buf.writeInt32BE(total - LOG_OVERHEAD, 8)
  buf.writeInt32BE(0, 12)
  buf.writeInt8(MAGIC_V2, 16)
  buf.writeInt16BE(0, 21)
  buf.writeInt32BE(values.length - 1, 23)
  buf.writeBigInt64BE(BigInt(timestampMs), 27)
  buf.writeBigInt64BE(BigInt(timestampMs), 35)
  buf.writeBigInt64BE(-1n, 43)
  buf.writeInt16BE(-1, 51)
  buf.writeInt32BE(-1, 53)
  buf.writeInt32BE(values.length, 57)
  let pos = BATCH_HEADER_SIZE
  values.forEach((v, i) => {
    pos = writeVarint(buf, pos, bodySizes[i] as number)
    buf[pos++] = 0
    buf[pos++] = 0
    pos = writeVarint(buf, pos, i)
    pos = writeVarint(buf, pos, -1)
    pos = writeVarint(buf, pos, v.length)
    pos += v.copy(buf, pos)
    pos = writeVarint(buf, pos, 0)
  })
  buf.writeUInt32BE(computeBatchCrc(buf, 0, total), OFF_CRC)
  return buf
}
