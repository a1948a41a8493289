// Live fuzz: clients send mutated request frames (and random bytes) to a running broker while kafkajs
// produces and consumes on the same broker. The broker may close the fuzzing connections; the real
// client must see no error and receive every message, and the broker process must stay up.
import net from 'node:net'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Rng, mutate, validRequestFrames, type Sample } from '../fuzz/targets.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const SECONDS = Number(process.env.STRATA_LIVE_FUZZ_SECONDS ?? '8')
// Requests that legitimately change other clients' state (deleting topics, records or groups, changing
// broker configs, shutting down) are left out: the point is robustness, not a random admin.
const EXCLUDED = new Set([7, 20, 21, 33, 42, 44, 47])

let broker: RunningBroker
beforeAll(async () => {
  broker = await startBroker({ logLevel: 'error', config: { 'group.initial.rebalance.delay.ms': '0' } })
})
afterAll(async () => {
  await broker?.stop()
})

/** One fuzzing connection: sends mutated frames until the broker closes it or the deadline passes. */
function fuzzConnection(samples: Sample[], rng: Rng, deadline: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0
    const s = net.connect({ port: broker.port, host: '127.0.0.1' })
    s.on('error', () => {})
    s.on('data', () => {})
    s.once('close', () => resolve(sent))
    s.once('connect', () => {
      const tick = (): void => {
        if (s.destroyed) return
        if (Date.now() > deadline) {
          s.destroy()
          return
        }
        for (let i = 0; i < 20; i++) {
          let payload: Buffer
          if (rng.int(8) === 0) payload = rng.bytes(rng.int(100))
          else payload = mutate((samples[rng.int(samples.length)] as Sample).frame, rng)
          const size = Buffer.alloc(4)
          // Mostly honest size prefixes, so the mutation reaches the decoders.
          size.writeInt32BE(rng.int(10) === 0 ? rng.next() | 0 : payload.length)
          s.write(Buffer.concat([size, payload]))
          sent++
        }
        setTimeout(tick, 5)
      }
      tick()
    })
  })
}

describe('live fuzz', () => {
  it(
    'mutated frames never disturb a real client producing and consuming',
    { timeout: (SECONDS + 90) * 1000 },
    async () => {
      const seed = Date.now() % 0x7fffffff
      const samples = validRequestFrames(seed, 1).filter((s) => !EXCLUDED.has(s.apiKey))
      const kafka = new Kafka({ clientId: 'live', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
      const admin = kafka.admin()
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'live', numPartitions: 2 }] })
      await admin.disconnect()

      const received = new Set<string>()
      const consumer = kafka.consumer({ groupId: 'live-group' })
      await consumer.connect()
      await consumer.subscribe({ topic: 'live', fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.add(message.value?.toString() ?? '')
        },
      })
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()

      const deadline = Date.now() + SECONDS * 1000
      const rng = new Rng(seed)
      let fuzzFrames = 0
      const fuzzers = Array.from({ length: 3 }, async () => {
        while (Date.now() < deadline)
          fuzzFrames += await fuzzConnection(samples, new Rng(rng.next()), deadline)
      })
      const sent: string[] = []
      while (Date.now() < deadline) {
        const value = `m${sent.length}`
        await producer.send({ topic: 'live', acks: -1, messages: [{ key: `k${sent.length % 5}`, value }] })
        sent.push(value)
      }
      await Promise.all(fuzzers)
      // Wait (by polling the consumer's progress) until everything sent has arrived.
      for (let i = 0; i < 300 && received.size < sent.length; i++)
        await new Promise((r) => setTimeout(r, 100))
      await producer.disconnect()
      await consumer.disconnect()
      expect(fuzzFrames).toBeGreaterThan(100)
      expect(sent.length).toBeGreaterThan(0)
      expect(sent.filter((v) => !received.has(v))).toEqual([])
      expect(broker.child.exitCode).toBeNull()
    },
  )
})
