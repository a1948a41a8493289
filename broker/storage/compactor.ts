// Log compaction (cleanup.policy=compact): keeps the last record per key in the segments before the active
// one, the way Kafka's cleaner does, with its crash-safe file dance:
//   1. each cleanable segment is rewritten to `<base>.log.cleaned` (fsynced) without the log lock;
//   2. under the log lock: `.cleaned` -> `.log.swap`, the old segment -> `.deleted`, `.swap` -> `.log`,
//      indexes rebuilt; the old files are unlinked after file.delete.delay.ms.
// A crash in step 1 leaves a `.cleaned` file, dropped at open (the original is intact); a crash in step 2
// leaves a `.swap`, which open() completes. Segments are rewritten one to one (same base offset), so a swap
// always names the one segment it replaces.
// Rules: tombstones (null values) are kept while their segment is younger than delete.retention.ms;
// min.compaction.lag.ms keeps young segments out; min.cleanable.dirty.ratio decides when to run,
// max.compaction.lag.ms forces a run.
// Transactions, as Kafka's LogCleaner handles them: nothing from the first offset of the earliest open
// transaction on is cleaned (its outcome is unknown); records of aborted transactions are removed, those
// of committed ones are compacted like any others; a COMMIT or ABORT marker stays while any batch of its
// transaction is still in the log (producer-state replay after a restart needs it to close the
// transaction, READ_COMMITTED consumers to stop dropping an aborted producer's records) and for
// delete.retention.ms after that. A discarded abort marker takes its aborted-index entry with it.
// Transaction outcomes come from the log itself (one pass over the batches each run), not from the index.
import { open, rename, rm, utimes } from 'node:fs/promises'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  COMPRESSION_NAMES,
  LOG_OVERHEAD,
  OFF_ATTRIBUTES,
  OFF_BATCH_LENGTH,
  OFF_CRC,
  OFF_PRODUCER_ID,
  OFF_RECORD_COUNT,
  computeBatchCrc,
} from '../protocol/records/batch-header.ts'
import { compress, decompress } from '../protocol/records/compression.ts'
import { attributesAt, lastOffsetAt, recordCountAt } from './batch-scan.ts'
import { syncDir } from './checkpoint.ts'
import { CLEANED_SUFFIX, LOG_SUFFIX, SWAP_SUFFIX, segmentFile } from './file-names.ts'
import type { PartitionLog } from './partition-log.ts'
import { iterateRecords } from './record-scan.ts'
import { Segment } from './segment.ts'
import { deleteSnapshotsUpTo } from './segment-siblings.ts'
import { abortedIndexOf } from './txn-index.ts'

export interface CompactionResult {
  topic: string
  partition: number
  segmentsCleaned: number
  bytesBefore: number
  bytesAfter: number
  recordsRemoved: number
}

/** Where the dirty (never cleaned) part of each log starts; unknown after a restart, so all is dirty. */
const firstDirtyOffsets = new WeakMap<PartitionLog, bigint>()
/** Decompressed batches larger than this are kept as they are rather than inflated in memory. */
const MAX_INFLATED_BATCH = 256 * 1024 * 1024
const READ_CHUNK = 1024 * 1024
/** Keys mapped per compaction run; about 100 bytes each for short keys. */
const DEFAULT_MAX_KEYS = 1_000_000

/**
 * Compacts `log` when it has enough dirty data; `force` cleans every cleanable segment regardless (tests, and
 * an operator's request). Returns null when there was nothing to do.
 */
export async function compactLog(
  log: PartitionLog,
  now: number,
  opts: { force?: boolean; maxKeys?: number } = {},
): Promise<CompactionResult | null> {
  const cfg = log.config
  const all = log.segmentList
  // Cleanable: every segment but the active one, up to the first one younger than min.compaction.lag.ms.
  const cleanable: Segment[] = []
  for (const seg of all.slice(0, -1)) {
    if (now - seg.largestTimestamp < cfg.minCompactionLagMs) break
    cleanable.push(seg)
  }
  if (cleanable.length === 0) return null
  const firstDirty = firstDirtyOffsets.get(log) ?? -1n
  let dirty = opts.force ? cleanable : cleanable.filter((s) => s.baseOffset >= firstDirty)
  if (dirty.length === 0) return null
  const total = cleanable.reduce((n, s) => n + s.size, 0)
  const dirtyBytes = dirty.reduce((n, s) => n + s.size, 0)
  const overdue = dirty.some((s) => now - s.largestTimestamp >= cfg.maxCompactionLagMs)
  if (!opts.force && !overdue && (total === 0 || dirtyBytes / total < cfg.minCleanableDirtyRatio)) return null

  // Segments reaching into an undecided transaction stay out (Kafka's first uncleanable offset).
  const txns = await scanTransactions(log)
  const unstable = log.lastStableOffset < log.highWatermark ? log.lastStableOffset : -1n
  const bound = minOffset(txns.firstUnstableOffset, unstable)
  if (bound >= 0n) {
    while (cleanable.length > 0 && (cleanable[cleanable.length - 1] as Segment).nextOffset > bound)
      cleanable.pop()
    dirty = dirty.filter((s) => cleanable.includes(s))
    if (dirty.length === 0) return null
  }

  // The key map is bounded (Kafka's dedupe buffer): when it fills, only the segments mapped so far are
  // cleaned. Removing a record needs a newer one for its key, and a mapped newer record is never removed.
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS
  const latest = new Map<string, bigint>()
  let mappedUpTo = 0
  for (const seg of dirty) {
    if (latest.size >= maxKeys) break
    mappedUpTo++
    for await (const { buf, pos, size } of batchesWithData(seg)) {
      const attrs = attributesAt(buf, pos)
      if ((attrs & ATTR_CONTROL) !== 0) continue
      if (
        (attrs & ATTR_TRANSACTIONAL) !== 0 &&
        txns.isAborted(producerIdAt(buf, pos), buf.readBigInt64BE(pos))
      )
        continue
      const records = await recordsOf(buf, pos, size)
      if (!records) continue
      const base = buf.readBigInt64BE(pos)
      for (const r of iterateRecords(records, recordCountAt(buf, pos)))
        if (r.key) latest.set(r.key.toString('latin1'), base + BigInt(r.offsetDelta))
    }
  }

  const result: CompactionResult = {
    topic: log.topic,
    partition: log.partition,
    segmentsCleaned: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    recordsRemoved: 0,
  }
  const tombstoneHorizon = now - cfg.deleteRetentionMs
  const lastMapped = dirty[mappedUpTo - 1] as Segment
  const toClean = cleanable.slice(0, cleanable.indexOf(lastMapped) + 1)
  const round: CleaningRound = { latest, txns, txnDataSeen: new Set(), lastMarker: new Map() }
  for (const seg of toClean) {
    const cleanedPath = segmentFile(seg.dir, seg.baseOffset, LOG_SUFFIX + CLEANED_SUFFIX)
    const { bytes, removed, discarded } = await writeCleaned(seg, cleanedPath, round, tombstoneHorizon)
    if (removed === 0) {
      await rm(cleanedPath, { force: true })
      continue
    }
    // Before the swap, so that a crash never leaves an index entry or a snapshot naming a marker that is gone.
    if (discarded.length > 0) await forgetDiscardedMarkers(log, discarded)
    // The cleaned segment keeps the original's modification time, which retention and lag checks use.
    const mtime = new Date(seg.lastModified)
    await utimes(cleanedPath, mtime, mtime)
    const swapped = await log.exclusive(async () => {
      if (!log.segmentList.includes(seg) || log.offline || log.closed) return false
      const swapPath = segmentFile(seg.dir, seg.baseOffset, LOG_SUFFIX + SWAP_SUFFIX)
      await rename(cleanedPath, swapPath)
      await syncDir(seg.dir)
      await log.retireSegment(seg, async () => {
        await rename(swapPath, segmentFile(seg.dir, seg.baseOffset, LOG_SUFFIX))
        const { segment } = await Segment.load(
          seg.dir,
          seg.baseOffset,
          log.cache,
          log.config.indexIntervalBytes,
        )
        await segment.recover(log.config.indexIntervalBytes, -1n)
        await segment.flush()
        return segment
      })
      return true
    })
    if (!swapped) {
      await rm(cleanedPath, { force: true })
      continue
    }
    result.segmentsCleaned++
    result.bytesBefore += seg.size
    result.bytesAfter += bytes
    result.recordsRemoved += removed
  }
  firstDirtyOffsets.set(log, lastMapped.nextOffset)
  return result
}

/** A transaction marker that compaction leaves out. */
interface DiscardedMarker {
  producerId: bigint
  /** The producer's previous marker in the log (-1: none): the discarded one closed what came after it. */
  after: bigint
  offset: bigint
  abort: boolean
}

/** State carried through one run's segments, oldest first. */
interface CleaningRound {
  latest: Map<string, bigint>
  txns: TxnScan
  /** Producers with transactional data passed since their last marker: that marker must stay. */
  txnDataSeen: Set<bigint>
  /** The last marker passed per producer. */
  lastMarker: Map<bigint, bigint>
}

/**
 * Writes the kept batches of `seg` to `path` and fsyncs it; returns its size, the records removed and the
 * markers left out.
 */
async function writeCleaned(
  seg: Segment,
  path: string,
  round: CleaningRound,
  tombstoneHorizon: number,
): Promise<{ bytes: number; removed: number; discarded: DiscardedMarker[] }> {
  const fh = await open(path, 'w')
  let written = 0
  let removed = 0
  const discarded: DiscardedMarker[] = []
  const keepTombstones = seg.largestTimestamp > tombstoneHorizon
  try {
    for await (const { buf, pos, size } of batchesWithData(seg)) {
      const out = await cleanBatch(buf, pos, size, round, keepTombstones, discarded)
      removed += out.removed
      if (!out.batch) continue
      await fh.write(out.batch, 0, out.batch.length, written)
      written += out.batch.length
    }
    await fh.sync()
  } finally {
    await fh.close()
  }
  return { bytes: written, removed, discarded }
}

interface CleanedBatch {
  batch: Buffer | null
  removed: number
}

async function cleanBatch(
  buf: Buffer,
  pos: number,
  size: number,
  round: CleaningRound,
  keepTombstones: boolean,
  discarded: DiscardedMarker[],
): Promise<CleanedBatch> {
  const whole = buf.subarray(pos, pos + size)
  const attrs = attributesAt(buf, pos)
  const count = recordCountAt(buf, pos)
  const base = buf.readBigInt64BE(pos)
  const producerId = producerIdAt(buf, pos)
  const lastOfProducer = producerId >= 0n && round.txns.lastBatchOfProducer.get(producerId) === base
  if ((attrs & ATTR_CONTROL) !== 0) {
    const hadData = round.txnDataSeen.delete(producerId)
    const after = round.lastMarker.get(producerId) ?? -1n
    round.lastMarker.set(producerId, base)
    const type = controlType(buf, pos, size)
    if (hadData || keepTombstones || lastOfProducer || type === null) return { batch: whole, removed: 0 }
    discarded.push({ producerId, after, offset: base, abort: type === 'abort' })
    return { batch: null, removed: count }
  }
  if ((attrs & ATTR_TRANSACTIONAL) !== 0) {
    round.txnDataSeen.add(producerId)
    if (round.txns.isAborted(producerId, base)) {
      if (count === 0) return { batch: lastOfProducer ? whole : null, removed: 0 }
      return { batch: lastOfProducer ? emptyBatch(whole) : null, removed: count }
    }
  }
  const records = await recordsOf(buf, pos, size)
  if (!records) return { batch: whole, removed: 0 }
  const kept: Buffer[] = []
  let removed = 0
  for (const r of iterateRecords(records, count)) {
    const offset = base + BigInt(r.offsetDelta)
    const newest = r.key ? round.latest.get(r.key.toString('latin1')) : undefined
    const superseded = newest !== undefined && newest > offset
    if (superseded || (r.valueIsNull && !keepTombstones)) removed++
    else kept.push(records.subarray(r.start, r.end))
  }
  if (removed === 0) return { batch: whole, removed: 0 }
  if (kept.length === 0) {
    // Kafka keeps an empty batch for a producer's last batch, so that its sequence and epoch survive
    // (producer state is rebuilt from batch headers).
    return { batch: lastOfProducer ? emptyBatch(whole) : null, removed }
  }
  // Same base offset, timestamps and lastOffsetDelta (the batch keeps its offset range); fewer records.
  const codec = COMPRESSION_NAMES[attrs & ATTR_COMPRESSION_MASK] ?? 'none'
  const payload = await compress(codec, Buffer.concat(kept))
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length)
  whole.copy(out, 0, 0, BATCH_HEADER_SIZE)
  payload.copy(out, BATCH_HEADER_SIZE)
  out.writeInt32BE(out.length - LOG_OVERHEAD, OFF_BATCH_LENGTH)
  out.writeInt32BE(kept.length, OFF_RECORD_COUNT)
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), OFF_CRC)
  return { batch: out, removed }
}

/** The header of `batch` alone: no records, no compression, same offsets and producer fields. */
function emptyBatch(batch: Buffer): Buffer {
  const out = Buffer.from(batch.subarray(0, BATCH_HEADER_SIZE))
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, OFF_BATCH_LENGTH)
  out.writeInt16BE(out.readInt16BE(OFF_ATTRIBUTES) & ~ATTR_COMPRESSION_MASK, OFF_ATTRIBUTES)
  out.writeInt32BE(0, OFF_RECORD_COUNT)
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), OFF_CRC)
  return out
}

/** The uncompressed records section of a batch, or null when it cannot be inflated safely (kept as is). */
async function recordsOf(buf: Buffer, pos: number, size: number): Promise<Buffer | null> {
  const codec = COMPRESSION_NAMES[attributesAt(buf, pos) & ATTR_COMPRESSION_MASK]
  if (!codec) return null
  const payload = buf.subarray(pos + BATCH_HEADER_SIZE, pos + size)
  if (codec === 'none') return payload
  try {
    return await decompress(codec, payload, MAX_INFLATED_BATCH)
  } catch {
    return null
  }
}

function producerIdAt(buf: Buffer, pos: number): bigint {
  return buf.readBigInt64BE(pos + OFF_PRODUCER_ID)
}

function minOffset(a: bigint, b: bigint): bigint {
  if (a < 0n) return b
  if (b < 0n) return a
  return a < b ? a : b
}

/** The type of a control batch's marker (version int16, type int16 key), or null when unreadable. */
function controlType(buf: Buffer, pos: number, size: number): 'commit' | 'abort' | null {
  if ((attributesAt(buf, pos) & ATTR_COMPRESSION_MASK) !== 0 || recordCountAt(buf, pos) < 1) return null
  const records = buf.subarray(pos + BATCH_HEADER_SIZE, pos + size)
  try {
    for (const r of iterateRecords(records, 1)) {
      if (r.key === null || r.key.length < 4) return null
      const type = r.key.readInt16BE(2)
      return type === 1 ? 'commit' : type === 0 ? 'abort' : null
    }
  } catch {
    return null
  }
  return null
}

/** What one pass over the whole log tells compaction about transactions. */
interface TxnScan {
  /** First offset of the earliest transaction without a marker yet, or -1. */
  firstUnstableOffset: bigint
  /** Base offset of each producer's last data batch, or of its last marker when it has no data left. */
  lastBatchOfProducer: Map<bigint, bigint>
  /** True for a transactional batch of `producerId` at `offset` that belongs to an aborted transaction. */
  isAborted(producerId: bigint, offset: bigint): boolean
}

async function scanTransactions(log: PartitionLog): Promise<TxnScan> {
  const start = log.logStartOffset
  const open = new Map<bigint, bigint>()
  /** Per producer: [first offset, marker offset] of each aborted transaction, in log order. */
  const aborted = new Map<bigint, [bigint, bigint][]>()
  const lastData = new Map<bigint, bigint>()
  const lastControl = new Map<bigint, bigint>()
  for (const seg of log.segmentList.slice()) {
    for await (const { buf, pos, size } of batchesWithData(seg)) {
      const producerId = producerIdAt(buf, pos)
      if (producerId < 0n || lastOffsetAt(buf, pos) < start) continue
      const base = buf.readBigInt64BE(pos)
      const attrs = attributesAt(buf, pos)
      if ((attrs & ATTR_CONTROL) !== 0) {
        lastControl.set(producerId, base)
        const first = open.get(producerId)
        if (first === undefined) continue
        open.delete(producerId)
        if (controlType(buf, pos, size) === 'abort') {
          let list = aborted.get(producerId)
          if (list === undefined) aborted.set(producerId, (list = []))
          list.push([first, base])
        }
      } else {
        lastData.set(producerId, base)
        if ((attrs & ATTR_TRANSACTIONAL) !== 0 && !open.has(producerId)) open.set(producerId, base)
      }
    }
  }
  let firstUnstableOffset = -1n
  for (const first of open.values()) firstUnstableOffset = minOffset(firstUnstableOffset, first)
  const lastBatchOfProducer = new Map(lastData)
  for (const [producerId, offset] of lastControl)
    if (!lastBatchOfProducer.has(producerId)) lastBatchOfProducer.set(producerId, offset)
  return {
    firstUnstableOffset,
    lastBatchOfProducer,
    isAborted: (producerId, offset) => {
      const list = aborted.get(producerId)
      if (list === undefined) return false
      // A producer's transactions do not overlap: the first one whose marker is above `offset` decides.
      let lo = 0
      let hi = list.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((list[mid] as [bigint, bigint])[1] <= offset) lo = mid + 1
        else hi = mid
      }
      const range = list[lo]
      return range !== undefined && range[0] <= offset
    },
  }
}

/** Drops the aborted-index entries of discarded abort markers and the snapshots that predate the markers. */
async function forgetDiscardedMarkers(
  log: PartitionLog,
  discarded: readonly DiscardedMarker[],
): Promise<void> {
  const aborts = discarded.filter((d) => d.abort)
  if (aborts.length > 0) {
    const index = await abortedIndexOf(log)
    await index.remove((e) =>
      aborts.some((d) => d.producerId === e.producerId && e.lastOffset > d.after && e.lastOffset <= d.offset),
    )
  }
  let last = -1n
  for (const d of discarded) if (d.offset > last) last = d.offset
  await deleteSnapshotsUpTo(log.dir, last)
}

/** Every batch of `seg` with its bytes, read in chunks of about 1 MiB. */
export async function* batchesWithData(
  seg: Segment,
): AsyncGenerator<{ buf: Buffer; pos: number; size: number }> {
  let filePos = 0
  while (filePos < seg.size) {
    const chunk = await seg.read(filePos, Math.min(READ_CHUNK, seg.size - filePos))
    let p = 0
    while (p + LOG_OVERHEAD <= chunk.length) {
      const size = chunk.readInt32BE(p + OFF_BATCH_LENGTH) + LOG_OVERHEAD
      if (size < BATCH_HEADER_SIZE) return
      if (p + size > chunk.length) {
        if (p > 0) break
        yield { buf: await seg.read(filePos, size), pos: 0, size }
        p = size
        break
      }
      yield { buf: chunk, pos: p, size }
      p += size
    }
    if (p === 0) return
    filePos += p
  }
}
