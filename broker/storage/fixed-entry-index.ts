// A sparse index file of fixed-size entries (.index, .timeindex), each holding an offset relative to the
// segment's base offset; the index classes only describe their entry layout. The entries live in memory in
// their on-disk byte format, appended on the append path and written to the file on flush, roll and close.
// The file may lag behind the memory between flushes; recovery rebuilds every index after the recovery
// point, so a stale index on disk is never trusted after a crash.
import type { FileHandle } from 'node:fs/promises'

/** How an index file lays out one entry. */
export interface EntryLayout<E> {
  /** Bytes per entry. */
  size: number
  /** Where in the entry its int32 offset relative to the segment base is. */
  relativeOffsetAt: number
  read(buf: Buffer, at: number, baseOffset: bigint): E
  write(buf: Buffer, at: number, entry: E, baseOffset: bigint): void
}

export class FixedEntryIndex<E> {
  readonly baseOffset: bigint
  readonly entrySize: number
  readonly #layout: EntryLayout<E>
  #buf: Buffer
  #count = 0
  #persisted = 0
  /** The file holds more (stale) bytes than the memory: persist must truncate it. */
  #truncateFile = false

  constructor(baseOffset: bigint, layout: EntryLayout<E>, initial?: Buffer) {
    this.baseOffset = baseOffset
    this.#layout = layout
    const entrySize = layout.size
    this.entrySize = entrySize
    if (initial) {
      this.#count = Math.floor(initial.length / entrySize)
      this.#buf = Buffer.alloc(Math.max(this.#count * entrySize, entrySize * 64))
      initial.copy(this.#buf, 0, 0, this.#count * entrySize)
      this.#persisted = this.#count
      this.#truncateFile = initial.length !== this.#count * entrySize
    } else {
      this.#buf = Buffer.alloc(entrySize * 64)
    }
  }

  get count(): number {
    return this.#count
  }

  get sizeInBytes(): number {
    return this.#count * this.entrySize
  }

  get dirty(): boolean {
    return this.#persisted !== this.#count || this.#truncateFile
  }

  entry(i: number): E {
    return this.#layout.read(this.#buf, i * this.entrySize, this.baseOffset)
  }

  /** The offset of entry `i` relative to the base offset. */
  relativeOffset(i: number): number {
    return this.#buf.readInt32BE(i * this.entrySize + this.#layout.relativeOffsetAt)
  }

  /** Appends `entry` (callers check that it keeps the index ordered). */
  protected add(entry: E): void {
    const at = this.#reserve() // first: it may replace the buffer
    this.#layout.write(this.#buf, at, entry, this.baseOffset)
  }

  /** Space for one more entry, growing the buffer geometrically; returns its byte position. */
  #reserve(): number {
    const pos = this.#count * this.entrySize
    if (pos + this.entrySize > this.#buf.length) {
      const bigger = Buffer.alloc(this.#buf.length * 2)
      this.#buf.copy(bigger, 0, 0, pos)
      this.#buf = bigger
    }
    this.#count++
    return pos
  }

  protected get bytes(): Buffer {
    return this.#buf
  }

  /** Largest entry index whose offset is <= `offset`, or -1. */
  protected floorByOffset(offset: bigint): number {
    return this.floorIndex((k) => this.relativeOffset(k), Number(offset - this.baseOffset))
  }

  /**
   * Why the loaded file cannot be trusted: a size that is not whole entries, or the first entry `bad`
   * rejects (it reads entries in place: this runs over every index at start-up), or null.
   */
  protected firstError(fileSize: number, bad: (i: number) => string | null): string | null {
    if (fileSize % this.entrySize !== 0) return `size ${fileSize} is not a multiple of ${this.entrySize}`
    for (let i = 0; i < this.#count; i++) {
      const why = bad(i)
      if (why !== null) return `entry ${i} ${why}`
    }
    return null
  }

  /** Largest entry index i with key(i) <= target, or -1. `key` must be nondecreasing. */
  protected floorIndex(key: (i: number) => number | bigint, target: number | bigint): number {
    let lo = 0
    let hi = this.#count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (key(mid) <= target) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }

  /** Drops every entry (before a rebuild). */
  clear(): void {
    this.#count = 0
    this.#persisted = 0
    this.#truncateFile = true
  }

  /** Keeps the first `n` entries. */
  truncateEntries(n: number): void {
    if (n >= this.#count) return
    this.#count = n
    if (this.#persisted > n) this.#persisted = n
    this.#truncateFile = true
  }

  /** Writes the entries the file lacks (and trims stale bytes) through `fh`. */
  async persist(fh: FileHandle): Promise<void> {
    // Entries appended while the write is in flight stay unpersisted for the next call.
    const count = this.#count
    const truncate = this.#truncateFile
    const from = this.#persisted * this.entrySize
    const to = count * this.entrySize
    this.#truncateFile = false
    try {
      if (to > from) await fh.write(this.#buf, from, to - from, from)
      if (truncate) await fh.truncate(to)
    } catch (err) {
      this.#truncateFile ||= truncate
      throw err
    }
    if (this.#count >= count) this.#persisted = Math.max(this.#persisted, count)
  }

  /** A copy of the entries in file format. */
  toBuffer(): Buffer {
    return Buffer.from(this.#buf.subarray(0, this.#count * this.entrySize))
  }
}
