// Fetch over raw sockets against the real broker process: long polling, limits, sessions, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, fetch, produce } from './data-path-client.ts'

let broker: RunningBroker
let c: RawClient
let topicId: string

beforeAll(async () => {
  broker = await startBroker()
  c = await RawClient.connect(broker.port)
  topicId = await createTopic(c, 'f1', 3)
  await produce(c, 'f1', 0, await batch(['a', 'b']))
  await produce(c, 'f1', 0, await batch(['c']))
  await produce(c, 'f1', 0, await batch(['d', 'e', 'f']))
})
afterAll(async () => {
  c?.close()
  await broker?.stop()
})

function part(partition: number, fetchOffset: bigint, partitionMaxBytes = 1 << 20) {
  return { partition, fetchOffset, partitionMaxBytes }
}

function offsetsOf(records: Buffer | null): bigint[] {
  return [...iterateBatches(records ?? Buffer.alloc(0))].map((b) => b.baseOffset)
}

describe('Fetch', () => {
  it('returns whole batches from the one holding the fetch offset, with the watermarks', async () => {
    const res = await fetch(c, { maxWaitMs: 0, topics: [{ topic: 'f1', partitions: [part(0, 2n)] }] })
    const p = res.responses[0]?.partitions[0]
    expect(p).toMatchObject({
      errorCode: 0,
      highWatermark: 6n,
      lastStableOffset: 6n,
      logStartOffset: 0n,
      preferredReadReplica: -1,
    })
    expect(offsetsOf(p?.records ?? null)).toEqual([2n, 3n])
  })

  it('answers a long poll as soon as data arrives', async () => {
    const other = await RawClient.connect(broker.port)
    const pending = fetch(other, {
      maxWaitMs: 30_000,
      minBytes: 1,
      topics: [{ topic: 'f1', partitions: [part(1, 0n)] }],
    })
    // Let the fetch park (a round trip on the same connection would queue behind it, so use another).
    await fetch(c, { maxWaitMs: 0, topics: [{ topic: 'f1', partitions: [part(2, 0n)] }] })
    await produce(c, 'f1', 1, await batch(['late']))
    const res = await pending
    expect(offsetsOf(res.responses[0]?.partitions[0]?.records ?? null)).toEqual([0n])
    other.close()
  })

  it('answers an empty long poll after maxWaitMs with no records', async () => {
    const res = await fetch(c, {
      maxWaitMs: 10,
      minBytes: 1,
      topics: [{ topic: 'f1', partitions: [part(2, 0n)] }],
    })
    expect(res.responses[0]?.partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n })
    expect(res.responses[0]?.partitions[0]?.records?.length ?? 0).toBe(0)
  })

  it('answers offsets past the high watermark or below the log start with OFFSET_OUT_OF_RANGE', async () => {
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [{ topic: 'f1', partitions: [part(0, 99n), part(0, -5n)] }],
    })
    expect(res.responses[0]?.partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.OFFSET_OUT_OF_RANGE,
      ErrorCode.OFFSET_OUT_OF_RANGE,
    ])
    expect(res.responses[0]?.partitions[0]?.highWatermark).toBe(6n)
  })

  it('returns one whole batch even when larger than the limits (KIP-74), then respects them', async () => {
    const res = await fetch(c, {
      maxWaitMs: 0,
      maxBytes: 10,
      topics: [{ topic: 'f1', partitions: [part(0, 0n, 10), part(1, 0n)] }],
    })
    const [p0, p1] = res.responses[0]?.partitions ?? []
    expect(offsetsOf(p0?.records ?? null)).toEqual([0n])
    expect(p1?.records?.length ?? 0).toBe(0)
  })

  it('answers unknown topics by name and by id', async () => {
    const byName = await fetch(c, { maxWaitMs: 0, topics: [{ topic: 'missing', partitions: [part(0, 0n)] }] })
    expect(byName.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const byId = await fetch(
      c,
      { maxWaitMs: 0, topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [part(0, 0n)] }] },
      13,
    )
    expect(byId.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
    const known = await fetch(c, { maxWaitMs: 0, topics: [{ topicId, partitions: [part(0, 5n)] }] }, 16)
    expect(known.responses[0]?.topicId).toBe(topicId)
    expect(offsetsOf(known.responses[0]?.partitions[0]?.records ?? null)).toEqual([3n])
  })

  it('keeps an incremental fetch session and answers only partitions that changed', async () => {
    const full = await fetch(c, {
      maxWaitMs: 0,
      sessionId: 0,
      sessionEpoch: 0,
      topics: [{ topic: 'f1', partitions: [part(0, 6n), part(2, 0n)] }],
    })
    expect(full.sessionId).toBeGreaterThan(0)
    expect(full.responses[0]?.partitions).toHaveLength(2)
    const quiet = await fetch(c, { maxWaitMs: 0, sessionId: full.sessionId, sessionEpoch: 1, topics: [] })
    expect(quiet.errorCode).toBe(0)
    expect(quiet.responses).toEqual([])
    await produce(c, 'f1', 2, await batch(['new']))
    const changed = await fetch(c, { maxWaitMs: 0, sessionId: full.sessionId, sessionEpoch: 2, topics: [] })
    expect(changed.responses[0]?.partitions.map((p) => p.partitionIndex)).toEqual([2])
    const stale = await fetch(c, { maxWaitMs: 0, sessionId: full.sessionId, sessionEpoch: 2, topics: [] })
    expect(stale.errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    const unknown = await fetch(c, { maxWaitMs: 0, sessionId: 12345, sessionEpoch: 1, topics: [] })
    expect(unknown.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  })

  it('keeps a topic-id session (v13+) and forgets partitions', async () => {
    const full = await fetch(
      c,
      {
        maxWaitMs: 0,
        sessionId: 0,
        sessionEpoch: 0,
        topics: [{ topicId, partitions: [part(0, 6n), part(1, 0n)] }],
      },
      16,
    )
    expect(full.sessionId).toBeGreaterThan(0)
    const inc = await fetch(
      c,
      {
        maxWaitMs: 0,
        sessionId: full.sessionId,
        sessionEpoch: 1,
        topics: [],
        forgottenTopicsData: [{ topicId, partitions: [1] }],
      },
      16,
    )
    expect(inc.responses).toEqual([])
    await produce(c, 'f1', 1, await batch(['forgotten']))
    await produce(c, 'f1', 0, await batch(['kept']))
    const next = await fetch(c, { maxWaitMs: 0, sessionId: full.sessionId, sessionEpoch: 2, topics: [] }, 16)
    expect(next.responses.map((t) => [t.topicId, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      [topicId, [0]],
    ])
    expect(offsetsOf(next.responses[0]?.partitions[0]?.records ?? null)).toEqual([6n])
  })

  it('waits for minBytes across several appends', async () => {
    const other = await RawClient.connect(broker.port)
    const pending = fetch(other, {
      maxWaitMs: 30_000,
      minBytes: 150,
      topics: [{ topic: 'f1', partitions: [part(2, 1n)] }],
    })
    await produce(c, 'f1', 2, await batch(['one']))
    await produce(c, 'f1', 2, await batch(['two-two-two-two-two-two-two-two']))
    await produce(c, 'f1', 2, await batch(['three-three-three-three-three-three']))
    const res = await pending
    const bytes = res.responses[0]?.partitions[0]?.records?.length ?? 0
    expect(bytes).toBeGreaterThanOrEqual(150)
    other.close()
  })

  it('serves READ_COMMITTED with an empty aborted transactions list', async () => {
    const res = await fetch(c, {
      maxWaitMs: 0,
      isolationLevel: 1,
      topics: [{ topic: 'f1', partitions: [part(0, 0n)] }],
    })
    expect(res.responses[0]?.partitions[0]?.abortedTransactions).toEqual([])
  })
})
