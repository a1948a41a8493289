import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../../broker/protocol/primitives/errors.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'

function bytes(fn: (w: Writer) => void): Buffer {
  const w = new Writer(8)
  fn(w)
  return w.toBuffer()
}

function protocolError(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ProtocolError) return e
    throw e
  }
  throw new Error('expected a ProtocolError')
}

describe('Writer and Reader', () => {
  it('round-trip fixed-width values', () => {
    const b = bytes((w) => {
      w.int8(-2)
      w.int16(-300)
      w.uint16(65000)
      w.int32(-70000)
      w.uint32(0xfffffffe)
      w.int64(-(2n ** 63n))
      w.float64(1.5)
      w.bool(true)
    })
    const r = new Reader(b)
    expect([
      r.int8(),
      r.int16(),
      r.uint16(),
      r.int32(),
      r.uint32(),
      r.int64(),
      r.float64(),
      r.bool(),
    ]).toEqual([-2, -300, 65000, -70000, 0xfffffffe, -(2n ** 63n), 1.5, true])
    expect(r.remaining).toBe(0)
  })

  it('encodes varints as Kafka does', () => {
    expect(bytes((w) => w.unsignedVarint(300)).toString('hex')).toBe('ac02')
    expect(bytes((w) => w.varint(-1)).toString('hex')).toBe('01')
    expect(bytes((w) => w.varint(1)).toString('hex')).toBe('02')
    expect(bytes((w) => w.varlong(-(2n ** 63n))).toString('hex')).toBe('ffffffffffffffffff01')
  })

  it('round-trips varints and varlongs', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.nat(),
        (i, l, u) => {
          const r = new Reader(
            bytes((w) => {
              w.varint(i)
              w.varlong(l)
              w.unsignedVarint(u)
            }),
          )
          expect([r.varint(), r.varlong(), r.unsignedVarint()]).toEqual([i, l, u])
        },
      ),
      { seed: 7 },
    )
  })

  it('round-trips strings, bytes and UUIDs in both encodings', () => {
    const big = Buffer.alloc(5000, 7)
    const b = bytes((w) => {
      w.string('héllo')
      w.nullableString(null)
      w.compactString('')
      w.compactNullableString(null)
      w.bytes(Buffer.from([1, 2]))
      w.nullableBytes(null)
      w.compactBytes(big)
      w.compactNullableBytes(null)
      w.uuid('AAAAAAAAAAAAAAAAAAAAAA')
      w.uuid('_____________________w')
    })
    const r = new Reader(b)
    expect(r.string()).toBe('héllo')
    expect(r.nullableString()).toBeNull()
    expect(r.compactString()).toBe('')
    expect(r.compactNullableString()).toBeNull()
    expect([...r.bytes()]).toEqual([1, 2])
    expect(r.nullableBytes()).toBeNull()
    const view = r.compactBytes()
    expect(view.equals(big)).toBe(true)
    expect(view.buffer).toBe(b.buffer) // a view into the frame, not a copy
    expect(r.compactNullableBytes()).toBeNull()
    expect(r.uuid()).toBe('AAAAAAAAAAAAAAAAAAAAAA')
    expect(r.uuid()).toBe('_____________________w')
  })

  it('keeps large buffers by reference in toChunks', () => {
    const records = Buffer.alloc(64 * 1024, 1)
    const w = new Writer(16)
    w.int32(1)
    w.nullableBytes(records)
    w.int16(2)
    const chunks = w.toChunks()
    expect(chunks.some((c) => c === records)).toBe(true)
    expect(Buffer.concat(chunks).length).toBe(w.length)
    expect(w.toBuffer().length).toBe(4 + 4 + records.length + 2)
  })

  it('grows across many slabs without losing bytes', () => {
    const w = new Writer(4)
    for (let i = 0; i < 100_000; i++) w.int32(i)
    const r = new Reader(w.toBuffer())
    for (let i = 0; i < 100_000; i++) if (r.int32() !== i) throw new Error(`bad at ${i}`)
    expect(r.remaining).toBe(0)
  })

  it('rejects bad UUID text and out-of-range varints on encode', () => {
    expect(protocolError(() => bytes((w) => w.uuid('short'))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.uuid('!!!!!!!!!!!!!!!!!!!!!!'))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.unsignedVarint(-1))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.string('x'.repeat(40000)))).code).toBe('limit')
  })

  it('refuses values that do not fit their wire type instead of wrapping them', () => {
    expect(protocolError(() => bytes((w) => w.int8(128))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.int16(32768))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.uint16(-1))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.int32(2 ** 31))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.int32(1.5))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.uint32(2 ** 32))).code).toBe('invalid')
    expect(protocolError(() => bytes((w) => w.int64(2n ** 63n))).code).toBe('invalid')
    expect(bytes((w) => w.int32(-(2 ** 31))).toString('hex')).toBe('80000000')
  })
})

describe('defensive Reader', () => {
  it('refuses an array count of 1e9 with 10 bytes left before allocating', () => {
    const frame = Buffer.concat([Buffer.from('3b9aca00', 'hex'), Buffer.alloc(10)])
    expect(protocolError(() => new Reader(frame).arrayLength(false, false, 1)).code).toBe('limit')
    const generous = { maxArrayLength: 2e9, maxStringBytes: 1 << 20, maxBytesLength: 1 << 30 }
    expect(
      protocolError(() => new Reader(frame, 0, frame.length, generous).arrayLength(false, false, 1)).code,
    ).toBe('truncated')
  })

  it('refuses counts that cannot fit given the smallest element', () => {
    const frame = Buffer.concat([Buffer.from('00000003', 'hex'), Buffer.alloc(11)])
    expect(protocolError(() => new Reader(frame).arrayLength(false, false, 4)).code).toBe('truncated')
    expect(new Reader(frame).arrayLength(false, false, 3)).toBe(3)
  })

  it('refuses over-long varints', () => {
    expect(new Reader(Buffer.from('ffffffff0f', 'hex')).unsignedVarint()).toBe(0xffffffff)
    expect(protocolError(() => new Reader(Buffer.from('ffffffffff01', 'hex')).unsignedVarint()).code).toBe(
      'invalid',
    )
    expect(protocolError(() => new Reader(Buffer.from('ffffffffffffffffffff01', 'hex')).varlong()).code).toBe(
      'invalid',
    )
    expect(protocolError(() => new Reader(Buffer.from('ff', 'hex')).varint()).code).toBe('truncated')
  })

  it('refuses lengths beyond the bytes left and negative lengths', () => {
    expect(protocolError(() => new Reader(Buffer.from('0005616263', 'hex')).string()).code).toBe('truncated')
    expect(protocolError(() => new Reader(Buffer.from('ffff', 'hex')).string()).code).toBe('invalid')
    expect(protocolError(() => new Reader(Buffer.from('fffe', 'hex')).nullableString()).code).toBe('invalid')
    expect(protocolError(() => new Reader(Buffer.from('7fffffff00', 'hex')).bytes()).code).toBe('truncated')
    expect(protocolError(() => new Reader(Buffer.from('00', 'hex')).compactString()).code).toBe('invalid')
    expect(protocolError(() => new Reader(Buffer.from('01', 'hex')).int16()).code).toBe('truncated')
    expect(protocolError(() => new Reader(Buffer.from('ffffffff0f', 'hex')).taggedFieldCount()).code).toBe(
      'truncated',
    )
  })

  it('applies the string limit', () => {
    const limits = { maxArrayLength: 10, maxStringBytes: 2, maxBytesLength: 2 }
    const b = Buffer.from('0003616263', 'hex')
    expect(protocolError(() => new Reader(b, 0, b.length, limits).string()).code).toBe('limit')
    const bb = Buffer.from('00000003616263', 'hex')
    expect(protocolError(() => new Reader(bb, 0, bb.length, limits).bytes()).code).toBe('limit')
  })

  it('never reads past its window', () => {
    const b = Buffer.from('0000000100000002', 'hex')
    const r = new Reader(b, 0, 4)
    expect(r.int32()).toBe(1)
    expect(protocolError(() => r.int32()).code).toBe('truncated')
  })
})
