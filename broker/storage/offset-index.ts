// The sparse offset index (.index): 8-byte entries of (offset - baseOffset) int32 and the byte position of the
// batch in the .log, one every index.interval.bytes. The offset is the batch's last offset, as Kafka writes it.
import { IndexBuffer } from './index-buffer.ts'

export const OFFSET_INDEX_ENTRY_SIZE = 8

export interface OffsetPosition {
  offset: bigint
  position: number
}

export class OffsetIndex extends IndexBuffer {
  readonly baseOffset: bigint

  constructor(baseOffset: bigint, initial?: Buffer) {
    super(OFFSET_INDEX_ENTRY_SIZE, initial)
    this.baseOffset = baseOffset
  }

  relativeOffset(i: number): number {
    return this.bytes.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE)
  }

  position(i: number): number {
    return this.bytes.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4)
  }

  entry(i: number): OffsetPosition {
    return { offset: this.baseOffset + BigInt(this.relativeOffset(i)), position: this.position(i) }
  }

  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1)
  }

  append(offset: bigint, position: number): void {
    const rel = Number(offset - this.baseOffset)
    if (this.count > 0 && rel <= this.relativeOffset(this.count - 1)) return
    const at = this.reserve()
    this.bytes.writeInt32BE(rel, at)
    this.bytes.writeInt32BE(position, at + 4)
  }

  /** The entry with the largest offset <= `offset`, or (baseOffset, 0) when there is none. */
  lookup(offset: bigint): OffsetPosition {
    const rel = Number(offset - this.baseOffset)
    const i = this.floorIndex((k) => this.relativeOffset(k), rel)
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i)
  }

  /** The entry with the largest position <= `position` (for truncation). */
  entriesBelowPosition(position: number): number {
    return this.floorIndex((k) => this.position(k), position - 1) + 1
  }

  /** Why the index cannot be trusted for a .log of `logSize` bytes, or null. */
  sanityError(fileSize: number, logSize: number): string | null {
    if (fileSize % OFFSET_INDEX_ENTRY_SIZE !== 0) return `size ${fileSize} is not a multiple of 8`
    let prevRel = -1
    let prevPos = -1
    for (let i = 0; i < this.count; i++) {
      const rel = this.relativeOffset(i)
      const pos = this.position(i)
      if (rel <= prevRel || pos <= prevPos) return `entry ${i} is not above the previous one`
      if (pos >= logSize) return `entry ${i} points past the end of the log`
      prevRel = rel
      prevPos = pos
    }
    return null
  }
}
