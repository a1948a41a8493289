// Producer state snapshots, in Kafka's `<20-digit offset>.snapshot` format (version 1), so Kafka's tools
// read them:
//   version int16 | crc uint32 (CRC-32C of everything after it) | entry count int32 | entries:
//   producerId int64 | epoch int16 | lastSequence int32 | lastOffset int64 | offsetDelta int32 |
//   timestamp int64 | coordinatorEpoch int32 | currentTxnFirstOffset int64
// A snapshot at offset N holds the state after every batch below N; recovery replays the batches from N.
// Like Kafka's, the format keeps only the last batch of each producer.
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32c } from '../protocol/records/crc32c.ts'
import { SNAPSHOT_SUFFIX, snapshotOffsets } from '../storage/segment-siblings.ts'
import { entryFromSnapshot, NO_SEQUENCE, type ProducerEntry } from './producer-state.ts'

export const SNAPSHOT_VERSION = 1
const HEADER_SIZE = 10
const ENTRY_SIZE = 46

export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError'
}

export function snapshotFileName(offset: bigint): string {
  return `${offset.toString().padStart(20, '0')}${SNAPSHOT_SUFFIX}`
}

export function encodeSnapshot(entries: Iterable<ProducerEntry>): Buffer {
  const list = [...entries]
  const buf = Buffer.alloc(HEADER_SIZE + ENTRY_SIZE * list.length)
  buf.writeInt16BE(SNAPSHOT_VERSION, 0)
  buf.writeInt32BE(list.length, 6)
  let pos = HEADER_SIZE
  for (const e of list) {
    const last = e.batches.at(-1)
    buf.writeBigInt64BE(e.producerId, pos)
    buf.writeInt16BE(e.epoch, pos + 8)
    buf.writeInt32BE(last?.lastSeq ?? NO_SEQUENCE, pos + 10)
    buf.writeBigInt64BE(last?.lastOffset ?? -1n, pos + 14)
    buf.writeInt32BE(last === undefined ? 0 : Number(last.lastOffset - last.firstOffset), pos + 22)
    buf.writeBigInt64BE(last?.timestamp ?? e.lastTimestamp, pos + 26)
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34)
    buf.writeBigInt64BE(e.currentTxnFirstOffset, pos + 38)
    pos += ENTRY_SIZE
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2)
  return buf
}

export function decodeSnapshot(buf: Buffer): ProducerEntry[] {
  if (buf.length < HEADER_SIZE) throw new SnapshotFormatError(`snapshot of ${buf.length} bytes is truncated`)
  const version = buf.readInt16BE(0)
  if (version !== SNAPSHOT_VERSION) throw new SnapshotFormatError(`unknown snapshot version ${version}`)
  if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) throw new SnapshotFormatError('snapshot CRC mismatch')
  const count = buf.readInt32BE(6)
  if (count < 0 || HEADER_SIZE + count * ENTRY_SIZE !== buf.length) {
    throw new SnapshotFormatError(`snapshot claims ${count} entries in ${buf.length} bytes`)
  }
  const entries: ProducerEntry[] = []
  for (let i = 0, pos = HEADER_SIZE; i < count; i++, pos += ENTRY_SIZE) {
    entries.push(
      entryFromSnapshot({
        producerId: buf.readBigInt64BE(pos),
        epoch: buf.readInt16BE(pos + 8),
        lastSequence: buf.readInt32BE(pos + 10),
        lastOffset: buf.readBigInt64BE(pos + 14),
        offsetDelta: buf.readInt32BE(pos + 22),
        timestamp: buf.readBigInt64BE(pos + 26),
        coordinatorEpoch: buf.readInt32BE(pos + 34),
        currentTxnFirstOffset: buf.readBigInt64BE(pos + 38),
      }),
    )
  }
  return entries
}

/** Writes the snapshot for `offset` atomically: temp file, fsync, rename. */
export async function writeSnapshot(
  dir: string,
  offset: bigint,
  entries: Iterable<ProducerEntry>,
): Promise<void> {
  const file = join(dir, snapshotFileName(offset))
  const tmp = `${file}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(encodeSnapshot(entries))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, file)
}

export interface LoadedSnapshot {
  offset: bigint
  entries: ProducerEntry[]
}

/**
 * The newest readable snapshot at or below `maxOffset`. Snapshots above it (the log was truncated in
 * recovery) and unreadable ones are deleted, so they can never be used later.
 */
export async function loadLatestSnapshot(
  dir: string,
  maxOffset: bigint,
): Promise<LoadedSnapshot | undefined> {
  const offsets = await snapshotOffsets(dir)
  for (let i = offsets.length - 1; i >= 0; i--) {
    const offset = offsets[i] as bigint
    const file = join(dir, snapshotFileName(offset))
    if (offset > maxOffset) {
      await unlink(file)
      continue
    }
    try {
      return { offset, entries: decodeSnapshot(await readFile(file)) }
    } catch (err) {
      if (!(err instanceof SnapshotFormatError)) throw err
      await unlink(file)
    }
  }
  return undefined
}

/** Deletes all but the newest `keep` snapshots. */
export async function pruneSnapshots(dir: string, keep: number): Promise<void> {
  const offsets = await snapshotOffsets(dir)
  for (const offset of offsets.slice(0, Math.max(0, offsets.length - keep))) {
    await unlink(join(dir, snapshotFileName(offset))).catch(() => undefined)
  }
}
