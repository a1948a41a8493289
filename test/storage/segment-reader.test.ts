import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BatchView } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import {
  SegmentReader,
  baseOffsetOfFile,
  listSegments,
  readOffsetIndex,
  readTimeIndex,
} from '../../broker/storage/segment-reader.ts'
import { batchOf, removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache

beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(16)
})

afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

async function written() {
  const log = await PartitionLog.open({
    topic: 's',
    partition: 0,
    dir: join(root, 's-0'),
    config: logConfigFromMap({ 'segment.bytes': '100000', 'index.interval.bytes': '200' }),
    cache,
    cleanShutdown: true,
  })
  for (let i = 0; i < 400; i++)
    await log.append(
      await batchOf(2, {
        prefix: `r${i}`,
        valueBytes: 120,
        compression: i % 2 ? 'gzip' : 'none',
        timestamp: 5000 + i,
      }),
    )
  await log.close()
  return log
}

describe('segment reader', () => {
  it('pages through the batches of a .log without reading it whole', async () => {
    await written()
    const segs = await listSegments(join(root, 's-0'))
    expect(segs.length).toBeGreaterThan(0)
    const first = segs[0]!
    expect(first.index).toBe('00000000000000000000.index')
    expect(first.logBytes).toBeGreaterThan(64 * 1024)
    const reader = await SegmentReader.open(join(root, 's-0', first.log))
    const page = await reader.readPage({ maxBatches: 50, verifyCrc: true })
    expect(page.batches.length).toBe(50)
    expect(page.batches.every((b) => b.crcValid === true)).toBe(true)
    expect(page.batches[1]).toMatchObject({
      baseOffset: 2n,
      lastOffset: 3n,
      compression: 'gzip',
      recordCount: 2,
      magic: 2,
    })
    const all = []
    for await (const b of reader.batches()) all.push(b)
    const inFile = all.length
    expect(all[inFile - 1]!.position + all[inFile - 1]!.size).toBe(reader.size)
    const bytes = await reader.readBatch(page.batches[3]!.position)
    const records = decodeRecords(new BatchView(bytes, 0, bytes.length))
    expect(records.map((r) => r.value?.toString().slice(0, 3))).toEqual(['r3-', 'r3-'])
    await reader.close()
  })

  it('reports a torn tail and a bad CRC instead of throwing', async () => {
    await written()
    const path = join(root, 's-0', '00000000000000000000.log')
    appendFileSync(path, Buffer.alloc(30, 1))
    const reader = await SegmentReader.open(path)
    let page = await reader.readPage({ maxBatches: 10_000 })
    while (page.nextPosition !== null)
      page = await reader.readPage({ fromPosition: page.nextPosition, maxBatches: 10_000 })
    expect(page.problem).toMatch(/trailing bytes|invalid batch size|past the end/)
    await reader.close()
  })

  it('reads offset and time index entries', async () => {
    await written()
    const dir = join(root, 's-0')
    const idx = await readOffsetIndex(join(dir, '00000000000000000000.index'), 0, 5)
    expect(idx.total).toBeGreaterThan(5)
    expect(idx.entries.length).toBe(5)
    expect(idx.problem).toBeNull()
    for (let i = 1; i < idx.entries.length; i++)
      expect(idx.entries[i]!.position).toBeGreaterThan(idx.entries[i - 1]!.position)
    const reader = await SegmentReader.open(join(dir, '00000000000000000000.log'))
    const at = (await reader.readPage({ fromPosition: idx.entries[0]!.position, maxBatches: 1 })).batches[0]!
    expect(at.lastOffset).toBe(idx.entries[0]!.offset)
    await reader.close()
    const tidx = await readTimeIndex(join(dir, '00000000000000000000.timeindex'))
    expect(tidx.entries.length).toBeGreaterThan(0)
    expect(tidx.entries[0]!.timestamp).toBeGreaterThanOrEqual(5000n)
    expect(baseOffsetOfFile('/x/00000000000000000042.timeindex')).toBe(42n)
  })
})
