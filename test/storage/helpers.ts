// Shared test helpers for storage: temp dirs and record batches built with the records builder.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildRecordBatch, type RecordInput } from '../../broker/protocol/records/builder.ts'
import type { CompressionName } from '../../broker/protocol/records/batch-header.ts'

export async function tempDir(prefix = 'strata-storage-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** A batch of `count` records with values `${prefix}-${i}` and timestamps from `timestamp`. */
export async function batchOf(
  count: number,
  opts: {
    prefix?: string
    timestamp?: number
    valueBytes?: number
    key?: (i: number) => string | null
    compression?: CompressionName
  } = {},
): Promise<Buffer> {
  const records: RecordInput[] = []
  for (let i = 0; i < count; i++) {
    const text = `${opts.prefix ?? 'v'}-${i}`
    const value = opts.valueBytes ? Buffer.alloc(opts.valueBytes, text) : text
    records.push({
      key: opts.key ? opts.key(i) : null,
      value,
      timestamp: (opts.timestamp ?? 1_700_000_000_000) + i,
    })
  }
  return buildRecordBatch({ records, compression: opts.compression ?? 'none' })
}
