// PartitionLog: one partition's log on disk, a list of segments in `<dataDir>/<topic>-<partition>/`.
//
// Public API (the broker's produce, fetch, ListOffsets and DeleteRecords handlers code against this):
//   PartitionLog.open(opts) / PartitionLog.offline(opts, cause)   (the LogManager calls these)
//   append(batches: Buffer, opts?: { leaderEpoch? }): Promise<AppendResult>
//       `batches` holds one or more validated v2 batches; offsets are assigned by patching baseOffset in place
//       (the caller's buffer is modified), no re-encoding. Appends are serialized; those that queue while a
//       write is in flight go to disk together with one writev (group commit).
//       With message.timestamp.type=LogAppendTime each batch gets the broker time and a new CRC.
//       Throws RecordTooLargeError (batch > max.message.bytes), CorruptRecordError (not whole v2 batches),
//       KafkaStorageError (the partition is offline after a write failure).
//   read(offset, maxBytes, { maxOffset?, minOneMessage? }): Promise<ReadResult>
//       Whole batches from the one containing `offset`, at most `maxBytes` (at least one batch with
//       minOneMessage), never a batch reaching `maxOffset` (default: the high watermark), from one segment.
//       One read into one buffer; a fetch that continues the previous one skips the index lookup.
//       Throws OffsetOutOfRangeError outside [logStartOffset, logEndOffset].
//   offsetForTimestamp(ts): Promise<TimestampAndOffset | null>   first offset with timestamp >= ts
//   maxTimestampOffset(): Promise<TimestampAndOffset | null>     the record with the largest timestamp (-3)
//   deleteRecordsBefore(offset): Promise<bigint>                 DeleteRecords (-1: the high watermark)
//   batchHeaders(fromOffset): AsyncGenerator<BatchLocation>     batch headers (producer-state replay)
//   logStartOffset, logEndOffset, highWatermark, lastStableOffset, recoveryPoint, size, config
//   flush(), roll(), segments(): SegmentInfo[], updateConfig(cfg), close()
//   offline / failure: after a write failure every call throws KafkaStorageError; other partitions go on.
// Retention (enforceRetention) and compaction (compactor.ts, through exclusive() and retireSegment()) are
// driven by the LogManager.
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_TIMESTAMP_LOG_APPEND,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  OFF_ATTRIBUTES,
  OFF_BASE_TIMESTAMP,
  OFF_CRC,
  OFF_LAST_OFFSET_DELTA,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_RECORD_COUNT,
  computeBatchCrc,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../protocol/records/batch-header.ts'
import { batchSizeAt, lastOffsetAt } from './batch-scan.ts'
import {
  CorruptRecordError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from './errors.ts'
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseSegmentFileName,
  segmentFile,
} from './file-names.ts'
import type { HandleCache } from './handle-cache.ts'
import { isDeleteEnabled, type LogConfig } from './log-config.ts'
import { iterateRecords } from './record-scan.ts'
import { Segment, type AppendedBatch, type BatchLocation } from './segment.ts'
import { deleteFiles, retireSiblings } from './segment-siblings.ts'
import { SerialQueue } from './serial-queue.ts'
import { TXN_INDEX_SUFFIX, loadedAbortedIndexOf, truncateTxnIndexFile } from './txn-index.ts'

export interface AppendOptions {
  /** Written into each batch's partitionLeaderEpoch (outside the CRC). */
  leaderEpoch?: number
}

export interface AppendResult {
  baseOffset: bigint
  lastOffset: bigint
  /** The broker time stamped into the batches with message.timestamp.type=LogAppendTime, else -1. */
  logAppendTime: bigint
  logStartOffset: bigint
  batchCount: number
  recordCount: number
  /** Largest batch max timestamp of this append and the last offset of that batch. */
  maxTimestamp: bigint
  offsetOfMaxTimestamp: bigint
}

interface QueuedAppend {
  buf: Buffer
  opts: AppendOptions
  resolve: (result: AppendResult) => void
  reject: (err: unknown) => void
}

interface PreparedAppend {
  item: QueuedAppend
  buf: Buffer
  batches: AppendedBatch[]
  now: number
  baseOffset: bigint
  lastOffset: bigint
  logAppendTime: bigint
  recordCount: number
  maxTimestamp: bigint
  offsetOfMaxTimestamp: bigint
}

export interface ReadOptions {
  /** Exclusive bound: no batch whose last offset is >= maxOffset is returned. Default: the high watermark. */
  maxOffset?: bigint
  /** Return the first batch even when it is larger than maxBytes (KIP-74). */
  minOneMessage?: boolean
}

export interface ReadResult {
  /** Whole batches, possibly empty. The first one contains the requested offset (it may start before it). */
  records: Buffer
  /** Base offset of the first returned batch, or -1 when none. */
  firstOffset: bigint
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
  logEndOffset: bigint
}

export interface TimestampAndOffset {
  timestamp: bigint
  offset: bigint
}

/** What the console shows about one segment. */
export interface SegmentInfo {
  baseOffset: bigint
  /** One past the last offset in the segment. */
  nextOffset: bigint
  sizeBytes: number
  maxTimestamp: bigint
  logFile: string
  indexFile: string
  timeIndexFile: string
  offsetIndexEntries: number
  timeIndexEntries: number
  active: boolean
}

export interface PartitionLogOptions {
  topic: string
  partition: number
  /** The `<topic>-<partition>` directory; created when missing. */
  dir: string
  config: LogConfig
  cache: HandleCache
  /** Offsets below this were fsynced before the last shutdown (checkpoint); segments after it are recovered. */
  recoveryPoint?: bigint
  logStartOffset?: bigint
  /** False after a crash: every segment from the recovery point on is validated. */
  cleanShutdown?: boolean
  /** The directory is known to exist (found by the LogManager's scan): open() skips creating it. */
  existingDir?: boolean
  now?: () => number
  /** Told about recovery truncations and background failures. */
  log?: (message: string) => void
}

export interface RecoverySummary {
  segmentsRecovered: number
  truncatedBytes: number
  segmentsDropped: number
}

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly dir: string
  #config: LogConfig
  readonly #cache: HandleCache
  readonly #now: () => number
  readonly #log: (message: string) => void
  #segments: Segment[] = []
  #logStartOffset = 0n
  #nextOffset = 0n
  #highWatermark = 0n
  #firstUnstableOffset = -1n
  #recoveryPoint = 0n
  #unflushedMessages = 0
  #lastFlushTime: number
  #failure: Error | null = null
  #closed = false
  readonly #appendQueue = new SerialQueue()
  /** Appends waiting for a group write that has not started yet; new appends join it. */
  #openGroup: QueuedAppend[] | null = null
  readonly #flushQueue = new SerialQueue()
  /** Segments renamed to `.deleted`, with their timers and sibling files going with them. */
  readonly #pendingDeletes = new Map<Segment, { timer: NodeJS.Timeout; siblings: readonly string[] }>()
  /** Where recent fetches ended (next offset -> segment position), so sequential consumers skip the lookup. */
  readonly #readHints = new Map<bigint, { segment: Segment; position: number; size: number }>()
  /** Filled by open(): what recovery did. */
  recovery: RecoverySummary = { segmentsRecovered: 0, truncatedBytes: 0, segmentsDropped: 0 }

  private constructor(opts: PartitionLogOptions) {
    this.topic = opts.topic
    this.partition = opts.partition
    this.dir = opts.dir
    this.#config = opts.config
    this.#cache = opts.cache
    this.#now = opts.now ?? Date.now
    this.#log = opts.log ?? (() => {})
    this.#lastFlushTime = this.#now()
  }

  /** Opens (or creates) the partition directory, finishing interrupted swaps and recovering after a crash. */
  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(opts)
    await log.#load(
      opts.recoveryPoint ?? 0n,
      opts.logStartOffset ?? 0n,
      opts.cleanShutdown ?? false,
      opts.existingDir ?? false,
    )
    return log
  }

  /**
   * A log that could not be opened (unreadable directory, I/O error): it stays offline, so the broker answers
   * KAFKA_STORAGE_ERROR for this partition while the others serve normally.
   */
  static offline(opts: PartitionLogOptions, cause: Error): PartitionLog {
    const log = new PartitionLog(opts)
    log.#failure = cause
    // Checkpoints keep what they knew about this partition.
    log.#recoveryPoint = opts.recoveryPoint ?? 0n
    log.#logStartOffset = opts.logStartOffset ?? 0n
    return log
  }

  get config(): LogConfig {
    return this.#config
  }

  /** Applies a new topic config; takes effect for the next append, roll, flush and retention check. */
  updateConfig(config: LogConfig): void {
    this.#config = config
  }

  get logStartOffset(): bigint {
    return this.#logStartOffset
  }

  get logEndOffset(): bigint {
    return this.#nextOffset
  }

  /** Single node: every appended offset is committed. Kept apart so replication can move it. */
  get highWatermark(): bigint {
    return this.#highWatermark
  }

  /** The high watermark, or the first offset of the earliest open transaction when that is lower. */
  get lastStableOffset(): bigint {
    const unstable = this.#firstUnstableOffset
    if (unstable < 0n || unstable >= this.#highWatermark) return this.#highWatermark
    // As in Kafka: an open transaction whose first records were deleted holds readers at the log start.
    return unstable > this.#logStartOffset ? unstable : this.#logStartOffset
  }

  /**
   * Transaction hook: producer state sets the first offset of the earliest open transaction on this
   * partition (-1 when none), which bounds the last stable offset.
   */
  setFirstUnstableOffset(offset: bigint): void {
    this.#firstUnstableOffset = offset
  }

  get recoveryPoint(): bigint {
    return this.#recoveryPoint
  }

  /** Bytes of all segments' .log files. */
  get size(): number {
    let total = 0
    for (const s of this.#segments) total += s.size
    return total
  }

  get offline(): boolean {
    return this.#failure !== null
  }

  /** The write failure that took the partition offline, if any. */
  get failure(): Error | null {
    return this.#failure
  }

  get unflushedMessages(): number {
    return this.#unflushedMessages
  }

  get lastFlushTime(): number {
    return this.#lastFlushTime
  }

  /** The live segments, oldest first (for the compactor). */
  get segmentList(): readonly Segment[] {
    return this.#segments
  }

  segments(): SegmentInfo[] {
    const last = this.#segments[this.#segments.length - 1]
    return this.#segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeBytes: s.size,
      maxTimestamp: s.maxTimestamp,
      logFile: basename(s.logPath),
      indexFile: basename(s.indexPath),
      timeIndexFile: basename(s.timeIndexPath),
      offsetIndexEntries: s.offsetIndex.count,
      timeIndexEntries: s.timeIndex.count,
      active: s === last,
    }))
  }

  // ---------------------------------------------------------------- append

  append(batches: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      let group = this.#openGroup
      if (group === null) {
        const fresh: QueuedAppend[] = []
        group = fresh
        this.#openGroup = fresh
        void this.#appendQueue.run(() => {
          if (this.#openGroup === fresh) this.#openGroup = null
          return this.#appendGroup(fresh)
        })
      }
      group.push({ buf: batches, opts, resolve, reject })
    })
  }

  /** Runs `task` on the append queue after everything queued so far; later appends queue behind it. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    this.#openGroup = null
    return this.#appendQueue.run(task)
  }

  /**
   * Group commit: the appends that queued while the previous write was in flight go to disk with one
   * writev and one thread-pool round trip, in arrival order. A bad append fails alone; a write failure
   * fails the group (and takes the partition offline).
   */
  async #appendGroup(group: QueuedAppend[]): Promise<void> {
    let run: PreparedAppend[] = []
    let runBytes = 0
    let runBatches = 0
    let offset = this.#nextOffset
    try {
      for (const item of group) {
        let p: PreparedAppend
        try {
          this.#checkUsable()
          p = this.#prepare(item, offset)
        } catch (err) {
          item.reject(err)
          continue
        }
        const active = this.#active()
        if (this.#shouldRoll(active, runBytes, runBatches, p.buf.length, p.lastOffset, p.now)) {
          await this.#writeRun(run)
          run = []
          runBytes = 0
          runBatches = 0
          try {
            await this.#roll(p.baseOffset)
          } catch (err) {
            throw this.#fail('append', err)
          }
        }
        run.push(p)
        runBytes += p.buf.length
        runBatches += p.batches.length
        offset = p.lastOffset + 1n
      }
      await this.#writeRun(run)
    } catch (err) {
      for (const p of run) p.item.reject(err)
      for (const item of group) item.reject(err)
    }
  }

  /** Header checks, offsets and timestamps of one append (synchronous; nothing is written yet). */
  #prepare(item: QueuedAppend, firstOffset: bigint): PreparedAppend {
    const { buf, opts } = item
    const cfg = this.#config
    const now = this.#now()
    const logAppend = cfg.messageTimestampType === 'LogAppendTime'
    const appendTime = BigInt(now)
    const batches: AppendedBatch[] = []
    let offset = firstOffset
    let recordCount = 0
    let maxTimestamp = -1n
    let offsetOfMaxTimestamp = -1n
    // Check the framing of every batch before touching anything.
    for (let pos = 0; pos < buf.length;) {
      const size = batchSizeAt(buf, pos)
      if (size < BATCH_HEADER_SIZE || pos + size > buf.length)
        throw new CorruptRecordError(`record batch at byte ${pos} is not whole`)
      if (buf.readInt8(pos + OFF_MAGIC) !== MAGIC_V2)
        throw new CorruptRecordError(`record batch at byte ${pos} has magic ${buf.readInt8(pos + OFF_MAGIC)}`)
      const delta = buf.readInt32BE(pos + OFF_LAST_OFFSET_DELTA)
      if (delta < 0)
        throw new CorruptRecordError(`record batch at byte ${pos} has a negative lastOffsetDelta`)
      if (size > cfg.maxMessageBytes)
        throw new RecordTooLargeError(
          `record batch of ${size} bytes exceeds max.message.bytes ${cfg.maxMessageBytes}`,
        )
      const lastOffset = offset + BigInt(delta)
      const ts = logAppend ? appendTime : buf.readBigInt64BE(pos + OFF_MAX_TIMESTAMP)
      batches.push({ position: pos, size, lastOffset, maxTimestamp: ts })
      if (ts > maxTimestamp) {
        maxTimestamp = ts
        offsetOfMaxTimestamp = lastOffset
      }
      recordCount += buf.readInt32BE(pos + OFF_RECORD_COUNT)
      offset = lastOffset + 1n
      pos += size
    }
    if (batches.length === 0) throw new CorruptRecordError('no record batch to append')
    for (const b of batches) {
      setBaseOffset(
        buf,
        b.position,
        b.lastOffset - BigInt(buf.readInt32BE(b.position + OFF_LAST_OFFSET_DELTA)),
      )
      if (opts.leaderEpoch !== undefined) setPartitionLeaderEpoch(buf, b.position, opts.leaderEpoch)
      if (logAppend) stampLogAppendTime(buf, b.position, b.size, appendTime)
    }
    return {
      item,
      buf,
      batches,
      now,
      baseOffset: firstOffset,
      lastOffset: offset - 1n,
      logAppendTime: logAppend ? appendTime : -1n,
      recordCount,
      maxTimestamp,
      offsetOfMaxTimestamp,
    }
  }

  /** Writes prepared appends to the active segment, advances the log end and answers their callers. */
  async #writeRun(run: PreparedAppend[]): Promise<void> {
    const last = run[run.length - 1]
    if (last === undefined) return
    try {
      await this.#active().append(run, this.#config.indexIntervalBytes, last.now)
    } catch (err) {
      throw this.#fail('append', err)
    }
    this.#nextOffset = last.lastOffset + 1n
    this.#highWatermark = this.#nextOffset
    let records = 0
    for (const p of run) records += p.recordCount
    this.#unflushedMessages += records
    if (this.#unflushedMessages >= this.#config.flushMessages) await this.flush()
    for (const p of run) {
      p.item.resolve({
        baseOffset: p.baseOffset,
        lastOffset: p.lastOffset,
        logAppendTime: p.logAppendTime,
        logStartOffset: this.#logStartOffset,
        batchCount: p.batches.length,
        recordCount: p.recordCount,
        maxTimestamp: p.maxTimestamp,
        offsetOfMaxTimestamp: p.offsetOfMaxTimestamp,
      })
    }
  }

  #active(): Segment {
    const seg = this.#segments[this.#segments.length - 1]
    if (!seg) throw new KafkaStorageError(`${this.topic}-${this.partition} has no segment`)
    return seg
  }

  /** `pendingBytes` and `pendingBatches` are queued for `seg` in the same group but not written yet. */
  #shouldRoll(
    seg: Segment,
    pendingBytes: number,
    pendingBatches: number,
    bytes: number,
    lastOffset: bigint,
    now: number,
  ): boolean {
    if (seg.isEmpty && pendingBytes === 0) return false
    const cfg = this.#config
    return (
      seg.size + pendingBytes + bytes > cfg.segmentBytes ||
      (seg.rollingBaseTime !== null &&
        now - seg.rollingBaseTime >=
          cfg.segmentMs -
            Math.floor(seg.rollJitterFraction * Math.min(cfg.segmentJitterMs, cfg.segmentMs))) ||
      seg.wouldOverflow(lastOffset, cfg.segmentIndexBytes, pendingBatches)
    )
  }

  async #roll(baseOffset: bigint): Promise<Segment> {
    const old = this.#active()
    await old.onBecomeInactive()
    const seg = await Segment.create(this.dir, baseOffset, this.#cache, this.#now())
    this.#segments.push(seg)
    return seg
  }

  /** Starts a new segment now (tests, and the active segment's retention). */
  roll(): Promise<void> {
    return this.#serial(async () => {
      this.#checkUsable()
      if (!this.#active().isEmpty) await this.#roll(this.#nextOffset)
    })
  }

  // ---------------------------------------------------------------- read

  read(offset: bigint, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    return this.#retryVanished(() => this.#readOnce(offset, maxBytes, opts))
  }

  /**
   * Runs a read, starting over when a segment it used was deleted meanwhile (retention or compaction
   * renamed and unlinked it): the retry sees the current segments and log start offset.
   */
  async #retryVanished<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read()
      } catch (err) {
        const vanished = (err as { cause?: { code?: string } }).cause?.code === 'ENOENT'
        if (!vanished || attempt >= 3) throw err
      }
    }
  }

  async #readOnce(offset: bigint, maxBytes: number, opts: ReadOptions): Promise<ReadResult> {
    this.#checkUsable()
    const result: ReadResult = {
      records: EMPTY,
      firstOffset: -1n,
      highWatermark: this.#highWatermark,
      lastStableOffset: this.lastStableOffset,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.#nextOffset,
    }
    if (offset < this.#logStartOffset || offset > this.#nextOffset)
      throw new OffsetOutOfRangeError(
        `offset ${offset} is outside [${this.#logStartOffset}, ${this.#nextOffset}] of ${this.topic}-${this.partition}`,
      )
    const maxOffset = opts.maxOffset ?? this.#highWatermark
    if (offset >= maxOffset) return result
    const segments = this.#segments
    try {
      const first = this.#floorSegment(offset)
      // A consumer reading on from its last fetch: start where that fetch ended, no index lookup or scan.
      const hint = this.#readHints.get(offset)
      if (hint && hint.segment === segments[first] && hint.position < hint.segment.size) {
        await this.#readAt(
          hint.segment,
          hint.position,
          hint.size,
          maxBytes,
          opts.minOneMessage ?? false,
          maxOffset,
          result,
        )
        return result
      }
      for (let i = first; i < segments.length; i++) {
        const seg = segments[i] as Segment
        const batch = await seg.findBatch(offset)
        if (!batch) continue
        if (batch.lastOffset >= maxOffset) return result
        await this.#readAt(
          seg,
          batch.position,
          batch.size,
          maxBytes,
          opts.minOneMessage ?? false,
          maxOffset,
          result,
        )
        return result
      }
    } catch (err) {
      throw this.#readFailure(err)
    }
    return result
  }

  /**
   * Reads whole batches from `position` of `seg` into `result`: up to maxBytes, or the first batch whatever its
   * size with minOneMessage, stopping before any batch that reaches maxOffset. `firstSize` is the size of the
   * batch at `position` when known (-1 otherwise).
   */
  async #readAt(
    seg: Segment,
    position: number,
    firstSize: number,
    maxBytes: number,
    minOneMessage: boolean,
    maxOffset: bigint,
    result: ReadResult,
  ): Promise<void> {
    if (minOneMessage && firstSize < 0) {
      const head = await seg.read(position, LOG_OVERHEAD)
      if (head.length === LOG_OVERHEAD) firstSize = batchSizeAt(head, 0)
    }
    // LOG_OVERHEAD more bytes reveal the size of the batch after the window, for the next fetch's hint.
    const window = Math.max(maxBytes, minOneMessage ? firstSize : 0)
    const buf = await seg.read(position, window + LOG_OVERHEAD)
    const limit = Math.min(buf.length, window)
    let end = 0
    let next = -1n
    while (end + BATCH_HEADER_SIZE <= limit) {
      const size = batchSizeAt(buf, end)
      if (size < BATCH_HEADER_SIZE || end + size > limit) break
      const lastOffset = lastOffsetAt(buf, end)
      if (lastOffset >= maxOffset) break
      next = lastOffset + 1n
      end += size
    }
    if (end === 0) return
    result.records = buf.subarray(0, end)
    result.firstOffset = buf.readBigInt64BE(0)
    if (this.#readHints.size >= READ_HINTS)
      this.#readHints.delete(this.#readHints.keys().next().value as bigint)
    const nextSize = buf.length - end >= LOG_OVERHEAD ? batchSizeAt(buf, end) : -1
    this.#readHints.set(next, { segment: seg, position: position + end, size: nextSize })
    // A full window means more data follows: a consumer reading through a backlog will ask for it next.
    if (buf.length === window + LOG_OVERHEAD && window >= READ_AHEAD_MIN)
      seg.prefetch(position + end, window + LOG_OVERHEAD)
  }

  /** Index of the segment holding `offset`: the last one whose base offset is <= offset (0 if none). */
  #floorSegment(offset: bigint): number {
    let lo = 0
    let hi = this.#segments.length - 1
    let found = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if ((this.#segments[mid] as Segment).baseOffset <= offset) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }

  /**
   * The header of every batch from the one containing `fromOffset` to the end of the log, in offset order
   * (producer state replays these at startup). Header reads only, in chunks.
   */
  async *batchHeaders(fromOffset: bigint): AsyncGenerator<BatchLocation> {
    this.#checkUsable()
    const segments = this.#segments.slice(this.#floorSegment(fromOffset))
    for (const seg of segments) {
      const start = seg.baseOffset <= fromOffset ? seg.offsetIndex.lookup(fromOffset).position : 0
      for await (const b of seg.batches(start)) if (b.lastOffset >= fromOffset) yield b
    }
  }

  // ---------------------------------------------------------------- timestamps

  /** The first offset whose record timestamp is >= `timestamp` (ListOffsets), or null when none is. */
  offsetForTimestamp(timestamp: bigint): Promise<TimestampAndOffset | null> {
    return this.#retryVanished(() => this.#offsetForTimestamp(timestamp))
  }

  async #offsetForTimestamp(timestamp: bigint): Promise<TimestampAndOffset | null> {
    this.#checkUsable()
    try {
      for (const seg of this.#segments) {
        if (seg.maxTimestamp < timestamp) continue
        const batch = await seg.findBatchByTimestamp(timestamp, this.#logStartOffset)
        if (!batch) continue
        return await this.#recordAtTimestamp(
          seg,
          batch,
          (ts, off) => ts >= timestamp && off >= this.#logStartOffset,
        )
      }
    } catch (err) {
      throw this.#readFailure(err)
    }
    return null
  }

  /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP, -3), or null for an empty log. */
  maxTimestampOffset(): Promise<TimestampAndOffset | null> {
    return this.#retryVanished(() => this.#maxTimestampOffset())
  }

  async #maxTimestampOffset(): Promise<TimestampAndOffset | null> {
    this.#checkUsable()
    let best: Segment | null = null
    for (const seg of this.#segments)
      if (seg.maxTimestamp >= 0n && (!best || seg.maxTimestamp > best.maxTimestamp)) best = seg
    if (!best) return null
    const max = best.maxTimestamp
    try {
      const batch = await best.findBatch(best.offsetOfMaxTimestamp)
      if (!batch) return { timestamp: max, offset: best.offsetOfMaxTimestamp }
      return await this.#recordAtTimestamp(best, batch, (ts) => ts === max)
    } catch (err) {
      throw this.#readFailure(err)
    }
  }

  /**
   * The first record of `batch` matching `accept`. Uncompressed batches are walked record by record;
   * compressed ones (and LogAppendTime batches, whose records share the batch time) answer with the batch.
   */
  async #recordAtTimestamp(
    seg: Segment,
    batch: BatchLocation,
    accept: (timestamp: bigint, offset: bigint) => boolean,
  ): Promise<TimestampAndOffset> {
    const fallback = {
      timestamp: batch.maxTimestamp,
      offset: batch.baseOffset > this.#logStartOffset ? batch.baseOffset : this.#logStartOffset,
    }
    if ((batch.attributes & (ATTR_COMPRESSION_MASK | ATTR_TIMESTAMP_LOG_APPEND)) !== 0) return fallback
    const buf = await seg.read(batch.position, batch.size)
    const baseTimestamp = buf.readBigInt64BE(OFF_BASE_TIMESTAMP)
    for (const r of iterateRecords(buf.subarray(BATCH_HEADER_SIZE), buf.readInt32BE(OFF_RECORD_COUNT))) {
      const ts = baseTimestamp + r.timestampDelta
      const off = batch.baseOffset + BigInt(r.offsetDelta)
      if (accept(ts, off)) return { timestamp: ts, offset: off }
    }
    return fallback
  }

  // ---------------------------------------------------------------- flush

  /** Writes the indexes and fsyncs every segment with unflushed data; moves the recovery point to the end. */
  flush(): Promise<void> {
    return this.#flushQueue.run(async () => {
      if (this.#failure || this.#closed) return
      const upTo = this.#nextOffset
      const messages = this.#unflushedMessages
      const start = this.#floorSegment(this.#recoveryPoint)
      try {
        for (const seg of this.#segments.slice(start)) await seg.flush()
      } catch (err) {
        throw this.#fail('flush', err)
      }
      if (upTo > this.#recoveryPoint) this.#recoveryPoint = upTo
      this.#unflushedMessages = Math.max(0, this.#unflushedMessages - messages)
      this.#lastFlushTime = this.#now()
    })
  }

  // ---------------------------------------------------------------- retention and DeleteRecords

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1: the high watermark) and deletes the segments
   * wholly before it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    return this.#serial(async () => {
      this.#checkUsable()
      const target = offset === -1n ? this.#highWatermark : offset
      if (target < 0n || target > this.#highWatermark)
        throw new OffsetOutOfRangeError(
          `cannot delete records before ${offset}: the high watermark of ${this.topic}-${this.partition} is ${this.#highWatermark}`,
        )
      if (target > this.#logStartOffset) this.#logStartOffset = target
      await this.#deleteSegmentsWhile(() => false, 0)
      return this.#logStartOffset
    })
  }

  /** Deletes segments past retention.ms / retention.bytes (cleanup.policy with delete) or before the log start. */
  enforceRetention(): Promise<number> {
    return this.#serial(async () => {
      if (this.#failure || this.#closed) return 0
      const cfg = this.#config
      const now = this.#now()
      const del = isDeleteEnabled(cfg)
      let excess = del && cfg.retentionBytes >= 0 ? this.size - cfg.retentionBytes : -1
      return await this.#deleteSegmentsWhile((seg) => {
        if (!del) return false
        if (cfg.retentionMs >= 0 && now - seg.largestTimestamp > cfg.retentionMs) return true
        if (excess >= seg.size) {
          excess -= seg.size
          return true
        }
        return false
      }, now)
    })
  }

  /** Deletes segments from the oldest while each is below the log start offset or matches `expired`. */
  async #deleteSegmentsWhile(expired: (seg: Segment) => boolean, _now: number): Promise<number> {
    const doomed: Segment[] = []
    for (let i = 0; i < this.#segments.length; i++) {
      const seg = this.#segments[i] as Segment
      const next = this.#segments[i + 1]
      const upper = next ? next.baseOffset : this.#nextOffset
      const belowStart = upper <= this.#logStartOffset && !(seg.isEmpty && !next)
      if (seg.isEmpty && !next) break
      if (!belowStart && !expired(seg)) break
      doomed.push(seg)
    }
    if (doomed.length === 0) return 0
    try {
      if (doomed.length === this.#segments.length) await this.#roll(this.#nextOffset)
      this.#segments = this.#segments.slice(doomed.length)
      const first = this.#segments[0] as Segment
      if (first.baseOffset > this.#logStartOffset) this.#logStartOffset = first.baseOffset
      for (const seg of doomed) await this.#scheduleDelete(seg)
    } catch (err) {
      throw this.#fail('segment deletion', err)
    }
    await this.#retireSiblings(doomed)
    return doomed.length
  }

  /**
   * The .txnindex files and producer snapshots of deleted segments go the same way (segment-siblings.ts).
   * A failure here leaves a stale file behind, not a broken log, so it is reported, not fatal.
   */
  async #retireSiblings(doomed: readonly Segment[]): Promise<void> {
    const start = this.#logStartOffset
    void loadedAbortedIndexOf(this)?.then(
      (index) => index.forgetBefore(start),
      () => undefined,
    )
    try {
      const siblings = await retireSiblings(
        this.dir,
        doomed.map((s) => s.baseOffset),
        start,
      )
      const last = doomed[doomed.length - 1] as Segment
      const pending = this.#pendingDeletes.get(last)
      if (pending) this.#pendingDeletes.set(last, { ...pending, siblings })
      else await deleteFiles(siblings)
    } catch (err) {
      this.#log(
        `${this.topic}-${this.partition}: failed to delete the files beside deleted segments: ${String(err)}`,
      )
    }
  }

  /** Kafka's two steps: rename to `.deleted` now, unlink after file.delete.delay.ms. */
  async #scheduleDelete(seg: Segment): Promise<void> {
    await seg.renameWithSuffix(DELETED_SUFFIX)
    this.#startDeleteTimer(seg)
  }

  #startDeleteTimer(seg: Segment): void {
    const timer = setTimeout(() => {
      const siblings = this.#pendingDeletes.get(seg)?.siblings ?? []
      this.#pendingDeletes.delete(seg)
      Promise.all([seg.deleteFiles(), deleteFiles(siblings)]).catch((err: unknown) =>
        this.#log(`failed to delete ${seg.logPath}: ${String(err)}`),
      )
    }, this.#config.fileDeleteDelayMs)
    timer.unref()
    this.#pendingDeletes.set(seg, { timer, siblings: [] })
  }

  /** Segments renamed to `.deleted` and waiting for their unlink. */
  get pendingDeletes(): number {
    return this.#pendingDeletes.size
  }

  // ---------------------------------------------------------------- compaction support

  /**
   * Runs `fn` with appends, retention and DeleteRecords held off. The compactor uses it to swap segments.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#serial(fn)
  }

  /**
   * Replaces `old` (a live, non-active segment) by the segment `install` puts in place under the same base
   * offset: `old` is renamed to `.deleted` first and unlinked after file.delete.delay.ms. Call inside exclusive().
   */
  async retireSegment(old: Segment, install: () => Promise<Segment>): Promise<void> {
    const i = this.#segments.indexOf(old)
    if (i < 0 || i === this.#segments.length - 1)
      throw new Error('only a live, non-active segment can be replaced')
    try {
      await old.renameWithSuffix(DELETED_SUFFIX)
      this.#segments[i] = await install()
      // Unlinking waits until readers can no longer find `old` in the list.
      this.#startDeleteTimer(old)
    } catch (err) {
      throw this.#fail('segment swap', err)
    }
  }

  /** The handle cache this log reads and writes through. */
  get cache(): HandleCache {
    return this.#cache
  }

  // ---------------------------------------------------------------- failure and close

  #checkUsable(): void {
    if (this.#failure)
      throw new KafkaStorageError(
        `${this.topic}-${this.partition} is offline: ${this.#failure.message}`,
        this.#failure,
      )
    if (this.#closed) throw new KafkaStorageError(`${this.topic}-${this.partition} is closed`)
  }

  /** Marks the partition offline after a write failure; returns the error for the caller to throw. */
  #fail(what: string, err: unknown): KafkaStorageError {
    if (err instanceof KafkaStorageError) return err
    const cause = err instanceof Error ? err : new Error(String(err))
    this.#failure ??= cause
    this.#log(`${this.topic}-${this.partition} is offline after a failed ${what}: ${cause.message}`)
    return new KafkaStorageError(`${this.topic}-${this.partition}: ${what} failed: ${cause.message}`, cause)
  }

  #readFailure(err: unknown): Error {
    if (err instanceof Error && 'errorCode' in err) return err
    const cause = err instanceof Error ? err : new Error(String(err))
    return new KafkaStorageError(`${this.topic}-${this.partition}: read failed: ${cause.message}`, cause)
  }

  /** Marks the partition offline from outside (tests, a failed directory). */
  markOffline(cause: Error): void {
    this.#failure ??= cause
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Waits for pending appends, flushes (unless offline), writes indexes and releases file handles. */
  async close(opts: { flush?: boolean } = {}): Promise<void> {
    await this.#serial(async () => {
      if (this.#closed) return
      if (opts.flush !== false && !this.#failure) await this.flush()
      this.#closed = true
      for (const [seg, { timer, siblings }] of this.#pendingDeletes) {
        clearTimeout(timer)
        await seg.deleteFiles()
        await deleteFiles(siblings)
      }
      this.#pendingDeletes.clear()
      for (const seg of this.#segments) {
        if (this.#failure) await seg.closeHandles()
        else await seg.close()
      }
    })
  }

  /** Closes without flushing and removes the whole directory (topic deletion has renamed it first). */
  async closeForDeletion(): Promise<void> {
    await this.#serial(async () => {
      this.#closed = true
      for (const { timer } of this.#pendingDeletes.values()) clearTimeout(timer)
      this.#pendingDeletes.clear()
      await this.#cache.closeUnder(this.dir + '/')
    })
  }

  // ---------------------------------------------------------------- loading and recovery

  async #load(
    recoveryPoint: bigint,
    logStartOffset: bigint,
    cleanShutdown: boolean,
    existingDir: boolean,
  ): Promise<void> {
    if (!existingDir) await mkdir(this.dir, { recursive: true })
    let names = await readdir(this.dir)
    // The listing is read again only when the repairs below changed it (rarely: after a crash).
    let changed = false
    // Leftovers of interrupted work: deletions finish, unfinished cleanings are dropped, swaps complete.
    for (const name of names) {
      if (name.endsWith(DELETED_SUFFIX) || name.endsWith(CLEANED_SUFFIX) || name.endsWith('.tmp')) {
        await rm(join(this.dir, name), { force: true })
        changed = true
      }
    }
    for (const name of names) {
      if (!name.endsWith(SWAP_SUFFIX)) continue
      changed = true
      const inner = name.slice(0, -SWAP_SUFFIX.length)
      const base = parseSegmentFileName(inner, LOG_SUFFIX)
      if (base === null) {
        // Index swaps are not needed: the swapped-in segment's indexes are rebuilt below.
        await rm(join(this.dir, name), { force: true })
        continue
      }
      await rename(join(this.dir, name), segmentFile(this.dir, base, LOG_SUFFIX))
      for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX])
        await rm(segmentFile(this.dir, base, suffix), { force: true })
      this.#log(`${this.topic}-${this.partition}: completed the interrupted swap of segment ${base}`)
    }
    if (changed) names = await readdir(this.dir)
    const bases = names
      .map((n) => parseSegmentFileName(n, LOG_SUFFIX))
      .filter((b): b is bigint => b !== null)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    // Orphan indexes (no .log) would confuse a later segment with the same base.
    for (const n of names) {
      const b =
        parseSegmentFileName(n, INDEX_SUFFIX) ??
        parseSegmentFileName(n, TIME_INDEX_SUFFIX) ??
        parseSegmentFileName(n, TXN_INDEX_SUFFIX)
      if (b !== null && !bases.includes(b)) await rm(join(this.dir, n), { force: true })
    }
    const interval = this.#config.indexIntervalBytes
    let prevLast = -1n
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i] as bigint
      const { segment, needsRecovery } = await Segment.load(this.dir, base, this.#cache, interval)
      const next = bases[i + 1]
      const afterRecoveryPoint = next === undefined || next > recoveryPoint
      if (needsRecovery || (!cleanShutdown && afterRecoveryPoint)) {
        const r = await segment.recover(interval, prevLast)
        this.recovery.segmentsRecovered++
        // Aborts recorded for markers the crash lost (a truncated tail, or data never flushed) go too.
        const dropped = await truncateTxnIndexFile(this.dir, base, segment.nextOffset)
        if (dropped > 0) {
          this.#log(
            `${this.topic}-${this.partition}: dropped ${dropped} aborted transaction(s) beyond the end of segment ${base}`,
          )
        }
        if (r.truncatedBytes > 0) {
          this.recovery.truncatedBytes += r.truncatedBytes
          this.#log(
            `${this.topic}-${this.partition}: truncated ${r.truncatedBytes} bytes of segment ${base} (${r.reason})`,
          )
          this.#segments.push(segment)
          // Everything after the first invalid batch is unreadable by definition: later segments go too.
          for (const later of bases.slice(i + 1)) {
            for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX])
              await rm(segmentFile(this.dir, later, suffix), { force: true })
            this.recovery.segmentsDropped++
          }
          break
        }
      }
      if (!segment.isEmpty) prevLast = segment.nextOffset - 1n
      // A recovered older segment gets its final time index entry, as at a roll.
      if (next !== undefined) await segment.onBecomeInactive()
      this.#segments.push(segment)
    }
    // Drop empty segments other than the last (left by a crash during a roll).
    const kept: Segment[] = []
    for (let i = 0; i < this.#segments.length; i++) {
      const seg = this.#segments[i] as Segment
      if (seg.isEmpty && i < this.#segments.length - 1) await seg.deleteFiles()
      else kept.push(seg)
    }
    this.#segments = kept
    const last = this.#segments[this.#segments.length - 1]
    if (!last) {
      const start = logStartOffset > 0n ? logStartOffset : 0n
      this.#segments.push(await Segment.create(this.dir, start, this.#cache, this.#now()))
    }
    const active = this.#active()
    this.#nextOffset = active.isEmpty ? active.baseOffset : active.nextOffset
    this.#highWatermark = this.#nextOffset
    const first = this.#segments[0] as Segment
    let start = logStartOffset > first.baseOffset ? logStartOffset : first.baseOffset
    if (start > this.#nextOffset) start = this.#nextOffset
    this.#logStartOffset = start
    // Recovered data may still be only in the page cache: the recovery point moves with the next flush.
    this.#recoveryPoint = cleanShutdown
      ? this.#nextOffset
      : recoveryPoint < this.#nextOffset
        ? recoveryPoint
        : this.#nextOffset
  }
}

const EMPTY = Buffer.alloc(0)
/** Read hints kept per partition: about one per consumer reading it. */
const READ_HINTS = 32
/** Fetch windows from this size on are read ahead (smaller ones cost more in bookkeeping than they save). */
const READ_AHEAD_MIN = 256 * 1024

/** LogAppendTime: the batch's max timestamp becomes the broker time, which changes the CRC. */
function stampLogAppendTime(buf: Buffer, pos: number, size: number, time: bigint): void {
  buf.writeInt16BE(buf.readInt16BE(pos + OFF_ATTRIBUTES) | ATTR_TIMESTAMP_LOG_APPEND, pos + OFF_ATTRIBUTES)
  buf.writeBigInt64BE(time, pos + OFF_MAX_TIMESTAMP)
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + OFF_CRC)
}
