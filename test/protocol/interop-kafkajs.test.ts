// Cross-checks the generated codecs on the older, non-flexible versions that kafkajs speaks: its
// request encoders' bytes decode with ours and re-encode identically, and our responses decode with
// its response decoders.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { apis } from '../../broker/protocol/generated/apis.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'

const require = createRequire(import.meta.url)

interface KafkajsRequest {
  apiKey: number
  apiVersion: number
  encode(): Promise<{ buffer: Buffer }>
}
type RequestFactory = (args: Record<string, unknown>) => KafkajsRequest
interface ResponseModule {
  decode(raw: Buffer): Promise<Record<string, unknown>>
}

function kafkajsRequest(path: string): RequestFactory {
  return require(`kafkajs/src/protocol/requests/${path}/request.js`) as RequestFactory
}

function kafkajsResponse(path: string): ResponseModule {
  return require(`kafkajs/src/protocol/requests/${path}/response.js`) as ResponseModule
}

async function decodeTheirRequest(req: KafkajsRequest): Promise<Record<string, unknown>> {
  const bytes = (await req.encode()).buffer
  const api = apis[req.apiKey]
  if (api === undefined) throw new Error(`no api ${req.apiKey}`)
  const r = new Reader(bytes)
  const decoded = api.decodeRequest(r, req.apiVersion) as Record<string, unknown>
  expect(r.remaining).toBe(0)
  const w = new Writer()
  api.encodeRequest(w, decoded, req.apiVersion)
  expect(w.toBuffer().toString('hex')).toBe(bytes.toString('hex'))
  return decoded
}

function ourResponse(apiKey: number, version: number, value: object): Buffer {
  const api = apis[apiKey]
  if (api === undefined) throw new Error(`no api ${apiKey}`)
  const w = new Writer()
  api.encodeResponse(w, value, version)
  return w.toBuffer()
}

describe('kafkajs requests decode with the generated codecs', () => {
  it('Metadata v0, v1 (null = all topics) and v4', async () => {
    expect(await decodeTheirRequest(kafkajsRequest('metadata/v0')({ topics: ['a', 'b'] }))).toMatchObject({
      topics: [{ name: 'a' }, { name: 'b' }],
    })
    // kafkajs sends an empty list as null, which v1+ reads as all topics.
    expect(await decodeTheirRequest(kafkajsRequest('metadata/v1')({ topics: [] }))).toMatchObject({
      topics: null,
    })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('metadata/v4')({ topics: ['x'], allowAutoTopicCreation: false }),
      ),
    ).toMatchObject({ topics: [{ name: 'x' }], allowAutoTopicCreation: false })
  })

  it('Produce v3 keeps the record batch bytes as they came', async () => {
    const decoded = await decodeTheirRequest(
      kafkajsRequest('produce/v3')({
        acks: -1,
        timeout: 30000,
        topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }],
      }),
    )
    expect(decoded).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 })
    const records = (decoded as { topicData: { partitionData: { records: Buffer }[] }[] }).topicData[0]
      ?.partitionData[0]?.records
    expect(records?.readInt8(16)).toBe(2) // magic byte of a v2 record batch
  })

  it('Fetch v4 and v11', async () => {
    const topics = [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '7', maxBytes: 1048576 }] }]
    const args = { replicaId: -1, maxWaitTime: 100, minBytes: 1, maxBytes: 10485760, topics }
    expect(await decodeTheirRequest(kafkajsRequest('fetch/v4')(args))).toMatchObject({
      replicaId: -1,
      maxWaitMs: 100,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 7n, partitionMaxBytes: 1048576 }] }],
    })
    expect(await decodeTheirRequest(kafkajsRequest('fetch/v11')({ ...args, rackId: 'r1' }))).toMatchObject({
      sessionEpoch: -1,
      rackId: 'r1',
      forgottenTopicsData: [],
    })
  })

  it('group requests: JoinGroup v0, SyncGroup v0, Heartbeat v0, OffsetCommit v2, OffsetFetch v3', async () => {
    const metadata = Buffer.from([0, 1, 2])
    expect(
      await decodeTheirRequest(
        kafkajsRequest('joinGroup/v0')({
          groupId: 'g',
          sessionTimeout: 30000,
          memberId: '',
          protocolType: 'consumer',
          groupProtocols: [{ name: 'roundrobin', metadata }],
        }),
      ),
    ).toMatchObject({ groupId: 'g', sessionTimeoutMs: 30000, protocols: [{ name: 'roundrobin', metadata }] })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('syncGroup/v0')({
          groupId: 'g',
          generationId: 1,
          memberId: 'm',
          groupAssignment: [{ memberId: 'm', memberAssignment: metadata }],
        }),
      ),
    ).toMatchObject({ generationId: 1, assignments: [{ memberId: 'm', assignment: metadata }] })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('heartbeat/v0')({ groupId: 'g', groupGenerationId: 2, memberId: 'm' }),
      ),
    ).toEqual({ groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: null })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('offsetCommit/v2')({
          groupId: 'g',
          groupGenerationId: 2,
          memberId: 'm',
          retentionTime: -1,
          topics: [{ topic: 't', partitions: [{ partition: 0, offset: '10', metadata: null }] }],
        }),
      ),
    ).toMatchObject({
      retentionTimeMs: -1n,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 10n, committedMetadata: null }] },
      ],
    })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('offsetFetch/v3')({
          groupId: 'g',
          topics: [{ topic: 't', partitions: [{ partition: 0 }] }],
        }),
      ),
    ).toMatchObject({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] })
  })

  it('ListOffsets v1 and FindCoordinator v1', async () => {
    expect(
      await decodeTheirRequest(
        kafkajsRequest('listOffsets/v1')({
          replicaId: -1,
          topics: [{ topic: 't', partitions: [{ partition: 3 }] }],
        }),
      ),
    ).toMatchObject({
      replicaId: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 3, timestamp: -1n }] }],
    })
    expect(
      await decodeTheirRequest(
        kafkajsRequest('findCoordinator/v1')({ coordinatorKey: 'g', coordinatorType: 0 }),
      ),
    ).toMatchObject({ key: 'g', keyType: 0 })
  })
})

describe('generated responses decode with kafkajs', () => {
  it('Metadata v0 and v5', async () => {
    const value = {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      controllerId: 1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] },
      ],
    }
    expect(await kafkajsResponse('metadata/v0').decode(ourResponse(3, 0, value))).toMatchObject({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
      topicMetadata: [
        { topic: 't', partitionMetadata: [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] },
      ],
    })
    expect(await kafkajsResponse('metadata/v5').decode(ourResponse(3, 5, value))).toMatchObject({
      controllerId: 1,
      topicMetadata: [{ topic: 't', partitionMetadata: [{ partitionId: 0, offlineReplicas: [] }] }],
    })
  })

  it('ApiVersions v2, FindCoordinator v1, Produce v3', async () => {
    expect(
      await kafkajsResponse('apiVersions/v2').decode(
        ourResponse(18, 2, { apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 5 }),
      ),
    ).toMatchObject({
      errorCode: 0,
      apiVersions: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }],
      clientSideThrottleTime: 5, // kafkajs v2+ reports the broker's throttle time under this name
    })
    expect(
      await kafkajsResponse('findCoordinator/v1').decode(
        ourResponse(10, 1, { errorMessage: null, nodeId: 2, host: 'h', port: 9093 }),
      ),
    ).toMatchObject({ errorCode: 0, coordinator: { nodeId: 2, host: 'h', port: 9093 } })
    expect(
      await kafkajsResponse('produce/v3').decode(
        ourResponse(0, 3, {
          responses: [
            { name: 't', partitionResponses: [{ index: 0, baseOffset: 42n, logAppendTimeMs: -1n }] },
          ],
        }),
      ),
    ).toMatchObject({ topics: [{ topicName: 't', partitions: [{ partition: 0, baseOffset: '42' }] }] })
  })

  it('Fetch v4 with no records', async () => {
    const raw = ourResponse(1, 4, {
      responses: [
        {
          topic: 't',
          partitions: [
            { partitionIndex: 0, highWatermark: 5n, lastStableOffset: 5n, records: Buffer.alloc(0) },
          ],
        },
      ],
    })
    expect(await kafkajsResponse('fetch/v4').decode(raw)).toMatchObject({
      responses: [{ topicName: 't', partitions: [{ partition: 0, highWatermark: '5', messages: [] }] }],
    })
  })
})
