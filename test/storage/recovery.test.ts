import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { batchOf, removeDir, tempDir } from './helpers.ts'

let root: string
let cache: HandleCache
const CONFIG = { 'segment.bytes': '2048', 'index.interval.bytes': '128' }

beforeEach(async () => {
  root = await tempDir()
  cache = new HandleCache(32)
})

afterEach(async () => {
  await cache.closeAll()
  await removeDir(root)
})

const dir = () => join(root, 't-0')

function open(opts: { clean: boolean; recoveryPoint?: bigint }): Promise<PartitionLog> {
  return PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: dir(),
    config: logConfigFromMap(CONFIG),
    cache,
    cleanShutdown: opts.clean,
    recoveryPoint: opts.recoveryPoint ?? 0n,
  })
}

/** A deterministic pseudo-random source (tests must be reproducible). */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s % n
  }
}

async function allRecords(log: PartitionLog): Promise<{ offset: bigint; value: string }[]> {
  const out: { offset: bigint; value: string }[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, { minOneMessage: true })
    if (r.records.length === 0) break
    for (const b of iterateBatches(r.records)) {
      for (const rec of decodeRecords(b)) {
        const off = b.baseOffset + BigInt(rec.offsetDelta)
        if (off >= offset) out.push({ offset: off, value: rec.value?.toString() ?? '' })
      }
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
    }
  }
  return out
}

/** Appends `n` batches of 1-4 records and returns what was written, record by record. */
async function fill(log: PartitionLog, n: number, rnd: (n: number) => number) {
  const written: { offset: bigint; value: string }[] = []
  for (let i = 0; i < n; i++) {
    const count = 1 + rnd(4)
    const r = await log.append(await batchOf(count, { prefix: `b${i}`, valueBytes: 10 + rnd(200) }))
    const read = await log.read(r.baseOffset, 1 << 20)
    for (const b of iterateBatches(read.records))
      for (const rec of decodeRecords(b))
        written.push({ offset: b.baseOffset + BigInt(rec.offsetDelta), value: rec.value?.toString() ?? '' })
  }
  return written
}

function activeFiles(): { log: string; index: string; timeindex: string } {
  const logs = readdirSync(dir())
    .filter((n) => n.endsWith('.log'))
    .sort()
  const stem = (logs[logs.length - 1] as string).slice(0, 20)
  return {
    log: join(dir(), `${stem}.log`),
    index: join(dir(), `${stem}.index`),
    timeindex: join(dir(), `${stem}.timeindex`),
  }
}

describe('recovery after an unclean shutdown', () => {
  it('survives random garbage appended to the active .log and .index (Kafka crash recipe)', async () => {
    for (let round = 0; round < 12; round++) {
      const rnd = random(round + 1)
      rmSync(dir(), { recursive: true, force: true })
      const log = await open({ clean: true })
      const written = await fill(log, 20 + rnd(40), rnd)
      const end = log.logEndOffset
      // Crash: the object is abandoned without close(); then garbage lands at the ends of the active files.
      await log.flush()
      await cache.closeAll()
      const files = activeFiles()
      const garbage = (n: number) => Buffer.from(Array.from({ length: n }, () => rnd(256)))
      appendFileSync(files.log, garbage(1 + rnd(1024)))
      appendFileSync(files.index, garbage(1 + rnd(1024)))
      const again = await open({ clean: false, recoveryPoint: 0n })
      expect(again.logEndOffset).toBe(end)
      expect(again.recovery.truncatedBytes).toBeGreaterThan(0)
      expect(await allRecords(again)).toEqual(written)
      // Appends continue right after the recovered data.
      expect((await again.append(await batchOf(1))).baseOffset).toBe(end)
      await again.close()
      await cache.closeAll()
    }
  })

  it('truncates at the first corrupt batch of a middle segment and drops every later segment', async () => {
    const rnd = random(99)
    const log = await open({ clean: true })
    const written = await fill(log, 60, rnd)
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(3)
    await log.close()
    await cache.closeAll()
    // Flip a byte inside the second batch of the second segment (its CRC no longer matches).
    const second = segs[1]!
    const path = join(dir(), second.logFile)
    const bytes = readFileSync(path)
    const firstSize = bytes.readInt32BE(8) + 12
    bytes[firstSize + 70] = (bytes[firstSize + 70] as number) ^ 0xff
    writeFileSync(path, bytes)
    const again = await open({ clean: false })
    const kept = written.filter(
      (w) =>
        w.offset < second.baseOffset ||
        w.offset <
          (() => {
            const b = [...iterateBatches(bytes.subarray(0, firstSize))][0]!
            return b.baseOffset + BigInt(b.lastOffsetDelta) + 1n
          })(),
    )
    expect(await allRecords(again)).toEqual(kept)
    expect(again.segments().length).toBe(2)
    expect(again.recovery.segmentsDropped).toBe(segs.length - 2)
    await again.close()
  })

  it('only validates the segments after the recovery point', async () => {
    const rnd = random(5)
    const log = await open({ clean: true })
    await fill(log, 60, rnd)
    const segs = log.segments()
    const end = log.logEndOffset
    await log.close()
    await cache.closeAll()
    const lastBase = segs[segs.length - 1]!.baseOffset
    const again = await open({ clean: false, recoveryPoint: lastBase })
    expect(again.recovery.segmentsRecovered).toBe(1)
    expect(again.logEndOffset).toBe(end)
    expect(again.recoveryPoint).toBe(lastBase)
    await again.close()
  })

  it('keeps a torn batch header out: a log cut inside a header is truncated to the last whole batch', async () => {
    const log = await open({ clean: true })
    for (let i = 0; i < 3; i++) await log.append(await batchOf(2))
    await log.flush()
    await cache.closeAll()
    const files = activeFiles()
    const size = statSync(files.log).size
    const b = await batchOf(2)
    appendFileSync(files.log, b.subarray(0, 30))
    const again = await open({ clean: false })
    expect(again.logEndOffset).toBe(6n)
    expect(statSync(files.log).size).toBe(size)
    await again.close()
  })
})

describe('index sanity on a clean start', () => {
  async function prepared() {
    const log = await open({ clean: true })
    await fill(log, 40, random(7))
    const segs = log.segments()
    const records = await allRecords(log)
    await log.close()
    await cache.closeAll()
    return { segs, records }
  }

  const corruptions: [string, (path: string) => void][] = [
    ['a size that is not a multiple of 8', (p) => appendFileSync(p, Buffer.from([1, 2, 3]))],
    [
      'entries that are not increasing',
      (p) => {
        const b = readFileSync(p)
        b.copy(b, 8, 0, 8)
        writeFileSync(p, b)
      },
    ],
    [
      'an entry past the end of the log',
      (p) => {
        const b = readFileSync(p)
        b.writeInt32BE(0x7fffff00, b.length - 4)
        writeFileSync(p, b)
      },
    ],
    ['a missing file', (p) => rmSync(p)],
    ['a truncated file', (p) => truncateSync(p, 0)],
  ]

  for (const [name, corrupt] of corruptions) {
    it(`rebuilds an offset index with ${name}`, async () => {
      const { segs, records } = await prepared()
      const target = join(dir(), segs[0]!.indexFile)
      const original = readFileSync(target)
      expect(original.length).toBeGreaterThan(8)
      corrupt(target)
      const again = await open({ clean: true })
      expect(await allRecords(again)).toEqual(records)
      await again.close()
      expect(readFileSync(target)).toEqual(original)
    })
  }

  it('rebuilds a corrupt time index', async () => {
    const { segs, records } = await prepared()
    const target = join(dir(), segs[0]!.timeIndexFile)
    const original = readFileSync(target)
    appendFileSync(target, Buffer.alloc(5, 9))
    const again = await open({ clean: true })
    expect(await allRecords(again)).toEqual(records)
    await again.close()
    expect(readFileSync(target)).toEqual(original)
  })
})

describe('files left by interrupted work', () => {
  it('removes .deleted and .cleaned leftovers and completes a .swap', async () => {
    const log = await open({ clean: true })
    await fill(log, 40, random(3))
    const segs = log.segments()
    const records = await allRecords(log)
    await log.close()
    await cache.closeAll()
    const first = join(dir(), segs[0]!.logFile)
    writeFileSync(join(dir(), '00000000000000000000.log.deleted'), 'old')
    writeFileSync(join(dir(), '00000000000000000000.index.cleaned'), 'half')
    // A swap that crashed before the old segment was renamed: the swap (here identical) replaces it.
    copyFileSync(first, `${first}.swap`)
    const again = await open({ clean: true })
    expect(await allRecords(again)).toEqual(records)
    const names = readdirSync(dir())
    expect(
      names.filter((n) => n.endsWith('.deleted') || n.endsWith('.cleaned') || n.endsWith('.swap')),
    ).toEqual([])
    expect(existsSync(first)).toBe(true)
    await again.close()
  })
})

describe('mutated segments (fuzz)', () => {
  it('never throws and keeps a prefix of the log whatever bytes are damaged', async () => {
    for (let round = 0; round < 15; round++) {
      const rnd = random(1000 + round)
      rmSync(dir(), { recursive: true, force: true })
      const log = await open({ clean: true })
      const written = await fill(log, 50, rnd)
      await log.close()
      await cache.closeAll()
      const names = readdirSync(dir()).filter((n) => /\.(log|index|timeindex)$/.test(n))
      for (let k = 0; k < 1 + rnd(4); k++) {
        const path = join(dir(), names[rnd(names.length)] as string)
        const bytes = readFileSync(path)
        if (bytes.length === 0) continue
        if (rnd(3) === 0) truncateSync(path, rnd(bytes.length))
        else {
          for (let j = 0; j < 1 + rnd(8); j++) bytes[rnd(bytes.length)] = rnd(256)
          writeFileSync(path, bytes)
        }
      }
      const clean = rnd(2) === 0
      const again = await open({ clean })
      const got = await allRecords(again).catch(() => null)
      if (!clean) {
        // Every batch was validated: what is left is a prefix of what was written. Offsets themselves lie
        // outside the CRC (as in Kafka), so the comparison is by record content.
        expect(got).not.toBeNull()
        expect(got!.map((r) => r.value)).toEqual(written.slice(0, got!.length).map((r) => r.value))
      }
      await again.close()
      await cache.closeAll()
    }
  })
})
