// SIGKILL of the real broker in the middle of transactions: after the restart, the open transaction is
// resolved (aborted when the producer comes back, or when its timeout passes without it), committed records are all
// there exactly once, and the transactional id goes on with a fenced epoch.
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const CONFIG = {
  'group.initial.rebalance.delay.ms': '0',
  'offsets.topic.num.partitions': '2',
  'transaction.state.log.num.partitions': '2',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
}

let broker: RunningBroker | undefined

afterAll(async () => {
  await broker?.stop()
})

function kafka(b: RunningBroker): Kafka {
  return new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20 } })
}

async function readCommitted(
  k: Kafka,
  topic: string,
  group: string,
  until: (v: string[]) => boolean,
): Promise<string[]> {
  const consumer = k.consumer({ groupId: group, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  // By partition and offset: a consumer rebalance may hand a record over twice, the log must not hold it twice.
  const byOffset = new Map<string, string>()
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        byOffset.set(`${partition}:${message.offset}`, message.value?.toString() ?? '')
        if (until([...byOffset.values()])) resolve()
      },
    })
  })
  const values = [...byOffset.values()]
  await consumer.disconnect()
  return values
}

describe('transactions across a broker crash', () => {
  it('resolves open transactions and keeps committed records exactly once', async () => {
    broker = await startBroker({ config: CONFIG })
    const port = broker.port
    const dataDir = broker.dataDir
    let k = kafka(broker)
    const topic = 'crash-txn'
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
    await admin.disconnect()

    const producer = k.producer({
      transactionalId: 'crash-tx',
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: 1500,
    })
    await producer.connect()
    const committed: string[] = []
    for (let i = 0; i < 5; i++) {
      const t = await producer.transaction()
      const values = [`c${i}-a`, `c${i}-b`]
      await t.send({ topic, messages: values.map((value, j) => ({ value, partition: j })) })
      if (i % 2 === 0) {
        await t.commit()
        committed.push(...values)
      } else await t.abort()
    }
    const open = await producer.transaction()
    // Each partition gets one of the two open transactions: kafkajs activates at most one aborted
    // transaction per record it reads, so two aborted transactions interleaved on one partition can slip
    // past it (with any broker; librdkafka and the Java client handle that case).
    await open.send({ topic, messages: [{ value: 'open-a', partition: 0 }] })
    // A producer that never comes back: its transaction is aborted once its timeout has passed.
    const orphan = k.producer({
      transactionalId: 'crash-orphan',
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: 1000,
    })
    await orphan.connect()
    const orphanTxn = await orphan.transaction()
    await orphanTxn.send({ topic, messages: [{ value: 'orphan-b', partition: 1 }] })
    await broker.kill('SIGKILL')
    await producer.disconnect().catch(() => undefined)
    await orphan.disconnect().catch(() => undefined)

    broker = await startBroker({ config: CONFIG, dataDir, port })
    k = kafka(broker)
    const after = k.producer({ transactionalId: 'crash-tx', maxInFlightRequests: 1, idempotent: true })
    await after.connect()
    const t = await after.transaction()
    await t.send({
      topic,
      messages: [
        { value: 'after-a', partition: 0 },
        { value: 'after-b', partition: 1 },
      ],
    })
    await t.commit()
    await after.disconnect()

    const expected = [...committed, 'after-a', 'after-b']
    const seen = await readCommitted(k, topic, 'crash-reader', (v) => v.length >= expected.length)
    expect([...seen].sort()).toEqual([...expected].sort())
    expect(seen.some((v) => v.startsWith('open-') || v.startsWith('orphan-'))).toBe(false)
  })
})
