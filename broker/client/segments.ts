// Segment inspection for the bundled broker, read-only from its data directory, like kafka-dump-log:
// the segment files of a partition, their index entries, and the batches of a segment, page by page.
// Files are read with positional reads into small buffers; a segment is never loaded whole.
import { open, readdir, stat, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  compressionOf,
  computeBatchCrc,
  readBatchHeader,
} from '../protocol/records/batch-header.ts'
import {
  INDEX_SUFFIX,
  LOG_SUFFIX,
  TIME_INDEX_SUFFIX,
  offsetFileStem,
  parseSegmentFileName,
} from '../storage/file-names.ts'
import { AdminError } from './errors.ts'
import type { SegmentBatch, SegmentBatchPage, SegmentIndexPage, SegmentInfo } from './types.ts'

export type { SegmentBatch, SegmentBatchPage, SegmentIndexPage, SegmentInfo }

const SCAN_CHUNK = 64 * 1024
const MAX_BATCH_BYTES = 64 * 1024 * 1024

function partitionDir(dataDir: string, topic: string, partition: number): string {
  return path.join(dataDir, `${topic}-${partition}`)
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch {
    return 0
  }
}

async function openReadOnly(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AdminError('not-found', `No such segment file: ${file}`)
    throw new AdminError('internal', `Cannot read ${file}: ${(error as Error).message}`)
  }
}

/**
 * Walks the batch headers of a .log file from `position`, reading in chunks; calls `visit` with each
 * header's bytes (BATCH_HEADER_SIZE of them). Stops at the end, at a bad header, or when visit says so.
 */
async function walkHeaders(
  handle: FileHandle,
  fileSize: number,
  position: number,
  visit: (header: Buffer, position: number, size: number) => boolean | Promise<boolean>,
): Promise<{ next: number | null; problem: string | null }> {
  const chunk = Buffer.alloc(SCAN_CHUNK)
  let pos = position
  while (pos < fileSize) {
    if (fileSize - pos < BATCH_HEADER_SIZE)
      return { next: null, problem: `${fileSize - pos} trailing bytes at ${pos}` }
    const { bytesRead } = await handle.read(chunk, 0, Math.min(SCAN_CHUNK, fileSize - pos), pos)
    let local = 0
    while (local + BATCH_HEADER_SIZE <= bytesRead) {
      const size = chunk.readInt32BE(local + 8) + LOG_OVERHEAD
      if (size < BATCH_HEADER_SIZE || size > MAX_BATCH_BYTES)
        return { next: null, problem: `bad batch size ${size} at ${pos + local}` }
      if (chunk.readInt8(local + 16) !== MAGIC_V2)
        return { next: null, problem: `unsupported magic ${chunk.readInt8(local + 16)} at ${pos + local}` }
      if (pos + local + size > fileSize) return { next: null, problem: `truncated batch at ${pos + local}` }
      const keepGoing = await visit(chunk.subarray(local, local + BATCH_HEADER_SIZE), pos + local, size)
      local += size
      if (!keepGoing) return { next: pos + local < fileSize ? pos + local : null, problem: null }
    }
    pos += local
    // A batch header that straddles the chunk end is re-read at the start of the next chunk.
    if (local === 0 && bytesRead < BATCH_HEADER_SIZE) break
  }
  return { next: null, problem: null }
}

/** The segments of one partition, oldest first, with counts and timestamps from a header-only scan. */
export async function listSegments(
  dataDir: string,
  topic: string,
  partition: number,
): Promise<SegmentInfo[]> {
  const dir = partitionDir(dataDir, topic, partition)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    throw new AdminError('not-found', `No data for ${topic}-${partition} in ${dataDir}.`)
  }
  const bases = names
    .map((n) => parseSegmentFileName(n, LOG_SUFFIX))
    .filter((b): b is bigint => b !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const segments: SegmentInfo[] = []
  for (const base of bases) {
    const stem = path.join(dir, offsetFileStem(base))
    const logFile = stem + LOG_SUFFIX
    const logBytes = await sizeOf(logFile)
    let batchCount = 0
    let recordCount = 0
    let firstTimestamp: number | null = null
    let lastTimestamp: number | null = null
    let lastOffset: bigint | null = null
    const handle = await openReadOnly(logFile)
    let problem: string | null
    try {
      ;({ problem } = await walkHeaders(handle, logBytes, 0, (header) => {
        const h = readBatchHeader(header)
        batchCount++
        recordCount += h.recordCount
        if (firstTimestamp === null) firstTimestamp = Number(h.baseTimestamp)
        lastTimestamp = Number(h.maxTimestamp)
        lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta)
        return true
      }))
    } finally {
      await handle.close()
    }
    segments.push({
      baseOffset: base.toString(),
      lastOffset: lastOffset === null ? null : String(lastOffset),
      logBytes,
      indexBytes: await sizeOf(stem + INDEX_SUFFIX),
      timeIndexBytes: await sizeOf(stem + TIME_INDEX_SUFFIX),
      batchCount,
      recordCount,
      firstTimestamp,
      lastTimestamp,
      problem,
    })
  }
  return segments
}

/** One page of batches of a segment, starting at a byte position, with each batch's CRC checked. */
export async function readSegmentBatches(
  dataDir: string,
  spec: { topic: string; partition: number; baseOffset: string; position: number; limit: number },
): Promise<SegmentBatchPage> {
  const file = path.join(
    partitionDir(dataDir, spec.topic, spec.partition),
    offsetFileStem(BigInt(spec.baseOffset)) + LOG_SUFFIX,
  )
  const handle = await openReadOnly(file)
  try {
    const fileSize = (await handle.stat()).size
    const batches: SegmentBatch[] = []
    const { next, problem } = await walkHeaders(
      handle,
      fileSize,
      spec.position,
      async (header, position, size) => {
        const h = readBatchHeader(header)
        // Only this batch is read to check its CRC.
        const whole = Buffer.alloc(size)
        await handle.read(whole, 0, size, position)
        batches.push({
          position,
          baseOffset: h.baseOffset.toString(),
          lastOffset: (h.baseOffset + BigInt(h.lastOffsetDelta)).toString(),
          sizeBytes: size,
          recordCount: h.recordCount,
          magic: h.magic,
          crc: h.crc,
          crcValid: computeBatchCrc(whole, 0, size) === h.crc,
          compression: compressionOf(h.attributes) ?? `unknown (${h.attributes & 0x07})`,
          timestampType: (h.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0 ? 'log-append' : 'create',
          firstTimestamp: Number(h.baseTimestamp),
          maxTimestamp: Number(h.maxTimestamp),
          producerId: h.producerId.toString(),
          producerEpoch: h.producerEpoch,
          baseSequence: h.baseSequence,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          transactional: (h.attributes & ATTR_TRANSACTIONAL) !== 0,
          control: (h.attributes & ATTR_CONTROL) !== 0,
        })
        return batches.length < spec.limit
      },
    )
    return { batches, nextPosition: next, problem }
  } finally {
    await handle.close()
  }
}

/**
 * Entries of a segment's offset index (.index: relative offset, position) or time index (.timeindex:
 * timestamp, relative offset). Index files may be preallocated: a zero entry after the first ends them.
 */
export async function readSegmentIndex(
  dataDir: string,
  spec: {
    topic: string
    partition: number
    baseOffset: string
    kind: 'offset' | 'time'
    from: number
    limit: number
  },
): Promise<SegmentIndexPage> {
  const base = BigInt(spec.baseOffset)
  const suffix = spec.kind === 'offset' ? INDEX_SUFFIX : TIME_INDEX_SUFFIX
  const entrySize = spec.kind === 'offset' ? 8 : 12
  const file = path.join(partitionDir(dataDir, spec.topic, spec.partition), offsetFileStem(base) + suffix)
  const handle = await openReadOnly(file)
  try {
    const total = Math.floor((await handle.stat()).size / entrySize)
    const count = Math.max(0, Math.min(spec.limit, total - spec.from))
    const buf = Buffer.alloc(count * entrySize)
    if (count > 0) await handle.read(buf, 0, buf.length, spec.from * entrySize)
    const entries: SegmentIndexPage['entries'] = []
    for (let i = 0; i < count; i++) {
      const at = i * entrySize
      const number = spec.from + i
      if (spec.kind === 'offset') {
        const relative = buf.readInt32BE(at)
        const position = buf.readInt32BE(at + 4)
        if (number > 0 && relative === 0 && position === 0) return { kind: spec.kind, entries, next: null }
        entries.push({ offset: (base + BigInt(relative)).toString(), position, timestamp: null })
      } else {
        const timestamp = buf.readBigInt64BE(at)
        const relative = buf.readInt32BE(at + 8)
        if (number > 0 && timestamp === 0n && relative === 0) return { kind: spec.kind, entries, next: null }
        entries.push({
          offset: (base + BigInt(relative)).toString(),
          position: null,
          timestamp: Number(timestamp),
        })
      }
    }
    const next = spec.from + count
    return { kind: spec.kind, entries, next: next < total ? next : null }
  } finally {
    await handle.close()
  }
}
