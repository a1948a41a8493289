// The files beside segments (.txnindex, producer .snapshot) go with the segments that retention and
// DeleteRecords delete, through the same `.deleted` rename and delayed unlink; the newest snapshot stays.
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { abortedIndexOf, txnIndexFileName } from '../../broker/storage/txn-index.ts'
import { batchOf, removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache

beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(64)
})

afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

function open(cfg: Record<string, string>): Promise<PartitionLog> {
  return PartitionLog.open({
    topic: 's',
    partition: 0,
    dir: join(root, 's-0'),
    config: logConfigFromMap({ 'segment.bytes': '300', ...cfg }),
    cache,
    cleanShutdown: true,
  })
}

const stem = (offset: bigint) => offset.toString().padStart(20, '0')

function siblings(log: PartitionLog): string[] {
  return readdirSync(log.dir)
    .filter((n) => n.includes('.txnindex') || n.includes('.snapshot'))
    .sort()
}

/** Ten batches of three records over several segments, an aborted-index entry in the first two segments. */
async function fill(log: PartitionLog): Promise<bigint[]> {
  for (let i = 0; i < 10; i++) await log.append(await batchOf(3, { valueBytes: 40 }))
  const bases = log.segments().map((s) => s.baseOffset)
  expect(bases.length).toBeGreaterThan(3)
  const index = await abortedIndexOf(log)
  for (const base of bases.slice(0, 2))
    await index.append(
      { producerId: 1n, firstOffset: base, lastOffset: base + 1n, lastStableOffset: base },
      base,
    )
  for (const offset of [1n, bases[2]! + 1n, 25n])
    writeFileSync(join(log.dir, `${stem(offset)}.snapshot`), 'x')
  return bases
}

describe('files beside deleted segments', () => {
  it('DeleteRecords renames them to .deleted with the segment, then unlinks them', async () => {
    const log = await open({ 'file.delete.delay.ms': '60000' })
    const bases = await fill(log)
    const cut = bases[3]!
    await log.deleteRecordsBefore(cut)
    expect(log.logStartOffset).toBe(cut)
    expect(siblings(log)).toEqual(
      [
        `${txnIndexFileName(bases[0]!)}.deleted`,
        `${txnIndexFileName(bases[1]!)}.deleted`,
        `${stem(1n)}.snapshot.deleted`,
        `${stem(bases[2]! + 1n)}.snapshot.deleted`,
        `${stem(25n)}.snapshot`,
      ].sort(),
    )
    // Readers no longer hear about transactions that ended before the log start.
    expect((await abortedIndexOf(log)).size).toBe(0)
    await log.close()
    expect(siblings(log)).toEqual([`${stem(25n)}.snapshot`])
  })

  it('retention keeps the newest snapshot even below the log start, and open() drops orphan .txnindex files', async () => {
    const log = await open({ 'file.delete.delay.ms': '0', 'retention.bytes': '1', 'retention.ms': '-1' })
    const bases = await fill(log)
    await log.enforceRetention()
    expect(log.logStartOffset).toBeGreaterThan(25n)
    await log.close()
    expect(siblings(log)).toEqual([`${stem(25n)}.snapshot`])
    // A .txnindex without its segment (written while the segment was being deleted) goes at the next open.
    writeFileSync(join(log.dir, txnIndexFileName(bases[0]!)), Buffer.alloc(34))
    const again = await open({})
    expect(siblings(again)).toEqual([`${stem(25n)}.snapshot`])
    await again.close()
  })
})
