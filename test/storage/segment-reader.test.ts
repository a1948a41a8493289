import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
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

  it('totals a segment from its headers, and reports where the scan stopped', async () => {
    await written()
    const path = join(root, 's-0', '00000000000000000000.log')
    const reader = await SegmentReader.open(path)
    const all = []
    for await (const b of reader.batches()) all.push(b)
    expect(await reader.stats()).toEqual({
      batchCount: all.length,
      recordCount: all.length * 2,
      firstTimestamp: 5000n,
      lastTimestamp: all.at(-1)!.maxTimestamp,
      lastOffset: all.at(-1)!.lastOffset,
      problem: null,
    })
    await reader.close()
    appendFileSync(path, Buffer.from('torn-write'))
    const torn = await SegmentReader.open(path)
    expect(await torn.stats()).toMatchObject({ batchCount: all.length, problem: /10 trailing bytes/ })
    await torn.close()
  })

  it('stops at a batch that is not v2 only when asked to', async () => {
    await written()
    const path = join(root, 's-0', '00000000000000000000.log')
    const bytes = readFileSync(path)
    const reader = await SegmentReader.open(path)
    const second = (await reader.readPage({ maxBatches: 2 })).batches[1]!.position
    await reader.close()
    bytes.writeInt8(1, second + 16)
    writeFileSync(path, bytes)
    const edited = await SegmentReader.open(path)
    expect((await edited.readPage({ maxBatches: 3 })).batches.map((b) => b.magic)).toEqual([2, 1, 2])
    expect(await edited.readPage({ maxBatches: 3, requireV2: true })).toMatchObject({
      batches: [{ position: 0 }],
      nextPosition: null,
      problem: `unsupported magic 1 at ${second}`,
    })
    expect(await edited.stats()).toMatchObject({ batchCount: 1, recordCount: 2 })
    await edited.close()
  })

  it('checks the CRC of a batch larger than a read, in parts', async () => {
    const path = join(root, '00000000000000000000.log')
    writeFileSync(path, await batchOf(3, { valueBytes: 1024 * 1024, prefix: 'big' }))
    const reader = await SegmentReader.open(path)
    const [good] = (await reader.readPage({ verifyCrc: true })).batches
    expect(good).toMatchObject({ recordCount: 3, crcValid: true })
    expect(good!.size).toBeGreaterThan(3 * 1024 * 1024)
    await reader.close()
    const bytes = readFileSync(path)
    bytes[bytes.length - 100]! ^= 0xff
    writeFileSync(path, bytes)
    const damaged = await SegmentReader.open(path)
    expect((await damaged.readPage({ verifyCrc: true })).batches[0]!.crcValid).toBe(false)
    await damaged.close()
  })

  it('stops cleanly when the file shrinks under an open reader', async () => {
    await written()
    const path = join(root, 's-0', '00000000000000000000.log')
    const reader = await SegmentReader.open(path)
    truncateSync(path, 1000)
    const page = await reader.readPage({ fromPosition: 0, maxBatches: 10_000 })
    expect(page.nextPosition).toBeNull()
    expect(page.problem).toMatch(/shrank/)
    await reader.close()
  })

  it('ends a preallocated index at its first empty entry', async () => {
    await written()
    const dir = join(root, 's-0')
    const index = join(dir, '00000000000000000000.index')
    const timeIndex = join(dir, '00000000000000000000.timeindex')
    const real = (await readOffsetIndex(index, 0, 100_000)).entries.length
    const realTimes = (await readTimeIndex(timeIndex, 0, 100_000)).entries.length
    expect((await readOffsetIndex(index, 0, 2)).next).toBe(2)
    appendFileSync(index, Buffer.alloc(8 * 50))
    appendFileSync(timeIndex, Buffer.alloc(12 * 50))
    const offsets = await readOffsetIndex(index, 0, 100_000)
    expect(offsets).toMatchObject({ total: real + 50, next: null, problem: null })
    expect(offsets.entries).toHaveLength(real)
    expect((await readOffsetIndex(index, real + 10, 5)).entries).toEqual([])
    const times = await readTimeIndex(timeIndex, 0, 100_000)
    expect(times).toMatchObject({ total: realTimes + 50, next: null })
    expect(times.entries).toHaveLength(realTimes)
  })
})
