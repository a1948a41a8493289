// Kafka's framing: every request is an int32 size followed by that many bytes. The size is checked
// against socket.request.max.bytes before anything is allocated for the frame, so a hostile or broken
// peer cannot make the broker buffer a huge frame.
//
// The reader hands out the buffer the next socket read goes into (Node's `onread`, see read-into.ts):
// small frames collect in a per-connection scratch buffer and are copied out whole; a frame larger than
// the scratch is read straight into its own buffer, so a produce request's records arrive where they
// stay, without a 64 KiB chunk per read and a copy to assemble them. Streams that deliver their own
// chunks (TLS) go through push(), which copies them into the same buffers.
//
// Frame buffers come from the read pool (../storage/read-buffers.ts) with one reference, the caller's. It
// gives that back only for requests whose bytes nothing keeps without a reference of its own (produce:
// the partition tails count theirs); any other frame is left to the garbage collector.
import { readBuffers } from '../storage/read-buffers.ts'

export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

/** Per-connection buffer for size prefixes and small frames. */
const SCRATCH_BYTES = 32 * 1024
/**
 * A frame up to this size gets its whole buffer when its size prefix arrives. A larger one is collected
 * in pieces of this size as its bytes arrive and joined at the end, so a peer announcing a frame near
 * socket.request.max.bytes holds only what it really sent.
 */
const PIECE_BYTES = 2 * 1024 * 1024

export class FrameReader {
  #maxFrameBytes: number
  readonly #scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES)
  /** Unparsed bytes in the scratch: [#start, #end). */
  #start = 0
  #end = 0
  /** Size of the frame being read into its own buffers, or -1 while frames come from the scratch. */
  #size = -1
  /** The buffer being filled for that frame (the whole frame, or its current piece). */
  #buf: Buffer = this.#scratch
  #filled = 0
  /** Filled pieces of a frame larger than PIECE_BYTES (each PIECE_BYTES long). */
  #pieces: Buffer[] = []

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes
  }

  /** Changes the size limit for frames whose size prefix is read from now on. */
  set maxFrameBytes(n: number) {
    this.#maxFrameBytes = n
  }

  /** Where the next bytes go: fill a prefix of it, then call filled() with the count. Never empty. */
  target(): Buffer {
    if (this.#size >= 0) return this.#buf.subarray(this.#filled)
    if (this.#start > 0) {
      this.#scratch.copyWithin(0, this.#start, this.#end)
      this.#end -= this.#start
      this.#start = 0
    }
    return this.#scratch.subarray(this.#end)
  }

  /** `n` bytes were written at the start of the last target(); returns every frame they completed. */
  filled(n: number): Buffer[] {
    if (this.#size < 0) {
      this.#end += n
      return this.#parse()
    }
    this.#filled += n
    if (this.#filled < this.#buf.length) return []
    let frame = this.#buf
    if (this.#size > PIECE_BYTES) {
      this.#pieces.push(this.#buf)
      const left = this.#size - this.#pieces.length * PIECE_BYTES
      if (left > 0) {
        this.#buf = Buffer.allocUnsafe(Math.min(PIECE_BYTES, left))
        this.#filled = 0
        return []
      }
      frame = Buffer.concat(this.#pieces, this.#size)
      this.#pieces = []
    }
    this.#size = -1
    this.#buf = this.#scratch
    return [frame]
  }

  /** For streams that deliver their own chunks: copies `chunk` in; returns every frame it completed. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = []
    for (let pos = 0; pos < chunk.length;) {
      const n = chunk.copy(this.target(), 0, pos)
      pos += n
      for (const f of this.filled(n)) frames.push(f)
    }
    return frames
  }

  /** Frames complete in the scratch are copied out; a frame too large for it moves to its own buffer. */
  #parse(): Buffer[] {
    const frames: Buffer[] = []
    const s = this.#scratch
    while (this.#end - this.#start >= 4) {
      const size = this.#checkSize(s.readInt32BE(this.#start))
      const body = this.#start + 4
      const have = this.#end - body
      if (have >= size) {
        const frame = Buffer.allocUnsafe(size)
        s.copy(frame, 0, body, body + size)
        frames.push(frame)
        this.#start = body + size
        continue
      }
      if (4 + size > s.length) {
        this.#size = size
        this.#buf = size <= PIECE_BYTES ? readBuffers.take(size) : Buffer.allocUnsafe(PIECE_BYTES)
        this.#filled = s.copy(this.#buf, 0, body, this.#end)
        this.#start = 0
        this.#end = 0
      }
      break
    }
    if (this.#start === this.#end) {
      this.#start = 0
      this.#end = 0
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
}
