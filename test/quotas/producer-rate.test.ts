// A kafkajs producer held to producer_byte_rate (issue 7): driven as fast as it can go for 10 s against a
// 1 MiB/s quota it averages about the quota, and once the quota is removed it runs far faster. The only
// test here with a tolerance band on a rate, because enforcing that rate is the feature.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { setClientQuota } from './quota-wire.ts'

const QUOTA = 1024 * 1024
const CLIENT_ID = 'rate-limited'
const VALUE = Buffer.alloc(1024, 7)

let broker: RunningBroker
let kafka: Kafka

beforeAll(async () => {
  broker = await startBroker()
  kafka = new Kafka({ clientId: CLIENT_ID, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'rate', numPartitions: 1 }] })
  await admin.disconnect()
})
afterAll(async () => {
  await broker?.stop()
})

/** Sends 64 KiB requests from 4 concurrent loops for `ms`; returns acknowledged value bytes per second. */
async function drive(ms: number): Promise<number> {
  const producer = kafka.producer()
  await producer.connect()
  try {
    const messages = Array.from({ length: 64 }, () => ({ value: VALUE }))
    let bytes = 0
    const start = performance.now()
    const deadline = start + ms
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        await producer.send({ topic: 'rate', acks: 1, messages })
        bytes += messages.length * VALUE.length
      }
    }
    await Promise.all([loop(), loop(), loop(), loop()])
    return bytes / ((performance.now() - start) / 1000)
  } finally {
    await producer.disconnect()
  }
}

describe('producer_byte_rate', () => {
  it('holds a producer to about its quota, and lets it run free once the quota is removed', async () => {
    await setClientQuota(broker.port, CLIENT_ID, 'producer_byte_rate', QUOTA)
    const limited = await drive(10_000)
    await setClientQuota(broker.port, CLIENT_ID, 'producer_byte_rate', null)
    const free = await drive(4_000)
    console.log(
      `producer_byte_rate ${QUOTA} B/s: ${(limited / QUOTA).toFixed(2)}x quota; without it ${(free / QUOTA).toFixed(1)}x`,
    )
    expect(limited).toBeGreaterThan(0.8 * QUOTA)
    expect(limited).toBeLessThan(1.2 * QUOTA)
    expect(free).toBeGreaterThan(2 * limited)
  }, 30_000)
})
