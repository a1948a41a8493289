// Cross-checks the generated codecs against an independent implementation: requests built by
// @platformatic/kafka decode with ours (and re-encode to the same bytes), and responses we encode
// parse with theirs. Covers flexible versions, tagged fields and the main client APIs.
import {
  Reader as TheirReader,
  apiVersionsV4,
  createTopicsV7,
  fetchV12,
  fetchV17,
  findCoordinatorV6,
  heartbeatV4,
  initProducerIdV5,
  joinGroupV9,
  listOffsetsV9,
  metadataV12,
  offsetCommitV9,
  produceV11,
} from '@platformatic/kafka'
import { describe, expect, it } from 'vitest'
import { apis } from '../../broker/protocol/generated/apis.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'

interface TheirWriter {
  buffer: Buffer
}

/** Their UUID text (hyphenated hex) in our form (22 base64url characters). */
function uuid(hex: string): string {
  return Buffer.from(hex.replaceAll('-', ''), 'hex').toString('base64url')
}

const TOPIC_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'

function decodeRequest(apiKey: number, version: number, bytes: Buffer): Record<string, unknown> {
  const api = apis[apiKey]
  if (api === undefined) throw new Error(`no api ${apiKey}`)
  const r = new Reader(bytes)
  const decoded = api.decodeRequest(r, version) as Record<string, unknown>
  expect(r.remaining).toBe(0)
  const w = new Writer()
  api.encodeRequest(w, decoded, version)
  expect(w.toBuffer().toString('hex')).toBe(bytes.toString('hex'))
  return decoded
}

function encodeResponse(apiKey: number, version: number, value: object): TheirReader {
  const api = apis[apiKey]
  if (api === undefined) throw new Error(`no api ${apiKey}`)
  const w = new Writer()
  api.encodeResponse(w, value, version)
  return TheirReader.from(w.toBuffer())
}

describe('requests from @platformatic/kafka decode with the generated codecs', () => {
  it('ApiVersions v4', () => {
    const bytes = (apiVersionsV4.createRequest('strata-test', '1.2.3') as TheirWriter).buffer
    expect(decodeRequest(18, 4, bytes)).toEqual({
      clientSoftwareName: 'strata-test',
      clientSoftwareVersion: '1.2.3',
    })
  })

  it('Metadata v12', () => {
    const bytes = (
      metadataV12.createRequest(['a', { name: 'b', topicId: TOPIC_ID }], false, true) as TheirWriter
    ).buffer
    expect(decodeRequest(3, 12, bytes)).toEqual({
      topics: [
        { topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'a' },
        { topicId: uuid(TOPIC_ID), name: 'b' },
      ],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    })
  })

  it('FindCoordinator v6', () => {
    const bytes = (findCoordinatorV6.createRequest(0, ['g1', 'g2']) as TheirWriter).buffer
    expect(decodeRequest(10, 6, bytes)).toMatchObject({ keyType: 0, coordinatorKeys: ['g1', 'g2'] })
  })

  it('JoinGroup v9 with a reason', () => {
    const meta = Buffer.from([0, 3, 1, 2])
    const bytes = (
      joinGroupV9.createRequest(
        'g',
        10000,
        30000,
        '',
        null,
        'consumer',
        [{ name: 'range', metadata: meta }],
        'why',
      ) as TheirWriter
    ).buffer
    expect(decodeRequest(11, 9, bytes)).toMatchObject({
      groupId: 'g',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 30000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: meta }],
      reason: 'why',
    })
  })

  it('Heartbeat v4, OffsetCommit v9, InitProducerId v5', () => {
    const hb = (heartbeatV4.createRequest('g', 3, 'm-1', 'inst') as TheirWriter).buffer
    expect(decodeRequest(12, 4, hb)).toEqual({
      groupId: 'g',
      generationId: 3,
      memberId: 'm-1',
      groupInstanceId: 'inst',
    })

    const topics = [
      {
        name: 't',
        partitions: [
          { partitionIndex: 2, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: 'md' },
        ],
      },
    ]
    const oc = (offsetCommitV9.createRequest('g', 5, 'm', null, topics) as TheirWriter).buffer
    expect(decodeRequest(8, 9, oc)).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 5, topics })

    const ip = (initProducerIdV5.createRequest('tx', 60000, -1n, -1) as TheirWriter).buffer
    expect(decodeRequest(22, 5, ip)).toEqual({
      transactionalId: 'tx',
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1,
    })
  })

  it('ListOffsets v9 and CreateTopics v7', () => {
    const lo = (
      listOffsetsV9.createRequest(-1, 1, [
        { name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] },
      ]) as TheirWriter
    ).buffer
    expect(decodeRequest(2, 9, lo)).toMatchObject({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
    })

    const ct = (
      createTopicsV7.createRequest(
        [
          {
            name: 'new',
            numPartitions: 3,
            replicationFactor: 1,
            assignments: [],
            configs: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        5000,
        false,
      ) as TheirWriter
    ).buffer
    expect(decodeRequest(19, 7, ct)).toMatchObject({
      topics: [
        {
          name: 'new',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    })
  })

  it('Fetch v12 and v17 (tagged replica directory id)', () => {
    const partition = {
      partition: 1,
      currentLeaderEpoch: 4,
      fetchOffset: 100n,
      lastFetchedEpoch: -1,
      partitionMaxBytes: 1 << 20,
    }

    const partitions = [partition]
    const f12 = // their v12 builder takes the topic name in topicId
      (
        fetchV12.createRequest(
          500,
          1,
          52428800,
          0,
          0,
          -1,
          [{ topicId: 't', partitions }],
          [],
          '',
        ) as TheirWriter
      ).buffer
    expect(decodeRequest(1, 12, f12)).toMatchObject({
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      sessionEpoch: -1,
      topics: [{ topic: 't', partitions: [{ partition: 1, currentLeaderEpoch: 4, fetchOffset: 100n }] }],
      rackId: '',
    })

    const dir = '11111111-2222-3333-4444-555555555555'
    const f17 = (
      fetchV17.createRequest(
        500,
        1,
        1024,
        1,
        7,
        2,
        [{ topicId: TOPIC_ID, partitions: [{ ...partition, replicaDirectoryId: dir }] }],
        [],
        'rack',
      ) as TheirWriter
    ).buffer
    const decoded = decodeRequest(1, 17, f17)
    expect(decoded).toMatchObject({
      isolationLevel: 1,
      sessionId: 7,
      topics: [{ topicId: uuid(TOPIC_ID), partitions: [{ partition: 1, replicaDirectoryId: uuid(dir) }] }],
      rackId: 'rack',
    })
  })
})

describe('responses from the generated codecs parse with @platformatic/kafka', () => {
  it('ApiVersions v4 with tagged finalized features', () => {
    const reader = encodeResponse(18, 4, {
      apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
      finalizedFeaturesEpoch: 9n,
      finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 20, minVersionLevel: 20 }],
    })
    const parsed = apiVersionsV4.parseResponse(1, 18, 4, reader)
    expect(parsed).toMatchObject({
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 11 }],
      finalizedFeaturesEpoch: 9n,
      finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 20, minVersionLevel: 20 }],
    })
  })

  it('Metadata v12', () => {
    const reader = encodeResponse(3, 12, {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'cluster',
      controllerId: 1,
      topics: [
        {
          name: 't',
          topicId: uuid(TOPIC_ID),
          partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] }],
        },
      ],
    })
    const parsed = metadataV12.parseResponse(1, 3, 12, reader)
    expect(parsed).toMatchObject({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'cluster',
      controllerId: 1,
      topics: [
        { name: 't', topicId: TOPIC_ID, partitions: [{ partitionIndex: 0, leaderId: 1, replicaNodes: [1] }] },
      ],
    })
  })

  it('Produce v11 with a tagged current leader', () => {
    const reader = encodeResponse(0, 11, {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              baseOffset: 5n,
              logAppendTimeMs: -1n,
              currentLeader: { leaderId: 1, leaderEpoch: 2 },
            },
          ],
        },
      ],
    })
    const parsed = produceV11.parseResponse(1, 0, 11, reader)
    expect(parsed).toMatchObject({
      responses: [
        {
          name: 't',
          partitionResponses: [{ index: 0, baseOffset: 5n, currentLeader: { leaderId: 1, leaderEpoch: 2 } }],
        },
      ],
    })
  })

  it('FindCoordinator v6 and InitProducerId v5', () => {
    const fc = encodeResponse(10, 6, {
      coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 9092, errorMessage: null }],
    })
    expect(findCoordinatorV6.parseResponse(1, 10, 6, fc)).toMatchObject({
      coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 9092 }],
    })
    const ip = encodeResponse(22, 5, { producerId: 1000n, producerEpoch: 0 })
    expect(initProducerIdV5.parseResponse(1, 22, 5, ip)).toMatchObject({
      producerId: 1000n,
      producerEpoch: 0,
    })
  })

  it('Fetch v17 with diverging epoch and no records', () => {
    const reader = encodeResponse(1, 17, {
      sessionId: 3,
      responses: [
        {
          topicId: uuid(TOPIC_ID),
          partitions: [
            {
              partitionIndex: 0,
              highWatermark: 10n,
              lastStableOffset: 10n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: 2, endOffset: 8n },
              abortedTransactions: null,
              records: null,
            },
          ],
        },
      ],
    })
    expect(fetchV17.parseResponse(1, 1, 17, reader)).toMatchObject({
      sessionId: 3,
      responses: [
        {
          topicId: TOPIC_ID,
          partitions: [
            {
              partitionIndex: 0,
              highWatermark: 10n,
              divergingEpoch: { epoch: 2, endOffset: 8n },
              records: null,
            },
          ],
        },
      ],
    })
  })
})
