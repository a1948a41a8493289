// @platformatic/kafka group admin against the real broker process: listGroups (with state filter),
// describeGroups, listConsumerGroupOffsets, alterConsumerGroupOffsets, deleteConsumerGroupOffsets and
// deleteGroups, around a live kafkajs consumer group.
import { Admin } from '@platformatic/kafka'
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let admin: Admin
let kafka: Kafka

beforeAll(async () => {
  broker = await startBroker({
    config: { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '5' },
  })
  admin = new Admin({ clientId: 'compat-groups', bootstrapBrokers: [broker.bootstrap] })
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
})

afterAll(async () => {
  await admin?.close()
  await broker?.stop()
})

/** A kafkajs member of `groupId` that has been given every partition of the topic. */
async function activeMember(groupId: string, topic: string, partitions: number): Promise<Consumer> {
  const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 })
  const joined = new Promise<void>((resolve) =>
    c.on(c.events.GROUP_JOIN, (e) => {
      if (Object.values(e.payload.memberAssignment).flat().length === partitions) resolve()
    }),
  )
  await c.connect()
  await c.subscribe({ topic, fromBeginning: true })
  await c.run({ eachMessage: async () => {} })
  await joined
  return c
}

describe('@platformatic/kafka group admin', () => {
  it('lists, describes, moves offsets of, and deletes consumer groups', async () => {
    const topic = 'pg-topic'
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 })
    const member = await activeMember('pg-active', topic, 2)

    const all = await admin.listGroups()
    expect(all.get('pg-active')).toMatchObject({ id: 'pg-active', state: 'Stable', protocolType: 'consumer' })
    const stable = await admin.listGroups({ states: ['STABLE'] })
    expect([...stable.keys()]).toEqual(['pg-active'])
    expect((await admin.listGroups({ states: ['EMPTY'] })).size).toBe(0)

    const described = (await admin.describeGroups({ groups: ['pg-active', 'pg-none'] })).get('pg-active')
    expect(described).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
    })
    expect(described?.members.size).toBe(1)
    const m = [...described!.members.values()][0]!
    expect(m.clientHost).toBe('/127.0.0.1')
    expect([...(m.assignments?.get(topic)?.partitions ?? [])].sort()).toEqual([0, 1])

    // An active group's offsets belong to its members.
    await expect(
      admin.alterConsumerGroupOffsets({
        groupId: 'pg-active',
        topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 1n }] }],
      }),
    ).rejects.toThrow()
    await expect(admin.deleteGroups({ groups: ['pg-active'] })).rejects.toThrow()

    await member.disconnect()
    expect((await admin.listGroups({ states: ['EMPTY'] })).has('pg-active')).toBe(true)

    await admin.alterConsumerGroupOffsets({
      groupId: 'pg-active',
      topics: [
        {
          name: topic,
          partitionOffsets: [
            { partition: 0, offset: 7n },
            { partition: 1, offset: 9n },
          ],
        },
      ],
    })
    const offsets = await admin.listConsumerGroupOffsets({ groups: ['pg-active'] })
    const parts = offsets[0]!.topics.find((t) => t.name === topic)!.partitions
    expect(parts.map((p) => [p.partitionIndex, p.committedOffset]).sort()).toEqual([
      [0, 7n],
      [1, 9n],
    ])

    await admin.deleteConsumerGroupOffsets({
      groupId: 'pg-active',
      topics: [{ name: topic, partitionIndexes: [1] }],
    })
    const after = await admin.listConsumerGroupOffsets({
      groups: [{ groupId: 'pg-active', topics: [{ name: topic, partitionIndexes: [0, 1] }] }],
    })
    expect(after[0]!.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([7n, -1n])

    await admin.deleteGroups({ groups: ['pg-active'] })
    expect((await admin.listGroups()).has('pg-active')).toBe(false)
    await expect(admin.deleteGroups({ groups: ['pg-active'] })).rejects.toThrow()
  })
})
