// The sparse time index (.timeindex): 12-byte entries of timestamp int64 and (offset - baseOffset) int32,
// appended only when the segment's largest timestamp grows, so timestamps are increasing in the file.
import { IndexBuffer } from './index-buffer.ts'

export const TIME_INDEX_ENTRY_SIZE = 12

export interface TimestampOffset {
  timestamp: bigint
  offset: bigint
}

export class TimeIndex extends IndexBuffer {
  readonly baseOffset: bigint

  constructor(baseOffset: bigint, initial?: Buffer) {
    super(TIME_INDEX_ENTRY_SIZE, initial)
    this.baseOffset = baseOffset
  }

  timestamp(i: number): bigint {
    return this.bytes.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE)
  }

  relativeOffset(i: number): number {
    return this.bytes.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8)
  }

  entry(i: number): TimestampOffset {
    return { timestamp: this.timestamp(i), offset: this.baseOffset + BigInt(this.relativeOffset(i)) }
  }

  lastEntry(): TimestampOffset | null {
    return this.count === 0 ? null : this.entry(this.count - 1)
  }

  /** Appends when `timestamp` is above the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    if (timestamp < 0n) return
    if (this.count > 0) {
      const last = this.count - 1
      if (timestamp <= this.timestamp(last)) return
      if (Number(offset - this.baseOffset) < this.relativeOffset(last)) return
    }
    const at = this.reserve()
    this.bytes.writeBigInt64BE(timestamp, at)
    this.bytes.writeInt32BE(Number(offset - this.baseOffset), at + 8)
  }

  /** The entry with the largest timestamp <= `timestamp`, or (-1, baseOffset) when there is none. */
  lookup(timestamp: bigint): TimestampOffset {
    const i = this.floorIndex((k) => this.timestamp(k), timestamp)
    return i < 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entry(i)
  }

  /** Keeps the entries whose offset is below `offset` (for truncation). */
  truncateToOffset(offset: bigint): void {
    const rel = Number(offset - this.baseOffset)
    this.truncateEntries(this.floorIndex((k) => this.relativeOffset(k), rel - 1) + 1)
  }

  sanityError(fileSize: number, nextOffset: bigint): string | null {
    if (fileSize % TIME_INDEX_ENTRY_SIZE !== 0) return `size ${fileSize} is not a multiple of 12`
    let prevTs = -1n
    let prevRel = -1
    for (let i = 0; i < this.count; i++) {
      const ts = this.timestamp(i)
      const rel = this.relativeOffset(i)
      if (ts <= prevTs || rel < prevRel) return `entry ${i} is not above the previous one`
      if (this.baseOffset + BigInt(rel) >= nextOffset && nextOffset > this.baseOffset)
        return `entry ${i} points past the end of the log`
      prevTs = ts
      prevRel = rel
    }
    return null
  }
}
