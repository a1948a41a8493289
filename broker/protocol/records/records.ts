// Decoding the records inside a v2 batch. This is per-record work, for the places that need record
// contents (compaction, the console's message browser, tests); the produce and fetch paths never call it.
//
// Record layout: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   key (varint length, -1 = null) | value (varint length, -1 = null) | header count varint |
//   headers: key (varint length + UTF-8) | value (varint length, -1 = null)
import { ATTR_CONTROL, ATTR_TIMESTAMP_LOG_APPEND, BATCH_HEADER_SIZE } from './batch-header.ts'
import type { BatchHeader } from './batch-header.ts'
import { BatchView, iterateBatches, validateBatch } from './batches.ts'
import { decompress, decompressSync } from './compression.ts'
import { corruptMessage, invalidRecord, RecordBatchError } from './errors.ts'
import { readVarint, readVarlong } from './varint.ts'
import type { Cursor } from './varint.ts'

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/**
 * One record as stored: deltas relative to the batch. `timestampDelta` is a number (it is a varlong on the
 * wire, but real deltas are far inside the safe-integer range; larger ones are refused as INVALID_RECORD).
 * Keys and values are views into the batch (or its decompressed payload), not copies.
 */
export interface Record {
  offsetDelta: number
  timestampDelta: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** A record with its absolute offset and timestamp (LOG_APPEND_TIME batches use maxTimestamp). */
export interface DecodedRecord extends Record {
  offset: bigint
  timestamp: bigint
}

export interface DecodedBatch {
  header: BatchHeader
  records: DecodedRecord[]
}

export interface DecodeOptions {
  /** Refuse to inflate a compressed batch beyond this many bytes (default DEFAULT_MAX_UNCOMPRESSED_BYTES). */
  maxUncompressedBytes?: number
}

/** Default decompression bound when the caller gives none. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024

export type ControlRecordType = 'abort' | 'commit' | 'unknown'

/** An end-transaction marker (or another control record type, reported as 'unknown'). */
export interface ControlRecord {
  type: ControlRecordType
  /** The raw type id from the key (0 abort, 1 commit; others are KRaft-internal types). */
  typeId: number
  version: number
  /** Only for abort/commit markers; -1 otherwise. */
  coordinatorEpoch: number
}

/** A record body has at least attributes, timestampDelta, offsetDelta, key, value and header count. */
const MIN_RECORD_BODY = 6

function readBytes(c: Cursor, what: string): Buffer | null {
  const len = readVarint(c)
  if (len === -1) return null
  if (len < -1) throw invalidRecord(`invalid ${what} length ${len}`)
  if (c.pos + len > c.end) throw invalidRecord(`${what} runs past the end of the record`)
  const out = c.buf.subarray(c.pos, c.pos + len)
  c.pos += len
  return out
}

function readRecord(c: Cursor): Record {
  const length = readVarint(c)
  if (length < MIN_RECORD_BODY || c.pos + length > c.end) {
    throw invalidRecord(`invalid record length ${length}`)
  }
  const recordEnd = c.pos + length
  const outerEnd = c.end
  c.end = recordEnd
  c.pos++ // attributes: unused in v2
  const timestampDelta = readVarlong(c)
  const offsetDelta = readVarint(c)
  const key = readBytes(c, 'key')
  const value = readBytes(c, 'value')
  const headerCount = readVarint(c)
  if (headerCount < 0) throw invalidRecord(`invalid header count ${headerCount}`)
  const headers: RecordHeader[] = []
  for (let i = 0; i < headerCount; i++) {
    const hkey = readBytes(c, 'header key')
    if (hkey === null) throw invalidRecord('header key is null')
    headers.push({ key: hkey.toString('utf8'), value: readBytes(c, 'header value') })
  }
  if (c.pos !== recordEnd) throw invalidRecord(`record declares ${length} bytes but its fields differ`)
  c.end = outerEnd
  return { offsetDelta, timestampDelta, key, value, headers }
}

/** Decodes `recordCount` records from an uncompressed records section, which they must fill exactly. */
export function decodeRecordsPayload(payload: Buffer, recordCount: number): Record[] {
  const c: Cursor = { buf: payload, pos: 0, end: payload.length }
  const records: Record[] = []
  for (let i = 0; i < recordCount; i++) {
    if (c.pos >= c.end) throw invalidRecord(`batch declares ${recordCount} records but holds ${i}`)
    records.push(readRecord(c))
  }
  if (c.pos !== c.end) throw invalidRecord(`${c.end - c.pos} bytes left after the last record`)
  return records
}

function limitOf(opts?: DecodeOptions): number {
  return opts?.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES
}

function codecOf(batch: BatchView): NonNullable<BatchView['compression']> {
  const codec = batch.compression
  if (codec === undefined) throw corruptMessage(`unknown compression codec in attributes ${batch.attributes}`)
  return codec
}

function checkRecordCount(batch: BatchView): number {
  const count = batch.recordCount
  if (count < 0) throw invalidRecord(`negative record count ${count}`)
  return count
}

/**
 * Decodes the records of one batch synchronously (decompressing inline if needed: meant for small batches
 * or code off the broker's event loop). Does not check the CRC; use validateBatch for that.
 */
export function decodeRecords(batch: BatchView, opts?: DecodeOptions): Record[] {
  const count = checkRecordCount(batch)
  const payload = decompressSync(codecOf(batch), batch.payload(), limitOf(opts))
  return decodeRecordsPayload(payload, count)
}

/**
 * Decodes the batch at buf[pos, pos + size) into records with absolute offsets and timestamps, decompressing
 * off the event loop. Does not check the CRC; use validateBatch for that.
 */
export async function readBatchRecords(
  buf: Buffer,
  pos: number,
  size: number,
  opts?: DecodeOptions,
): Promise<DecodedBatch> {
  if (size < BATCH_HEADER_SIZE || pos + size > buf.length) throw corruptMessage('truncated record batch')
  const batch = new BatchView(buf, pos, size)
  const count = checkRecordCount(batch)
  const payload = await decompress(codecOf(batch), batch.payload(), limitOf(opts))
  return withAbsolutes(batch.header(), decodeRecordsPayload(payload, count))
}

/**
 * Validates (CRC included; compacted shapes allowed) and decodes every complete batch in `buf`, such as a
 * Fetch response's records or a segment file. A trailing partial batch is ignored, as fetch responses may
 * end in one. Throws RecordBatchError on the first invalid batch.
 */
export async function readAllBatches(buf: Buffer, opts?: DecodeOptions): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = []
  for (const view of iterateBatches(buf)) {
    const problem = validateBatch(buf, view.position, view.size, { allowCompacted: true })
    if (problem)
      throw new RecordBatchError(problem.errorCode, `batch at byte ${view.position}: ${problem.reason}`)
    out.push(await readBatchRecords(buf, view.position, view.size, opts))
  }
  return out
}

function withAbsolutes(header: BatchHeader, records: Record[]): DecodedBatch {
  const logAppend = (header.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0
  return {
    header,
    records: records.map((r) => ({
      ...r,
      offset: header.baseOffset + BigInt(r.offsetDelta),
      timestamp: logAppend ? header.maxTimestamp : header.baseTimestamp + BigInt(r.timestampDelta),
    })),
  }
}

export function isControlBatch(batch: { attributes: number }): boolean {
  return (batch.attributes & ATTR_CONTROL) !== 0
}

const CONTROL_TYPES: { [id: number]: ControlRecordType } = { 0: 'abort', 1: 'commit' }

/** Parses a control record: key = version int16 + type int16; value = version int16 + coordinatorEpoch int32. */
export function decodeControlRecord(record: Pick<Record, 'key' | 'value'>): ControlRecord {
  const { key, value } = record
  if (key === null || key.length < 4) throw invalidRecord('control record key is shorter than 4 bytes')
  const typeId = key.readInt16BE(2)
  const type = CONTROL_TYPES[typeId] ?? 'unknown'
  if (type === 'unknown') return { type, typeId, version: key.readInt16BE(0), coordinatorEpoch: -1 }
  if (value === null || value.length < 6)
    throw invalidRecord('transaction marker value is shorter than 6 bytes')
  return { type, typeId, version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) }
}
