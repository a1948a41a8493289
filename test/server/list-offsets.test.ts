// ListOffsets, DeleteRecords and OffsetForLeaderEpoch over raw sockets against the real broker process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { encodeDeleteRecordsRequest } from '../../broker/protocol/generated/delete-records-request.ts'
import { decodeDeleteRecordsResponse } from '../../broker/protocol/generated/delete-records-response.ts'
import { encodeOffsetForLeaderEpochRequest } from '../../broker/protocol/generated/offset-for-leader-epoch-request.ts'
import { decodeOffsetForLeaderEpochResponse } from '../../broker/protocol/generated/offset-for-leader-epoch-response.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { call, createTopic, fetch, listOffsets, produce } from './data-path-client.ts'
import { buildRecordBatch } from '../../broker/protocol/records/builder.ts'

let broker: RunningBroker
let c: RawClient

beforeAll(async () => {
  broker = await startBroker()
  c = await RawClient.connect(broker.port)
  await createTopic(c, 'lo', 1)
  await createTopic(c, 'dr', 1)
  // Timestamps 1000, 2000, 3000 (one batch), then 5000 and 4000 in a second batch.
  await produce(
    c,
    'lo',
    0,
    await buildRecordBatch({ records: [1000, 2000, 3000].map((t) => ({ value: 'v', timestamp: t })) }),
  )
  await produce(
    c,
    'lo',
    0,
    await buildRecordBatch({ records: [5000, 4000].map((t) => ({ value: 'v', timestamp: t })) }),
  )
  for (let i = 0; i < 4; i++)
    await produce(c, 'dr', 0, await buildRecordBatch({ records: [{ value: `r${i}` }] }))
})
afterAll(async () => {
  c?.close()
  await broker?.stop()
})

async function offsetAt(timestamp: bigint, version = 7, isolationLevel = 0) {
  const res = await listOffsets(
    c,
    {
      replicaId: -1,
      isolationLevel,
      topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp }] }],
    },
    version,
  )
  return res.topics[0]?.partitions[0]
}

function deleteRecords(offset: bigint) {
  return call(
    c,
    21,
    2,
    (w) =>
      encodeDeleteRecordsRequest(
        w,
        { topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 5000 },
        2,
      ),
    decodeDeleteRecordsResponse,
  ).then((r) => r.topics[0]?.partitions[0])
}

describe('ListOffsets', () => {
  it('answers earliest, latest, max timestamp and by timestamp', async () => {
    expect(await offsetAt(-2n)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n })
    expect(await offsetAt(-1n)).toMatchObject({ errorCode: 0, offset: 5n, leaderEpoch: 0 })
    expect(await offsetAt(-1n, 7, 1)).toMatchObject({ offset: 5n })
    expect(await offsetAt(-3n)).toMatchObject({ offset: 3n, timestamp: 5000n })
    expect(await offsetAt(-4n, 8)).toMatchObject({ offset: 0n })
    expect(await offsetAt(2000n)).toMatchObject({ offset: 1n, timestamp: 2000n })
    expect(await offsetAt(2500n)).toMatchObject({ offset: 2n, timestamp: 3000n })
    expect(await offsetAt(9000n)).toMatchObject({ offset: -1n, timestamp: -1n })
  })

  it('answers v0 with the old-style offsets array', async () => {
    const res = await listOffsets(
      c,
      {
        replicaId: -1,
        topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp: -1n, maxNumOffsets: 1 }] }],
      },
      0,
    )
    expect(res.topics[0]?.partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [5n] })
  })

  it('answers v1 for librdkafka-style requests', async () => {
    expect(await offsetAt(-2n, 1)).toMatchObject({ errorCode: 0, offset: 0n })
  })

  it('answers an unknown partition with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await listOffsets(c, {
      replicaId: -1,
      topics: [{ name: 'lo', partitions: [{ partitionIndex: 4, timestamp: -1n }] }],
    })
    expect(res.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })
})

describe('DeleteRecords', () => {
  it('moves the log start offset, and fetches below it are out of range', async () => {
    expect(await deleteRecords(2n)).toMatchObject({ errorCode: 0, lowWatermark: 2n })
    const res = await listOffsets(c, {
      replicaId: -1,
      topics: [{ name: 'dr', partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
    })
    expect(res.topics[0]?.partitions[0]?.offset).toBe(2n)
    const f = await fetch(c, {
      maxWaitMs: 0,
      topics: [{ topic: 'dr', partitions: [{ partition: 0, fetchOffset: 1n, partitionMaxBytes: 1 << 20 }] }],
    })
    expect(f.responses[0]?.partitions[0]).toMatchObject({
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      logStartOffset: 2n,
    })
  })

  it('answers beyond the high watermark with OFFSET_OUT_OF_RANGE and -1 as the high watermark', async () => {
    expect((await deleteRecords(10n))?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    expect(await deleteRecords(-1n)).toMatchObject({ errorCode: 0, lowWatermark: 4n })
  })
})

describe('OffsetForLeaderEpoch', () => {
  it('ends the current epoch at the log end and fences stale epochs', async () => {
    const res = await call(
      c,
      23,
      4,
      (w) =>
        encodeOffsetForLeaderEpochRequest(
          w,
          {
            replicaId: -1,
            topics: [
              {
                topic: 'lo',
                partitions: [
                  { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
                  { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 0 },
                  { partition: 3, currentLeaderEpoch: 0, leaderEpoch: 0 },
                ],
              },
            ],
          },
          4,
        ),
      decodeOffsetForLeaderEpochResponse,
    )
    expect(res.topics[0]?.partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual([
      [0, 0, 5n],
      [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n],
    ])
  })
})
