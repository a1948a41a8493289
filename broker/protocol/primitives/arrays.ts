import { ProtocolError } from './errors.ts'
import type { Reader } from './reader.ts'
import type { Writer } from './writer.ts'

/** Decodes one array element; generated struct decoders have this shape. */
export type ElementDecoder<T> = (r: Reader, version: number) => T
/** Encodes one array element; generated struct encoders have this shape. */
export type ElementEncoder<T> = (w: Writer, v: T, version: number) => void

export function readArray<T>(
  r: Reader,
  compact: boolean,
  minElementBytes: number,
  decode: ElementDecoder<T>,
  version: number,
): T[] {
  const n = r.arrayLength(compact, false, minElementBytes)
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = decode(r, version)
  return out
}

export function readNullableArray<T>(
  r: Reader,
  compact: boolean,
  minElementBytes: number,
  decode: ElementDecoder<T>,
  version: number,
): T[] | null {
  const n = r.arrayLength(compact, true, minElementBytes)
  if (n < 0) return null
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = decode(r, version)
  return out
}

export function writeArray<T>(
  w: Writer,
  compact: boolean,
  a: readonly T[],
  encode: ElementEncoder<T>,
  version: number,
): void {
  w.arrayLength(compact, a.length)
  for (let i = 0; i < a.length; i++) encode(w, a[i] as T, version)
}

export function writeNullableArray<T>(
  w: Writer,
  compact: boolean,
  a: readonly T[] | null,
  encode: ElementEncoder<T>,
  version: number,
): void {
  if (a === null) {
    w.arrayLength(compact, null)
    return
  }
  writeArray(w, compact, a, encode, version)
}

export function checkVersion(message: string, version: number, min: number, max: number): void {
  if (!(version >= min && version <= max)) {
    throw new ProtocolError('unsupported-version', `${message} has no version ${version} (${min}-${max})`)
  }
}

// Element codecs for arrays of primitives (Kafka has no nullable elements and no arrays of arrays).
export const readInt8: ElementDecoder<number> = (r) => r.int8()
export const readInt16: ElementDecoder<number> = (r) => r.int16()
export const readUint16: ElementDecoder<number> = (r) => r.uint16()
export const readInt32: ElementDecoder<number> = (r) => r.int32()
export const readInt64: ElementDecoder<bigint> = (r) => r.int64()
export const readFloat64: ElementDecoder<number> = (r) => r.float64()
export const readBool: ElementDecoder<boolean> = (r) => r.bool()
export const readUuid: ElementDecoder<string> = (r) => r.uuid()
export const readString: ElementDecoder<string> = (r) => r.string()
export const readCompactString: ElementDecoder<string> = (r) => r.compactString()
export const readBytes: ElementDecoder<Buffer> = (r) => r.bytes()
export const readCompactBytes: ElementDecoder<Buffer> = (r) => r.compactBytes()

export const writeInt8: ElementEncoder<number> = (w, v) => w.int8(v)
export const writeInt16: ElementEncoder<number> = (w, v) => w.int16(v)
export const writeUint16: ElementEncoder<number> = (w, v) => w.uint16(v)
export const writeInt32: ElementEncoder<number> = (w, v) => w.int32(v)
export const writeInt64: ElementEncoder<bigint> = (w, v) => w.int64(v)
export const writeFloat64: ElementEncoder<number> = (w, v) => w.float64(v)
export const writeBool: ElementEncoder<boolean> = (w, v) => w.bool(v)
export const writeUuid: ElementEncoder<string> = (w, v) => w.uuid(v)
export const writeString: ElementEncoder<string> = (w, v) => w.string(v)
export const writeCompactString: ElementEncoder<string> = (w, v) => w.compactString(v)
export const writeBytes: ElementEncoder<Buffer> = (w, v) => w.bytes(v)
export const writeCompactBytes: ElementEncoder<Buffer> = (w, v) => w.compactBytes(v)
