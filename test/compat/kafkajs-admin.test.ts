// kafkajs 2.2.4 admin client against the real broker process.
import { Kafka, logLevel, ConfigResourceTypes, type Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let admin: Admin

beforeAll(async () => {
  broker = await startBroker()
  admin = new Kafka({
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin()
  await admin.connect()
})

afterAll(async () => {
  await admin?.disconnect()
  await broker?.stop()
})

describe('kafkajs admin', () => {
  it('creates, lists and deletes topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'kj-a', numPartitions: 3 }] })).toBe(true)
    expect(await admin.createTopics({ topics: [{ topic: 'kj-a', numPartitions: 3 }] })).toBe(false)
    expect(await admin.listTopics()).toContain('kj-a')
    const md = await admin.fetchTopicMetadata({ topics: ['kj-a'] })
    expect(md.topics[0]?.partitions).toHaveLength(3)
    await admin.deleteTopics({ topics: ['kj-a'] })
    expect(await admin.listTopics()).not.toContain('kj-a')
  })

  it('refuses a replication factor this single broker cannot give', async () => {
    const err = await admin
      .createTopics({ topics: [{ topic: 'kj-rf', numPartitions: 1, replicationFactor: 3 }] })
      .then(
        () => null,
        (e: unknown) => e as { errors?: { type: string }[] },
      )
    expect(err?.errors?.[0]?.type).toBe('INVALID_REPLICATION_FACTOR')
  })

  it('adds partitions and refuses to shrink', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-p', numPartitions: 1 }] })
    await admin.createPartitions({ topicPartitions: [{ topic: 'kj-p', count: 4 }] })
    const md = await admin.fetchTopicMetadata({ topics: ['kj-p'] })
    expect(md.topics[0]?.partitions).toHaveLength(4)
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kj-p', count: 2 }] })).rejects.toThrow()
  })

  it('describes and alters topic configs', async () => {
    await admin.createTopics({
      topics: [{ topic: 'kj-c', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })
    const res = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'kj-c', configNames: ['cleanup.policy', 'retention.ms'] },
      ],
      includeSynonyms: false,
    })
    const entries = res.resources[0]?.configEntries ?? []
    expect(entries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact')
    expect(entries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('604800000')
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'kj-c',
          configEntries: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
    })
    const after = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'kj-c', configNames: ['retention.ms', 'cleanup.policy'] },
      ],
      includeSynonyms: false,
    })
    const e2 = after.resources[0]?.configEntries ?? []
    expect(e2.find((e) => e.configName === 'retention.ms')?.configValue).toBe('1000')
    // AlterConfigs replaces the whole override set: cleanup.policy is back to its default.
    expect(e2.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('delete')
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: 'kj-c', configEntries: [{ name: 'no.such', value: '1' }] },
        ],
      }),
    ).rejects.toThrow()
  })

  it('describes the broker configs', async () => {
    const res = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions'] }],
      includeSynonyms: true,
    })
    expect(res.resources[0]?.configEntries[0]?.configValue).toBe('1')
    const cluster = await admin.describeCluster()
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: broker.host, port: broker.port }])
    expect(cluster.controller).toBe(1)
  })
})
