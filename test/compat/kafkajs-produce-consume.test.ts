// kafkajs 2.2.4 producers (plain and idempotent) and a consumer against the real broker process.
import { Kafka, logLevel, CompressionTypes, type Consumer, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let kafka: Kafka
const producers: Producer[] = []
const consumers: Consumer[] = []

beforeAll(async () => {
  broker = await startBroker()
  kafka = new Kafka({
    clientId: 'compat',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic: 'kj-plain', numPartitions: 3 },
      { topic: 'kj-idem', numPartitions: 3 },
    ],
  })
  await admin.disconnect()
})

afterAll(async () => {
  for (const c of consumers) await c.disconnect()
  for (const p of producers) await p.disconnect()
  await broker?.stop()
})

interface Sent {
  partition: number
  key: string
  value: string
}

async function produceKeyed(topic: string, idempotent: boolean, count: number): Promise<Sent[]> {
  const producer = kafka.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {})
  producers.push(producer)
  await producer.connect()
  const sent: Sent[] = []
  for (let start = 0; start < count; start += 100) {
    const messages = Array.from({ length: Math.min(100, count - start) }, (_, j) => ({
      key: `key-${(start + j) % 7}`,
      value: `value-${start + j}`,
      headers: { n: String(start + j) },
    }))
    const res = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages })
    expect(res.every((r) => r.errorCode === 0)).toBe(true)
    for (const m of messages) sent.push({ partition: -1, key: m.key, value: m.value })
  }
  return sent
}

async function consumeAll(
  topic: string,
  count: number,
): Promise<Map<number, { key: string; value: string; offset: string; n: string }[]>> {
  const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 200 })
  consumers.push(consumer)
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const byPartition = new Map<number, { key: string; value: string; offset: string; n: string }[]>()
  let seen = 0
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const list = byPartition.get(partition) ?? []
          list.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            offset: message.offset,
            n: message.headers?.n?.toString() ?? '',
          })
          byPartition.set(partition, list)
          if (++seen === count) resolve()
        },
      })
      .catch(reject)
  })
  await consumer.stop()
  return byPartition
}

function checkKeyed(
  sent: Sent[],
  got: Map<number, { key: string; value: string; offset: string; n: string }[]>,
): void {
  const keyPartition = new Map<string, number>()
  const all: string[] = []
  for (const [p, list] of got) {
    expect(list.map((m) => m.offset)).toEqual(list.map((_, i) => String(i)))
    for (const m of list) {
      expect(keyPartition.get(m.key) ?? p).toBe(p)
      keyPartition.set(m.key, p)
      expect(m.value).toBe(`value-${m.n}`)
      all.push(m.value)
    }
  }
  // Per key, values arrive in the order they were sent.
  for (const key of new Set(sent.map((s) => s.key))) {
    const order = [...got.values()]
      .flat()
      .filter((m) => m.key === key)
      .map((m) => m.value)
    expect(order).toEqual(sent.filter((s) => s.key === key).map((s) => s.value))
  }
  expect(all.length).toBe(sent.length)
}

describe('kafkajs 2.2.4', () => {
  it('produces keyed records and consumes them back per partition', async () => {
    const sent = await produceKeyed('kj-plain', false, 700)
    checkKeyed(sent, await consumeAll('kj-plain', 700))
  })

  it('produces idempotently and consumes them back per partition', async () => {
    const sent = await produceKeyed('kj-idem', true, 700)
    checkKeyed(sent, await consumeAll('kj-idem', 700))
  })

  it('fetches topic offsets (latest, earliest) and offsets by timestamp', async () => {
    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets('kj-plain')
    const total = offsets.reduce((n, o) => n + Number(o.high), 0)
    expect(total).toBe(700)
    expect(offsets.every((o) => o.low === '0')).toBe(true)
    const byTime = await admin.fetchTopicOffsetsByTimestamp('kj-plain', 0)
    expect(byTime.every((o) => o.offset === '0')).toBe(true)
    const future = await admin.fetchTopicOffsetsByTimestamp('kj-plain', Date.now() + 3_600_000)
    // No record that late: kafkajs maps -1 to the latest offset.
    expect(future.map((o) => o.offset).sort()).toEqual(offsets.map((o) => o.high).sort())
    await admin.disconnect()
  })
})
