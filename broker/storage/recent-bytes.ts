// Segment bytes held in memory so that fetches skip a file read: the tail of the active segment as it was
// appended (consumers that keep up read what was just written) and one window read ahead for consumers
// reading sequentially behind the tail. Both are bounded process-wide by HeldBytes, which drops the least
// recently used holdings when the budget is exceeded; what is dropped is simply read from the file again.
import { readBuffers } from './read-buffers.ts'

/** A process-wide budget of held bytes with least-recently-used eviction. */
export class HeldBytes {
  readonly limit: number
  #total = 0
  // Map iteration order is insertion order: re-inserting on update keeps the least recently used first.
  readonly #held = new Map<object, { bytes: number; drop: () => void }>()

  constructor(limit: number) {
    this.limit = limit
  }

  get total(): number {
    return this.#total
  }

  /** Records that `key` now holds `bytes` (0 releases it); evicts the oldest holdings beyond the limit. */
  hold(key: object, bytes: number, drop: () => void): void {
    this.release(key)
    if (bytes <= 0) return
    this.#held.set(key, { bytes, drop })
    this.#total += bytes
    for (const [k, h] of this.#held) {
      if (this.#total <= this.limit) break
      this.#held.delete(k)
      this.#total -= h.bytes
      h.drop()
    }
  }

  release(key: object): void {
    const h = this.#held.get(key)
    if (h === undefined) return
    this.#held.delete(key)
    this.#total -= h.bytes
  }
}

/** Budget shared by every segment of the process (what the retained buffers keep alive, see below). */
export const heldBytes = new HeldBytes(64 * 1024 * 1024)

/** At most this much (counted as below) of one segment's tail is kept. */
const TAIL_LIMIT = 2 * 1024 * 1024

/** Reads this small are copied out of a held buffer rather than handed out as a counted view of it. */
const COPY_MAX = 4096

/**
 * The last appended buffers of a segment, by reference, covering [start, end) of its .log. A buffer is
 * counted at the size of the memory it keeps alive (a produce request's records are a view of its frame).
 * Frames come from the read pool: the tail holds a reference to each buffer it keeps (see read-buffers.ts),
 * and so does every view it hands out, so a frame is reused only when no fetch can still send it.
 */
export class SegmentTail {
  #bufs: Buffer[] = []
  #start = 0
  #end = 0
  #bytes = 0
  readonly #drop = (): void => this.#reset()

  /** Appends `buf`, written at `position` of the .log. */
  push(buf: Buffer, position: number): void {
    if (position !== this.#end || this.#bufs.length === 0) this.#reset(position)
    readBuffers.retain(buf)
    this.#bufs.push(buf)
    this.#end = position + buf.length
    this.#bytes += cost(buf)
    while (this.#bytes > TAIL_LIMIT && this.#bufs.length > 1) {
      const old = this.#bufs.shift() as Buffer
      this.#start += old.length
      this.#bytes -= cost(old)
      readBuffers.give(old)
    }
    heldBytes.hold(this, this.#bytes, this.#drop)
  }

  holds(position: number, length: number): boolean {
    return this.#bufs.length > 0 && position >= this.#start && position + length <= this.#end
  }

  /**
   * `length` bytes at `position` when they are all held, else null. A large read within one buffer is a
   * view holding a reference: give it back to the read pool when done with it (or keep it).
   */
  read(position: number, length: number): Buffer | null {
    if (!this.holds(position, length)) return null
    // Walk back from the newest buffer: consumers that keep up read the last few.
    let i = this.#bufs.length - 1
    let at = this.#end - (this.#bufs[i] as Buffer).length
    while (at > position) at -= (this.#bufs[--i] as Buffer).length
    const first = this.#bufs[i] as Buffer
    const from = position - at
    if (from + length <= first.length) {
      const view = first.subarray(from, from + length)
      if (length <= COPY_MAX) return Buffer.from(view)
      readBuffers.retain(view)
      return view
    }
    // Spanning several appends: copied into one pooled buffer (given back once its fetch is answered).
    const out = readBuffers.take(length)
    let got = first.copy(out, 0, from)
    while (got < length) got += (this.#bufs[++i] as Buffer).copy(out, got, 0, length - got)
    return out
  }

  clear(): void {
    this.#reset()
    heldBytes.release(this)
  }

  #reset(position = 0): void {
    for (const b of this.#bufs) readBuffers.give(b)
    this.#bufs = []
    this.#start = position
    this.#end = position
    this.#bytes = 0
  }
}

function cost(buf: Buffer): number {
  return Math.max(buf.length, buf.buffer.byteLength)
}
