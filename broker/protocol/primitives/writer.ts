import { ProtocolError } from './errors.ts'
import type { TaggedField } from './reader.ts'

/** Buffers at least this large are kept by reference instead of being copied into the output. */
const ZERO_COPY_MIN = 1024
const MAX_SLAB = 64 * 1024

/**
 * Growing writer that produces a list of chunks. Small values go into a slab; when the slab fills, the
 * written part is kept as a view and a new slab is started (nothing is copied on growth). Large byte
 * fields (record batches) are appended by reference, so a Fetch response never copies its records:
 * hand toChunks() to socket.writev / cork+write. Callers must not mutate a buffer after passing it.
 */
export class Writer {
  private chunks: Buffer[] = []
  private slab: Buffer
  private dv: DataView
  private start = 0
  private pos = 0
  private flushed = 0

  constructor(initialSize = 256) {
    this.slab = Buffer.allocUnsafe(initialSize)
    this.dv = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.byteLength)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.slab.length) return
    this.flush()
    const size = Math.max(n, Math.min(MAX_SLAB, this.slab.length * 2))
    this.slab = Buffer.allocUnsafe(size)
    this.dv = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.byteLength)
    this.start = 0
    this.pos = 0
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.slab.subarray(this.start, this.pos))
      this.flushed += this.pos - this.start
      this.start = this.pos
    }
  }

  /** The output as chunks (views, no copy). The writer may keep being used afterwards. */
  toChunks(): Buffer[] {
    this.flush()
    return this.chunks.slice()
  }

  /** The output as one buffer (one copy of all chunks, or none when there is a single chunk). */
  toBuffer(): Buffer {
    this.flush()
    if (this.chunks.length === 1) return this.chunks[0] as Buffer
    return Buffer.concat(this.chunks, this.flushed)
  }

  /** Appends everything another writer produced: small chunks copied, large ones by reference. */
  append(other: Writer): void {
    for (const c of other.toChunks()) this.raw(c)
  }

  /** Appends bytes: copied when small, referenced when large. */
  raw(b: Buffer): void {
    if (b.length >= ZERO_COPY_MIN) {
      this.flush()
      this.chunks.push(b)
      this.flushed += b.length
      return
    }
    this.ensure(b.length)
    b.copy(this.slab, this.pos)
    this.pos += b.length
  }

  // Fixed-width writes go through a DataView (no per-call validation in Buffer's methods); the range
  // checks stay, so a value that does not fit its wire type is an error rather than silently wrapped.

  int8(v: number): void {
    if ((v << 24) >> 24 !== v) throw outOfRange('int8', v)
    this.ensure(1)
    this.dv.setInt8(this.pos, v)
    this.pos += 1
  }

  uint8(v: number): void {
    if ((v & 0xff) !== v) throw outOfRange('uint8', v)
    this.ensure(1)
    this.slab[this.pos++] = v
  }

  int16(v: number): void {
    if ((v << 16) >> 16 !== v) throw outOfRange('int16', v)
    this.ensure(2)
    this.dv.setInt16(this.pos, v)
    this.pos += 2
  }

  uint16(v: number): void {
    if ((v & 0xffff) !== v) throw outOfRange('uint16', v)
    this.ensure(2)
    this.dv.setUint16(this.pos, v)
    this.pos += 2
  }

  int32(v: number): void {
    if ((v | 0) !== v) throw outOfRange('int32', v)
    this.ensure(4)
    this.dv.setInt32(this.pos, v)
    this.pos += 4
  }

  uint32(v: number): void {
    if (v >>> 0 !== v) throw outOfRange('uint32', v)
    this.ensure(4)
    this.dv.setUint32(this.pos, v)
    this.pos += 4
  }

  int64(v: bigint): void {
    if (BigInt.asIntN(64, v) !== v) throw outOfRange('int64', v)
    this.ensure(8)
    this.dv.setBigInt64(this.pos, v)
    this.pos += 8
  }

  float64(v: number): void {
    this.ensure(8)
    this.dv.setFloat64(this.pos, v)
    this.pos += 8
  }

  bool(v: boolean): void {
    this.ensure(1)
    this.slab[this.pos++] = v ? 1 : 0
  }

  unsignedVarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new ProtocolError('invalid', `unsigned varint out of range: ${v}`)
    }
    this.ensure(5)
    while (v >= 0x80) {
      this.slab[this.pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    this.slab[this.pos++] = v
  }

  varint(v: number): void {
    this.unsignedVarint(((v << 1) ^ (v >> 31)) >>> 0)
  }

  unsignedVarlong(v: bigint): void {
    this.ensure(10)
    let u = BigInt.asUintN(64, v)
    while (u >= 0x80n) {
      this.slab[this.pos++] = Number(u & 0x7fn) | 0x80
      u >>= 7n
    }
    this.slab[this.pos++] = Number(u)
  }

  varlong(v: bigint): void {
    this.unsignedVarlong(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)))
  }

  uuid(v: string): void {
    this.ensure(16)
    const n = v.length === 22 ? this.slab.write(v, this.pos, 16, 'base64url') : 0
    if (n !== 16)
      throw new ProtocolError('invalid', `uuid: not 22 base64url characters: ${JSON.stringify(v)}`)
    this.pos += 16
  }

  private utf8(v: string, len: number): void {
    this.ensure(len)
    this.slab.write(v, this.pos, len, 'utf8')
    this.pos += len
  }

  string(v: string): void {
    const len = Buffer.byteLength(v, 'utf8')
    if (len > 0x7fff) throw new ProtocolError('limit', `string of ${len} bytes does not fit int16 length`)
    this.int16(len)
    this.utf8(v, len)
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1)
    else this.string(v)
  }

  compactString(v: string): void {
    const len = Buffer.byteLength(v, 'utf8')
    this.unsignedVarint(len + 1)
    this.utf8(v, len)
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.unsignedVarint(0)
    else this.compactString(v)
  }

  bytes(v: Buffer): void {
    this.int32(v.length)
    this.raw(v)
  }

  nullableBytes(v: Buffer | null): void {
    if (v === null) this.int32(-1)
    else this.bytes(v)
  }

  compactBytes(v: Buffer): void {
    this.unsignedVarint(v.length + 1)
    this.raw(v)
  }

  compactNullableBytes(v: Buffer | null): void {
    if (v === null) this.unsignedVarint(0)
    else this.compactBytes(v)
  }

  /** Array length prefix: int32 (-1 for null) or, when compact, unsigned varint N+1 (0 for null). */
  arrayLength(compact: boolean, n: number | null): void {
    if (compact) this.unsignedVarint(n === null ? 0 : n + 1)
    else this.int32(n === null ? -1 : n)
  }

  /** Writes unknown tagged fields from index i whose tag is below `before`; returns the next index. */
  unknownTaggedBefore(fields: readonly TaggedField[] | undefined, i: number, before: number): number {
    if (fields === undefined) return i
    while (i < fields.length && (fields[i] as TaggedField).tag < before) {
      this.taggedField(fields[i] as TaggedField)
      i++
    }
    return i
  }

  /** One tagged field: tag, size, value bytes. */
  taggedField(f: TaggedField): void {
    this.unsignedVarint(f.tag)
    this.unsignedVarint(f.data.length)
    this.raw(f.data)
  }

  /** The tagged-field section of a struct that has no known tagged fields in this version. */
  unknownTaggedFields(fields: readonly TaggedField[] | undefined): void {
    if (fields === undefined || fields.length === 0) {
      this.uint8(0)
      return
    }
    this.unsignedVarint(fields.length)
    for (const f of fields) this.taggedField(f)
  }
}

function outOfRange(type: string, v: number | bigint): ProtocolError {
  return new ProtocolError('invalid', `${String(v)} does not fit ${type}`)
}

/** Thrown by generated encoders when a value is null in a version where the field is not nullable. */
export function notNull<T>(v: T | null, field: string, version: number): T {
  if (v === null) throw new ProtocolError('invalid', `${field} is not nullable in version ${version}`)
  return v
}
