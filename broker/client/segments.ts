// Segment inspection for the bundled broker, read-only from its data directory, like kafka-dump-log:
// the segment files of a partition, their index entries, and the batches of a segment, page by page.
// A thin adapter over the storage's SegmentReader (which reads in pages and never loads a segment whole):
// it checks the request, keeps every path inside the data directory, and shapes results for the console.
import path from 'node:path'
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, offsetFileStem } from '../storage/file-names.ts'
import {
  SegmentReader,
  listSegments as listSegmentFiles,
  readOffsetIndex,
  readTimeIndex,
  type BatchSummary,
} from '../storage/segment-reader.ts'
import { AdminError } from './errors.ts'
import type { SegmentBatch, SegmentBatchPage, SegmentIndexPage, SegmentInfo } from './types.ts'

export type { SegmentBatch, SegmentBatchPage, SegmentIndexPage, SegmentInfo }

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/

function invalid(message: string): never {
  throw new AdminError('invalid-argument', message)
}

function whole(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    invalid(`${name} must be a whole number of at least ${min}.`)
  return value
}

/** The partition's directory, refused unless it is a direct child of the data directory. */
function partitionDir(dataDir: string, topic: string, partition: number): string {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') invalid(`Invalid topic name: ${topic}`)
  whole(partition, 'A partition', 0)
  const root = path.resolve(dataDir)
  const dir = path.resolve(root, `${topic}-${partition}`)
  if (path.dirname(dir) !== root) invalid(`${topic}-${partition} is not inside the data directory.`)
  return dir
}

/** A segment file of the partition, named by its base offset. */
function segmentFile(
  dataDir: string,
  spec: { topic: string; partition: number; baseOffset: string },
  suffix: string,
) {
  if (!/^\d{1,19}$/.test(spec.baseOffset) || BigInt(spec.baseOffset) > 0x7fffffffffffffffn)
    invalid(`Invalid segment base offset: ${spec.baseOffset}`)
  return path.join(
    partitionDir(dataDir, spec.topic, spec.partition),
    offsetFileStem(BigInt(spec.baseOffset)) + suffix,
  )
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}

/** Runs a read of `file`, turning file-system errors into AdminErrors. */
async function reading<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof AdminError) throw error
    if (isMissing(error)) throw new AdminError('not-found', `No such segment file: ${file}`)
    throw new AdminError('internal', `Cannot read ${file}: ${(error as Error).message}`)
  }
}

async function withReader<T>(file: string, use: (reader: SegmentReader) => Promise<T>): Promise<T> {
  return reading(file, async () => {
    const reader = await SegmentReader.open(file)
    try {
      return await use(reader)
    } finally {
      await reader.close()
    }
  })
}

/** The segments of one partition, oldest first, with counts and timestamps from a header-only scan. */
export async function listSegments(
  dataDir: string,
  topic: string,
  partition: number,
): Promise<SegmentInfo[]> {
  const dir = partitionDir(dataDir, topic, partition)
  let files
  try {
    files = await listSegmentFiles(dir)
  } catch {
    throw new AdminError('not-found', `No data for ${topic}-${partition} in ${dataDir}.`)
  }
  const segments: SegmentInfo[] = []
  for (const f of files) {
    let stats
    try {
      stats = await withReader(path.join(dir, f.log), (reader) => reader.stats())
    } catch (error) {
      // Deleted by retention since it was listed.
      if (error instanceof AdminError && error.code === 'not-found') continue
      throw error
    }
    segments.push({
      baseOffset: f.baseOffset.toString(),
      lastOffset: stats.lastOffset === null ? null : stats.lastOffset.toString(),
      logBytes: f.logBytes,
      indexBytes: f.indexBytes,
      timeIndexBytes: f.timeIndexBytes,
      batchCount: stats.batchCount,
      recordCount: stats.recordCount,
      firstTimestamp: stats.firstTimestamp === null ? null : Number(stats.firstTimestamp),
      lastTimestamp: stats.lastTimestamp === null ? null : Number(stats.lastTimestamp),
      problem: stats.problem,
    })
  }
  return segments
}

function toSegmentBatch(b: BatchSummary): SegmentBatch {
  return {
    position: b.position,
    baseOffset: b.baseOffset.toString(),
    lastOffset: b.lastOffset.toString(),
    sizeBytes: b.size,
    recordCount: b.recordCount,
    magic: b.magic,
    crc: b.crc,
    crcValid: b.crcValid === true,
    compression: b.compression,
    timestampType: b.timestampType === 'LogAppendTime' ? 'log-append' : 'create',
    firstTimestamp: Number(b.baseTimestamp),
    maxTimestamp: Number(b.maxTimestamp),
    producerId: b.producerId.toString(),
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    transactional: b.isTransactional,
    control: b.isControl,
  }
}

/** One page of batches of a segment, starting at a byte position, with each batch's CRC checked. */
export async function readSegmentBatches(
  dataDir: string,
  spec: { topic: string; partition: number; baseOffset: string; position: number; limit: number },
): Promise<SegmentBatchPage> {
  const file = segmentFile(dataDir, spec, LOG_SUFFIX)
  const fromPosition = whole(spec.position, 'A position', 0)
  const maxBatches = whole(spec.limit, 'A limit', 1)
  const page = await withReader(file, (reader) =>
    reader.readPage({ fromPosition, maxBatches, verifyCrc: true, requireV2: true }),
  )
  return { batches: page.batches.map(toSegmentBatch), nextPosition: page.nextPosition, problem: page.problem }
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
  const from = whole(spec.from, 'An entry number', 0)
  const limit = whole(spec.limit, 'A limit', 1)
  if (spec.kind === 'offset') {
    const file = segmentFile(dataDir, spec, INDEX_SUFFIX)
    const page = await reading(file, () => readOffsetIndex(file, from, limit))
    const entries = page.entries.map((e) => ({
      offset: e.offset.toString(),
      position: e.position,
      timestamp: null,
    }))
    return { kind: 'offset', entries, next: page.next }
  }
  if (spec.kind !== 'time') invalid(`Unknown index kind: ${String(spec.kind)}`)
  const file = segmentFile(dataDir, spec, TIME_INDEX_SUFFIX)
  const page = await reading(file, () => readTimeIndex(file, from, limit))
  const entries = page.entries.map((e) => ({
    offset: e.offset.toString(),
    position: null,
    timestamp: Number(e.timestamp),
  }))
  return { kind: 'time', entries, next: page.next }
}
