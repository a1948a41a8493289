import { describe, expect, it } from 'vitest'
import {
  lastSequenceOf,
  MAX_CACHED_BATCHES,
  ProducerStateTable,
  type ProducerBatch,
} from '../../broker/producers/producer-state.ts'

function batch(producerId: bigint, epoch: number, baseSequence: number, count = 1): ProducerBatch {
  return { producerId, epoch, baseSequence, lastOffsetDelta: count - 1, maxTimestamp: 1000n }
}

describe('ProducerStateTable', () => {
  it('accepts sequence 0 from a new producer and in-order sequences after it', () => {
    const t = new ProducerStateTable()
    expect(t.check([batch(1n, 0, 0, 3)])).toEqual({ kind: 'append' })
    t.record(batch(1n, 0, 0, 3), 0n)
    expect(t.check([batch(1n, 0, 3, 2)])).toEqual({ kind: 'append' })
  })

  it('rejects a gap or a reordering as out of order', () => {
    const t = new ProducerStateTable()
    t.record(batch(1n, 0, 0, 3), 0n)
    const gap = t.check([batch(1n, 0, 5)])
    expect(gap.kind === 'reject' && gap.reason).toBe('out-of-order-sequence')
    const behind = t.check([batch(1n, 0, 1)])
    expect(behind.kind === 'reject' && behind.reason).toBe('out-of-order-sequence')
  })

  it('answers a retry of any of the last five batches with its original offsets', () => {
    const t = new ProducerStateTable()
    for (let i = 0; i < 7; i++) t.record(batch(1n, 0, i * 2, 2), BigInt(100 + i * 2))
    for (let i = 2; i < 7; i++) {
      const res = t.check([batch(1n, 0, i * 2, 2)])
      expect(res).toMatchObject({ kind: 'duplicate', batch: { firstOffset: BigInt(100 + i * 2) } })
    }
    // The sixth-newest is no longer cached: it is out of order now.
    expect(t.check([batch(1n, 0, 2, 2)]).kind).toBe('reject')
    expect(t.get(1n)?.batches).toHaveLength(MAX_CACHED_BATCHES)
  })

  it('does not treat a batch with the same first but a different last sequence as a duplicate', () => {
    const t = new ProducerStateTable()
    t.record(batch(1n, 0, 0, 2), 0n)
    expect(t.check([batch(1n, 0, 0, 3)]).kind).toBe('reject')
  })

  it('fences older epochs and requires sequence 0 for a new epoch', () => {
    const t = new ProducerStateTable()
    t.record(batch(1n, 3, 0, 5), 0n)
    const old = t.check([batch(1n, 2, 5)])
    expect(old.kind === 'reject' && old.reason).toBe('invalid-producer-epoch')
    const bad = t.check([batch(1n, 4, 5)])
    expect(bad.kind === 'reject' && bad.reason).toBe('out-of-order-sequence')
    expect(t.check([batch(1n, 4, 0)])).toEqual({ kind: 'append' })
    t.record(batch(1n, 4, 0), 5n)
    expect(t.get(1n)).toMatchObject({ epoch: 4, batches: [{ firstSeq: 0, firstOffset: 5n }] })
    // After the bump, a retry from the old epoch is no duplicate.
    expect(t.check([batch(1n, 3, 0, 5)]).kind).toBe('reject')
  })

  it('answers UNKNOWN_PRODUCER_ID for an unknown producer that does not start at 0', () => {
    const t = new ProducerStateTable()
    const res = t.check([batch(9n, 0, 42)])
    expect(res.kind === 'reject' && res.reason).toBe('unknown-producer-id')
  })

  it('checks several batches of one request cumulatively', () => {
    const t = new ProducerStateTable()
    expect(t.check([batch(1n, 0, 0, 2), batch(1n, 0, 2, 2)])).toEqual({ kind: 'append' })
    expect(t.check([batch(1n, 0, 0, 2), batch(1n, 0, 3, 2)]).kind).toBe('reject')
  })

  it('ignores non-idempotent batches', () => {
    const t = new ProducerStateTable()
    expect(t.check([batch(-1n, -1, -1)])).toEqual({ kind: 'append' })
    t.record(batch(-1n, -1, -1), 0n)
    expect(t.size).toBe(0)
  })

  it('wraps sequences at INT32_MAX', () => {
    expect(lastSequenceOf(0x7fffffff, 1)).toBe(0)
    const t = new ProducerStateTable()
    t.record(batch(1n, 0, 0), 0n)
    t.record({ ...batch(1n, 0, 0x7ffffffe, 2) }, 1n)
    expect(t.check([batch(1n, 0, 1)]).kind).toBe('reject')
    const t2 = new ProducerStateTable()
    t2.record(batch(1n, 0, 0x7ffffffe, 2), 1n)
    expect(t2.check([batch(1n, 0, 0)])).toEqual({ kind: 'append' })
  })

  it('expires producers idle for longer than producer.id.expiration.ms', () => {
    const t = new ProducerStateTable()
    t.record({ ...batch(1n, 0, 0), maxTimestamp: 1000n }, 0n)
    t.record({ ...batch(2n, 0, 0), maxTimestamp: 5000n }, 1n)
    t.expire(6000n, 2000n)
    expect(t.get(1n)).toBeUndefined()
    expect(t.get(2n)).toBeDefined()
  })
})
