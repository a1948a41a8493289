// The in-memory image of a sparse index file (.index or .timeindex): entries in their on-disk byte format,
// appended in memory on the append path and written to the file on flush, roll and close. The file may lag
// behind the memory between flushes; recovery rebuilds every index after the recovery point, so a stale
// index on disk is never trusted after a crash.
import type { FileHandle } from 'node:fs/promises'

export class IndexBuffer {
  readonly entrySize: number
  #buf: Buffer
  #count = 0
  #persisted = 0
  /** The file holds more (stale) bytes than the memory: persist must truncate it. */
  #truncateFile = false

  constructor(entrySize: number, initial?: Buffer) {
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

  /** Space for one more entry, growing the buffer geometrically; returns its byte position. */
  protected reserve(): number {
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
