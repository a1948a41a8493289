// The transaction coordinator's state machine with fake dependencies: epochs and fencing, timeouts,
// EndTxn retries and stale EndTxn, markers per partition, durability of every state change, recovery of a
// transaction left prepared, timed-out aborts and transactional id expiry.
import { describe, expect, it } from 'vitest'
import { ErrorCode as E } from '../../broker/protocol/errors.ts'
import { TransactionCoordinator, type TxnCoordinatorDeps } from '../../broker/txn/coordinator.ts'
import type { Marker } from '../../broker/txn/markers.ts'
import type { TxnMetadata } from '../../broker/txn/txn-metadata.ts'
import { decodeTxnRecord, encodeTxnKey, encodeTxnValue } from '../../broker/txn/txn-log.ts'

interface Fake {
  deps: TxnCoordinatorDeps
  markers: { topic: string; partition: number; marker: Marker }[]
  persisted: Map<string, TxnMetadata | null>
  groupsCompleted: { groupId: string; commit: boolean }[]
  clock: { now: number }
  failMarkers: { on: boolean }
}

function fake(): Fake {
  let nextId = 1000n
  const f: Fake = {
    markers: [],
    persisted: new Map(),
    groupsCompleted: [],
    clock: { now: 1_000_000 },
    failMarkers: { on: false },
    deps: undefined as unknown as TxnCoordinatorDeps,
  }
  f.deps = {
    allocateProducerId: () => Promise.resolve(nextId++),
    writeMarker: (topic, partition, marker) => {
      if (f.failMarkers.on) return Promise.reject(new Error('disk gone'))
      f.markers.push({ topic, partition, marker })
      return Promise.resolve()
    },
    completeGroupTxn: (groupId, _pid, commit) => f.groupsCompleted.push({ groupId, commit }),
    offsetsPartitionOf: () => ({ topic: '__consumer_offsets', partition: 1 }),
    groupsOfPartition: () => [],
    partitionExists: (topic) => topic !== 'missing',
    persist: (id, meta) => {
      // Round-trip through Kafka's record format, as a restart would read it.
      f.persisted.set(id, meta === null ? null : decodeTxnRecord(encodeTxnKey(id), encodeTxnValue(meta)).meta)
      return Promise.resolve()
    },
    maxTimeoutMs: () => 60_000,
    idExpirationMs: () => 3_600_000,
    now: () => f.clock.now,
    warn: () => undefined,
  }
  return f
}

const add = (
  c: TransactionCoordinator,
  id: string,
  pid: bigint,
  epoch: number,
  topics = [{ name: 't', partitions: [0, 1] }],
) => c.addPartitions({ transactionalId: id, producerId: pid, producerEpoch: epoch, topics })

describe('TransactionCoordinator', () => {
  it('bumps the epoch per InitProducerId and fences the older producer', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const a = await c.initProducerId('tx', 10_000, -1n, -1)
    expect(a).toEqual({ errorCode: E.NONE, producerId: 1000n, producerEpoch: 0 })
    const b = await c.initProducerId('tx', 10_000, -1n, -1)
    expect(b).toMatchObject({ producerId: 1000n, producerEpoch: 1 })
    const res = await add(c, 'tx', 1000n, 0)
    expect(res[0]?.results.every((r) => r.errorCode === E.PRODUCER_FENCED)).toBe(true)
    expect(await c.endTxn('tx', 1000n, 0, true)).toBe(E.PRODUCER_FENCED)
    // KIP-360: a zombie naming its old epoch is fenced too.
    expect((await c.initProducerId('tx', 10_000, 1000n, 0)).errorCode).toBe(E.PRODUCER_FENCED)
  })

  it('refuses timeouts above transaction.max.timeout.ms', async () => {
    const c = new TransactionCoordinator(fake().deps)
    expect((await c.initProducerId('tx', 60_001, -1n, -1)).errorCode).toBe(E.INVALID_TRANSACTION_TIMEOUT)
    expect((await c.initProducerId('tx', 0, -1n, -1)).errorCode).toBe(E.INVALID_TRANSACTION_TIMEOUT)
  })

  it('commits: prepare is durable before the markers, complete after; retries answer NONE', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    await add(c, 'tx', producerId, 0)
    expect(f.persisted.get('tx')?.state).toBe('Ongoing')
    expect(await c.addOffsets('tx', producerId, 0, 'g')).toBe(E.NONE)
    expect(c.checkOffsetCommit('tx', producerId, 0, 'g')).toBe(E.NONE)
    expect(c.checkOffsetCommit('tx', producerId, 0, 'other')).toBe(E.INVALID_TXN_STATE)
    expect(await c.endTxn('tx', producerId, 0, true)).toBe(E.NONE)
    expect(f.markers.map((m) => `${m.topic}-${m.partition}:${m.marker.commit}`).sort()).toEqual([
      '__consumer_offsets-1:true',
      't-0:true',
      't-1:true',
    ])
    expect(f.groupsCompleted).toEqual([{ groupId: 'g', commit: true }])
    expect(f.persisted.get('tx')?.state).toBe('CompleteCommit')
    expect(await c.endTxn('tx', producerId, 0, true)).toBe(E.NONE)
    // A delayed abort of the finished transaction changes nothing.
    expect(await c.endTxn('tx', producerId, 0, false)).toBe(E.INVALID_TXN_STATE)
    expect(f.markers).toHaveLength(3)
  })

  it('EndTxn with no open transaction is INVALID_TXN_STATE; unknown partitions are reported', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    expect(await c.endTxn('tx', producerId, 0, true)).toBe(E.INVALID_TXN_STATE)
    expect(await c.endTxn('nope', producerId, 0, true)).toBe(E.INVALID_PRODUCER_ID_MAPPING)
    const res = await add(c, 'tx', producerId, 0, [
      { name: 't', partitions: [0] },
      { name: 'missing', partitions: [0] },
    ])
    expect(res.map((t) => t.results[0]?.errorCode)).toEqual([
      E.OPERATION_NOT_ATTEMPTED,
      E.UNKNOWN_TOPIC_OR_PARTITION,
    ])
    expect(c.get('tx')?.state).toBe('Empty')
  })

  it('a new producer instance aborts the open transaction with a bumped epoch', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    await add(c, 'tx', producerId, 0)
    const again = await c.initProducerId('tx', 10_000, -1n, -1)
    expect(again.errorCode).toBe(E.NONE)
    expect(f.markers.every((m) => !m.marker.commit && m.marker.producerEpoch === 1)).toBe(true)
    expect(again.producerEpoch).toBe(2)
  })

  it('finishes a transaction left prepared (crash between prepare and complete) on restart', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    await add(c, 'tx', producerId, 0)
    f.failMarkers.on = true
    expect(await c.endTxn('tx', producerId, 0, true)).toBe(E.NONE)
    expect(f.persisted.get('tx')?.state).toBe('PrepareCommit')

    f.failMarkers.on = false
    const restarted = new TransactionCoordinator(f.deps)
    const saved = f.persisted.get('tx')
    if (!saved) throw new Error('nothing persisted')
    restarted.restore(saved)
    await restarted.completePending()
    expect(f.markers.map((m) => m.marker.commit)).toEqual([true, true])
    expect(f.persisted.get('tx')?.state).toBe('CompleteCommit')
  })

  it('aborts transactions past their timeout, fencing the producer, and expires idle ids', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    await add(c, 'tx', producerId, 0)
    f.clock.now += 10_001
    await c.sweep()
    expect(c.get('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 })
    expect(f.markers.every((m) => !m.marker.commit)).toBe(true)
    expect(await c.endTxn('tx', producerId, 0, true)).toBe(E.PRODUCER_FENCED)
    f.clock.now += 3_600_001
    await c.sweep()
    expect(c.get('tx')).toBeUndefined()
    expect(f.persisted.get('tx')).toBeNull()
  })

  it('serves the batched AddPartitions verifyOnly check without adding', async () => {
    const f = fake()
    const c = new TransactionCoordinator(f.deps)
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    await add(c, 'tx', producerId, 0, [{ name: 't', partitions: [0] }])
    const res = await c.addPartitions(
      { transactionalId: 'tx', producerId, producerEpoch: 0, topics: [{ name: 't', partitions: [0, 1] }] },
      true,
    )
    expect(res[0]?.results.map((r) => r.errorCode)).toEqual([E.NONE, E.INVALID_TXN_STATE])
    expect([...(c.get('tx')?.partitions.get('t') ?? [])]).toEqual([0])
  })
})

describe('TransactionCoordinator.mayOpenOnPartition', () => {
  it('lets only the current epoch open a transaction on an added partition of an Ongoing transaction', async () => {
    const c = new TransactionCoordinator(fake().deps)
    c.loaded = true
    const { producerId } = await c.initProducerId('tx', 10_000, -1n, -1)
    expect(c.mayOpenOnPartition(producerId, 0, 't', 0)).toBe(false)
    await add(c, 'tx', producerId, 0)
    expect(c.mayOpenOnPartition(producerId, 0, 't', 0)).toBe(true)
    expect(c.mayOpenOnPartition(producerId, 0, 't', 7)).toBe(false)
    expect(c.mayOpenOnPartition(producerId, 1, 't', 0)).toBe(false)
    expect(c.mayOpenOnPartition(999n, 0, 't', 0)).toBe(false)
    await c.endTxn('tx', producerId, 0, false)
    // A produce delayed past the abort cannot open a transaction that nothing would close.
    expect(c.mayOpenOnPartition(producerId, 0, 't', 0)).toBe(false)
  })
})
