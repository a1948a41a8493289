import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { compactLog } from '../../broker/storage/compactor.ts'
import { OffsetOutOfRangeError } from '../../broker/storage/errors.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache
beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(6)
})
afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

describe('concurrent appends, reads, flushes, retention and compaction', () => {
  it('keeps every read consistent while the log changes underneath', async () => {
    let now = 1_700_000_000_000
    const log = await PartitionLog.open({
      topic: 'busy',
      partition: 0,
      dir: join(root, 'busy-0'),
      config: logConfigFromMap({
        'cleanup.policy': 'compact,delete',
        'segment.bytes': '500',
        'retention.ms': '50000',
        'min.cleanable.dirty.ratio': '0',
        'index.interval.bytes': '64',
        'file.delete.delay.ms': '10',
      }),
      cache,
      cleanShutdown: true,
      now: () => now,
    })
    let appending = true
    const appender = (async () => {
      for (let i = 0; i < 300; i++) {
        now += 200
        const batch = await buildRecordBatch({
          records: [{ key: `k${i % 10}`, value: `v${i}`, timestamp: now }],
        })
        await log.append(batch)
      }
      appending = false
    })()
    const reader = (async () => {
      let reads = 0
      while (appending) {
        let offset = log.logStartOffset
        let lastValue = -1
        while (offset < log.logEndOffset) {
          try {
            const r = await log.read(offset, 300, { minOneMessage: true })
            if (r.records.length === 0) break
            for (const b of iterateBatches(r.records)) {
              for (const rec of decodeRecords(b)) {
                const v = Number(rec.value?.toString().slice(1))
                // Values grow with offsets: compaction and retention only ever remove records.
                expect(v).toBeGreaterThan(lastValue)
                lastValue = v
              }
              offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
            }
            reads++
          } catch (err) {
            // Retention may move the log start past a reader: it starts over, as a consumer would.
            if (!(err instanceof OffsetOutOfRangeError)) throw err
            offset = log.logStartOffset
            lastValue = -1
          }
        }
        await new Promise((r) => setImmediate(r))
      }
      return reads
    })()
    const maintenance = (async () => {
      while (appending) {
        await log.flush()
        await log.enforceRetention()
        await compactLog(log, now)
        await new Promise((r) => setImmediate(r))
      }
    })()
    const [, reads] = await Promise.all([appender, reader, maintenance])
    expect(reads).toBeGreaterThan(0)
    expect(log.logEndOffset).toBe(300n)
    expect(log.offline).toBe(false)
    await log.close()
    // The result reopens after a crash-style start with the same end offset.
    const again = await PartitionLog.open({
      topic: 'busy',
      partition: 0,
      dir: join(root, 'busy-0'),
      config: log.config,
      cache,
      cleanShutdown: false,
    })
    expect(again.logEndOffset).toBe(300n)
    await again.close()
  })
})
