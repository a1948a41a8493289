// The sparse time index (.timeindex): 12-byte entries of timestamp int64 and (offset - baseOffset) int32,
// appended only when the segment's largest timestamp grows, so timestamps are increasing in the file.
import { FixedEntryIndex, type EntryLayout } from './fixed-entry-index.ts'

export const TIME_INDEX_ENTRY_SIZE = 12

export interface TimestampOffset {
  timestamp: bigint
  offset: bigint
}

const LAYOUT: EntryLayout<TimestampOffset> = {
  size: TIME_INDEX_ENTRY_SIZE,
  relativeOffsetAt: 8,
  read: (buf, at, base) => ({
    timestamp: buf.readBigInt64BE(at),
    offset: base + BigInt(buf.readInt32BE(at + 8)),
  }),
  write: (buf, at, e, base) => {
    buf.writeBigInt64BE(e.timestamp, at)
    buf.writeInt32BE(Number(e.offset - base), at + 8)
  },
}

export class TimeIndex extends FixedEntryIndex<TimestampOffset> {
  constructor(baseOffset: bigint, initial?: Buffer) {
    super(baseOffset, LAYOUT, initial)
  }

  timestamp(i: number): bigint {
    return this.bytes.readBigInt64BE(i * TIME_INDEX_ENTRY_SIZE)
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
    this.add({ timestamp, offset })
  }

  /** The entry with the largest timestamp <= `timestamp`, or (-1, baseOffset) when there is none. */
  lookup(timestamp: bigint): TimestampOffset {
    const i = this.floorIndex((k) => this.timestamp(k), timestamp)
    return i < 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entry(i)
  }

  /** Keeps the entries whose offset is below `offset` (for truncation). */
  truncateToOffset(offset: bigint): void {
    this.truncateEntries(this.floorByOffset(offset - 1n) + 1)
  }

  sanityError(fileSize: number, nextOffset: bigint): string | null {
    return this.firstError(fileSize, (i) => {
      const rel = this.relativeOffset(i)
      if (i > 0 && rel < this.relativeOffset(i - 1)) return 'is not above the previous one'
      if (this.timestamp(i) <= (i === 0 ? -1n : this.timestamp(i - 1))) return 'is not above the previous one'
      return this.baseOffset + BigInt(rel) >= nextOffset && nextOffset > this.baseOffset
        ? 'points past the end of the log'
        : null
    })
  }
}
