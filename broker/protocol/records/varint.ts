// Zigzag varints as record batch v2 uses them inside records (Protocol Buffers encoding).
// Varlongs are handled as `number`: record fields that use them (timestamp deltas) stay far inside
// the safe-integer range, and anything beyond it is refused rather than silently rounded.
import { invalidRecord } from './errors.ts'

/** A read position inside `buf`, bounded by `end` (exclusive). */
export interface Cursor {
  buf: Buffer
  pos: number
  end: number
}

const TWO_POW_31 = 2 ** 31

export function sizeOfVarint(value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0
  let size = 1
  while (z >= 0x80) {
    z >>>= 7
    size++
  }
  return size
}

/** Writes a zigzag int32 at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80
    z >>>= 7
  }
  buf[pos++] = z
  return pos
}

export function readVarint(c: Cursor): number {
  let raw = 0
  for (let shift = 0; shift < 35; shift += 7) {
    if (c.pos >= c.end) throw invalidRecord('varint runs past the end of the record data')
    const b = c.buf[c.pos++]!
    raw |= (b & 0x7f) << shift
    if (b < 0x80) {
      raw >>>= 0
      return (raw >>> 1) ^ -(raw & 1)
    }
  }
  throw invalidRecord('varint is longer than 5 bytes')
}

function zigzagLong(value: number): number {
  if (!Number.isSafeInteger(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER / 2) {
    throw new RangeError(`varlong value out of the supported range: ${value}`)
  }
  return value >= 0 ? value * 2 : -value * 2 - 1
}

export function sizeOfVarlong(value: number): number {
  if (value >= -TWO_POW_31 && value < TWO_POW_31) return sizeOfVarint(value)
  let z = zigzagLong(value)
  let size = 1
  while (z >= 0x80) {
    z = Math.floor(z / 128)
    size++
  }
  return size
}

export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  if (value >= -TWO_POW_31 && value < TWO_POW_31) return writeVarint(buf, pos, value)
  let z = zigzagLong(value)
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80
    z = Math.floor(z / 128)
  }
  buf[pos++] = z
  return pos
}

export function readVarlong(c: Cursor): number {
  let raw = 0
  let mul = 1
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.end) throw invalidRecord('varlong runs past the end of the record data')
    const b = c.buf[c.pos++]!
    raw += (b & 0x7f) * mul
    if (b < 0x80) {
      if (raw > Number.MAX_SAFE_INTEGER) throw invalidRecord('varlong exceeds the safe integer range')
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
    }
    mul *= 128
  }
  throw invalidRecord('varlong is longer than 10 bytes')
}
