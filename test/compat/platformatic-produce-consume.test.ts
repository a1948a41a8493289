// @platformatic/kafka 2.x producer, consumer and admin (listOffsets, deleteRecords) against the real
// broker process.
import {
  Admin,
  Consumer,
  MessagesStreamModes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let admin: Admin
let producer: Producer<string, string, string, string>
let consumer: Consumer<string, string, string, string> | undefined

beforeAll(async () => {
  broker = await startBroker()
  admin = new Admin({ clientId: 'compat', bootstrapBrokers: [broker.bootstrap] })
  producer = new Producer({
    clientId: 'compat-producer',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    idempotent: true,
  })
  await admin.createTopics({ topics: ['pk-data'], partitions: 2, replicas: 1 })
})

afterAll(async () => {
  await consumer?.close(true)
  await producer?.close()
  await admin?.close()
  await broker?.stop()
})

describe('@platformatic/kafka', () => {
  it('produces idempotently and consumes from the earliest offset', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({
      topic: 'pk-data',
      key: `key-${i % 5}`,
      value: `value-${i}`,
      partition: i % 2,
      headers: new Map([['n', String(i)]]),
    }))
    const res = await producer.send({ messages, acks: -1 })
    expect(res.offsets?.length).toBeGreaterThan(0)

    consumer = new Consumer({
      clientId: 'compat-consumer',
      groupId: 'pk-group',
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      maxWaitTime: 200,
    })
    const stream = await consumer.consume({
      topics: ['pk-data'],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
    })
    const got = new Map<number, { offset: bigint; value: string; n: string | undefined }[]>()
    let seen = 0
    for await (const m of stream) {
      const list = got.get(m.partition) ?? []
      list.push({ offset: m.offset, value: m.value, n: m.headers.get('n') })
      got.set(m.partition, list)
      if (++seen === 200) break
    }
    await stream.close()
    for (const p of [0, 1]) {
      const list = got.get(p) ?? []
      expect(list.map((m) => m.offset)).toEqual(list.map((_, i) => BigInt(i)))
      expect(list.map((m) => m.value)).toEqual(messages.filter((m) => m.partition === p).map((m) => m.value))
      expect(list.every((m) => m.value === `value-${m.n}`)).toBe(true)
    }
  })

  it('lists offsets and deletes records', async () => {
    const latest = await admin.listOffsets({
      topics: [
        {
          name: 'pk-data',
          partitions: [
            { partitionIndex: 0, timestamp: -1n },
            { partitionIndex: 1, timestamp: -1n },
          ],
        },
      ],
    })
    expect(latest[0]?.partitions.map((p) => p.offset)).toEqual([100n, 100n])
    const deleted = await admin.deleteRecords({
      topics: [{ name: 'pk-data', partitions: [{ partition: 0, offset: 40n }] }],
    })
    expect(deleted[0]?.partitions[0]).toMatchObject({ partition: 0, lowWatermark: 40n })
    const earliest = await admin.listOffsets({
      topics: [{ name: 'pk-data', partitions: [{ partitionIndex: 0, timestamp: -2n }] }],
    })
    expect(earliest[0]?.partitions[0]?.offset).toBe(40n)
    await expect(
      admin.deleteRecords({ topics: [{ name: 'pk-data', partitions: [{ partition: 1, offset: 500n }] }] }),
    ).rejects.toThrow()
  })
})
