// Compaction (and segment deletion) of a log with transactions, then a restart: READ_COMMITTED reads must
// still see exactly the committed records and the last stable offset must reach the high watermark once no
// transaction is open. The restart replays producer state from the log itself (no snapshot at the log end,
// as after a crash), which is what needs the markers the cleaner keeps.
import { readdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { openDataPath, producersOf, type DataPath } from '../../broker/server/data-path.ts'
import { compactLog } from '../../broker/storage/compactor.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { LogManager } from '../../broker/storage/log-manager.ts'
import type { PartitionLog } from '../../broker/storage/partition-log.ts'
import { abortedIndexOf } from '../../broker/storage/txn-index.ts'
import { writeMarker } from '../../broker/txn/markers.ts'
import { removeDir, tempDir } from '../storage/helpers.ts'

const TOPIC = 'ctx'
const LATER = Date.now() + 30 * 86_400_000

let root: string
let logs: LogManager
let dataPath: DataPath

beforeEach(async () => {
  root = await tempDir('strata-ctxn-')
  await openBroker()
})

afterEach(async () => {
  await logs.close()
  await removeDir(root)
})

async function openBroker(): Promise<PartitionLog> {
  logs = await LogManager.open(root)
  dataPath = await openDataPath(root)
  const cfg = logConfigFromMap({
    'cleanup.policy': 'compact',
    'segment.bytes': '400',
    'min.cleanable.dirty.ratio': '0.01',
    'delete.retention.ms': '1000',
    'file.delete.delay.ms': '0',
  })
  return logs.createLog(TOPIC, 0, cfg)
}

/** A crash-like restart: logs closed, but no producer snapshot at the log end. */
async function restart(): Promise<PartitionLog> {
  await logs.close()
  return openBroker()
}

const sequences = new Map<bigint, number>()

/** What the Produce handler does for one transactional (or idempotent) batch. */
async function produce(log: PartitionLog, pid: bigint, entries: [string, string][], transactional = true) {
  const producers = await producersOf(dataPath, log)
  const baseSequence = sequences.get(pid) ?? 0
  sequences.set(pid, baseSequence + entries.length)
  const batch = await buildRecordBatch({
    records: entries.map(([key, value]) => ({ key, value })),
    transactional,
    producerId: pid,
    producerEpoch: 0,
    baseSequence,
  })
  const maxTimestamp = batch.readBigInt64BE(35)
  await producers.serialize(async () => {
    if (transactional) producers.holdStableOffsetAt(log.logEndOffset)
    const out = await log.append(batch)
    producers.table.record(
      {
        producerId: pid,
        epoch: 0,
        baseSequence,
        lastOffsetDelta: entries.length - 1,
        maxTimestamp,
        transactional,
      },
      out.baseOffset,
    )
    if (transactional) producers.syncStableOffset()
  })
}

function end(pid: bigint, commit: boolean) {
  return writeMarker(logs, dataPath, TOPIC, 0, {
    producerId: pid,
    producerEpoch: 0,
    commit,
    coordinatorEpoch: 0,
  })
}

/** A READ_COMMITTED consumer: reads up to the last stable offset and drops aborted records as Kafka's does. */
async function readCommitted(log: PartitionLog): Promise<string[]> {
  const lso = log.lastStableOffset
  const aborted = (await abortedIndexOf(log)).overlapping(log.logStartOffset, lso)
  aborted.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))
  const abortedPids = new Set<bigint>()
  const out: string[] = []
  let offset = log.logStartOffset
  while (offset < lso) {
    const r = await log.read(offset, 1 << 20, { maxOffset: lso, minOneMessage: true })
    if (r.records.length === 0) break
    for (const b of iterateBatches(r.records)) {
      const last = b.baseOffset + BigInt(b.lastOffsetDelta)
      while (aborted.length > 0 && aborted[0]!.firstOffset <= last)
        abortedPids.add(aborted.shift()!.producerId)
      if (b.isControl) {
        const key = decodeRecords(b)[0]?.key
        if (key && key.readInt16BE(2) === 0) abortedPids.delete(b.producerId)
      } else if (!(b.isTransactional && abortedPids.has(b.producerId))) {
        for (const rec of decodeRecords(b)) out.push(`${rec.key?.toString()}=${rec.value?.toString()}`)
      }
      offset = last + 1n
    }
  }
  return out
}

describe('compaction of transactional data', () => {
  it('keeps what READ_COMMITTED reads and producer-state replay need across a restart', async () => {
    let log = logs.getLog(TOPIC, 0)!
    await produce(log, 1n, [
      ['a', 'a1'],
      ['b', 'b1'],
    ])
    await end(1n, true)
    await produce(log, 2n, [['a', 'aborted']])
    // A snapshot with the aborted transaction open: useless once its marker is compacted away.
    await (await producersOf(dataPath, log)).snapshot()
    await end(2n, false)
    await produce(log, 2n, [['c', 'c1']])
    await end(2n, true)
    await produce(log, 3n, [['a', 'a2']], false)
    await produce(log, 1n, [['d', 'd1']])
    await end(1n, true)
    await log.roll()
    // An open transaction in a closed segment: the cleaner must stop before it.
    await produce(log, 4n, [['e', 'open']])
    await produce(log, 3n, [['f', 'f1']], false)
    await log.roll()
    await produce(log, 3n, [['g', 'g1']], false)
    expect(await readCommitted(log)).toEqual(['a=a1', 'b=b1', 'c=c1', 'a=a2', 'd=d1'])
    const expected = ['b=b1', 'c=c1', 'a=a2', 'd=d1']

    // Twice: markers whose data the first round removed go in the second.
    await compactLog(log, LATER, { force: true })
    await compactLog(log, LATER, { force: true })
    expect((await readCommitted(log)).sort()).toEqual([...expected].sort())
    // The abort marker went (its data was gone and delete.retention.ms had passed), and with it its index
    // entry, which would otherwise hide producer 2's later committed records from READ_COMMITTED readers.
    expect((await abortedIndexOf(log)).size).toBe(0)
    expect(readdirSync(log.dir).filter((n) => n.endsWith('.txnindex') || n.endsWith('.snapshot'))).toEqual([])

    log = await restart()
    await producersOf(dataPath, log)
    // The open transaction bounds the last stable offset after replay.
    expect(log.lastStableOffset).toBeLessThan(log.highWatermark)
    await end(4n, true)
    expect(log.lastStableOffset).toBe(log.highWatermark)
    await compactLog(log, LATER, { force: true })
    await compactLog(log, LATER, { force: true })
    log = await restart()
    await producersOf(dataPath, log)
    expect(log.lastStableOffset).toBe(log.highWatermark)
    expect((await readCommitted(log)).sort()).toEqual([...expected, 'e=open', 'f=f1', 'g=g1'].sort())
  })
})

describe('deleting segments under transactions', () => {
  it('does not replay a transaction from a snapshot older than the log start when its marker is gone', async () => {
    let log = logs.getLog(TOPIC, 0)!
    await produce(log, 1n, [['a', 'a1']])
    // The newest snapshot (kept when segments below it go) has producer 1's transaction open.
    await (await producersOf(dataPath, log)).snapshot()
    await end(1n, true)
    await produce(log, 2n, [['b', 'b1']], false)
    await log.roll()
    await produce(log, 2n, [['c', 'c1']], false)
    await log.deleteRecordsBefore(log.logEndOffset - 1n)
    log = await restart()
    await producersOf(dataPath, log)
    expect(log.lastStableOffset).toBe(log.highWatermark)
    expect(await readCommitted(log)).toEqual(['c=c1'])
  })

  it('bounds the last stable offset by the log start when an open transaction began before it', async () => {
    const log = logs.getLog(TOPIC, 0)!
    await produce(log, 1n, [['a', 'open']])
    await produce(log, 2n, [['b', 'b1']], false)
    await produce(log, 1n, [['c', 'still open']])
    await log.deleteRecordsBefore(2n)
    expect(log.lastStableOffset).toBe(2n)
    await end(1n, true)
    expect(log.lastStableOffset).toBe(log.highWatermark)
    expect(await readCommitted(log)).toEqual(['c=still open'])
  })
})
