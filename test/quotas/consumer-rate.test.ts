// A kafkajs consumer held to consumer_byte_rate: fetches that would put it over the quota come back empty
// with a throttle time, and the records they held back are fetched again afterwards, so the consumer still
// gets every record exactly once and in order. Two 1 s samples keep the quota window (and the test) short.
import { Kafka, logLevel, type logCreator } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { setClientQuota } from './quota-wire.ts'

const CLIENT_ID = 'paced-consumer'
/** 100 kB/s over a one-sample window: one fetch carries at most 100 kB, the whole topic is ~200 kB. */
const QUOTA = 100_000
const BATCHES = 10
const PER_BATCH = 20

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({ config: { 'quota.window.num': '2', 'quota.window.size.seconds': '1' } })
})
afterAll(async () => {
  await broker?.stop()
})

describe('consumer_byte_rate with a real consumer', () => {
  it('delivers every record exactly once and in order while fetches are throttled', async () => {
    const throttles: string[] = []
    // kafkajs logs each throttle time it honours (KIP-219) at debug level.
    const capture: logCreator = () => (entry) => {
      if (entry.log.message.startsWith('Client side throttling')) throttles.push(entry.log.message)
    }
    const kafka = new Kafka({
      clientId: CLIENT_ID,
      brokers: [broker.bootstrap],
      logLevel: logLevel.DEBUG,
      logCreator: capture,
    })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'paced', numPartitions: 1 }] })
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    for (let b = 0; b < BATCHES; b++) {
      const messages = Array.from({ length: PER_BATCH }, (_, i) => ({
        value: `${b * PER_BATCH + i}`.padEnd(1000, '.'),
      }))
      await producer.send({ topic: 'paced', acks: -1, messages })
    }
    await producer.disconnect()
    await setClientQuota(broker.port, CLIENT_ID, 'consumer_byte_rate', QUOTA)

    const consumer = kafka.consumer({ groupId: 'paced-group' })
    await consumer.connect()
    await consumer.subscribe({ topics: ['paced'], fromBeginning: true })
    const seen: number[] = []
    const total = BATCHES * PER_BATCH
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(Number.parseInt(message.value?.toString() ?? '', 10))
            if (seen.length === total) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(throttles.length).toBeGreaterThan(0)
  }, 30_000)
})
