import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  PartitionProducers,
  ProducerStates,
  type ProducerStateLog,
  type ReplayedBatch,
} from '../../broker/producers/partition-producers.ts'

/** An in-memory log of batch headers standing in for a partition's segments. */
class MemoryLog implements ProducerStateLog {
  readonly dir: string
  readonly batches: ReplayedBatch[] = []
  closed = false
  constructor(dir: string) {
    this.dir = dir
  }
  isClosed(): boolean {
    return this.closed
  }
  logEndOffset(): bigint {
    const last = this.batches.at(-1)
    return last === undefined ? 0n : last.baseOffset + BigInt(last.lastOffsetDelta) + 1n
  }
  append(producerId: bigint, epoch: number, baseSequence: number, count: number): bigint {
    const baseOffset = this.logEndOffset()
    this.batches.push({
      producerId,
      epoch,
      baseSequence,
      lastOffsetDelta: count - 1,
      maxTimestamp: BigInt(Date.now()),
      baseOffset,
      isControl: false,
    })
    return baseOffset
  }
  async *replay(from: bigint): AsyncIterable<ReplayedBatch> {
    for (const b of this.batches) if (b.baseOffset + BigInt(b.lastOffsetDelta) >= from) yield b
  }
}

describe('PartitionProducers', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-pp-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('rebuilds the last five batches from the log after a crash (no snapshot)', async () => {
    const log = new MemoryLog(dir)
    for (let i = 0; i < 8; i++) log.append(5n, 0, i * 3, 3)
    const p = await PartitionProducers.load(log)
    const retry = p.table.check([
      { producerId: 5n, epoch: 0, baseSequence: 12, lastOffsetDelta: 2, maxTimestamp: 0n },
    ])
    expect(retry).toMatchObject({ kind: 'duplicate', batch: { firstOffset: 12n } })
  })

  it('loads the snapshot and replays only what came after it', async () => {
    const log = new MemoryLog(dir)
    log.append(5n, 0, 0, 2)
    const first = await PartitionProducers.load(log)
    first.table.record(log.batches[0] as ReplayedBatch, 0n)
    await first.snapshot()
    expect(await readdir(dir)).toEqual(['00000000000000000002.snapshot'])
    log.append(5n, 0, 2, 2)
    log.append(6n, 1, 0, 1)
    const second = await PartitionProducers.load(log)
    expect(second.table.get(5n)?.batches.map((b) => b.firstOffset)).toEqual([0n, 2n])
    expect(second.table.get(6n)?.epoch).toBe(1)
  })

  it('ignores a snapshot beyond the log end (log truncated by recovery)', async () => {
    const log = new MemoryLog(dir)
    log.append(5n, 0, 0, 4)
    const p = await PartitionProducers.load(log)
    for (const b of log.batches) p.table.record(b, b.baseOffset)
    await p.snapshot()
    log.batches.length = 0
    const reloaded = await PartitionProducers.load(log)
    expect(reloaded.table.size).toBe(0)
    expect(await readdir(dir)).toEqual([])
  })

  it('runs serialized work in call order', async () => {
    const p = await PartitionProducers.load(new MemoryLog(dir))
    const order: number[] = []
    await Promise.all([
      p.serialize(async () => {
        await new Promise((r) => setImmediate(r))
        order.push(1)
      }),
      p.serialize(async () => {
        order.push(2)
      }),
      p.serialize(() => Promise.reject(new Error('boom'))).catch(() => order.push(3)),
      p.serialize(async () => {
        order.push(4)
      }),
    ])
    expect(order).toEqual([1, 2, 3, 4])
  })

  it('snapshots every loaded partition on close', async () => {
    const log = new MemoryLog(dir)
    log.append(5n, 0, 0, 1)
    const states = new ProducerStates()
    const key = {}
    const p = await states.get(key, () => log)
    expect(await states.get(key, () => log)).toBe(p)
    await states.close()
    expect(await readdir(dir)).toEqual(['00000000000000000001.snapshot'])
  })

  it('drops the state of closed logs and never snapshots them', async () => {
    const gone = new MemoryLog(dir)
    gone.append(5n, 0, 0, 1)
    const states = new ProducerStates()
    const goneKey = {}
    const first = await states.get(goneKey, () => gone)
    gone.closed = true
    const other = join(dir, 'other')
    await mkdir(other)
    await states.get({}, () => new MemoryLog(other))
    await states.close()
    expect(await readdir(dir)).toEqual(['other'])
    expect(await states.get(goneKey, () => new MemoryLog(dir))).not.toBe(first)
  })

  it('preloads a bounded number of partitions at a time, then serves them without replaying', async () => {
    let running = 0
    let most = 0
    const replays: number[] = []
    const entries = Array.from({ length: 6 }, (_, i) => {
      const log = new MemoryLog(dir)
      log.append(BigInt(i), 0, 0, 1)
      const replay = log.replay.bind(log)
      log.replay = async function* (from: bigint) {
        running++
        most = Math.max(most, running)
        replays.push(i)
        await new Promise((resolve) => setImmediate(resolve))
        yield* replay(from)
        running--
      }
      return { key: {}, log: () => log }
    })
    const states = new ProducerStates()
    await states.preload(entries, 2)
    expect(most).toBe(2)
    expect(replays.sort()).toEqual([0, 1, 2, 3, 4, 5])
    const p = await states.get(entries[3]!.key, () => {
      throw new Error('already loaded: the log is not opened again')
    })
    expect(p.table.get(3n)?.epoch).toBe(0)
  })

  it('stops preloading when closed', async () => {
    let started = 0
    const entries = Array.from({ length: 4 }, () => {
      const log = new MemoryLog(dir)
      log.append(5n, 0, 0, 1)
      log.append(5n, 0, 1, 1)
      const replay = log.replay.bind(log)
      log.replay = async function* (from: bigint) {
        started++
        for await (const b of replay(from)) {
          await new Promise((resolve) => setImmediate(resolve))
          yield b
        }
      }
      return { key: {}, log: () => log }
    })
    const states = new ProducerStates()
    const preload = states.preload(entries, 1)
    await states.close()
    await preload
    expect(started).toBe(1)
    expect(await readdir(dir)).toEqual([])
  })
})
