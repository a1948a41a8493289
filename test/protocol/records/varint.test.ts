import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ERROR_INVALID_RECORD, RecordBatchError } from '../../../broker/protocol/records/errors.ts'
import {
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from '../../../broker/protocol/records/varint.ts'

function encodeVarint(v: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarint(v))
  expect(writeVarint(buf, 0, v)).toBe(buf.length)
  return buf
}

function encodeVarlong(v: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarlong(v))
  expect(writeVarlong(buf, 0, v)).toBe(buf.length)
  return buf
}

const cursor = (buf: Buffer) => ({ buf, pos: 0, end: buf.length })

describe('zigzag varint', () => {
  it('matches the protobuf encodings Kafka uses', () => {
    expect(encodeVarint(0).toString('hex')).toBe('00')
    expect(encodeVarint(-1).toString('hex')).toBe('01')
    expect(encodeVarint(1).toString('hex')).toBe('02')
    expect(encodeVarint(-64).toString('hex')).toBe('7f')
    expect(encodeVarint(64).toString('hex')).toBe('8001')
    expect(encodeVarint(300).toString('hex')).toBe('d804')
    expect(encodeVarint(2147483647).toString('hex')).toBe('feffffff0f')
    expect(encodeVarint(-2147483648).toString('hex')).toBe('ffffffff0f')
  })

  it('round-trips any int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        const c = cursor(encodeVarint(v))
        expect(readVarint(c)).toBe(v)
        expect(c.pos).toBe(c.end)
      }),
    )
  })

  it('refuses truncated and over-long varints with INVALID_RECORD', () => {
    expect(() => readVarint(cursor(Buffer.from([0x80])))).toThrow(RecordBatchError)
    try {
      readVarint(cursor(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])))
      expect.unreachable()
    } catch (err) {
      expect((err as RecordBatchError).errorCode).toBe(ERROR_INVALID_RECORD)
    }
  })
})

describe('zigzag varlong', () => {
  it('encodes values beyond 32 bits like the Java client', () => {
    // 2^32 zigzags to 2^33: seven-bit groups 0,0,0,0,0x20
    expect(encodeVarlong(2 ** 32).toString('hex')).toBe('8080808020')
    expect(encodeVarlong(-(2 ** 32)).toString('hex')).toBe('ffffffff1f')
  })

  it('round-trips safe integers, timestamps included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -(2 ** 52 - 1), max: 2 ** 52 - 1 }),
          fc.integer({ min: 1_500_000_000_000, max: 2_500_000_000_000 }),
        ),
        (v) => {
          const c = cursor(encodeVarlong(v))
          expect(readVarlong(c)).toBe(v)
          expect(c.pos).toBe(c.end)
        },
      ),
    )
  })

  it('refuses a varlong beyond the safe integer range instead of rounding it', () => {
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    expect(() => readVarlong(cursor(huge))).toThrow(RecordBatchError)
    expect(() => sizeOfVarlong(2 ** 60)).toThrow(RangeError)
    expect(() => sizeOfVarlong(2 ** 52)).toThrow(RangeError)
  })
})
