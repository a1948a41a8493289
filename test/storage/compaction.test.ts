import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CompressionName } from '../../broker/protocol/records/batch-header.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { buildControlBatch, buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { compactLog } from '../../broker/storage/compactor.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache
const NOW = 1_700_000_000_000

beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(64)
})

afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

function open(cfg: Record<string, string> = {}, clean = true): Promise<PartitionLog> {
  return PartitionLog.open({
    topic: 'c',
    partition: 0,
    dir: join(root, 'c-0'),
    config: logConfigFromMap({
      'cleanup.policy': 'compact',
      'segment.bytes': '600',
      'min.cleanable.dirty.ratio': '0.01',
      'file.delete.delay.ms': '0',
      ...cfg,
    }),
    cache,
    cleanShutdown: clean,
    now: () => NOW,
  })
}

interface Rec {
  offset: bigint
  key: string | null
  value: string | null
}

async function all(log: PartitionLog): Promise<Rec[]> {
  const out: Rec[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, { minOneMessage: true })
    if (r.records.length === 0) break
    for (const b of iterateBatches(r.records)) {
      if (b.isControl) {
        out.push({ offset: b.baseOffset, key: 'CONTROL', value: null })
      } else {
        for (const rec of decodeRecords(b)) {
          const off = b.baseOffset + BigInt(rec.offsetDelta)
          if (off >= offset)
            out.push({ offset: off, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null })
        }
      }
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
    }
  }
  return out
}

async function put(
  log: PartitionLog,
  entries: [string, string | null][],
  compression: CompressionName = 'none',
  timestamp = NOW - 1000,
) {
  const batch = await buildRecordBatch({
    records: entries.map(([key, value]) => ({ key, value, timestamp })),
    compression,
  })
  return log.append(batch)
}

/** What a compacted log must hold: the last record per key, in offset order. */
function expectedAfterCompaction(written: Rec[], activeBase: bigint): Rec[] {
  const last = new Map<string, bigint>()
  for (const r of written) if (r.offset < activeBase && r.key !== null) last.set(r.key, r.offset)
  return written.filter((r) => r.offset >= activeBase || r.key === null || last.get(r.key) === r.offset)
}

describe('compaction', () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`keeps the last record per key (${codec})`, async () => {
      const log = await open()
      for (let i = 0; i < 40; i++)
        await put(
          log,
          [
            [`k${i % 7}`, `v${i}`],
            [`k${(i * 3) % 5}`, `w${i}`],
          ],
          codec,
        )
      await log.roll()
      const before = await all(log)
      const activeBase = log.segments().at(-1)!.baseOffset
      const result = await compactLog(log, NOW)
      expect(result?.segmentsCleaned).toBeGreaterThan(0)
      expect(result!.recordsRemoved).toBeGreaterThan(0)
      expect(result!.bytesAfter).toBeLessThan(result!.bytesBefore)
      const after = await all(log)
      expect(after).toEqual(expectedAfterCompaction(before, activeBase))
      expect(log.logEndOffset).toBe(80n)
      expect(
        readdirSync(join(root, 'c-0')).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')),
      ).toEqual([])
      // The compacted log reopens (indexes rebuilt and valid) with the same content.
      await log.close()
      const again = await open({}, false)
      expect(await all(again)).toEqual(after)
      await again.close()
    })
  }

  it('honours tombstones for delete.retention.ms, then drops them', async () => {
    const log = await open({ 'delete.retention.ms': '100000' })
    await put(log, [
      ['a', '1'],
      ['b', '1'],
    ])
    await put(log, [['a', null]])
    await put(log, [['c', '1']])
    await log.roll()
    await compactLog(log, NOW, { force: true })
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual(['b=1', 'a=null', 'c=1'])
    // Past the delete horizon the tombstone goes too.
    await compactLog(log, NOW + 200_000, { force: true })
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual(['b=1', 'c=1'])
    await log.close()
  })

  it('compacts committed transactions, drops aborted ones, and keeps markers while their data is there', async () => {
    const log = await open({ 'delete.retention.ms': '100000' })
    const txn = async (
      producerId: bigint,
      baseSequence: number,
      key: string,
      value: string,
      commit: boolean,
    ) => {
      await log.append(
        await buildRecordBatch({
          records: [{ key, value, timestamp: NOW - 1000 }],
          transactional: true,
          producerId,
          producerEpoch: 0,
          baseSequence,
        }),
      )
      await log.append(
        buildControlBatch({
          producerId,
          producerEpoch: 0,
          commit,
          coordinatorEpoch: 1,
          timestamp: NOW - 1000,
        }),
      )
    }
    await txn(9n, 0, 'k', 'txn', true)
    await txn(8n, 0, 'x', 'aborted', false)
    await txn(9n, 1, 'j', 'j1', true)
    await txn(8n, 1, 'y', 'y1', true)
    await put(log, [['k', 'plain']])
    await log.roll()
    // Superseded and aborted records go; their markers stay while their batches were there this run.
    await compactLog(log, NOW, { force: true })
    const marker = 'CONTROL=null'
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual([
      marker,
      marker,
      'j=j1',
      marker,
      'y=y1',
      marker,
      'k=plain',
    ])
    // Within delete.retention.ms markers stay; past it, those without data go.
    await compactLog(log, NOW, { force: true })
    expect(await all(log)).toHaveLength(7)
    await compactLog(log, NOW + 200_000, { force: true })
    expect((await all(log)).map((r) => `${r.key}=${r.value}`)).toEqual([
      'j=j1',
      marker,
      'y=y1',
      marker,
      'k=plain',
    ])
    await log.close()
  })

  it('does not clean from the first offset of an open transaction on', async () => {
    const log = await open()
    await put(log, [['k', 'old']])
    await log.append(
      await buildRecordBatch({
        records: [{ key: 'k', value: 'open', timestamp: NOW - 1000 }],
        transactional: true,
        producerId: 5n,
        producerEpoch: 0,
        baseSequence: 0,
      }),
    )
    await log.roll()
    await put(log, [['k', 'newest']])
    await log.roll()
    await compactLog(log, NOW, { force: true })
    expect((await all(log)).map((r) => r.value)).toEqual(['old', 'open', 'newest'])
    await log.close()
  })

  it('leaves segments younger than min.compaction.lag.ms and the active segment alone', async () => {
    const log = await open({ 'min.compaction.lag.ms': '500' })
    await put(log, [['a', '1']], 'none', NOW - 1000)
    await log.roll()
    await put(log, [['a', '2']], 'none', NOW - 100)
    await log.roll()
    await put(log, [['a', '3']], 'none', NOW - 50)
    await compactLog(log, NOW, { force: true })
    // Only the first segment is cleanable, and nothing newer for its key is in the cleanable range.
    expect((await all(log)).map((r) => r.value)).toEqual(['1', '2', '3'])
    await log.close()
  })

  it('waits for min.cleanable.dirty.ratio and cleans only new dirty data', async () => {
    const log = await open({ 'min.cleanable.dirty.ratio': '0.5' })
    for (let i = 0; i < 20; i++) await put(log, [[`k${i % 3}`, `v${i}`]])
    await log.roll()
    expect(await compactLog(log, NOW)).not.toBeNull()
    // Everything cleanable is clean now: nothing to do until new segments arrive.
    expect(await compactLog(log, NOW)).toBeNull()
    await log.close()
  })

  it('runs through the log manager for compacted topics', async () => {
    const { LogManager } = await import('../../broker/storage/log-manager.ts')
    const m = await LogManager.open(join(root, 'data'), { now: () => NOW })
    const log = await m.createLog(
      'compacted',
      0,
      logConfigFromMap({
        'cleanup.policy': 'compact,delete',
        'segment.bytes': '400',
        'min.cleanable.dirty.ratio': '0',
      }),
    )
    for (let i = 0; i < 30; i++) await put(log, [[`k${i % 2}`, `v${i}`]])
    await log.roll()
    const results = await m.runCompaction()
    expect(results.length).toBe(1)
    expect((await all(log)).map((r) => r.value)).toEqual(['v28', 'v29'])
    await m.close()
    expect(existsSync(join(root, 'data', 'compacted-0'))).toBe(true)
  })
})

describe('compaction and idempotent producers', () => {
  it("keeps an empty batch for a producer's last batch whose records were all superseded", async () => {
    const log = await open()
    const idem = (seq: number, value: string) =>
      buildRecordBatch({
        records: [{ key: 'k', value, timestamp: NOW - 1000 }],
        producerId: 5n,
        producerEpoch: 0,
        baseSequence: seq,
      })
    await log.append(await idem(0, 'a'))
    await log.append(await idem(1, 'b'))
    await put(log, [['k', 'plain']])
    await log.roll()
    await compactLog(log, NOW, { force: true })
    const headers = []
    for await (const b of log.batchHeaders(0n)) headers.push(b)
    // Offset 0 is gone; offset 1 (the producer's last batch) stays as an empty batch with its sequence.
    expect(headers.map((h) => [h.baseOffset, h.recordCount, h.producerId])).toEqual([
      [1n, 0, 5n],
      [2n, 1, -1n],
    ])
    expect((await all(log)).map((r) => r.value)).toEqual(['plain'])
    await log.close()
    const again = await open({}, false)
    expect(again.logEndOffset).toBe(3n)
    await again.close()
  })
})

describe('compaction with a bounded key map', () => {
  it('cleans only the segments whose keys fit, and the rest on later runs', async () => {
    const log = await open({ 'segment.bytes': '200' })
    for (let i = 0; i < 30; i++) await put(log, [[`k${i}`, `v${i}`]])
    for (let i = 0; i < 30; i++) await put(log, [[`k${i}`, `w${i}`]])
    await log.roll()
    const expected = (await all(log)).filter((r) => r.value?.startsWith('w'))
    let runs = 0
    while ((await all(log)).length > 30 && runs < 50) {
      await compactLog(log, NOW, { maxKeys: 8 })
      runs++
    }
    expect(runs).toBeGreaterThan(1)
    expect(await all(log)).toEqual(expected)
    await log.close()
  })
})
