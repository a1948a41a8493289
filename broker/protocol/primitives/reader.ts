import { ProtocolError } from './errors.ts'

/** Upper bounds a decoder enforces on top of "no more than the bytes left". */
export interface ReaderLimits {
  /** Most elements one array may announce. */
  readonly maxArrayLength: number
  /** Most bytes one string may announce. */
  readonly maxStringBytes: number
  /** Most bytes one bytes/records field may announce (they are views, so this bounds nothing but sanity). */
  readonly maxBytesLength: number
}

export const DEFAULT_READER_LIMITS: ReaderLimits = Object.freeze({
  maxArrayLength: 1 << 20,
  maxStringBytes: 4 << 20,
  maxBytesLength: 0x7fffffff,
})

/** One unknown tagged field, kept as raw bytes so it can be re-emitted unchanged. */
export interface TaggedField {
  tag: number
  data: Buffer
}

/**
 * Sequential reader over a Buffer window [offset, end). Every length and count is checked against the
 * bytes left (and the limits) before anything is read or allocated; failures throw ProtocolError.
 * Bytes come back as views into the underlying buffer, never copies.
 */
export class Reader {
  readonly buf: Buffer
  readonly limits: ReaderLimits
  /** Fixed-width reads go through a DataView: bounds are already checked by need(). */
  private readonly dv: DataView
  private pos: number
  private end: number

  constructor(buf: Buffer, offset = 0, end = buf.length, limits: ReaderLimits = DEFAULT_READER_LIMITS) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new ProtocolError('invalid', `reader window [${offset}, ${end}) outside buffer of ${buf.length}`)
    }
    this.buf = buf
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.pos = offset
    this.end = end
    this.limits = limits
  }

  get offset(): number {
    return this.pos
  }

  get remaining(): number {
    return this.end - this.pos
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new ProtocolError('truncated', `${what}: need ${n} bytes, ${this.end - this.pos} left`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return this.dv.getInt8(this.pos++)
  }

  uint8(): number {
    this.need(1, 'uint8')
    return this.buf[this.pos++] as number
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.dv.getInt16(this.pos)
    this.pos += 2
    return v
  }

  uint16(): number {
    this.need(2, 'uint16')
    const v = this.dv.getUint16(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.dv.getInt32(this.pos)
    this.pos += 4
    return v
  }

  uint32(): number {
    this.need(4, 'uint32')
    const v = this.dv.getUint32(this.pos)
    this.pos += 4
    return v
  }

  int64(): bigint {
    this.need(8, 'int64')
    const v = this.dv.getBigInt64(this.pos)
    this.pos += 8
    return v
  }

  float64(): number {
    this.need(8, 'float64')
    const v = this.dv.getFloat64(this.pos)
    this.pos += 8
    return v
  }

  bool(): boolean {
    this.need(1, 'bool')
    return this.buf[this.pos++] !== 0
  }

  /** Unsigned LEB128 of at most 5 bytes (a uint32). */
  unsignedVarint(): number {
    let result = 0
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new ProtocolError('truncated', 'varint: ends early')
      const b = this.buf[this.pos++] as number
      result += (b & 0x7f) * 2 ** (7 * i)
      if ((b & 0x80) === 0) return result >>> 0
    }
    throw new ProtocolError('invalid', 'varint: longer than 5 bytes')
  }

  /** Zigzag-encoded signed int32. */
  varint(): number {
    const u = this.unsignedVarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Unsigned LEB128 of at most 10 bytes (a uint64). */
  unsignedVarlong(): bigint {
    // Up to 7 bytes (49 bits) fit a double exactly; switch to bigint only past that.
    let small = 0
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new ProtocolError('truncated', 'varlong: ends early')
      const b = this.buf[this.pos++] as number
      small += (b & 0x7f) * 2 ** (7 * i)
      if ((b & 0x80) === 0) return BigInt(small)
    }
    let big = BigInt(small)
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtocolError('truncated', 'varlong: ends early')
      const b = this.buf[this.pos++] as number
      big |= BigInt(b & 0x7f) << BigInt(7 * i)
      if ((b & 0x80) === 0) return BigInt.asUintN(64, big)
    }
    throw new ProtocolError('invalid', 'varlong: longer than 10 bytes')
  }

  /** Zigzag-encoded signed int64. */
  varlong(): bigint {
    const u = this.unsignedVarlong()
    return (u >> 1n) ^ -(u & 1n)
  }

  /** Kafka's UUID as 22 base64url characters (no padding), the form its tools print. */
  uuid(): string {
    this.need(16, 'uuid')
    const v = this.buf.toString('base64url', this.pos, this.pos + 16)
    this.pos += 16
    return v
  }

  private utf8(len: number): string {
    if (len > this.limits.maxStringBytes) {
      throw new ProtocolError('limit', `string of ${len} bytes exceeds limit ${this.limits.maxStringBytes}`)
    }
    this.need(len, 'string')
    const v = this.buf.toString('utf8', this.pos, this.pos + len)
    this.pos += len
    return v
  }

  private view(len: number): Buffer {
    if (len > this.limits.maxBytesLength) {
      throw new ProtocolError('limit', `bytes of ${len} exceed limit ${this.limits.maxBytesLength}`)
    }
    this.need(len, 'bytes')
    const v = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return v
  }

  string(): string {
    const len = this.int16()
    if (len < 0) throw new ProtocolError('invalid', `string: length ${len} where null is not allowed`)
    return this.utf8(len)
  }

  nullableString(): string | null {
    const len = this.int16()
    if (len < 0) {
      if (len !== -1) throw new ProtocolError('invalid', `string: negative length ${len}`)
      return null
    }
    return this.utf8(len)
  }

  compactString(): string {
    const n = this.unsignedVarint()
    if (n === 0) throw new ProtocolError('invalid', 'compact string: null where null is not allowed')
    return this.utf8(n - 1)
  }

  compactNullableString(): string | null {
    const n = this.unsignedVarint()
    return n === 0 ? null : this.utf8(n - 1)
  }

  bytes(): Buffer {
    const len = this.int32()
    if (len < 0) throw new ProtocolError('invalid', `bytes: length ${len} where null is not allowed`)
    return this.view(len)
  }

  nullableBytes(): Buffer | null {
    const len = this.int32()
    if (len < 0) {
      if (len !== -1) throw new ProtocolError('invalid', `bytes: negative length ${len}`)
      return null
    }
    return this.view(len)
  }

  compactBytes(): Buffer {
    const n = this.unsignedVarint()
    if (n === 0) throw new ProtocolError('invalid', 'compact bytes: null where null is not allowed')
    return this.view(n - 1)
  }

  compactNullableBytes(): Buffer | null {
    const n = this.unsignedVarint()
    return n === 0 ? null : this.view(n - 1)
  }

  /** A view of the next len bytes (len already known, e.g. a tagged field's size). */
  raw(len: number): Buffer {
    return this.view(len)
  }

  /**
   * Array length prefix: int32 (-1 = null) or, when compact, unsigned varint N+1 (0 = null).
   * Returns -1 for null. minElementBytes is the smallest encoding of one element, so a count that
   * cannot fit in the bytes left is refused before the caller allocates anything.
   */
  arrayLength(compact: boolean, nullable: boolean, minElementBytes: number): number {
    const n = compact ? this.unsignedVarint() - 1 : this.int32()
    if (n < 0) {
      if (n !== -1 || !nullable) throw new ProtocolError('invalid', `array: length ${n} not allowed here`)
      return -1
    }
    if (n > this.limits.maxArrayLength) {
      throw new ProtocolError('limit', `array of ${n} elements exceeds limit ${this.limits.maxArrayLength}`)
    }
    const min = minElementBytes < 1 ? 1 : minElementBytes
    if (n * min > this.end - this.pos) {
      throw new ProtocolError(
        'truncated',
        `array of ${n} elements cannot fit in ${this.end - this.pos} bytes`,
      )
    }
    return n
  }

  /** Count of tagged fields; each takes at least two bytes (tag and size). */
  taggedFieldCount(): number {
    const n = this.unsignedVarint()
    if (n * 2 > this.end - this.pos) {
      throw new ProtocolError('truncated', `${n} tagged fields cannot fit in ${this.end - this.pos} bytes`)
    }
    return n
  }

  /**
   * Narrow the window to the next size bytes (a tagged field's value); returns the token to pass to
   * popLimit, which moves past the whole value however much of it the caller read.
   */
  pushLimit(size: number): number {
    this.need(size, 'tagged field')
    const saved = this.end
    this.end = this.pos + size
    return saved
  }

  popLimit(saved: number): void {
    this.pos = this.end
    this.end = saved
  }

  /** The tagged-field section of a struct with no known tagged fields; undefined when empty. */
  unknownTaggedFields(): TaggedField[] | undefined {
    const n = this.taggedFieldCount()
    if (n === 0) return undefined
    const out: TaggedField[] = []
    for (let i = 0; i < n; i++) {
      const tag = this.unsignedVarint()
      const size = this.unsignedVarint()
      out.push({ tag, data: this.view(size) })
    }
    return out
  }

  /** Skips all tagged fields (for readers that keep none, such as request header v2). */
  skipTaggedFields(): void {
    const n = this.taggedFieldCount()
    for (let i = 0; i < n; i++) {
      this.unsignedVarint()
      const size = this.unsignedVarint()
      this.need(size, 'tagged field')
      this.pos += size
    }
  }

  /** Moves past len bytes. */
  skip(len: number): void {
    this.need(len, 'skip')
    this.pos += len
  }
}
