// Kafka's framing: every request is an int32 size followed by that many bytes. The size is checked
// against socket.request.max.bytes BEFORE anything is allocated for the frame, so a hostile or broken
// peer cannot make the broker buffer a huge frame.

export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

/**
 * Splits a byte stream into frames. A frame that lies inside one chunk is returned as a view of it (no
 * copy); a frame split across chunks is assembled once.
 */
export class FrameDecoder {
  #maxFrameBytes: number
  #chunks: Buffer[] = []
  #buffered = 0
  /** Size of the frame being collected, or -1 while its 4-byte prefix is still incomplete. */
  #need = -1

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes
  }

  /** Changes the size limit for frames whose size prefix is read from now on. */
  set maxFrameBytes(n: number) {
    this.#maxFrameBytes = n
  }

  /** Bytes held for frames not yet complete. */
  get buffered(): number {
    return this.#buffered
  }

  /** Feeds bytes; returns every frame completed by them. Throws FrameError on a bad size prefix. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = []
    // Only when no size prefix is pending: a chunk can end right after one (nothing buffered, #need set).
    if (this.#buffered === 0 && this.#need < 0) {
      // Fast path: parse frames straight out of the chunk.
      let pos = 0
      while (chunk.length - pos >= 4) {
        const size = this.#checkSize(chunk.readInt32BE(pos))
        if (chunk.length - pos - 4 < size) break
        frames.push(chunk.subarray(pos + 4, pos + 4 + size))
        pos += 4 + size
      }
      if (pos < chunk.length) this.#hold(chunk.subarray(pos))
      return frames
    }
    this.#hold(chunk)
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < 4) break
        this.#need = this.#checkSize(this.#take(4).readInt32BE(0))
      }
      if (this.#buffered < this.#need) break
      frames.push(this.#take(this.#need))
      this.#need = -1
    }
    return frames
  }

  #checkSize(size: number): number {
    if (size < 0) throw new FrameError(`negative frame size ${size}`)
    if (size > this.#maxFrameBytes) {
      throw new FrameError(`frame of ${size} bytes exceeds socket.request.max.bytes (${this.#maxFrameBytes})`)
    }
    return size
  }

  #hold(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
  }

  /** Removes and returns the first n buffered bytes (n <= buffered). */
  #take(n: number): Buffer {
    const first = this.#chunks[0]
    let out: Buffer
    if (first && first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(n)
    } else {
      out = Buffer.allocUnsafe(n)
      let filled = 0
      while (filled < n) {
        const c = this.#chunks[0] as Buffer
        const part = Math.min(c.length, n - filled)
        c.copy(out, filled, 0, part)
        filled += part
        if (part === c.length) this.#chunks.shift()
        else this.#chunks[0] = c.subarray(part)
      }
    }
    this.#buffered -= n
    return out
  }
}
