import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ATTR_TIMESTAMP_LOG_APPEND,
  OFF_ATTRIBUTES,
  OFF_CRC,
  OFF_LEADER_EPOCH,
  OFF_MAX_TIMESTAMP,
  computeBatchCrc,
} from '../../broker/protocol/records/batch-header.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import {
  CorruptRecordError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
} from '../../broker/storage/errors.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap, type LogConfig } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { batchOf, removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache
let clock: number

beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(64)
  clock = 1_700_000_000_000
})

afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

function openLog(
  config: Record<string, string> = {},
  extra: { cleanShutdown?: boolean } = {},
): Promise<PartitionLog> {
  return PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: join(root, 't-0'),
    config: logConfigFromMap(config),
    cache,
    now: () => clock,
    cleanShutdown: extra.cleanShutdown ?? true,
  })
}

/** Every record value from `offset` on, decoded from what read() returns, following segments. */
async function readValues(log: PartitionLog, from = log.logStartOffset): Promise<string[]> {
  const out: string[] = []
  let offset = from
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, { minOneMessage: true })
    expect(r.records.length).toBeGreaterThan(0)
    for (const b of iterateBatches(r.records)) {
      for (const rec of decodeRecords(b)) {
        const off = b.baseOffset + BigInt(rec.offsetDelta)
        if (off >= offset) out.push(rec.value?.toString() ?? 'null')
      }
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
    }
  }
  return out
}

describe('append and read', () => {
  it('assigns offsets by patching baseOffset and reads whole batches back', async () => {
    const log = await openLog()
    const a = await log.append(await batchOf(3, { prefix: 'a' }))
    const b = await log.append(await batchOf(2, { prefix: 'b' }))
    expect([a.baseOffset, a.lastOffset, b.baseOffset, b.lastOffset]).toEqual([0n, 2n, 3n, 4n])
    expect(a.logAppendTime).toBe(-1n)
    expect(b.recordCount).toBe(2)
    expect(log.logEndOffset).toBe(5n)
    expect(log.highWatermark).toBe(5n)
    expect(log.lastStableOffset).toBe(5n)
    expect(await readValues(log)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1'])
    // A fetch inside a batch returns that whole batch (the client skips earlier records).
    const mid = await log.read(4n, 10_000)
    expect(mid.firstOffset).toBe(3n)
    await log.close()
  })

  it('appends several batches in one buffer and keeps their CRCs valid', async () => {
    const log = await openLog()
    const buf = Buffer.concat([await batchOf(2), await batchOf(4), await batchOf(1)])
    const r = await log.append(buf)
    expect([r.baseOffset, r.lastOffset, r.batchCount, r.recordCount]).toEqual([0n, 6n, 3, 7])
    const read = await log.read(0n, 1 << 20)
    const batches = [...iterateBatches(read.records)]
    expect(batches.map((b) => b.baseOffset)).toEqual([0n, 2n, 6n])
    for (const b of batches) expect(computeBatchCrc(read.records, b.position, b.size)).toBe(b.crc)
    await log.close()
  })

  it('respects maxBytes, minOneMessage (KIP-74) and the maxOffset bound', async () => {
    const log = await openLog()
    const sizes: number[] = []
    for (let i = 0; i < 5; i++) {
      const b = await batchOf(2, { valueBytes: 300, prefix: `p${i}` })
      sizes.push(b.length)
      await log.append(b)
    }
    const two = await log.read(0n, (sizes[0] as number) + (sizes[1] as number) + 10)
    expect([...iterateBatches(two.records)].length).toBe(2)
    expect((await log.read(0n, 10)).records.length).toBe(0)
    const one = await log.read(0n, 10, { minOneMessage: true })
    expect([...iterateBatches(one.records)].length).toBe(1)
    const bounded = await log.read(0n, 1 << 20, { maxOffset: 5n })
    expect([...iterateBatches(bounded.records)].map((b) => b.baseOffset)).toEqual([0n, 2n])
    expect((await log.read(4n, 1 << 20, { maxOffset: 5n })).records.length).toBe(0)
    expect((await log.read(10n, 1 << 20)).records.length).toBe(0)
    await expect(log.read(11n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    await expect(log.read(-1n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    await log.close()
  })

  it('continues sequential fetches from where the last one ended, with the same bounds', async () => {
    const log = await openLog()
    for (let i = 0; i < 6; i++) await log.append(await batchOf(2, { valueBytes: 200, prefix: `q${i}` }))
    const first = await log.read(0n, 10, { minOneMessage: true })
    expect(first.firstOffset).toBe(0n)
    // From offset 2 (where the last fetch ended): bounds and minOneMessage apply exactly as without the hint.
    expect((await log.read(2n, 10)).records.length).toBe(0)
    const one = await log.read(2n, 10, { minOneMessage: true })
    expect([...iterateBatches(one.records)].map((b) => b.baseOffset)).toEqual([2n])
    expect((await log.read(4n, 1 << 20, { maxOffset: 5n })).records.length).toBe(0)
    const bounded = await log.read(4n, 1 << 20, { maxOffset: 8n })
    expect([...iterateBatches(bounded.records)].map((b) => b.baseOffset)).toEqual([4n, 6n])
    const rest = await log.read(8n, 1 << 20)
    expect([...iterateBatches(rest.records)].map((b) => b.baseOffset)).toEqual([8n, 10n])
    expect((await log.read(12n, 1 << 20)).records.length).toBe(0)
    // After new appends, a fetch at the old end finds them.
    await log.append(await batchOf(1))
    expect((await log.read(12n, 1 << 20)).firstOffset).toBe(12n)
    await log.close()
  })

  it('rejects oversized and malformed input without writing anything', async () => {
    const log = await openLog({ 'max.message.bytes': '200' })
    await expect(log.append(await batchOf(3, { valueBytes: 200 }))).rejects.toBeInstanceOf(
      RecordTooLargeError,
    )
    const good = await batchOf(1)
    await expect(log.append(good.subarray(0, good.length - 3))).rejects.toBeInstanceOf(CorruptRecordError)
    await expect(log.append(Buffer.alloc(0))).rejects.toBeInstanceOf(CorruptRecordError)
    const badMagic = Buffer.from(good)
    badMagic[16] = 1
    await expect(log.append(badMagic)).rejects.toBeInstanceOf(CorruptRecordError)
    expect(log.logEndOffset).toBe(0n)
    expect(log.size).toBe(0)
    await log.append(good)
    expect(log.logEndOffset).toBe(1n)
    await log.close()
  })

  it('serializes concurrent appends so batches never interleave', async () => {
    const log = await openLog()
    const batches = await Promise.all(
      Array.from({ length: 40 }, (_, i) => batchOf(1 + (i % 5), { prefix: `c${i}` })),
    )
    const results = await Promise.all(batches.map((b) => log.append(b)))
    let next = 0n
    for (const r of results) {
      expect(r.baseOffset).toBe(next)
      next = r.lastOffset + 1n
    }
    expect(log.logEndOffset).toBe(next)
    expect((await readValues(log)).length).toBe(Number(next))
    await log.close()
  })

  it('writes appends queued together as one group: a bad one fails alone, rolls happen inside the group', async () => {
    const log = await openLog({ 'segment.bytes': '1000', 'index.interval.bytes': '100' })
    const good = await Promise.all(
      Array.from({ length: 30 }, (_, i) => batchOf(2, { valueBytes: 50, prefix: `g${i}` })),
    )
    const whole = await batchOf(1)
    const appends = good.map((b) => log.append(b))
    const bad = log.append(whole.subarray(0, whole.length - 3))
    // Copies: each request has its own buffer, patched in place.
    appends.push(...good.slice(0, 5).map((b) => log.append(Buffer.from(b))))
    await expect(bad).rejects.toBeInstanceOf(CorruptRecordError)
    const results = await Promise.all(appends)
    let next = 0n
    for (const r of results) {
      expect(r.baseOffset).toBe(next)
      next = r.lastOffset + 1n
    }
    expect(log.logEndOffset).toBe(70n)
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(3)
    for (const s of segs) expect(s.sizeBytes).toBeLessThanOrEqual(1000)
    const values = await readValues(log)
    expect(values.length).toBe(70)
    expect(values[0]?.startsWith('g0-0')).toBe(true)
    expect(values[60]?.startsWith('g0-0')).toBe(true)
    await log.close()
    const again = await openLog({ 'segment.bytes': '1000' })
    expect(again.logEndOffset).toBe(70n)
    expect(await readValues(again)).toEqual(values)
    await again.close()
  })

  it('reads a backlog sequentially in large windows (read ahead) and the fresh tail from memory alike', async () => {
    const log = await openLog()
    for (let i = 0; i < 40; i++) await log.append(await batchOf(100, { valueBytes: 1000, prefix: `r${i}` }))
    const expected = await readValues(log)
    const got: string[] = []
    let offset = 0n
    let appended = false
    while (offset < log.logEndOffset) {
      const r = await log.read(offset, 300 * 1024, { minOneMessage: true })
      expect(r.records.length).toBeGreaterThan(0)
      for (const b of iterateBatches(r.records)) {
        for (const rec of decodeRecords(b)) got.push(rec.value?.toString() ?? 'null')
        offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
      }
      if (!appended && offset >= 2000n) {
        appended = true
        await log.append(await batchOf(100, { valueBytes: 1000, prefix: 'late' }))
      }
    }
    expect(got.length).toBe(4100)
    expect(got.slice(0, 4000)).toEqual(expected)
    expect(got[4000]?.startsWith('late-0')).toBe(true)
    await log.close()
  })

  it('stamps LogAppendTime and the leader epoch, recomputing the CRC', async () => {
    const log = await openLog({ 'message.timestamp.type': 'LogAppendTime' })
    const r = await log.append(await batchOf(2, { timestamp: 5 }), { leaderEpoch: 7 })
    expect(r.logAppendTime).toBe(BigInt(clock))
    const buf = (await log.read(0n, 1 << 20)).records
    expect(buf.readInt16BE(OFF_ATTRIBUTES) & ATTR_TIMESTAMP_LOG_APPEND).toBeTruthy()
    expect(buf.readBigInt64BE(OFF_MAX_TIMESTAMP)).toBe(BigInt(clock))
    expect(buf.readInt32BE(OFF_LEADER_EPOCH)).toBe(7)
    expect(buf.readUInt32BE(OFF_CRC)).toBe(computeBatchCrc(buf, 0, buf.length))
    await log.close()
  })
})

describe('segments and indexes', () => {
  it('rolls by segment.bytes and writes Kafka-format files', async () => {
    const log = await openLog({ 'segment.bytes': '1000', 'index.interval.bytes': '100' })
    for (let i = 0; i < 30; i++)
      await log.append(await batchOf(2, { valueBytes: 50, prefix: `s${i}`, timestamp: 1000 + i * 10 }))
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(3)
    for (const s of segs) expect(s.sizeBytes).toBeLessThanOrEqual(1000)
    expect(segs[0]?.logFile).toBe('00000000000000000000.log')
    expect(segs[1]?.logFile).toBe(`${String(segs[1]?.baseOffset).padStart(20, '0')}.log`)
    await log.flush()
    const dir = join(root, 't-0')
    const idx = readFileSync(join(dir, '00000000000000000000.index'))
    expect(idx.length % 8).toBe(0)
    expect(idx.length).toBeGreaterThan(0)
    // Entries: relative offset (a batch's last offset) and the position of that batch.
    const rel = idx.readInt32BE(0)
    const pos = idx.readInt32BE(4)
    const atPos = (await log.read(BigInt(rel), 1 << 20)).records
    expect(atPos.length).toBeGreaterThan(0)
    expect(pos).toBeGreaterThan(0)
    const tidx = readFileSync(join(dir, '00000000000000000000.timeindex'))
    expect(tidx.length % 12).toBe(0)
    expect(tidx.length).toBeGreaterThan(0)
    expect((await readValues(log)).length).toBe(60)
    await log.close()
  })

  it('rolls by segment.ms and when the offset index is full', async () => {
    const log = await openLog({ 'segment.ms': '1000' })
    await log.append(await batchOf(1))
    clock += 999
    await log.append(await batchOf(1))
    expect(log.segments().length).toBe(1)
    clock += 1
    await log.append(await batchOf(1))
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0n, 2n])
    await log.close()

    await rm(join(root, 't-0'), { recursive: true })
    const small = await openLog({ 'segment.index.bytes': '16', 'index.interval.bytes': '0' })
    for (let i = 0; i < 8; i++) await small.append(await batchOf(1))
    for (const s of small.segments()) expect(s.offsetIndexEntries).toBeLessThanOrEqual(2)
    expect(small.segments().length).toBeGreaterThan(1)
    expect((await readValues(small)).length).toBe(8)
    await small.close()
  })

  it('finds offsets by timestamp and the max timestamp record', async () => {
    const log = await openLog({ 'segment.bytes': '600', 'index.interval.bytes': '50' })
    // Batch i holds timestamps 1000 + 10 i, 1000 + 10 i + 1, 1000 + 10 i + 2.
    for (let i = 0; i < 20; i++) await log.append(await batchOf(3, { timestamp: 1000 + i * 10 }))
    expect(await log.offsetForTimestamp(0n)).toEqual({ timestamp: 1000n, offset: 0n })
    expect(await log.offsetForTimestamp(1052n)).toEqual({ timestamp: 1052n, offset: 17n })
    expect(await log.offsetForTimestamp(1053n)).toEqual({ timestamp: 1060n, offset: 18n })
    expect(await log.offsetForTimestamp(1061n)).toEqual({ timestamp: 1061n, offset: 19n })
    expect(await log.offsetForTimestamp(1192n)).toEqual({ timestamp: 1192n, offset: 59n })
    expect(await log.offsetForTimestamp(1193n)).toBeNull()
    expect(await log.maxTimestampOffset()).toEqual({ timestamp: 1192n, offset: 59n })
    await log.close()
  })

  it('rebuilds its state on reopen after a clean close', async () => {
    const log = await openLog({ 'segment.bytes': '700', 'index.interval.bytes': '64' })
    for (let i = 0; i < 25; i++) await log.append(await batchOf(2, { prefix: `r${i}` }))
    const before = await readValues(log)
    const segs = log.segments()
    await log.close()
    const again = await openLog({ 'segment.bytes': '700', 'index.interval.bytes': '64' })
    expect(again.logEndOffset).toBe(50n)
    expect(again.segments()).toEqual(segs)
    expect(again.recovery.segmentsRecovered).toBe(0)
    expect(await readValues(again)).toEqual(before)
    const next = await again.append(await batchOf(1))
    expect(next.baseOffset).toBe(50n)
    await again.close()
  })

  it('lists batch headers from an offset (producer-state replay)', async () => {
    const log = await openLog({ 'segment.bytes': '300' })
    for (let i = 0; i < 10; i++) await log.append(await batchOf(2))
    const seen: bigint[] = []
    for await (const b of log.batchHeaders(7n)) seen.push(b.baseOffset)
    expect(seen).toEqual([6n, 8n, 10n, 12n, 14n, 16n, 18n])
    await log.close()
  })
})

describe('retention and DeleteRecords', () => {
  const retained = async (cfg: Record<string, string>) => {
    const log = await openLog({ 'segment.bytes': '400', 'file.delete.delay.ms': '0', ...cfg })
    for (let i = 0; i < 12; i++) await log.append(await batchOf(2, { timestamp: clock - 10_000 + i * 100 }))
    return log
  }

  it('deletes segments older than retention.ms by their largest timestamp, never the data after them', async () => {
    const log = await retained({ 'retention.ms': '9000' })
    const segs = log.segments()
    const deleted = await log.enforceRetention()
    expect(deleted).toBeGreaterThan(0)
    for (const s of log.segments()) expect(Number(s.maxTimestamp)).toBeGreaterThanOrEqual(clock - 9000)
    expect(log.logStartOffset).toBe(log.segments()[0]?.baseOffset)
    expect(log.segments().length).toBe(segs.length - deleted)
    expect(log.logEndOffset).toBe(24n)
    await expect(log.read(0n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    await log.close()
  })

  it('rolls and deletes the active segment when everything expired', async () => {
    const log = await retained({ 'retention.ms': '1' })
    await log.enforceRetention()
    expect(log.logStartOffset).toBe(24n)
    expect(log.logEndOffset).toBe(24n)
    expect(log.segments().map((s) => s.baseOffset)).toEqual([24n])
    expect((await log.append(await batchOf(1))).baseOffset).toBe(24n)
    await log.close()
  })

  it('deletes the oldest segments beyond retention.bytes', async () => {
    const log = await retained({ 'retention.bytes': '1000' })
    await log.enforceRetention()
    const size = log.size
    expect(size).toBeLessThanOrEqual(1000)
    expect(size + (log.segments()[0]?.sizeBytes ?? 0)).toBeGreaterThan(0)
    expect(log.logEndOffset).toBe(24n)
    await log.close()
  })

  it('keeps everything for cleanup.policy=compact and with retention -1', async () => {
    const log = await retained({ 'retention.ms': '1', 'cleanup.policy': 'compact' })
    expect(await log.enforceRetention()).toBe(0)
    await log.close()
    await rm(join(root, 't-0'), { recursive: true })
    const forever = await retained({ 'retention.ms': '-1' })
    expect(await forever.enforceRetention()).toBe(0)
    await forever.close()
  })

  it('renames deleted segments to .deleted and unlinks them after file.delete.delay.ms', async () => {
    const log = await retained({ 'retention.ms': '9000', 'file.delete.delay.ms': '3600000' })
    await log.enforceRetention()
    const names = readdirSync(join(root, 't-0'))
    expect(names.some((n) => n.endsWith('.log.deleted'))).toBe(true)
    expect(names.some((n) => n.endsWith('.index.deleted'))).toBe(true)
    expect(log.pendingDeletes).toBeGreaterThan(0)
    await log.close()
    expect(readdirSync(join(root, 't-0')).some((n) => n.endsWith('.deleted'))).toBe(false)
  })

  it('moves the log start offset with DeleteRecords and drops whole segments below it', async () => {
    const log = await retained({})
    const firstSegs = log.segments().length
    const cut = (log.segments()[1]?.baseOffset ?? 0n) + 1n
    expect(await log.deleteRecordsBefore(cut)).toBe(cut)
    expect(log.logStartOffset).toBe(cut)
    await expect(log.read(cut - 1n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    const r = await log.read(cut, 1 << 20)
    expect(r.firstOffset).toBeLessThanOrEqual(cut)
    expect(r.logStartOffset).toBe(cut)
    expect(log.segments().length).toBe(firstSegs - 1)
    expect(await log.deleteRecordsBefore(3n)).toBe(cut)
    await expect(log.deleteRecordsBefore(25n)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    expect(await log.deleteRecordsBefore(-1n)).toBe(24n)
    expect(log.segments().length).toBe(1)
    expect(await readValues(log)).toEqual([])
    await log.close()
  })
})

describe('configuration and failures', () => {
  it('applies config changes to an open log', async () => {
    const log = await openLog()
    await log.append(await batchOf(1, { valueBytes: 500 }))
    log.updateConfig(logConfigFromMap({ 'max.message.bytes': '100' }) satisfies LogConfig)
    await expect(log.append(await batchOf(1, { valueBytes: 500 }))).rejects.toBeInstanceOf(
      RecordTooLargeError,
    )
    log.updateConfig(logConfigFromMap({ 'segment.bytes': '100' }))
    await log.append(await batchOf(1))
    expect(log.segments().length).toBe(2)
    await log.close()
  })

  it('flushes after flush.messages and moves the recovery point', async () => {
    const log = await openLog({ 'flush.messages': '3' })
    await log.append(await batchOf(2))
    expect(log.recoveryPoint).toBe(0n)
    await log.append(await batchOf(1))
    expect(log.recoveryPoint).toBe(3n)
    expect(log.unflushedMessages).toBe(0)
    await log.close()
  })

  it('goes offline on a write failure and answers KAFKA_STORAGE_ERROR, without harming other logs', async () => {
    const log = await openLog()
    const other = await PartitionLog.open({
      topic: 'u',
      partition: 0,
      dir: join(root, 'u-0'),
      config: logConfigFromMap({}),
      cache,
    })
    await log.append(await batchOf(1))
    // Replace the active .log by a directory behind the log's back: the next write cannot open it.
    await cache.closeAll()
    const file = join(root, 't-0', '00000000000000000000.log')
    await rm(file)
    await mkdir(file)
    const err = await log.append(await batchOf(1)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KafkaStorageError)
    expect((err as KafkaStorageError).errorCode).toBe(56)
    expect(log.offline).toBe(true)
    await expect(log.read(0n, 100)).rejects.toBeInstanceOf(KafkaStorageError)
    expect((await other.append(await batchOf(1))).baseOffset).toBe(0n)
    await log.close()
    await other.close()
    expect(existsSync(join(root, 'u-0'))).toBe(true)
  })
})
