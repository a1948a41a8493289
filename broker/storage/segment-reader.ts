// Read-only inspection of segment files, for the console's segment view and `strata dump-log`. Separate from
// the writer: it opens files read-only, never repairs anything, and reads in pages so that a 1 GiB segment is
// never loaded whole. Problems (a torn tail, a bad CRC) are reported, not thrown.
//   SegmentReader.open(path)             a .log file
//     .readPage({ fromPosition, maxBatches, verifyCrc, requireV2 })   one page of summaries, where to go on
//     .stats()                           header-only totals of the whole file (counts, offsets, timestamps)
//     .batches(fromPosition)             every batch summary, as an async iterator
//     .readBatch(position)               the bytes of one batch (to decode its records)
//   readOffsetIndex(path, page) / readTimeIndex(path, page)   index entries, paged
//   listSegments(dir)                    the segments of a partition directory with their files and sizes
import { open, readdir, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_ATTRIBUTES,
  OFF_MAGIC,
  compressionOf,
  computeBatchCrc,
  readBatchHeader,
} from '../protocol/records/batch-header.ts'
import { crc32c } from '../protocol/records/crc32c.ts'
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, parseSegmentFileName } from './file-names.ts'
import { OFFSET_INDEX_ENTRY_SIZE } from './offset-index.ts'
import { TIME_INDEX_ENTRY_SIZE } from './time-index.ts'

export interface BatchSummary {
  position: number
  /** Whole batch size in bytes (batchLength + 12). */
  size: number
  baseOffset: bigint
  lastOffset: bigint
  partitionLeaderEpoch: number
  magic: number
  crc: number
  /** Null when the CRC was not checked. */
  crcValid: boolean | null
  attributes: number
  compression: string
  timestampType: 'CreateTime' | 'LogAppendTime'
  isTransactional: boolean
  isControl: boolean
  baseTimestamp: bigint
  maxTimestamp: bigint
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

export interface BatchPage {
  batches: BatchSummary[]
  /** Where the next page starts, or null at the end of the file (or at a problem). */
  nextPosition: number | null
  /** Why reading stopped before the end of the file, if it did. */
  problem: string | null
}

export interface PageOptions {
  fromPosition?: number
  maxBatches?: number
  /** Check each batch's CRC (reads whole batches; slower). */
  verifyCrc?: boolean
  /** Stop, with a problem, at a batch that is not magic v2 (its v2 header fields would be garbage). */
  requireV2?: boolean
}

export interface SegmentStats {
  batchCount: number
  recordCount: number
  /** Base timestamp of the first batch, max timestamp of the last; null when there is no batch. */
  firstTimestamp: bigint | null
  lastTimestamp: bigint | null
  lastOffset: bigint | null
  /** Why the scan stopped before the end of the file (a torn tail, a bad size, not v2), if it did. */
  problem: string | null
}

const PAGE_BYTES = 64 * 1024
/** Batches larger than this are never read whole (readBatch refuses them; CRCs are checked in parts). */
const MAX_BATCH_READ = 64 * 1024 * 1024
const CRC_PART_BYTES = 1024 * 1024

export class SegmentReader {
  readonly path: string
  readonly size: number
  readonly #fh: FileHandle

  private constructor(path: string, fh: FileHandle, size: number) {
    this.path = path
    this.#fh = fh
    this.size = size
  }

  static async open(path: string): Promise<SegmentReader> {
    const fh = await open(path, 'r')
    try {
      return new SegmentReader(path, fh, (await fh.stat()).size)
    } catch (err) {
      await fh.close()
      throw err
    }
  }

  async close(): Promise<void> {
    await this.#fh.close()
  }

  async #read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(Math.max(0, Math.min(length, this.size - position)))
    let done = 0
    while (done < buf.length) {
      const { bytesRead } = await this.#fh.read(buf, done, buf.length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return buf.subarray(0, done)
  }

  /** Up to `maxBatches` (default 100) batch summaries from `fromPosition` (default 0, a batch boundary). */
  async readPage(opts: PageOptions = {}): Promise<BatchPage> {
    const max = opts.maxBatches ?? 100
    let pos = opts.fromPosition ?? 0
    const batches: BatchSummary[] = []
    while (batches.length < max && pos < this.size) {
      const chunk = await this.#read(pos, PAGE_BYTES)
      // A short read means the file shrank since it was opened (truncated by the broker): stop, not spin.
      if (chunk.length < Math.min(PAGE_BYTES, this.size - pos))
        return { batches, nextPosition: null, problem: `file shrank while reading at ${pos}` }
      let p = 0
      while (batches.length < max && p < chunk.length) {
        if (chunk.length - p < BATCH_HEADER_SIZE) {
          if (pos + p + BATCH_HEADER_SIZE > this.size)
            return {
              batches,
              nextPosition: null,
              problem: `${this.size - pos - p} trailing bytes at ${pos + p}`,
            }
          break
        }
        const size = chunk.readInt32BE(p + 8) + LOG_OVERHEAD
        if (size < BATCH_HEADER_SIZE)
          return { batches, nextPosition: null, problem: `invalid batch size ${size} at ${pos + p}` }
        if (pos + p + size > this.size)
          return { batches, nextPosition: null, problem: `batch at ${pos + p} runs past the end of the file` }
        const magic = chunk.readInt8(p + OFF_MAGIC)
        if (opts.requireV2 && magic !== MAGIC_V2)
          return { batches, nextPosition: null, problem: `unsupported magic ${magic} at ${pos + p}` }
        const summary = summarize(chunk, p, pos + p, size)
        if (opts.verifyCrc)
          summary.crcValid =
            (p + size <= chunk.length
              ? computeBatchCrc(chunk, p, size)
              : await this.#batchCrc(pos + p, size)) === summary.crc
        batches.push(summary)
        p += size
      }
      if (p === 0) break
      pos += p
    }
    return { batches, nextPosition: pos < this.size ? pos : null, problem: null }
  }

  /** CRC-32C of a batch that is not in memory, read in parts so that its size does not matter. */
  async #batchCrc(position: number, size: number): Promise<number> {
    let crc = 0
    for (let at = OFF_ATTRIBUTES; at < size; at += CRC_PART_BYTES)
      crc = crc32c(await this.#read(position + at, Math.min(CRC_PART_BYTES, size - at)), crc)
    return crc >>> 0
  }

  /** Header-only pass over every v2 batch of the file, page by page. */
  async stats(): Promise<SegmentStats> {
    const stats: SegmentStats = {
      batchCount: 0,
      recordCount: 0,
      firstTimestamp: null,
      lastTimestamp: null,
      lastOffset: null,
      problem: null,
    }
    let next: number | null = 0
    while (next !== null) {
      const page: BatchPage = await this.readPage({ fromPosition: next, maxBatches: 1000, requireV2: true })
      for (const b of page.batches) {
        stats.batchCount++
        stats.recordCount += b.recordCount
        stats.firstTimestamp ??= b.baseTimestamp
        stats.lastTimestamp = b.maxTimestamp
        stats.lastOffset = b.lastOffset
      }
      stats.problem = page.problem
      next = page.nextPosition
    }
    return stats
  }

  /** Every batch summary from `fromPosition`, page by page; stops quietly at a problem. */
  async *batches(fromPosition = 0, verifyCrc = false): AsyncGenerator<BatchSummary> {
    let next: number | null = fromPosition
    while (next !== null) {
      const page: BatchPage = await this.readPage({ fromPosition: next, verifyCrc })
      yield* page.batches
      next = page.nextPosition
    }
  }

  /** The bytes of the batch at `position`, for decoding its records. */
  async readBatch(position: number): Promise<Buffer> {
    const head = await this.#read(position, LOG_OVERHEAD)
    if (head.length < LOG_OVERHEAD) throw new RangeError(`no batch at position ${position}`)
    const size = head.readInt32BE(8) + LOG_OVERHEAD
    if (size < BATCH_HEADER_SIZE || position + size > this.size || size > MAX_BATCH_READ)
      throw new RangeError(`invalid batch size ${size} at position ${position}`)
    return this.#read(position, size)
  }
}

function summarize(buf: Buffer, p: number, position: number, size: number): BatchSummary {
  const h = readBatchHeader(buf, p)
  return {
    position,
    size,
    baseOffset: h.baseOffset,
    lastOffset: h.baseOffset + BigInt(h.lastOffsetDelta),
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    magic: h.magic,
    crc: h.crc,
    crcValid: null,
    attributes: h.attributes,
    compression: compressionOf(h.attributes) ?? `unknown(${h.attributes & 7})`,
    timestampType: (h.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (h.attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (h.attributes & ATTR_CONTROL) !== 0,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    recordCount: h.recordCount,
  }
}

export interface OffsetIndexEntry {
  relativeOffset: number
  offset: bigint
  position: number
}

export interface TimeIndexEntry {
  timestamp: bigint
  relativeOffset: number
  offset: bigint
}

export interface IndexPage<T> {
  entries: T[]
  /** Whole entries in the file. */
  total: number
  /**
   * Entry number to continue from, or null at the end: the end of the file, or the first empty (all-zero)
   * entry after entry 0, since index files may be preallocated and then nothing after it is real.
   */
  next: number | null
  /** Set when the file size is not a multiple of the entry size. */
  problem: string | null
}

/** Base offset from a segment file name (`00000000000000000042.index` -> 42n), or null. */
export function baseOffsetOfFile(name: string): bigint | null {
  const base = name.split('/').pop() ?? name
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    const b = parseSegmentFileName(base, suffix)
    if (b !== null) return b
  }
  return null
}

async function readEntries(path: string, entrySize: number, from: number, limit: number) {
  const fh = await open(path, 'r')
  try {
    const size = (await fh.stat()).size
    const total = Math.floor(size / entrySize)
    const start = Math.min(Math.max(0, from), total)
    const count = Math.min(limit, total - start)
    const buf = Buffer.alloc(count * entrySize)
    if (count > 0) await fh.read(buf, 0, buf.length, start * entrySize)
    const problem = size % entrySize === 0 ? null : `size ${size} is not a multiple of ${entrySize}`
    return { buf, start, count, total, problem }
  } finally {
    await fh.close()
  }
}

function isEmptySlot(buf: Buffer, i: number, entrySize: number, entryNumber: number): boolean {
  if (entryNumber === 0) return false
  for (let at = i * entrySize; at < (i + 1) * entrySize; at++) if (buf[at] !== 0) return false
  return true
}

/** Entries `from` .. `from + limit` of a .index file. */
export async function readOffsetIndex(
  path: string,
  from = 0,
  limit = 1000,
): Promise<IndexPage<OffsetIndexEntry>> {
  const base = baseOffsetOfFile(path) ?? 0n
  const { buf, start, count, total, problem } = await readEntries(path, OFFSET_INDEX_ENTRY_SIZE, from, limit)
  const entries: OffsetIndexEntry[] = []
  for (let i = 0; i < count; i++) {
    if (isEmptySlot(buf, i, OFFSET_INDEX_ENTRY_SIZE, start + i))
      return { entries, total, next: null, problem }
    const rel = buf.readInt32BE(i * 8)
    entries.push({ relativeOffset: rel, offset: base + BigInt(rel), position: buf.readInt32BE(i * 8 + 4) })
  }
  return { entries, total, next: start + count < total ? start + count : null, problem }
}

/** Entries `from` .. `from + limit` of a .timeindex file. */
export async function readTimeIndex(
  path: string,
  from = 0,
  limit = 1000,
): Promise<IndexPage<TimeIndexEntry>> {
  const base = baseOffsetOfFile(path) ?? 0n
  const { buf, start, count, total, problem } = await readEntries(path, TIME_INDEX_ENTRY_SIZE, from, limit)
  const entries: TimeIndexEntry[] = []
  for (let i = 0; i < count; i++) {
    if (isEmptySlot(buf, i, TIME_INDEX_ENTRY_SIZE, start + i)) return { entries, total, next: null, problem }
    const rel = buf.readInt32BE(i * 12 + 8)
    entries.push({ timestamp: buf.readBigInt64BE(i * 12), relativeOffset: rel, offset: base + BigInt(rel) })
  }
  return { entries, total, next: start + count < total ? start + count : null, problem }
}

export interface SegmentFiles {
  baseOffset: bigint
  log: string
  logBytes: number
  index: string | null
  indexBytes: number
  timeIndex: string | null
  timeIndexBytes: number
}

/**
 * The segments of a partition directory, oldest first, with their file names and sizes. A live broker may
 * delete a segment while it is listed: files that are gone by the time they are looked at are left out.
 */
export async function listSegments(dir: string): Promise<SegmentFiles[]> {
  const names = new Set(await readdir(dir))
  const sizeOf = async (n: string): Promise<number | null> => {
    if (!names.has(n)) return null
    try {
      return (await stat(join(dir, n))).size
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }
  const out: SegmentFiles[] = []
  for (const name of names) {
    const base = parseSegmentFileName(name, LOG_SUFFIX)
    if (base === null) continue
    const logBytes = await sizeOf(name)
    if (logBytes === null) continue
    const stem = name.slice(0, -LOG_SUFFIX.length)
    const indexBytes = await sizeOf(stem + INDEX_SUFFIX)
    const timeIndexBytes = await sizeOf(stem + TIME_INDEX_SUFFIX)
    out.push({
      baseOffset: base,
      log: name,
      logBytes,
      index: indexBytes === null ? null : stem + INDEX_SUFFIX,
      indexBytes: indexBytes ?? 0,
      timeIndex: timeIndexBytes === null ? null : stem + TIME_INDEX_SUFFIX,
      timeIndexBytes: timeIndexBytes ?? 0,
    })
  }
  return out.sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : a.baseOffset > b.baseOffset ? 1 : 0))
}
