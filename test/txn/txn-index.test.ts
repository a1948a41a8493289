// The aborted transaction index: Kafka's 34-byte entries, files per segment, reload, overlap queries.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AbortedTxnIndex, TXN_INDEX_ENTRY_SIZE, txnIndexFileName } from '../../broker/storage/txn-index.ts'
import { ProducerStateTable } from '../../broker/producers/producer-state.ts'

describe('AbortedTxnIndex', () => {
  it('writes 34-byte entries beside the segment and reads them back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'txnindex-'))
    try {
      const index = await AbortedTxnIndex.load(dir)
      await index.append({ producerId: 7n, firstOffset: 10n, lastOffset: 20n, lastStableOffset: 10n }, 0n)
      await index.append({ producerId: 8n, firstOffset: 30n, lastOffset: 40n, lastStableOffset: 30n }, 25n)
      const first = await readFile(path.join(dir, txnIndexFileName(0n)))
      expect(first.length).toBe(TXN_INDEX_ENTRY_SIZE)
      expect(first.readInt16BE(0)).toBe(0)
      expect(first.readBigInt64BE(2)).toBe(7n)
      const again = await AbortedTxnIndex.load(dir)
      expect(again.size).toBe(2)
      expect(again.overlapping(21n, 100n).map((e) => e.producerId)).toEqual([8n])
      expect(again.overlapping(0n, 31n).map((e) => e.producerId)).toEqual([7n, 8n])
      expect(again.overlapping(41n, 100n)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('ProducerStateTable transactions', () => {
  it('tracks the first offset of open transactions until their marker', () => {
    const t = new ProducerStateTable()
    const batch = (producerId: bigint, baseSequence: number) => ({
      producerId,
      epoch: 0,
      baseSequence,
      lastOffsetDelta: 1,
      maxTimestamp: 1n,
      transactional: true,
    })
    t.record(batch(1n, 0), 5n)
    t.record(batch(2n, 0), 7n)
    t.record(batch(1n, 2), 9n)
    expect(t.firstUnstableOffset()).toBe(5n)
    expect(t.endTransaction(1n, 0, 0, 2n)).toBe(5n)
    expect(t.firstUnstableOffset()).toBe(7n)
    expect(t.endTransaction(2n, 1, 0, 2n)).toBe(7n)
    expect(t.firstUnstableOffset()).toBe(-1n)
    expect(t.get(2n)?.epoch).toBe(1)
  })
})
