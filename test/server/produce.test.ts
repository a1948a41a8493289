// Produce and InitProducerId over raw sockets against the real broker process.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { encodeApiVersionsRequest } from '../../broker/protocol/generated/api-versions-request.ts'
import { encodeInitProducerIdRequest } from '../../broker/protocol/generated/init-producer-id-request.ts'
import { decodeInitProducerIdResponse } from '../../broker/protocol/generated/init-producer-id-response.ts'
import { encodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import { decodeProduceResponse } from '../../broker/protocol/generated/produce-response.ts'
import { OFF_MAGIC } from '../../broker/protocol/records/batch-header.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, call, createTopic, fetch, produce } from './data-path-client.ts'

let broker: RunningBroker
let c: RawClient

beforeAll(async () => {
  broker = await startBroker()
  c = await RawClient.connect(broker.port)
  await createTopic(c, 'p1', 2)
  await createTopic(c, 'small', 1, { 'max.message.bytes': '200' })
  await createTopic(c, 'appendtime', 1, { 'message.timestamp.type': 'LogAppendTime' })
  await createTopic(c, 'fragile', 2, { 'segment.bytes': '1000' })
})
afterAll(async () => {
  c?.close()
  await broker?.stop()
})

async function initProducerId(): Promise<{ producerId: bigint; producerEpoch: number }> {
  const res = await call(
    c,
    22,
    4,
    (w) => encodeInitProducerIdRequest(w, { transactionalId: null, transactionTimeoutMs: 60_000 }, 4),
    decodeInitProducerIdResponse,
  )
  expect(res.errorCode).toBe(ErrorCode.NONE)
  return res
}

describe('Produce', () => {
  it('appends and answers the base offset and log start offset', async () => {
    const first = await produce(c, 'p1', 0, await batch(['a', 'b', 'c']))
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 0n, logStartOffset: 0n, logAppendTimeMs: -1n })
    const second = await produce(c, 'p1', 0, await batch(['d'], { compression: 'zstd' }))
    expect(second).toMatchObject({ errorCode: 0, baseOffset: 3n })
  })

  it('sends no response for acks=0 (the next response is for the next request)', async () => {
    const records = await batch(['quiet'])
    c.send(
      RawClient.frame(0, 9, 1, (w) =>
        encodeProduceRequest(
          w,
          { acks: 0, timeoutMs: 1000, topicData: [{ name: 'p1', partitionData: [{ index: 1, records }] }] },
          9,
        ),
      ),
    )
    c.send(
      RawClient.frame(18, 3, 2, (w) =>
        encodeApiVersionsRequest(w, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' }, 3),
      ),
    )
    expect(RawClient.parse(await c.next(), 18, 3).correlationId).toBe(2)
    // The acks=0 records were still written.
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [{ topic: 'p1', partitions: [{ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    })
    expect(res.responses[0]?.partitions[0]?.highWatermark).toBe(1n)
  })

  it('closes the connection when an acks=0 produce fails, as the client has no response to learn it from', async () => {
    const own = await RawClient.connect(broker.port)
    const records = await batch(['lost'])
    own.send(
      RawClient.frame(0, 9, 1, (w) =>
        encodeProduceRequest(
          w,
          { acks: 0, timeoutMs: 1000, topicData: [{ name: 'p1', partitionData: [{ index: 7, records }] }] },
          9,
        ),
      ),
    )
    await own.closed
  })

  it('refuses a batch with a bad CRC with CORRUPT_MESSAGE and writes nothing', async () => {
    const records = await batch(['x', 'y'])
    records[records.length - 1] = (records[records.length - 1] as number) ^ 0xff
    const res = await produce(c, 'p1', 1, records)
    expect(res.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE)
    expect(res.errorMessage).toMatch(/CRC/)
  })

  it('refuses a truncated batch with CORRUPT_MESSAGE', async () => {
    const records = await batch(['x', 'y'])
    expect((await produce(c, 'p1', 1, records.subarray(0, records.length - 3))).errorCode).toBe(
      ErrorCode.CORRUPT_MESSAGE,
    )
  })

  it('refuses old message formats with UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    const records = await batch(['x'])
    records.writeInt8(1, OFF_MAGIC)
    expect((await produce(c, 'p1', 1, records)).errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT)
  })

  it('answers acks=2 with INVALID_REQUIRED_ACKS', async () => {
    expect((await produce(c, 'p1', 0, await batch(['x']), { acks: 2 })).errorCode).toBe(
      ErrorCode.INVALID_REQUIRED_ACKS,
    )
  })

  it('answers an unknown topic or partition with UNKNOWN_TOPIC_OR_PARTITION and does not create it', async () => {
    expect((await produce(c, 'nope', 0, await batch(['x']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
    expect((await produce(c, 'p1', 7, await batch(['x']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
    expect((await produce(c, 'nope', 0, await batch(['x']))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
  })

  it('enforces the topic max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const res = await produce(c, 'small', 0, await batch(['x'.repeat(500)]))
    expect(res.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)
    expect((await produce(c, 'small', 0, await batch(['ok']))).errorCode).toBe(ErrorCode.NONE)
  })

  it('stamps the broker time into LogAppendTime topics and keeps the batch CRC valid', async () => {
    const before = BigInt(Date.now())
    const res = await produce(c, 'appendtime', 0, await batch(['a', 'b'], { compression: 'gzip' }))
    expect(res.errorCode).toBe(ErrorCode.NONE)
    expect(res.logAppendTimeMs).toBeGreaterThanOrEqual(before)
    const f = await fetch(c, {
      maxWaitMs: 0,
      topics: [
        { topic: 'appendtime', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
      ],
    })
    const records = f.responses[0]?.partitions[0]?.records ?? Buffer.alloc(0)
    const [stored] = [...iterateBatches(records)]
    expect(stored?.timestampType).toBe('logAppend')
    expect(stored?.maxTimestamp).toBe(res.logAppendTimeMs)
    expect(stored?.crcMatches()).toBe(true)
  })

  it('answers a storage failure with KAFKA_STORAGE_ERROR for that partition only', async () => {
    const value = 'x'.repeat(600)
    expect((await produce(c, 'fragile', 0, await batch([value]))).errorCode).toBe(ErrorCode.NONE)
    // The next append must roll to a new segment file in a directory that is gone.
    await rm(join(broker.dataDir, 'fragile-0'), { recursive: true, force: true })
    expect((await produce(c, 'fragile', 0, await batch([value]))).errorCode).toBe(
      ErrorCode.KAFKA_STORAGE_ERROR,
    )
    expect((await produce(c, 'fragile', 0, await batch(['y']))).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    expect((await produce(c, 'fragile', 1, await batch([value]))).errorCode).toBe(ErrorCode.NONE)
    const f = await fetch(c, {
      maxWaitMs: 0,
      topics: [
        { topic: 'fragile', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
      ],
    })
    expect(f.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
  })

  it('fails only the bad partition of a multi-partition request', async () => {
    const good = await batch(['g'])
    const bad = await batch(['b'])
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
    const res = await call(
      c,
      0,
      9,
      (w) =>
        encodeProduceRequest(
          w,
          {
            acks: 1,
            timeoutMs: 1000,
            topicData: [
              {
                name: 'p1',
                partitionData: [
                  { index: 0, records: good },
                  { index: 1, records: bad },
                ],
              },
            ],
          },
          9,
        ),
      decodeProduceResponse,
    )
    const parts = res.responses[0]?.partitionResponses
    expect(parts?.map((p) => p.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.CORRUPT_MESSAGE])
  })
})

describe('idempotent produce', () => {
  it('gives distinct producer ids at epoch 0', async () => {
    const a = await initProducerId()
    const b = await initProducerId()
    expect(a.producerEpoch).toBe(0)
    expect(b.producerId).not.toBe(a.producerId)
  })

  it('answers a retried batch with its original offset and rejects gaps', async () => {
    const { producerId } = await initProducerId()
    const ids = { producerId, producerEpoch: 0 }
    const b0 = await batch(['a', 'b'], { ...ids, baseSequence: 0 })
    const first = await produce(c, 'p1', 1, Buffer.from(b0))
    expect(first.errorCode).toBe(ErrorCode.NONE)
    const b1 = await batch(['c'], { ...ids, baseSequence: 2 })
    const second = await produce(c, 'p1', 1, Buffer.from(b1))
    // Retries of either of the last batches: no error, the original offsets, nothing written twice.
    expect(await produce(c, 'p1', 1, Buffer.from(b0))).toMatchObject({
      errorCode: 0,
      baseOffset: first.baseOffset,
    })
    expect(await produce(c, 'p1', 1, Buffer.from(b1))).toMatchObject({
      errorCode: 0,
      baseOffset: second.baseOffset,
    })
    const gap = await produce(c, 'p1', 1, await batch(['z'], { ...ids, baseSequence: 9 }))
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    const next = await produce(c, 'p1', 1, await batch(['d'], { ...ids, baseSequence: 3 }))
    expect(next).toMatchObject({ errorCode: 0, baseOffset: second.baseOffset + 1n })
  })

  it('answers an unknown producer starting past sequence 0 with UNKNOWN_PRODUCER_ID', async () => {
    const res = await produce(
      c,
      'p1',
      0,
      await batch(['a'], { producerId: 999_999n, producerEpoch: 0, baseSequence: 5 }),
    )
    expect(res.errorCode).toBe(ErrorCode.UNKNOWN_PRODUCER_ID)
  })

  it('fences an older epoch with INVALID_PRODUCER_EPOCH', async () => {
    const { producerId } = await initProducerId()
    expect(
      (await produce(c, 'p1', 0, await batch(['a'], { producerId, producerEpoch: 1, baseSequence: 0 })))
        .errorCode,
    ).toBe(0)
    const old = await produce(
      c,
      'p1',
      0,
      await batch(['b'], { producerId, producerEpoch: 0, baseSequence: 1 }),
    )
    expect(old.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })
})
