// Iterating the records inside one (decompressed) v2 batch: where compaction needs keys and where ListOffsets
// needs a record's exact offset for a timestamp. Never used on the produce or fetch path.
//   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//           keyLength varint | key | valueLength varint | value | headerCount varint | headers
// Records are returned as byte ranges so that a rewriter can copy the kept ones verbatim.

export interface RecordView {
  /** Byte range of the whole record (length prefix included) in the records buffer. */
  start: number
  end: number
  offsetDelta: number
  timestampDelta: bigint
  key: Buffer | null
  /** A null value: a tombstone in a compacted topic. */
  valueIsNull: boolean
}

export class RecordFormatError extends Error {}

function readVarlong(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n
  let shift = 0n
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw new RecordFormatError('varint runs past the end of the records')
    const b = buf[pos + i] as number
    result |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) return [(result >> 1n) ^ -(result & 1n), pos + i + 1]
    shift += 7n
  }
  throw new RecordFormatError('varint longer than 10 bytes')
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  const [v, next] = readVarlong(buf, pos)
  if (v < -2147483648n || v > 2147483647n) throw new RecordFormatError('varint out of int32 range')
  return [Number(v), next]
}

/** The `count` records of `records` (the bytes after the 61-byte batch header, decompressed). */
export function* iterateRecords(records: Buffer, count: number): Generator<RecordView> {
  let pos = 0
  for (let i = 0; i < count; i++) {
    const start = pos
    const [length, bodyStart] = readVarint(records, pos)
    const end = bodyStart + length
    if (length < 0 || end > records.length)
      throw new RecordFormatError('record length past the end of the batch')
    let p = bodyStart + 1
    const [timestampDelta, p1] = readVarlong(records, p)
    const [offsetDelta, p2] = readVarint(records, p1)
    const [keyLength, p3] = readVarint(records, p2)
    p = p3
    let key: Buffer | null = null
    if (keyLength >= 0) {
      if (p + keyLength > end) throw new RecordFormatError('key past the end of the record')
      key = records.subarray(p, p + keyLength)
      p += keyLength
    }
    const [valueLength] = readVarint(records, p)
    yield { start, end, offsetDelta, timestampDelta, key, valueIsNull: valueLength < 0 }
    pos = end
  }
}
