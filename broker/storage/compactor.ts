// Log compaction (cleanup.policy=compact): keeps the last record per key in the segments before the active
// one, the way Kafka's cleaner does, with its crash-safe file dance:
//   1. each cleanable segment is rewritten to `<base>.log.cleaned` (fsynced) without the log lock;
//   2. under the log lock: `.cleaned` -> `.log.swap`, the old segment -> `.deleted`, `.swap` -> `.log`,
//      indexes rebuilt; the old files are unlinked after file.delete.delay.ms.
// A crash in step 1 leaves a `.cleaned` file, dropped at open (the original is intact); a crash in step 2
// leaves a `.swap`, which open() completes. Segments are rewritten one to one (same base offset), so a swap
// always names the one segment it replaces.
// Rules: tombstones (null values) are kept while their segment is younger than delete.retention.ms;
// batches with the transactional bit are kept untouched, except COMMIT markers older than
// delete.retention.ms (their records stay visible without them); min.compaction.lag.ms keeps young segments
// out; min.cleanable.dirty.ratio decides when to run, max.compaction.lag.ms forces a run.
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
import { attributesAt, recordCountAt } from './batch-scan.ts'
import { syncDir } from './checkpoint.ts'
import { CLEANED_SUFFIX, LOG_SUFFIX, SWAP_SUFFIX, segmentFile } from './file-names.ts'
import type { PartitionLog } from './partition-log.ts'
import { iterateRecords } from './record-scan.ts'
import { Segment } from './segment.ts'

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
  const dirty = opts.force ? cleanable : cleanable.filter((s) => s.baseOffset >= firstDirty)
  if (dirty.length === 0) return null
  const total = cleanable.reduce((n, s) => n + s.size, 0)
  const dirtyBytes = dirty.reduce((n, s) => n + s.size, 0)
  const overdue = dirty.some((s) => now - s.largestTimestamp >= cfg.maxCompactionLagMs)
  if (!opts.force && !overdue && (total === 0 || dirtyBytes / total < cfg.minCleanableDirtyRatio)) return null

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
      if ((attrs & (ATTR_TRANSACTIONAL | ATTR_CONTROL)) !== 0) continue
      const records = await recordsOf(buf, pos, size)
      if (!records) continue
      const base = buf.readBigInt64BE(pos)
      for (const r of iterateRecords(records, recordCountAt(buf, pos)))
        if (r.key) latest.set(r.key.toString('latin1'), base + BigInt(r.offsetDelta))
    }
  }

  // Kafka keeps an empty batch when compaction removes every record of a producer's last batch, so that
  // the producer's sequence survives (producer state is rebuilt from batch headers).
  const lastBatchOfProducer = new Map<bigint, bigint>()
  for await (const b of log.batchHeaders(log.logStartOffset))
    if (b.producerId >= 0n) lastBatchOfProducer.set(b.producerId, b.baseOffset)

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
  for (const seg of toClean) {
    const cleanedPath = segmentFile(seg.dir, seg.baseOffset, LOG_SUFFIX + CLEANED_SUFFIX)
    const { bytes, removed } = await writeCleaned(
      seg,
      cleanedPath,
      latest,
      tombstoneHorizon,
      lastBatchOfProducer,
    )
    if (removed === 0) {
      await rm(cleanedPath, { force: true })
      continue
    }
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

/** Writes the kept batches of `seg` to `path` and fsyncs it; returns its size and the records removed. */
async function writeCleaned(
  seg: Segment,
  path: string,
  latest: Map<string, bigint>,
  tombstoneHorizon: number,
  lastBatchOfProducer: Map<bigint, bigint>,
): Promise<{ bytes: number; removed: number }> {
  const fh = await open(path, 'w')
  let written = 0
  let removed = 0
  const keepTombstones = seg.largestTimestamp > tombstoneHorizon
  try {
    for await (const { buf, pos, size } of batchesWithData(seg)) {
      const out = await cleanBatch(buf, pos, size, latest, keepTombstones, lastBatchOfProducer)
      removed += out.removed
      if (!out.batch) continue
      await fh.write(out.batch, 0, out.batch.length, written)
      written += out.batch.length
    }
    await fh.sync()
  } finally {
    await fh.close()
  }
  return { bytes: written, removed }
}

interface CleanedBatch {
  batch: Buffer | null
  removed: number
}

async function cleanBatch(
  buf: Buffer,
  pos: number,
  size: number,
  latest: Map<string, bigint>,
  keepTombstones: boolean,
  lastBatchOfProducer: Map<bigint, bigint>,
): Promise<CleanedBatch> {
  const whole = buf.subarray(pos, pos + size)
  const attrs = attributesAt(buf, pos)
  const count = recordCountAt(buf, pos)
  if ((attrs & ATTR_TRANSACTIONAL) !== 0) {
    if ((attrs & ATTR_CONTROL) !== 0 && !keepTombstones && isCommitMarker(buf, pos, size))
      return { batch: null, removed: count }
    return { batch: whole, removed: 0 }
  }
  const records = await recordsOf(buf, pos, size)
  if (!records) return { batch: whole, removed: 0 }
  const base = buf.readBigInt64BE(pos)
  const kept: Buffer[] = []
  let removed = 0
  for (const r of iterateRecords(records, count)) {
    const offset = base + BigInt(r.offsetDelta)
    const newest = r.key ? latest.get(r.key.toString('latin1')) : undefined
    const superseded = newest !== undefined && newest > offset
    if (superseded || (r.valueIsNull && !keepTombstones)) removed++
    else kept.push(records.subarray(r.start, r.end))
  }
  if (removed === 0) return { batch: whole, removed: 0 }
  if (kept.length === 0) {
    const producerId = buf.readBigInt64BE(pos + OFF_PRODUCER_ID)
    if (producerId < 0n || lastBatchOfProducer.get(producerId) !== base) return { batch: null, removed }
    return { batch: emptyBatch(whole), removed }
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

function isCommitMarker(buf: Buffer, pos: number, size: number): boolean {
  if ((attributesAt(buf, pos) & ATTR_COMPRESSION_MASK) !== 0) return false
  const records = buf.subarray(pos + BATCH_HEADER_SIZE, pos + size)
  try {
    for (const r of iterateRecords(records, 1))
      return r.key !== null && r.key.length >= 4 && r.key.readInt16BE(2) === 1
  } catch {
    return false
  }
  return false
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
