// Reusable buffers for the large file reads that fetches answer with. A fresh multi-megabyte buffer per
// fetch costs an mmap, page faults on first touch and external-memory pressure that makes V8 run full
// collections; a consumer reading a backlog asks for the same window size over and over, so the buffers
// its answers were written from serve its next reads.
//
// Ownership: `take` hands a buffer out; whoever last references it (the connection, once the response that
// carries it has been written) may `give` it back. A buffer never given back is simply garbage collected,
// so giving back is an optimisation and only ever done when nothing else can still read the buffer.

/** Reads smaller than this are not worth pooling. */
const MIN_POOLED = 256 * 1024
/** Capacities are rounded up to this, so that one consumer's repeated window size maps to one class. */
const GRAIN = 64 * 1024

export class ReadBuffers {
  readonly limit: number
  readonly #idleMs: number
  /** Free buffers by capacity, newest last. */
  readonly #free = new Map<number, Buffer[]>()
  #freeBytes = 0
  /** The backing stores this pool handed out, and which of them are free now (a second give is ignored). */
  readonly #ours = new WeakSet<ArrayBufferLike>()
  readonly #isFree = new WeakSet<ArrayBufferLike>()
  #trim: NodeJS.Timeout | null = null

  /** Keeps at most `limit` free bytes, and lets them all go after `idleMs` without a give. */
  constructor(limit: number, idleMs: number) {
    this.limit = limit
    this.#idleMs = idleMs
  }

  get freeBytes(): number {
    return this.#freeBytes
  }

  /** A buffer of exactly `length` bytes (a view of a pooled buffer when `length` is large enough). */
  take(length: number): Buffer {
    if (length < MIN_POOLED) return Buffer.allocUnsafe(length)
    const capacity = Math.ceil(length / GRAIN) * GRAIN
    const reused = this.#free.get(capacity)?.pop()
    if (reused !== undefined) {
      this.#freeBytes -= capacity
      this.#isFree.delete(reused.buffer)
      return reused.subarray(0, length)
    }
    const fresh = Buffer.allocUnsafeSlow(capacity)
    this.#ours.add(fresh.buffer)
    return fresh.subarray(0, length)
  }

  /** True when `buf` is (a view of) a buffer this pool handed out. */
  owns(buf: Buffer): boolean {
    return this.#ours.has(buf.buffer)
  }

  /** Returns a buffer `take` handed out (or any view of it); others, and buffers already free, are ignored. */
  give(buf: Buffer): void {
    const store = buf.buffer
    if (!this.#ours.has(store) || this.#isFree.has(store)) return
    const capacity = store.byteLength
    if (capacity > this.limit) return
    this.#isFree.add(store)
    const list = this.#free.get(capacity) ?? []
    list.push(Buffer.from(store, 0, capacity))
    this.#free.set(capacity, list)
    this.#freeBytes += capacity
    this.#evict()
    if (this.#trim === null) {
      this.#trim = setTimeout(() => this.clear(), this.#idleMs)
      this.#trim.unref()
    } else {
      this.#trim.refresh()
    }
  }

  /** Lets every free buffer go (to the garbage collector). */
  clear(): void {
    this.#free.clear()
    this.#freeBytes = 0
    if (this.#trim !== null) clearTimeout(this.#trim)
    this.#trim = null
  }

  /** Drops the oldest free buffers of the largest classes until the free bytes fit the limit. */
  #evict(): void {
    while (this.#freeBytes > this.limit) {
      let largest = 0
      for (const c of this.#free.keys()) if (c > largest) largest = c
      const list = this.#free.get(largest) as Buffer[]
      const dropped = list.shift() as Buffer
      if (list.length === 0) this.#free.delete(largest)
      this.#freeBytes -= largest
      this.#isFree.delete(dropped.buffer)
      this.#ours.delete(dropped.buffer)
    }
  }
}

/** The pool every segment reads into (fetch windows) and every connection gives written responses back to. */
export const readBuffers = new ReadBuffers(32 * 1024 * 1024, 30_000)
