// Quota enforcement over raw sockets against the real broker process: throttle_time_ms in responses, a
// muted connection after a throttled KIP-219 response, a delayed response for older versions, quota
// changes taking effect at once, the consumer byte rate, request_percentage, and KIP-599's
// THROTTLING_QUOTA_EXCEEDED (CreateTopics, DeleteTopics, CreatePartitions).
//
// Order of events is what the tests check: while one connection is muted (or its answer held back),
// round trips on another connection complete first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeApiVersionsRequest } from '../../broker/protocol/generated/api-versions-request.ts'
import { encodeCreatePartitionsRequest } from '../../broker/protocol/generated/create-partitions-request.ts'
import { decodeCreatePartitionsResponse } from '../../broker/protocol/generated/create-partitions-response.ts'
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { encodeDeleteTopicsRequest } from '../../broker/protocol/generated/delete-topics-request.ts'
import { decodeDeleteTopicsResponse } from '../../broker/protocol/generated/delete-topics-response.ts'
import { encodeFetchRequest } from '../../broker/protocol/generated/fetch-request.ts'
import { decodeFetchResponse, type FetchResponse } from '../../broker/protocol/generated/fetch-response.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { decodeMetadataResponse } from '../../broker/protocol/generated/metadata-response.ts'
import { encodeProduceRequest } from '../../broker/protocol/generated/produce-request.ts'
import { decodeProduceResponse } from '../../broker/protocol/generated/produce-response.ts'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, produce } from '../server/data-path-client.ts'
import { frameAs, setClientQuota } from './quota-wire.ts'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker()
})
afterAll(async () => {
  await broker?.stop()
})

const QUOTA = 10_000
/** About 12 s worth of QUOTA in one request: over a 10 s window that is 20% over, a ~2 s throttle. */
const BIG = 120_000

function produceFrame(clientId: string, version: number): { frame: Buffer; correlationId: number } {
  // The topic does not exist: the request's size is what the producer quota counts.
  const records = Buffer.alloc(BIG)
  return frameAs(clientId, 0, version, (w) =>
    encodeProduceRequest(
      w,
      {
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'no-such-topic', partitionData: [{ index: 0, records }] }],
      },
      version,
    ),
  )
}

function apiVersionsFrame(clientId: string): { frame: Buffer; correlationId: number } {
  return frameAs(clientId, 18, 3, (w) =>
    encodeApiVersionsRequest(w, { clientSoftwareName: 'quota-test', clientSoftwareVersion: '1' }, 3),
  )
}

/** One ApiVersions round trip on an unthrottled connection. */
async function roundTrip(c: RawClient): Promise<void> {
  const { frame, correlationId } = apiVersionsFrame('bystander')
  c.send(frame)
  expect(RawClient.parse(await c.next(), 18, 3).correlationId).toBe(correlationId)
}

function produceThrottle(frame: Buffer, version: number): number {
  return decodeProduceResponse(RawClient.parse(frame, 0, version).body, version).throttleTimeMs
}

/** One Fetch v12 of partition 0 from offset 0, as `clientId`, in the given fetch session and epoch. */
async function fetchAs(
  c: RawClient,
  clientId: string,
  topic: string,
  sessionId: number,
  sessionEpoch: number,
): Promise<FetchResponse> {
  const req = frameAs(clientId, 1, 12, (w) =>
    encodeFetchRequest(
      w,
      {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        sessionId,
        sessionEpoch,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      },
      12,
    ),
  )
  c.send(req.frame)
  return decodeFetchResponse(RawClient.parse(await c.next(), 1, 12).body, 12)
}

/** A topic of four ~3 kB batches: a 1000 B/s quota's fetch (10,000 bytes) carries three of them. */
async function threeBatchTopic(name: string): Promise<void> {
  const admin = await RawClient.connect(broker.port)
  await createTopic(admin, name, 1)
  const values = Array.from({ length: 3 }, (_, i) => `${i}`.padEnd(1000, 'z'))
  for (let i = 0; i < 4; i++) {
    expect((await produce(admin, name, 0, await batch(values))).errorCode).toBe(0)
  }
  admin.close()
}

describe('client quota enforcement', () => {
  it('answers an over-quota produce at once with throttle_time_ms, then mutes the connection', async () => {
    await setClientQuota(broker.port, 'mute-1', 'producer_byte_rate', QUOTA)
    const a = await RawClient.connect(broker.port)
    const b = await RawClient.connect(broker.port)
    const produceReq = produceFrame('mute-1', 9)
    const next = apiVersionsFrame('mute-1')
    // Pipelined: the second request is already at the broker when the first one is throttled.
    a.send(Buffer.concat([produceReq.frame, next.frame]))
    const events: string[] = []
    const first = await a.next()
    events.push('throttled response')
    expect(RawClient.parse(first, 0, 9).correlationId).toBe(produceReq.correlationId)
    const throttle = produceThrottle(first, 9)
    expect(throttle).toBeGreaterThan(1000)
    expect(throttle).toBeLessThanOrEqual(11_000)
    const muted = a.next().then((f) => {
      events.push('muted request answered')
      return f
    })
    for (let i = 0; i < 3; i++) await roundTrip(b)
    events.push('other connection served')
    const second = await muted
    expect(RawClient.parse(second, 18, 3).correlationId).toBe(next.correlationId)
    expect(events).toEqual(['throttled response', 'other connection served', 'muted request answered'])
    a.close()
    b.close()
  })

  it('holds the response back for versions before KIP-219 (Produce v5)', async () => {
    await setClientQuota(broker.port, 'delay-1', 'producer_byte_rate', QUOTA)
    const a = await RawClient.connect(broker.port)
    const b = await RawClient.connect(broker.port)
    await roundTrip(a)
    const events: string[] = []
    const req = produceFrame('delay-1', 5)
    a.send(req.frame)
    const answered = a.next().then((f) => {
      events.push('delayed response')
      return f
    })
    for (let i = 0; i < 3; i++) await roundTrip(b)
    events.push('other connection served')
    const frame = await answered
    expect(events).toEqual(['other connection served', 'delayed response'])
    expect(produceThrottle(frame, 5)).toBeGreaterThan(1000)
    a.close()
    b.close()
  })

  it('applies quota changes to the very next request', async () => {
    await setClientQuota(broker.port, 'change-1', 'producer_byte_rate', QUOTA)
    const a = await RawClient.connect(broker.port)
    a.send(produceFrame('change-1', 9).frame)
    expect(produceThrottle(await a.next(), 9)).toBeGreaterThan(0)
    a.close()

    await setClientQuota(broker.port, 'change-1', 'producer_byte_rate', null)
    const c = await RawClient.connect(broker.port)
    c.send(produceFrame('change-1', 9).frame)
    expect(produceThrottle(await c.next(), 9)).toBe(0)

    // Set again: what the client sent meanwhile still counts against it.
    await setClientQuota(broker.port, 'change-1', 'producer_byte_rate', 2 * QUOTA)
    c.send(produceFrame('change-1', 9).frame)
    expect(produceThrottle(await c.next(), 9)).toBeGreaterThan(0)
    c.close()
  })

  it('throttles a consumer by the bytes of its fetch responses', async () => {
    const admin = await RawClient.connect(broker.port)
    await createTopic(admin, 'fetched', 1)
    const values = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(1000, 'x'))
    expect((await produce(admin, 'fetched', 0, await batch(values))).errorCode).toBe(0)
    admin.close()
    await setClientQuota(broker.port, 'fetch-1', 'consumer_byte_rate', 1000)
    const c = await RawClient.connect(broker.port)
    const req = frameAs('fetch-1', 1, 12, (w) =>
      encodeFetchRequest(
        w,
        {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          topics: [
            { topic: 'fetched', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
          ],
        },
        12,
      ),
    )
    c.send(req.frame)
    const res = decodeFetchResponse(RawClient.parse(await c.next(), 1, 12).body, 12)
    // One ~50 kB batch against 1 kB/s over a 10 s window: more than a window holds, so withholding it would
    // hold it back for good; it comes with its throttle time instead.
    expect(res.throttleTimeMs).toBeGreaterThan(1000)
    expect(res.responses[0]?.partitions[0]?.records?.length).toBeGreaterThan(50_000)
    c.close()
  })

  it('answers a consumer at most a quota window of bytes per fetch', async () => {
    const admin = await RawClient.connect(broker.port)
    await createTopic(admin, 'budgeted', 1)
    const values = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(1000, 'y'))
    for (let i = 0; i < 5; i++) {
      expect((await produce(admin, 'budgeted', 0, await batch(values))).errorCode).toBe(0)
    }
    admin.close()
    const fetchAll = async (clientId: string): Promise<number> => {
      const c = await RawClient.connect(broker.port)
      const req = frameAs(clientId, 1, 12, (w) =>
        encodeFetchRequest(
          w,
          {
            replicaId: -1,
            maxWaitMs: 0,
            minBytes: 1,
            maxBytes: 1 << 20,
            topics: [
              {
                topic: 'budgeted',
                partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }],
              },
            ],
          },
          12,
        ),
      )
      c.send(req.frame)
      const res = decodeFetchResponse(RawClient.parse(await c.next(), 1, 12).body, 12)
      c.close()
      return res.responses[0]?.partitions[0]?.records?.length ?? 0
    }
    expect(await fetchAll('unlimited')).toBeGreaterThan(50_000)
    // 1000 B/s over 10 full samples: 10,000 bytes, and the first batch is always whole.
    await setClientQuota(broker.port, 'fetch-2', 'consumer_byte_rate', 1000)
    const limited = await fetchAll('fetch-2')
    expect(limited).toBeGreaterThan(0)
    expect(limited).toBeLessThan(20_000)
  })

  it('answers an over-quota fetch with its throttle time and no records, and does not count them', async () => {
    await threeBatchTopic('withheld')
    await setClientQuota(broker.port, 'fetch-3', 'consumer_byte_rate', 1000)
    const fetchOn = (c: RawClient, sessionEpoch: number): Promise<FetchResponse> =>
      fetchAs(c, 'fetch-3', 'withheld', 0, sessionEpoch)
    const a = await RawClient.connect(broker.port)
    const first = await fetchOn(a, -1)
    expect(first.throttleTimeMs).toBe(0)
    const bytes = first.responses[0]?.partitions[0]?.records?.length ?? 0
    expect(bytes).toBeGreaterThan(0)
    // The same bytes again would be twice the quota: no partitions, so no records (as Kafka answers), and
    // the session this full fetch asked for is not opened.
    const second = await fetchOn(a, 0)
    expect(second.throttleTimeMs).toBeGreaterThan(0)
    expect(second.errorCode).toBe(ErrorCode.NONE)
    expect(second.responses).toEqual([])
    expect(second.sessionId).toBe(0)
    // The withheld bytes were not counted: counted, they would add ~`bytes` ms to the next throttle. A
    // quota window's padding can lengthen it by at most one sample (1 s) meanwhile.
    const b = await RawClient.connect(broker.port)
    const third = await fetchOn(b, -1)
    expect(third.responses).toEqual([])
    expect(third.throttleTimeMs).toBeLessThan(second.throttleTimeMs + 1000)
    expect(bytes).toBeGreaterThan(5000)
    a.close()
    b.close()
  })

  it('keeps a fetch session consistent when an incremental fetch is throttled', async () => {
    await threeBatchTopic('withheld-session')
    await setClientQuota(broker.port, 'fetch-4', 'consumer_byte_rate', 1000)
    const a = await RawClient.connect(broker.port)
    const opened = await fetchAs(a, 'fetch-4', 'withheld-session', 0, 0)
    expect(opened.throttleTimeMs).toBe(0)
    expect(opened.sessionId).toBeGreaterThan(0)
    // Epoch 1 would take the client over its quota: the session's answer with nothing in it.
    const throttled = await fetchAs(a, 'fetch-4', 'withheld-session', opened.sessionId, 1)
    expect(throttled.throttleTimeMs).toBeGreaterThan(0)
    expect(throttled.errorCode).toBe(ErrorCode.NONE)
    expect(throttled.sessionId).toBe(opened.sessionId)
    expect(throttled.responses).toEqual([])
    // The session moved on to epoch 2 and still owes the partition's records (a is muted: ask on b).
    await setClientQuota(broker.port, 'fetch-4', 'consumer_byte_rate', null)
    const b = await RawClient.connect(broker.port)
    const next = await fetchAs(b, 'fetch-4', 'withheld-session', opened.sessionId, 2)
    expect(next.errorCode).toBe(ErrorCode.NONE)
    expect(next.throttleTimeMs).toBe(0)
    expect(next.responses[0]?.partitions[0]?.records?.length).toBeGreaterThan(0)
    a.close()
    b.close()
  })

  it('throttles by request_percentage, the time requests keep the broker busy', async () => {
    // A millionth of a thread: any request is over it.
    await setClientQuota(broker.port, 'busy-1', 'request_percentage', 0.0001)
    const a = await RawClient.connect(broker.port)
    const req = frameAs('busy-1', 3, 12, (w) => encodeMetadataRequest(w, { topics: null }, 12))
    a.send(req.frame)
    const res = decodeMetadataResponse(RawClient.parse(await a.next(), 3, 12).body, 12)
    expect(res.throttleTimeMs).toBeGreaterThan(0)
    // As in Kafka, a request-time throttle is at most one sample (quota.window.size.seconds).
    expect(res.throttleTimeMs).toBeLessThanOrEqual(1000)
    a.close()
  })

  it('refuses topic creation over controller_mutation_rate with THROTTLING_QUOTA_EXCEEDED (v6+)', async () => {
    // 1 partition/s: the bucket holds 11. A 20-partition topic is admitted and leaves it 9 in debt.
    await setClientQuota(broker.port, 'mut-1', 'controller_mutation_rate', 1)
    const a = await RawClient.connect(broker.port)
    const create = frameAs('mut-1', 19, 7, (w) =>
      encodeCreateTopicsRequest(
        w,
        {
          topics: [
            { name: 'mut-a', numPartitions: 20, replicationFactor: 1 },
            { name: 'mut-b', numPartitions: 1, replicationFactor: 1 },
          ],
          timeoutMs: 5000,
        },
        7,
      ),
    )
    a.send(create.frame)
    const res = decodeCreateTopicsResponse(RawClient.parse(await a.next(), 19, 7).body, 7)
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['mut-a', ErrorCode.NONE],
      ['mut-b', ErrorCode.THROTTLING_QUOTA_EXCEEDED],
    ])
    expect(res.throttleTimeMs).toBeGreaterThan(8000)
    expect(res.throttleTimeMs).toBeLessThanOrEqual(9000)
    a.close()

    // Deleting partitions counts too, on every connection of that client id.
    const b = await RawClient.connect(broker.port)
    const del = frameAs('mut-1', 20, 6, (w) =>
      encodeDeleteTopicsRequest(w, { topics: [{ name: 'mut-a' }], timeoutMs: 5000 }, 6),
    )
    b.send(del.frame)
    const deleted = decodeDeleteTopicsResponse(RawClient.parse(await b.next(), 20, 6).body, 6)
    expect(deleted.responses[0]?.errorCode).toBe(ErrorCode.THROTTLING_QUOTA_EXCEEDED)
    expect(deleted.throttleTimeMs).toBeGreaterThan(0)
    b.close()

    const c = await RawClient.connect(broker.port)
    const grow = frameAs('mut-1', 37, 3, (w) =>
      encodeCreatePartitionsRequest(
        w,
        { topics: [{ name: 'mut-a', count: 30, assignments: null }], timeoutMs: 5000, validateOnly: false },
        3,
      ),
    )
    c.send(grow.frame)
    const grown = decodeCreatePartitionsResponse(RawClient.parse(await c.next(), 37, 3).body, 3)
    expect(grown.results[0]?.errorCode).toBe(ErrorCode.THROTTLING_QUOTA_EXCEEDED)
    c.close()
  })

  it('accepts older CreateTopics versions over the quota and throttles the client after', async () => {
    await setClientQuota(broker.port, 'mut-2', 'controller_mutation_rate', 1)
    const a = await RawClient.connect(broker.port)
    const create = frameAs('mut-2', 19, 5, (w) =>
      encodeCreateTopicsRequest(
        w,
        {
          topics: [
            { name: 'old-a', numPartitions: 20, replicationFactor: 1 },
            { name: 'old-b', numPartitions: 20, replicationFactor: 1 },
          ],
          timeoutMs: 5000,
        },
        5,
      ),
    )
    a.send(create.frame)
    const res = decodeCreateTopicsResponse(RawClient.parse(await a.next(), 19, 5).body, 5)
    expect(res.topics.map((t) => t.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE])
    expect(res.throttleTimeMs).toBeGreaterThan(20_000)
    a.close()
  })
})
