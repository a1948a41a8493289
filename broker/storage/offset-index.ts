// The sparse offset index (.index): 8-byte entries of (offset - baseOffset) int32 and the byte position of the
// batch in the .log, one every index.interval.bytes. The offset is the batch's last offset, as Kafka writes it.
import { FixedEntryIndex, type EntryLayout } from './fixed-entry-index.ts'

export const OFFSET_INDEX_ENTRY_SIZE = 8

export interface OffsetPosition {
  offset: bigint
  position: number
}

const LAYOUT: EntryLayout<OffsetPosition> = {
  size: OFFSET_INDEX_ENTRY_SIZE,
  relativeOffsetAt: 0,
  read: (buf, at, base) => ({
    offset: base + BigInt(buf.readInt32BE(at)),
    position: buf.readInt32BE(at + 4),
  }),
  write: (buf, at, e, base) => {
    buf.writeInt32BE(Number(e.offset - base), at)
    buf.writeInt32BE(e.position, at + 4)
  },
}

export class OffsetIndex extends FixedEntryIndex<OffsetPosition> {
  constructor(baseOffset: bigint, initial?: Buffer) {
    super(baseOffset, LAYOUT, initial)
  }

  position(i: number): number {
    return this.bytes.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4)
  }

  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1)
  }

  append(offset: bigint, position: number): void {
    if (this.count > 0 && Number(offset - this.baseOffset) <= this.relativeOffset(this.count - 1)) return
    this.add({ offset, position })
  }

  /** The entry with the largest offset <= `offset`, or (baseOffset, 0) when there is none. */
  lookup(offset: bigint): OffsetPosition {
    const i = this.floorByOffset(offset)
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i)
  }

  /** The entry with the largest position <= `position` (for truncation). */
  entriesBelowPosition(position: number): number {
    return this.floorIndex((k) => this.position(k), position - 1) + 1
  }

  /** Why the index cannot be trusted for a .log of `logSize` bytes, or null. */
  sanityError(fileSize: number, logSize: number): string | null {
    return this.firstError(fileSize, (i) => {
      const pos = this.position(i)
      const prevRel = i === 0 ? -1 : this.relativeOffset(i - 1)
      const prevPos = i === 0 ? -1 : this.position(i - 1)
      if (this.relativeOffset(i) <= prevRel || pos <= prevPos) return 'is not above the previous one'
      return pos >= logSize ? 'points past the end of the log' : null
    })
  }
}
