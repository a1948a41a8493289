// Reusable buffers for large reads: the file reads that fetches answer with, and the socket reads of
// large request frames (a produce request's records). A fresh multi-megabyte buffer per read costs an mmap,
// page faults on first touch and external-memory pressure that makes V8 run full collections; a consumer
// reading a backlog asks for the same window size over and over, and a producer sends requests of about
// the same size, so the buffers of earlier reads serve the next ones.
//
// Ownership is counted: `take` hands a buffer out with one reference, every further holder `retain`s it
// and each holder `give`s its reference back when it is done; the buffer is reused once none is left.
// A reference never given back only keeps the buffer from being reused (it is garbage collected), so a
// holder that cannot tell when it is done simply keeps its reference.

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
  /** The backing stores this pool handed out, with their references (0: free, a further give is ignored). */
  readonly #refs = new WeakMap<ArrayBufferLike, number>()
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
    const list = this.#free.get(capacity)
    const reused = list?.pop()
    // No empty lists stay in the map: eviction picks the largest class and expects a buffer in it.
    if (list?.length === 0) this.#free.delete(capacity)
    if (reused !== undefined) {
      this.#freeBytes -= capacity
      this.#refs.set(reused.buffer, 1)
      return reused.subarray(0, length)
    }
    const fresh = Buffer.allocUnsafeSlow(capacity)
    this.#refs.set(fresh.buffer, 1)
    return fresh.subarray(0, length)
  }

  /** True when `buf` is (a view of) a buffer this pool handed out. */
  owns(buf: Buffer): boolean {
    return this.#refs.has(buf.buffer)
  }

  /** One more reference to a buffer `take` handed out (or any view of it); others are ignored. */
  retain(buf: Buffer): void {
    const refs = this.#refs.get(buf.buffer)
    if (refs !== undefined && refs > 0) this.#refs.set(buf.buffer, refs + 1)
  }

  /**
   * Gives back one reference to a buffer `take` handed out (or any view of it); the last one makes it free.
   * Other buffers, and buffers already free, are ignored.
   */
  give(buf: Buffer): void {
    const store = buf.buffer
    const refs = this.#refs.get(store)
    if (refs === undefined || refs === 0) return
    if (refs > 1) {
      this.#refs.set(store, refs - 1)
      return
    }
    const capacity = store.byteLength
    if (capacity > this.limit) {
      this.#refs.delete(store)
      return
    }
    this.#refs.set(store, 0)
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
      this.#refs.delete(dropped.buffer)
    }
  }
}

/** The pool every segment reads into (fetch windows) and every connection gives written responses back to. */
export const readBuffers = new ReadBuffers(32 * 1024 * 1024, 30_000)
