import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProducerStateTable } from '../../broker/producers/producer-state.ts'
import {
  decodeSnapshot,
  encodeSnapshot,
  loadLatestSnapshot,
  pruneSnapshots,
  snapshotFileName,
  SnapshotFormatError,
  writeSnapshot,
} from '../../broker/producers/snapshot.ts'

describe('producer state snapshots', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-snap-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  function table(): ProducerStateTable {
    const t = new ProducerStateTable()
    t.record({ producerId: 7n, epoch: 2, baseSequence: 0, lastOffsetDelta: 4, maxTimestamp: 111n }, 0n)
    t.record({ producerId: 7n, epoch: 2, baseSequence: 5, lastOffsetDelta: 2, maxTimestamp: 222n }, 5n)
    t.record({ producerId: 9n, epoch: 0, baseSequence: 0, lastOffsetDelta: 0, maxTimestamp: 333n }, 8n)
    return t
  }

  it('names files by the 20-digit offset', () => {
    expect(snapshotFileName(42n)).toBe('00000000000000000042.snapshot')
  })

  it('round-trips the last batch of every producer, which still detects a retry', () => {
    const entries = decodeSnapshot(encodeSnapshot(table().entries()))
    const restored = new ProducerStateTable()
    restored.load(entries)
    expect(restored.get(7n)).toMatchObject({
      epoch: 2,
      batches: [{ firstSeq: 5, lastSeq: 7, firstOffset: 5n, lastOffset: 7n, timestamp: 222n }],
    })
    expect(
      restored.check([{ producerId: 7n, epoch: 2, baseSequence: 5, lastOffsetDelta: 2, maxTimestamp: 0n }]),
    ).toMatchObject({ kind: 'duplicate', batch: { firstOffset: 5n } })
    expect(
      restored.check([{ producerId: 7n, epoch: 2, baseSequence: 8, lastOffsetDelta: 0, maxTimestamp: 0n }]),
    ).toEqual({ kind: 'append' })
  })

  it('rejects a corrupted snapshot', () => {
    const buf = encodeSnapshot(table().entries())
    buf[20] = (buf[20] as number) ^ 0xff
    expect(() => decodeSnapshot(buf)).toThrow(SnapshotFormatError)
    expect(() => decodeSnapshot(buf.subarray(0, 5))).toThrow(SnapshotFormatError)
  })

  it('loads the newest snapshot at or below the log end and deletes newer or broken ones', async () => {
    await writeSnapshot(dir, 3n, table().entries())
    await writeSnapshot(dir, 9n, table().entries())
    await writeSnapshot(dir, 50n, table().entries())
    await writeFile(join(dir, snapshotFileName(20n)), Buffer.from('garbage!!!!!'))
    const loaded = await loadLatestSnapshot(dir, 30n)
    expect(loaded?.offset).toBe(9n)
    expect(loaded?.entries).toHaveLength(2)
    expect((await readdir(dir)).sort()).toEqual([snapshotFileName(3n), snapshotFileName(9n)])
    await pruneSnapshots(dir, 1)
    expect(await readdir(dir)).toEqual([snapshotFileName(9n)])
  })
})
