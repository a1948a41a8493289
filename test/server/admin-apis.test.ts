// Admin API edge cases over the wire with the generated codecs, against the real broker process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { encodeDeleteTopicsRequest } from '../../broker/protocol/generated/delete-topics-request.ts'
import { decodeDeleteTopicsResponse } from '../../broker/protocol/generated/delete-topics-response.ts'
import { encodeMetadataRequest } from '../../broker/protocol/generated/metadata-request.ts'
import { decodeMetadataResponse } from '../../broker/protocol/generated/metadata-response.ts'
import { encodeDescribeTopicPartitionsRequest } from '../../broker/protocol/generated/describe-topic-partitions-request.ts'
import { decodeDescribeTopicPartitionsResponse } from '../../broker/protocol/generated/describe-topic-partitions-response.ts'
import { encodeDescribeConfigsRequest } from '../../broker/protocol/generated/describe-configs-request.ts'
import { decodeDescribeConfigsResponse } from '../../broker/protocol/generated/describe-configs-response.ts'
import { encodeIncrementalAlterConfigsRequest } from '../../broker/protocol/generated/incremental-alter-configs-request.ts'
import { decodeIncrementalAlterConfigsResponse } from '../../broker/protocol/generated/incremental-alter-configs-response.ts'
import type { Reader } from '../../broker/protocol/primitives/reader.ts'
import type { Writer } from '../../broker/protocol/primitives/writer.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

let broker: RunningBroker
let client: RawClient
let correlation = 0

beforeAll(async () => {
  broker = await startBroker({
    config: { 'auto.create.topics.enable': 'false', 'num.partitions': '3', 'log.retention.hours': '2' },
  })
  client = await RawClient.connect(broker.port)
})
afterAll(async () => {
  client?.close()
  await broker?.stop()
})

async function call<T>(
  key: number,
  version: number,
  encode: (w: Writer) => void,
  decode: (r: Reader, v: number) => T,
): Promise<T> {
  const id = ++correlation
  client.send(RawClient.frame(key, version, id, encode))
  const res = RawClient.parse(await client.next(), key, version)
  expect(res.correlationId).toBe(id)
  return decode(res.body, version)
}

function createTopics(
  topics: {
    name: string
    numPartitions?: number
    replicationFactor?: number
    configs?: { name: string; value: string }[]
  }[],
  validateOnly = false,
  version = 7,
) {
  return call(
    19,
    version,
    (w) =>
      encodeCreateTopicsRequest(
        w,
        {
          topics: topics.map((t) => ({
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [],
            configs: [],
            ...t,
          })),
          timeoutMs: 5000,
          validateOnly,
        },
        version,
      ),
    decodeCreateTopicsResponse,
  )
}

describe('CreateTopics', () => {
  it('applies defaults and reports configs and the topic id (v7)', async () => {
    const res = await createTopics([
      { name: 'ct-a', configs: [{ name: 'cleanup.policy', value: 'compact' }] },
    ])
    const t = res.topics[0]!
    expect(t).toMatchObject({ name: 'ct-a', errorCode: 0, numPartitions: 3, replicationFactor: 1 })
    expect(t.topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA')
    const configs = new Map(t.configs?.map((c) => [c.name, c]))
    expect(configs.get('cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1 })
    // log.retention.hours=2 (static broker config) feeds retention.ms.
    expect(configs.get('retention.ms')).toMatchObject({ value: '7200000', configSource: 4 })
  })

  it('refuses bad names, collisions, duplicates, bad counts and bad configs one topic at a time', async () => {
    const res = await createTopics([
      { name: 'bad name' },
      { name: '.' },
      { name: 'x'.repeat(250) },
      { name: 'col_x' },
      { name: 'col.x' },
      { name: 'dup' },
      { name: 'dup' },
      { name: 'zero', numPartitions: 0 },
      { name: 'rf3', replicationFactor: 3 },
      { name: 'badcfg', configs: [{ name: 'retention.ms', value: 'soon' }] },
      { name: 'unknowncfg', configs: [{ name: 'no.such', value: '1' }] },
      { name: 'fine' },
    ])
    expect(res.topics.map((t) => [t.name.slice(0, 10), t.errorCode])).toEqual([
      ['bad name', 17],
      ['.', 17],
      ['xxxxxxxxxx', 17],
      ['col_x', 0],
      ['col.x', 17],
      ['dup', 42],
      ['dup', 42],
      ['zero', 37],
      ['rf3', 38],
      ['badcfg', 40],
      ['unknowncfg', 40],
      ['fine', 0],
    ])
    expect(res.topics[4]?.errorMessage).toContain('collides')
    expect(res.topics[9]?.errorMessage).toContain('retention.ms')
    const again = await createTopics([{ name: 'fine' }])
    expect(again.topics[0]?.errorCode).toBe(36)
  })

  it('validateOnly creates nothing', async () => {
    const res = await createTopics([{ name: 'ct-validate', numPartitions: 2 }], true)
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2 })
    const md = await call(
      3,
      12,
      (w) => encodeMetadataRequest(w, { topics: [{ name: 'ct-validate' }] }, 12),
      decodeMetadataResponse,
    )
    expect(md.topics[0]?.errorCode).toBe(3)
  })

  it('answers old versions too (v0)', async () => {
    const res = await createTopics([{ name: 'ct-v0', numPartitions: 1, replicationFactor: 1 }], false, 0)
    expect(res.topics[0]).toMatchObject({ name: 'ct-v0', errorCode: 0 })
  })
})

describe('Metadata', () => {
  it('does not auto-create when the broker forbids it, and lists all topics for a null list', async () => {
    const md = await call(
      3,
      12,
      (w) => encodeMetadataRequest(w, { topics: [{ name: 'md-none' }], allowAutoTopicCreation: true }, 12),
      decodeMetadataResponse,
    )
    expect(md.topics[0]).toMatchObject({ name: 'md-none', errorCode: 3 })
    const all = await call(
      3,
      12,
      (w) => encodeMetadataRequest(w, { topics: null }, 12),
      decodeMetadataResponse,
    )
    expect(all.topics.map((t) => t.name)).toContain('ct-a')
    expect(all.controllerId).toBe(1)
    expect(all.brokers).toEqual([
      expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: broker.port }),
    ])
    const v0 = await call(3, 0, (w) => encodeMetadataRequest(w, { topics: [] }, 0), decodeMetadataResponse)
    expect(v0.topics.map((t) => t.name)).toContain('ct-a')
  })
})

describe('DeleteTopics', () => {
  it('deletes by topic id (v6) and reports unknown ids', async () => {
    const created = await createTopics([{ name: 'del-by-id' }])
    const id = created.topics[0]!.topicId
    const res = await call(
      20,
      6,
      (w) =>
        encodeDeleteTopicsRequest(
          w,
          {
            topics: [
              { name: null, topicId: id },
              { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
            ],
            timeoutMs: 1000,
          },
          6,
        ),
      decodeDeleteTopicsResponse,
    )
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['del-by-id', 0],
      [null, 100],
    ])
  })
})

describe('DescribeTopicPartitions', () => {
  it('pages through partitions with a cursor', async () => {
    await createTopics([
      { name: 'dtp-a', numPartitions: 3 },
      { name: 'dtp-b', numPartitions: 2 },
    ])
    const page = (cursor: { topicName: string; partitionIndex: number } | null) =>
      call(
        75,
        0,
        (w) =>
          encodeDescribeTopicPartitionsRequest(
            w,
            { topics: [{ name: 'dtp-a' }, { name: 'dtp-b' }], responsePartitionLimit: 2, cursor },
            0,
          ),
        decodeDescribeTopicPartitionsResponse,
      )
    const seen: string[] = []
    let cursor: { topicName: string; partitionIndex: number } | null = null
    for (let i = 0; i < 5; i++) {
      const res = await page(cursor)
      for (const t of res.topics) for (const p of t.partitions) seen.push(`${t.name}-${p.partitionIndex}`)
      cursor = res.nextCursor
      if (!cursor) break
    }
    expect(seen).toEqual(['dtp-a-0', 'dtp-a-1', 'dtp-a-2', 'dtp-b-0', 'dtp-b-1'])
  })
})

describe('configs', () => {
  it('describes broker configs with sources and refuses static-only changes', async () => {
    const res = await call(
      32,
      4,
      (w) =>
        encodeDescribeConfigsRequest(
          w,
          {
            resources: [
              {
                resourceType: 4,
                resourceName: '1',
                configurationKeys: ['num.partitions', 'log.segment.bytes'],
              },
            ],
            includeSynonyms: true,
          },
          4,
        ),
      decodeDescribeConfigsResponse,
    )
    const byName = new Map(res.results[0]?.configs.map((c) => [c.name, c]))
    expect(byName.get('num.partitions')).toMatchObject({ value: '3', configSource: 4, readOnly: true })
    expect(byName.get('log.segment.bytes')).toMatchObject({
      value: '1073741824',
      configSource: 5,
      readOnly: false,
    })
    const alter = (name: string, value: string) =>
      call(
        44,
        1,
        (w) =>
          encodeIncrementalAlterConfigsRequest(
            w,
            {
              resources: [
                { resourceType: 4, resourceName: '1', configs: [{ name, configOperation: 0, value }] },
              ],
              validateOnly: false,
            },
            1,
          ),
        decodeIncrementalAlterConfigsResponse,
      )
    expect((await alter('num.partitions', '4')).responses[0]?.errorCode).toBe(40)
    expect((await alter('log.retention.ms', '60000')).responses[0]?.errorCode).toBe(0)
    // A dynamic broker default flows into every topic without its own value.
    const topic = await call(
      32,
      4,
      (w) =>
        encodeDescribeConfigsRequest(
          w,
          {
            resources: [{ resourceType: 2, resourceName: 'ct-a', configurationKeys: ['retention.ms'] }],
            includeSynonyms: true,
          },
          4,
        ),
      decodeDescribeConfigsResponse,
    )
    expect(topic.results[0]?.configs[0]).toMatchObject({ value: '60000', configSource: 2 })
    expect(topic.results[0]?.configs[0]?.synonyms.map((s) => s.name)).toEqual([
      'log.retention.ms',
      'log.retention.hours',
      'log.retention.hours',
    ])
  })
})
