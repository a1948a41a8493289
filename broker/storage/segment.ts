// One segment: a .log file of record batches as received, with its sparse offset index and time index.
// The .log is written at known positions through the shared handle cache; indexes live in memory and are
// written to their files on flush, roll and close (see index-buffer.ts for why that is safe).
import { open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import {
  BATCH_HEADER_SIZE,
  OFF_BASE_SEQUENCE,
  OFF_LAST_OFFSET_DELTA,
  OFF_PRODUCER_EPOCH,
  OFF_PRODUCER_ID,
  OFF_RECORD_COUNT,
} from '../protocol/records/batch-header.ts'
import { attributesAt, batchSizeAt, checkBatchAt, lastOffsetAt, maxTimestampAt } from './batch-scan.ts'
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from './file-names.ts'
import type { HandleCache } from './handle-cache.ts'
import { readBuffers } from './read-buffers.ts'
import { SegmentTail, heldBytes } from './recent-bytes.ts'
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from './offset-index.ts'
import { TIME_INDEX_ENTRY_SIZE, TimeIndex } from './time-index.ts'

/** One batch of an append, positions relative to the appended buffer. */
export interface AppendedBatch {
  position: number
  size: number
  lastOffset: bigint
  maxTimestamp: bigint
}

/** One append's buffer and its batches, positions relative to the buffer. */
export interface AppendPart {
  buf: Buffer
  batches: readonly AppendedBatch[]
}

/** A batch header found by scanning a segment; `position` is the byte position in the .log. */
export interface BatchLocation {
  position: number
  size: number
  baseOffset: bigint
  lastOffset: bigint
  maxTimestamp: bigint
  attributes: number
  lastOffsetDelta: number
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

export interface RecoveryResult {
  /** Bytes cut from the end of the .log (0 when every batch was valid). */
  truncatedBytes: number
  /** Why the first invalid batch was rejected, when there was one. */
  reason: string | null
}

const SCAN_CHUNK = 16 * 1024
const RECOVERY_CHUNK = 1024 * 1024
const MAX_RELATIVE_OFFSET = 2147483647n
/** Owner ids for HandleCache, one per Segment object. */
let nextOwner = 1

export class Segment {
  readonly dir: string
  readonly baseOffset: bigint
  readonly #cache: HandleCache
  /** This object's own file handles (see HandleCache): a segment swapped in under the same name gets others. */
  readonly #owner = nextOwner++
  /** '' while live; '.deleted' (or another in-transit suffix) once renamed away. */
  #suffix = ''
  size = 0
  /** One past the last offset in this segment (baseOffset when empty). */
  nextOffset: bigint
  maxTimestamp = -1n
  offsetOfMaxTimestamp = -1n
  offsetIndex: OffsetIndex
  timeIndex: TimeIndex
  bytesSinceLastIndexEntry = 0
  /** Wall-clock ms of the first append (segment.ms counts from it); null while empty. */
  rollingBaseTime: number | null = null
  /** Random share of segment.jitter.ms taken off segment.ms for this segment, so that segments don't all roll at once. */
  readonly rollJitterFraction = Math.random()
  lastModified: number
  #unflushed = false
  /** The last appended bytes, so that fetches of what was just written skip the file. */
  readonly #tail = new SegmentTail()
  /** A window read ahead for a sequential consumer (see prefetch). */
  #ahead: { position: number; length: number; data: Promise<Buffer> } | null = null
  readonly #dropAhead = (): void => {
    this.#ahead = null
  }

  private constructor(dir: string, baseOffset: bigint, cache: HandleCache, now: number) {
    this.dir = dir
    this.baseOffset = baseOffset
    this.#cache = cache
    this.nextOffset = baseOffset
    this.offsetIndex = new OffsetIndex(baseOffset)
    this.timeIndex = new TimeIndex(baseOffset)
    this.lastModified = now
    this.#setPaths()
  }

  // Paths are computed once per name change: the append path reads them on every call.
  logPath = ''
  indexPath = ''
  timeIndexPath = ''

  #setPaths(): void {
    this.logPath = segmentFile(this.dir, this.baseOffset, LOG_SUFFIX) + this.#suffix
    this.indexPath = segmentFile(this.dir, this.baseOffset, INDEX_SUFFIX) + this.#suffix
    this.timeIndexPath = segmentFile(this.dir, this.baseOffset, TIME_INDEX_SUFFIX) + this.#suffix
  }

  get isEmpty(): boolean {
    return this.size === 0
  }

  /** The newest timestamp in the segment for retention: the largest batch timestamp, else the file time. */
  get largestTimestamp(): number {
    return this.maxTimestamp >= 0n ? Number(this.maxTimestamp) : this.lastModified
  }

  /** Creates the three empty files of a new segment. */
  static async create(dir: string, baseOffset: bigint, cache: HandleCache, now: number): Promise<Segment> {
    const seg = new Segment(dir, baseOffset, cache, now)
    for (const path of [seg.logPath, seg.indexPath, seg.timeIndexPath]) await (await open(path, 'w')).close()
    return seg
  }

  /**
   * Opens an existing segment. Its indexes are loaded and sanity-checked; `needsRecovery` is true when they
   * are missing or implausible, or when the tail of the .log does not parse, so the caller runs recover().
   */
  static async load(
    dir: string,
    baseOffset: bigint,
    cache: HandleCache,
    indexIntervalBytes: number,
  ): Promise<{ segment: Segment; needsRecovery: boolean }> {
    const logStat = await stat(segmentFile(dir, baseOffset, LOG_SUFFIX))
    const seg = new Segment(dir, baseOffset, cache, logStat.mtimeMs)
    seg.size = logStat.size
    const offsetBytes = await readOrCreate(seg.indexPath)
    const timeBytes = await readOrCreate(seg.timeIndexPath)
    seg.offsetIndex = new OffsetIndex(baseOffset, offsetBytes ?? undefined)
    seg.timeIndex = new TimeIndex(baseOffset, timeBytes ?? undefined)
    if (!offsetBytes || !timeBytes) return { segment: seg, needsRecovery: seg.size > 0 }
    if (seg.offsetIndex.sanityError(offsetBytes.length, seg.size) !== null)
      return { segment: seg, needsRecovery: true }
    // Replay the tail after the last index entry for the next offset and the newest timestamps.
    const last = seg.offsetIndex.lastEntry()
    const lastTime = seg.timeIndex.lastEntry()
    if (lastTime) {
      seg.maxTimestamp = lastTime.timestamp
      seg.offsetOfMaxTimestamp = lastTime.offset
    }
    // An index that should have an entry after its last one is stale (e.g. truncated): rebuild it.
    let pos = last.position
    let stale = false
    for await (const b of seg.batches(last.position)) {
      if (b.baseOffset < baseOffset || b.lastOffset - baseOffset > MAX_RELATIVE_OFFSET) break
      if (seg.bytesSinceLastIndexEntry > indexIntervalBytes) stale = true
      seg.bytesSinceLastIndexEntry += b.size
      seg.nextOffset = b.lastOffset + 1n
      if (b.maxTimestamp > seg.maxTimestamp) {
        seg.maxTimestamp = b.maxTimestamp
        seg.offsetOfMaxTimestamp = b.lastOffset
      }
      pos = b.position + b.size
    }
    if (stale) return { segment: seg, needsRecovery: true }
    if (pos !== seg.size) return { segment: seg, needsRecovery: true }
    if (seg.timeIndex.sanityError(timeBytes.length, seg.nextOffset) !== null)
      return { segment: seg, needsRecovery: true }
    if (seg.size > 0)
      seg.rollingBaseTime = seg.maxTimestamp >= 0n ? Number(seg.maxTimestamp) : logStat.mtimeMs
    return { segment: seg, needsRecovery: false }
  }

  /**
   * True when `lastOffset` or one more index entry would not fit in this segment, counting `pending` more
   * entries already queued for it (each queued batch may add one).
   */
  wouldOverflow(lastOffset: bigint, segmentIndexBytes: number, pending = 0): boolean {
    return (
      lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET ||
      this.offsetIndex.sizeInBytes + (pending + 1) * OFFSET_INDEX_ENTRY_SIZE > segmentIndexBytes ||
      this.timeIndex.sizeInBytes + (pending + 1) * TIME_INDEX_ENTRY_SIZE > segmentIndexBytes
    )
  }

  /**
   * Writes the buffers of `parts` (whole batches, offsets assigned) at the end of the .log with one writev,
   * then indexes their batches.
   */
  async append(parts: readonly AppendPart[], indexIntervalBytes: number, now: number): Promise<void> {
    const start = this.size
    const bufs = parts.map((p) => p.buf)
    await this.#use(this.logPath, (fh) => writevFully(fh, bufs, start))
    let pos = start
    for (const { buf, batches } of parts) {
      this.#tail.push(buf, pos)
      for (const b of batches)
        this.#indexBatch(pos + b.position, b.size, b.lastOffset, b.maxTimestamp, indexIntervalBytes)
      const last = batches[batches.length - 1]
      if (last) this.nextOffset = last.lastOffset + 1n
      pos += buf.length
    }
    this.size = pos
    this.rollingBaseTime ??= now
    this.lastModified = now
    this.#unflushed = true
  }

  #indexBatch(
    position: number,
    size: number,
    lastOffset: bigint,
    maxTimestamp: bigint,
    interval: number,
  ): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp
      this.offsetOfMaxTimestamp = lastOffset
    }
    if (this.bytesSinceLastIndexEntry > interval) {
      this.offsetIndex.append(lastOffset, position)
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
      this.bytesSinceLastIndexEntry = 0
    }
    this.bytesSinceLastIndexEntry += size
  }

  /**
   * Up to `length` bytes at `position`: from the appended tail or a read-ahead window when they hold them
   * whole, else read from the file into one buffer of the read pool (see read-buffers.ts).
   */
  async read(position: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - position))
    const held = this.#tail.read(position, len)
    if (held !== null) return held
    const ahead = this.#ahead
    if (ahead !== null && ahead.position === position) {
      // Used once; a window read when less was written than is asked for now is dropped.
      this.#ahead = null
      heldBytes.release(ahead)
      const data = ahead.length >= len ? await ahead.data.catch(() => null) : null
      if (data !== null && data.length >= len) return data.subarray(0, len)
    }
    const buf = readBuffers.take(len)
    const got = await this.#use(this.logPath, (fh) => readFully(fh, buf, position))
    return got === len ? buf : buf.subarray(0, got)
  }

  /**
   * Starts reading `length` bytes at `position` in the background, for the next read of a consumer that
   * reads sequentially (its next fetch then finds them in memory). One window per segment, within the
   * process-wide budget.
   */
  prefetch(position: number, length: number): void {
    const len = Math.min(length, this.size - position)
    if (len <= 0 || this.#ahead?.position === position || this.#tail.holds(position, len)) return
    const buf = readBuffers.take(len)
    const data = this.#use(this.logPath, (fh) => readFully(fh, buf, position)).then((got) =>
      got === len ? buf : buf.subarray(0, got),
    )
    // A failed read-ahead is forgotten; the fetch reads again and reports the error itself.
    data.catch(() => {})
    const ahead = { position, length: len, data }
    if (this.#ahead !== null) heldBytes.release(this.#ahead)
    this.#ahead = ahead
    heldBytes.hold(ahead, len, this.#dropAhead)
  }

  #forgetHeld(): void {
    this.#tail.clear()
    if (this.#ahead !== null) heldBytes.release(this.#ahead)
    this.#ahead = null
  }

  /** Batch headers from `position` to the end of the .log; stops at the first one that does not parse. */
  async *batches(position: number, end = this.size): AsyncGenerator<BatchLocation> {
    let pos = position
    while (pos < end) {
      const chunk = await this.read(pos, Math.min(SCAN_CHUNK, end - pos))
      let p = 0
      while (p + BATCH_HEADER_SIZE <= chunk.length) {
        const size = batchSizeAt(chunk, p)
        if (size < BATCH_HEADER_SIZE || pos + p + size > end) return
        yield {
          position: pos + p,
          size,
          baseOffset: chunk.readBigInt64BE(p),
          lastOffset: lastOffsetAt(chunk, p),
          maxTimestamp: maxTimestampAt(chunk, p),
          attributes: attributesAt(chunk, p),
          lastOffsetDelta: chunk.readInt32BE(p + OFF_LAST_OFFSET_DELTA),
          producerId: chunk.readBigInt64BE(p + OFF_PRODUCER_ID),
          producerEpoch: chunk.readInt16BE(p + OFF_PRODUCER_EPOCH),
          baseSequence: chunk.readInt32BE(p + OFF_BASE_SEQUENCE),
          recordCount: chunk.readInt32BE(p + OFF_RECORD_COUNT),
        }
        p += size
      }
      if (p === 0) return
      pos += p
    }
  }

  /** The first batch whose last offset is >= `offset` (index lookup, then scan), or null. */
  async findBatch(offset: bigint): Promise<BatchLocation | null> {
    if (offset >= this.nextOffset) return null
    const start = this.offsetIndex.lookup(offset).position
    for await (const b of this.batches(start)) if (b.lastOffset >= offset) return b
    return null
  }

  /** The first batch whose max timestamp is >= `timestamp` (time index, offset index, then scan), or null. */
  async findBatchByTimestamp(timestamp: bigint, startOffset: bigint): Promise<BatchLocation | null> {
    const fromTime = this.timeIndex.lookup(timestamp).offset
    const from = fromTime > startOffset ? fromTime : startOffset
    const start = this.offsetIndex.lookup(from).position
    for await (const b of this.batches(start))
      if (b.maxTimestamp >= timestamp && b.lastOffset >= startOffset) return b
    return null
  }

  /**
   * Validates every batch (size, magic, CRC, offsets increasing and within the segment), truncates the .log
   * at the first invalid one and rebuilds both indexes. `prevLastOffset` is the last offset of the log before
   * this segment (-1 for none).
   */
  async recover(indexIntervalBytes: number, prevLastOffset: bigint): Promise<RecoveryResult> {
    this.#forgetHeld()
    this.offsetIndex.clear()
    this.timeIndex.clear()
    this.maxTimestamp = -1n
    this.offsetOfMaxTimestamp = -1n
    this.bytesSinceLastIndexEntry = 0
    this.nextOffset = this.baseOffset
    let lastOffset = prevLastOffset
    let pos = 0
    let reason: string | null = null
    while (pos < this.size && reason === null) {
      let chunk = await this.read(pos, Math.min(RECOVERY_CHUNK, this.size - pos))
      let p = 0
      while (p < chunk.length) {
        const size = batchSizeAt(chunk, p)
        const fitsInFile = size >= BATCH_HEADER_SIZE && pos + p + size <= this.size
        if ((size < 0 || p + size > chunk.length) && p > 0 && (size < 0 || fitsInFile)) break
        if (fitsInFile && p + size > chunk.length) {
          // A batch larger than the buffered chunk: read it whole.
          chunk = await this.read(pos, size)
        }
        reason = checkBatchAt(chunk, p, true)
        if (reason === null) {
          const base = chunk.readBigInt64BE(p)
          const last = lastOffsetAt(chunk, p)
          if (base < this.baseOffset) reason = `base offset ${base} below the segment base ${this.baseOffset}`
          else if (base <= lastOffset)
            reason = `base offset ${base} not above the previous last offset ${lastOffset}`
          else if (last - this.baseOffset > MAX_RELATIVE_OFFSET)
            reason = 'offset too far from the segment base'
          else {
            this.#indexBatch(pos + p, size, last, maxTimestampAt(chunk, p), indexIntervalBytes)
            lastOffset = last
            this.nextOffset = last + 1n
          }
        }
        if (reason !== null) break
        p += size
      }
      pos += p
    }
    const truncatedBytes = this.size - pos
    if (truncatedBytes > 0) {
      await this.#use(this.logPath, (fh) => fh.truncate(pos))
      this.size = pos
    }
    await this.persistIndexes()
    this.#unflushed = true
    return { truncatedBytes, reason: truncatedBytes > 0 ? (reason ?? 'truncated batch') : null }
  }

  /** Cuts the .log at `position` (a batch boundary) and drops the index entries at or after it. */
  async truncateTo(position: number, nextOffset: bigint): Promise<void> {
    this.#forgetHeld()
    await this.#use(this.logPath, (fh) => fh.truncate(position))
    this.size = position
    this.nextOffset = nextOffset
    this.offsetIndex.truncateEntries(this.offsetIndex.entriesBelowPosition(position))
    this.timeIndex.truncateToOffset(nextOffset)
    await this.persistIndexes()
  }

  /** Called when a newer segment takes over appends: final time index entry, indexes written. */
  async onBecomeInactive(): Promise<void> {
    this.#tail.clear()
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
    await this.persistIndexes()
  }

  async persistIndexes(): Promise<void> {
    if (this.offsetIndex.dirty) await this.#use(this.indexPath, (fh) => this.offsetIndex.persist(fh))
    if (this.timeIndex.dirty) await this.#use(this.timeIndexPath, (fh) => this.timeIndex.persist(fh))
  }

  get unflushed(): boolean {
    return this.#unflushed
  }

  /** Writes the indexes and fsyncs the .log and both indexes. */
  async flush(): Promise<void> {
    if (!this.#unflushed && !this.offsetIndex.dirty && !this.timeIndex.dirty) return
    this.#unflushed = false
    try {
      await this.persistIndexes()
      await Promise.all([
        this.#use(this.logPath, (fh) => fh.datasync()),
        this.#use(this.indexPath, (fh) => fh.datasync()),
        this.#use(this.timeIndexPath, (fh) => fh.datasync()),
      ])
    } catch (err) {
      this.#unflushed = true
      throw err
    }
  }

  #use<T>(path: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
    return this.#cache.use(path, fn, this.#owner)
  }

  async closeHandles(): Promise<void> {
    await Promise.all(
      [this.logPath, this.indexPath, this.timeIndexPath].map((p) => this.#cache.close(p, this.#owner)),
    )
  }

  /** Writes pending index entries and releases the file handles. */
  async close(): Promise<void> {
    this.#forgetHeld()
    await this.persistIndexes()
    await this.closeHandles()
  }

  /** Renames the files with `suffix` appended (Kafka's `.deleted` step before unlinking). */
  async renameWithSuffix(suffix: string): Promise<void> {
    // Files first, names after: until then this object's readers keep using the old names and the handles
    // already open on them (a rename keeps the inode), which then move to the new names.
    const from = [this.logPath, this.indexPath, this.timeIndexPath]
    const base = this.#suffix
    const to = from.map((p) => p.slice(0, p.length - base.length) + suffix)
    for (let i = 0; i < from.length; i++)
      await rename(from[i] as string, to[i] as string).catch(ignoreMissing)
    this.#suffix = suffix
    this.#setPaths()
    for (let i = 0; i < from.length; i++) this.#cache.renamed(from[i] as string, to[i] as string, this.#owner)
  }

  async deleteFiles(): Promise<void> {
    this.#forgetHeld()
    await this.closeHandles()
    await Promise.all([this.logPath, this.indexPath, this.timeIndexPath].map((p) => rm(p, { force: true })))
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
}

/** The file's bytes, or null when it was missing (it is then created empty). */
async function readOrCreate(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    await (await open(path, 'w')).close()
    return null
  }
}

/** Linux takes at most IOV_MAX (1024) buffers per writev. */
const MAX_IOV = 1024

/** Writes `bufs` back to back from `position`, with as few writev calls as the kernel allows. */
export async function writevFully(fh: FileHandle, bufs: readonly Buffer[], position: number): Promise<void> {
  if (bufs.length === 1) return writeFully(fh, bufs[0] as Buffer, position)
  let rest = bufs.slice()
  let pos = position
  while (rest.length > 0) {
    const chunk = rest.length > MAX_IOV ? rest.slice(0, MAX_IOV) : rest
    let { bytesWritten } = await fh.writev(chunk, pos)
    pos += bytesWritten
    // Drop what was written; a partly written buffer continues from where the kernel stopped.
    let i = 0
    while (i < rest.length && bytesWritten >= (rest[i] as Buffer).length)
      bytesWritten -= (rest[i++] as Buffer).length
    rest = rest.slice(i)
    if (bytesWritten > 0) rest[0] = (rest[0] as Buffer).subarray(bytesWritten)
  }
}

export async function writeFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done)
    done += bytesWritten
  }
}

export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}
