// Record batch compression codecs (attributes bits 0-2): gzip and zstd via Node's zlib, snappy and lz4 via
// napi-rs native packages. Decompression is always bounded by a caller-given maximum so that a small
// batch cannot inflate into gigabytes: zlib enforces it with maxOutputLength; snappy's declared lengths
// are checked before anything is inflated; lz4's block headers bound the output to the limit plus at most
// one block before inflating, and the real size is checked after.
//
// Snappy framing: the Java client writes xerial-framed snappy (SnappyOutputStream), librdkafka writes
// one raw snappy block; both clients read both, so we accept both and write the xerial framing.
// LZ4: Kafka uses the LZ4 frame format with independent blocks (librdkafka and the Java client both
// set the block-independence flag); lz4-napi's frame encoder does the same with 64 KiB blocks.
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import type * as Lz4 from 'lz4-napi'
import type * as Snappy from 'snappy'
import type { CompressionName } from './batch-header.ts'
import { corruptMessage, DecompressionLimitError, RecordBatchError } from './errors.ts'

// The codecs load on first use: most brokers never see a compressed batch, and loading zlib and the two
// native packages costs ~15 ms of every start (the start-up target is 3x a bare Node start).
const require = createRequire(import.meta.url)
let zlibLib: typeof import('node:zlib') | undefined
let snappyLib: typeof Snappy | undefined
let lz4Lib: typeof Lz4 | undefined
const zlib = (): typeof import('node:zlib') =>
  (zlibLib ??= require('node:zlib') as typeof import('node:zlib'))
const snappy = (): typeof Snappy => (snappyLib ??= require('snappy') as typeof Snappy)
const lz4 = (): typeof Lz4 => (lz4Lib ??= require('lz4-napi') as typeof Lz4)

let zlibAsync:
  | {
      gzip: (data: Buffer) => Promise<Buffer>
      gunzip: (data: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>
      zstdCompress: (data: Buffer) => Promise<Buffer>
      zstdDecompress: (data: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>
    }
  | undefined
const zlibP = (): NonNullable<typeof zlibAsync> =>
  (zlibAsync ??= {
    gzip: promisify(zlib().gzip),
    gunzip: promisify(zlib().gunzip),
    zstdCompress: promisify(zlib().zstdCompress),
    zstdDecompress: promisify(zlib().zstdDecompress),
  })

// Electron's V8 memory cage forbids external buffers; napi-rs snappy must copy its output there.
const SNAPPY_OPTS = { copyOutputData: process.versions.electron !== undefined }

export async function compress(codec: CompressionName, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return data
    case 'gzip':
      return zlibP().gzip(data)
    case 'snappy':
      return xerialFrame(await Promise.all(xerialChunks(data).map((c) => snappy().compress(c, SNAPPY_OPTS))))
    case 'lz4':
      return lz4().compressFrame(data)
    case 'zstd':
      return zlibP().zstdCompress(data)
  }
}

/** Synchronous variant for small inputs (it blocks the event loop for the whole call). */
export function compressSync(codec: CompressionName, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data
    case 'gzip':
      return zlib().gzipSync(data)
    case 'snappy':
      return xerialFrame(xerialChunks(data).map((c) => snappy().compressSync(c, SNAPPY_OPTS)))
    case 'lz4':
      return lz4().compressFrameSync(data)
    case 'zstd':
      return zlib().zstdCompressSync(data)
  }
}

/**
 * Decompresses `data`; refuses with DecompressionLimitError if the output would exceed `maxBytes`, and with
 * a CORRUPT_MESSAGE RecordBatchError if the data is malformed.
 */
export async function decompress(codec: CompressionName, data: Buffer, maxBytes: number): Promise<Buffer> {
  checkLimit(maxBytes)
  try {
    switch (codec) {
      case 'none':
        if (data.length > maxBytes) throw new DecompressionLimitError(codec, maxBytes)
        return data
      case 'gzip':
        return await zlibP().gunzip(data, { maxOutputLength: maxBytes })
      case 'zstd': {
        const parts: Buffer[] = []
        let total = 0
        for (const frame of zstdFrames(data)) {
          const part = await zlibP().zstdDecompress(frame, { maxOutputLength: Math.max(1, maxBytes - total) })
          parts.push(part)
          total += part.length
        }
        return checkOutput(codec, joinParts(parts, total), maxBytes)
      }
      case 'snappy': {
        const plan = planSnappy(data, maxBytes)
        const parts = await Promise.all(plan.blocks.map((b) => snappy().uncompress(b, SNAPPY_OPTS)))
        return joinSnappy(parts, plan.total)
      }
      case 'lz4':
        checkLz4Bound(data, maxBytes)
        return checkOutput(codec, await lz4().decompressFrame(data), maxBytes)
    }
  } catch (err) {
    throw asRecordBatchError(codec, err, maxBytes)
  }
}

/** Synchronous variant of decompress() for small inputs. */
export function decompressSync(codec: CompressionName, data: Buffer, maxBytes: number): Buffer {
  checkLimit(maxBytes)
  try {
    switch (codec) {
      case 'none':
        if (data.length > maxBytes) throw new DecompressionLimitError(codec, maxBytes)
        return data
      case 'gzip':
        return zlib().gunzipSync(data, { maxOutputLength: maxBytes })
      case 'zstd': {
        const parts: Buffer[] = []
        let total = 0
        for (const frame of zstdFrames(data)) {
          const part = zlib().zstdDecompressSync(frame, { maxOutputLength: Math.max(1, maxBytes - total) })
          parts.push(part)
          total += part.length
        }
        return checkOutput(codec, joinParts(parts, total), maxBytes)
      }
      case 'snappy': {
        const plan = planSnappy(data, maxBytes)
        return joinSnappy(
          plan.blocks.map((b) => snappy().uncompressSync(b, SNAPPY_OPTS)),
          plan.total,
        )
      }
      case 'lz4':
        checkLz4Bound(data, maxBytes)
        return checkOutput(codec, lz4().decompressFrameSync(data), maxBytes)
    }
  } catch (err) {
    throw asRecordBatchError(codec, err, maxBytes)
  }
}

function checkLimit(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`)
  }
}

function checkOutput(codec: CompressionName, out: Buffer, maxBytes: number): Buffer {
  if (out.length > maxBytes) throw new DecompressionLimitError(codec, maxBytes)
  return out
}

function joinParts(parts: Buffer[], total: number): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
}

function asRecordBatchError(codec: CompressionName, err: unknown, maxBytes: number): RecordBatchError {
  if (err instanceof RecordBatchError) return err
  if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
    return new DecompressionLimitError(codec, maxBytes)
  }
  const message = err instanceof Error ? err.message : String(err)
  return corruptMessage(`invalid ${codec} data: ${message}`)
}

// ---- snappy (xerial framing) ----

/** 0x82 'SNAPPY' 0x00, then int32 version 1 and int32 minimum compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16
/** The Java client's SnappyOutputStream block size. */
const XERIAL_CHUNK = 32 * 1024

function xerialChunks(data: Buffer): Buffer[] {
  // librdkafka only recognises the xerial header when a chunk follows it, so even empty input gets one.
  if (data.length === 0) return [data]
  const chunks: Buffer[] = []
  for (let pos = 0; pos < data.length; pos += XERIAL_CHUNK) {
    chunks.push(data.subarray(pos, Math.min(pos + XERIAL_CHUNK, data.length)))
  }
  return chunks
}

function xerialFrame(blocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE
  for (const b of blocks) size += 4 + b.length
  const out = Buffer.allocUnsafe(size)
  XERIAL_MAGIC.copy(out, 0)
  out.writeInt32BE(1, 8)
  out.writeInt32BE(1, 12)
  let pos = XERIAL_HEADER_SIZE
  for (const b of blocks) {
    out.writeInt32BE(b.length, pos)
    b.copy(out, pos + 4)
    pos += 4 + b.length
  }
  return out
}

function isXerialHeader(data: Buffer, pos: number): boolean {
  return data.length - pos >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0
}

/** The uncompressed length a raw snappy block declares in its varint preamble. */
function snappyDeclaredLength(block: Buffer): number {
  let value = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!
    value += (b & 0x7f) * 2 ** (7 * i)
    if (b < 0x80) return value
  }
  throw corruptMessage('invalid snappy block length preamble')
}

interface SnappyPlan {
  blocks: Buffer[]
  total: number
}

/** Splits raw or xerial-framed snappy into raw blocks and checks their declared sizes against the limit. */
function planSnappy(data: Buffer, maxBytes: number): SnappyPlan {
  if (!isXerialHeader(data, 0)) {
    const total = snappyDeclaredLength(data)
    if (total > maxBytes) throw new DecompressionLimitError('snappy', maxBytes)
    return { blocks: [data], total }
  }
  const blocks: Buffer[] = []
  let total = 0
  let pos = 0
  while (pos < data.length) {
    // Concatenated xerial streams repeat the header; SnappyInputStream accepts them, so do we.
    if (isXerialHeader(data, pos)) {
      pos += XERIAL_HEADER_SIZE
      continue
    }
    if (data.length - pos < 4) throw corruptMessage('truncated xerial snappy chunk header')
    const len = data.readInt32BE(pos)
    if (len < 0 || pos + 4 + len > data.length) throw corruptMessage('xerial snappy chunk exceeds the data')
    const block = data.subarray(pos + 4, pos + 4 + len)
    total += snappyDeclaredLength(block)
    if (total > maxBytes) throw new DecompressionLimitError('snappy', maxBytes)
    blocks.push(block)
    pos += 4 + len
  }
  return { blocks, total }
}

function joinSnappy(parts: (string | Buffer)[], total: number): Buffer {
  const buffers = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))
  const out = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, total)
  if (out.length !== total) throw corruptMessage('snappy output length differs from the declared length')
  return out
}

// ---- lz4 frame ----

const LZ4_MAGIC = 0x184d2204
const LZ4_SKIPPABLE_MASK = 0xfffffff0
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50
/** An LZ4 block cannot expand by more than this factor (a match of 255 bytes per extension byte). */
const LZ4_MAX_RATIO = 255

/**
 * Walks the frame's block headers (no decompression) summing an upper bound of the decompressed size, and
 * throws DecompressionLimitError once the bound passes `maxBytes` by more than one block. The bound is tight
 * for real data (every block but the last is full), so the slack of one block keeps data that fits the limit
 * decodable; the caller checks the actual output, and memory stays bounded by `maxBytes` plus one block.
 */
function checkLz4Bound(data: Buffer, maxBytes: number): void {
  let bound = 0
  let slack = 0
  let pos = 0
  const need = (n: number): void => {
    if (pos + n > data.length) throw corruptMessage('truncated lz4 frame')
  }
  while (pos < data.length) {
    need(4)
    const magic = data.readUInt32LE(pos)
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      need(8)
      pos += 8 + data.readUInt32LE(pos + 4)
      continue
    }
    if (magic !== LZ4_MAGIC) throw corruptMessage('not an lz4 frame (bad magic number)')
    need(7)
    const flg = data[pos + 4]!
    const bd = data[pos + 5]!
    if (flg >> 6 !== 1) throw corruptMessage('unsupported lz4 frame version')
    const blockMaxId = (bd >> 4) & 0x07
    if (blockMaxId < 4) throw corruptMessage('invalid lz4 block maximum size')
    const blockMax = 1 << (8 + 2 * blockMaxId)
    slack = Math.max(slack, blockMax)
    const blockChecksum = (flg & 0x10) !== 0
    const hasContentSize = (flg & 0x08) !== 0
    const contentChecksum = (flg & 0x04) !== 0
    const hasDictId = (flg & 0x01) !== 0
    const headerSize = 7 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0)
    need(headerSize)
    if (hasContentSize && data.readBigUInt64LE(pos + 6) > BigInt(maxBytes)) {
      throw new DecompressionLimitError('lz4', maxBytes)
    }
    pos += headerSize
    for (;;) {
      need(4)
      const word = data.readUInt32LE(pos)
      pos += 4
      if (word === 0) break
      const size = word & 0x7fffffff
      if (size > blockMax) throw corruptMessage('lz4 block larger than the frame block maximum')
      const stored = word >>> 31 === 1
      bound += stored ? size : Math.min(blockMax, size * LZ4_MAX_RATIO)
      if (bound > maxBytes + slack) throw new DecompressionLimitError('lz4', maxBytes)
      pos += size + (blockChecksum ? 4 : 0)
    }
    pos += contentChecksum ? 4 : 0
  }
  if (pos > data.length) throw corruptMessage('truncated lz4 frame')
}

// ---- zstd frames ----

const ZSTD_MAGIC = 0xfd2fb528
const ZSTD_SKIPPABLE_MASK = 0xfffffff0
const ZSTD_SKIPPABLE_MAGIC = 0x184d2a50
const ZSTD_FCS_SIZES = [0, 2, 4, 8]
const ZSTD_DICT_ID_SIZES = [0, 1, 2, 4]

/**
 * Splits concatenated zstd frames (the format allows them and zstd-jni and libzstd decode them all) because
 * Node's zstdDecompress silently stops after the first frame. Walks block headers only; skippable frames
 * are dropped. The last "frame" is passed through as is, so malformed data still fails in the decoder.
 */
function zstdFrames(data: Buffer): Buffer[] {
  const frames: Buffer[] = []
  let start = 0
  while (start < data.length) {
    const end = zstdFrameEnd(data, start)
    if (end < 0) {
      frames.push(data.subarray(start))
      break
    }
    if ((data.readUInt32LE(start) & ZSTD_SKIPPABLE_MASK) >>> 0 !== ZSTD_SKIPPABLE_MAGIC) {
      frames.push(data.subarray(start, end))
    }
    start = end
  }
  return frames
}

/** End of the frame starting at `pos`, or -1 if it cannot be delimited. */
function zstdFrameEnd(data: Buffer, pos: number): number {
  if (data.length - pos < 8) return -1
  const magic = data.readUInt32LE(pos)
  if ((magic & ZSTD_SKIPPABLE_MASK) >>> 0 === ZSTD_SKIPPABLE_MAGIC) {
    const end = pos + 8 + data.readUInt32LE(pos + 4)
    return end <= data.length ? end : -1
  }
  if (magic !== ZSTD_MAGIC) return -1
  const fhd = data[pos + 4]!
  const singleSegment = (fhd & 0x20) !== 0
  const fcsFlag = fhd >> 6
  let p =
    pos +
    5 +
    (singleSegment ? 0 : 1) +
    ZSTD_DICT_ID_SIZES[fhd & 0x03]! +
    (fcsFlag === 0 && singleSegment ? 1 : ZSTD_FCS_SIZES[fcsFlag]!)
  for (;;) {
    if (p + 3 > data.length) return -1
    const header = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16)
    const last = (header & 1) === 1
    const type = (header >> 1) & 0x03
    const size = header >>> 3
    p += 3 + (type === 1 ? 1 : size)
    if (type === 3) return -1
    if (last) break
  }
  p += (fhd & 0x04) !== 0 ? 4 : 0
  return p <= data.length ? p : -1
}
