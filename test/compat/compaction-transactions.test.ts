// A compacted topic written by a kafkajs transactional producer: the broker's cleaner (log.cleaner.backoff.ms)
// removes the aborted and superseded records, the broker is killed (no producer snapshot at the log end) and
// restarted, and a READ_COMMITTED consumer still gets every committed latest value and what is committed
// after the restart, which needs the last stable offset to reach the high watermark again.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const CONFIG = {
  'group.initial.rebalance.delay.ms': '0',
  'offsets.topic.num.partitions': '2',
  'transaction.state.log.num.partitions': '2',
  'log.cleaner.backoff.ms': '50',
}
const TOPIC = 'compacted-txn'

let broker: RunningBroker | undefined

afterAll(async () => {
  await broker?.stop()
})

function kafka(b: RunningBroker): Kafka {
  return new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20 } })
}

/** The bytes of every .log file of the partition. */
function logBytes(dataDir: string): Buffer {
  const dir = join(dataDir, `${TOPIC}-0`)
  return Buffer.concat(
    readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .map((n) => {
        try {
          return readFileSync(join(dir, n))
        } catch {
          return Buffer.alloc(0) // swapped away between the listing and the read
        }
      }),
  )
}

/** Waits for the cleaner; it runs every 50 ms, so this polls the files rather than a broker event. */
async function untilCleaned(dataDir: string, gone: string[]): Promise<void> {
  for (;;) {
    const bytes = logBytes(dataDir)
    if (gone.every((s) => !bytes.includes(s))) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function readCommitted(
  k: Kafka,
  until: (seen: Map<string, string>) => boolean,
): Promise<Map<string, string>> {
  const consumer = k.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  const seen = new Map<string, string>()
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.set(message.value?.toString() ?? '', message.key?.toString() ?? '')
        if (until(seen)) resolve()
      },
    })
  })
  await consumer.disconnect()
  return seen
}

describe('transactions on a compacted topic across a broker crash', () => {
  it('serves READ_COMMITTED data after the cleaner ran and the broker restarted', async () => {
    broker = await startBroker({ config: CONFIG })
    const { dataDir, port } = broker
    let k = kafka(broker)
    const admin = k.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '300' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '0' },
            { name: 'file.delete.delay.ms', value: '0' },
          ],
        },
      ],
      waitForLeaders: true,
    })
    await admin.disconnect()

    const producer = k.producer({ transactionalId: 'compacted-tx', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const txn = async (key: string, value: string, commit: boolean) => {
      const t = await producer.transaction()
      await t.send({ topic: TOPIC, messages: [{ key, value }] })
      await (commit ? t.commit() : t.abort())
    }
    await txn('k1', 'first-a', true)
    await txn('k1', 'aborted-x', false)
    await txn('k2', 'second-b', true)
    await txn('k1', 'third-c', true)
    await producer.disconnect()
    // Plain records roll the segments holding the transactions out of the active one.
    const plain = k.producer()
    await plain.connect()
    for (let i = 0; i < 6; i++)
      await plain.send({ topic: TOPIC, messages: [{ key: `z${i}`, value: `filler-${i}` }] })
    await plain.disconnect()

    await untilCleaned(dataDir, ['aborted-x', 'first-a'])
    await broker.kill('SIGKILL')
    broker = await startBroker({ config: CONFIG, dataDir, port })
    k = kafka(broker)

    const after = k.producer({ transactionalId: 'compacted-tx', maxInFlightRequests: 1, idempotent: true })
    await after.connect()
    const t = await after.transaction()
    await t.send({ topic: TOPIC, messages: [{ key: 'k3', value: 'after-d' }] })
    await t.commit()
    await after.disconnect()

    const seen = await readCommitted(k, (s) => s.has('after-d'))
    expect(seen.has('aborted-x')).toBe(false)
    expect(seen.has('first-a')).toBe(false)
    expect(seen.get('second-b')).toBe('k2')
    expect(seen.get('third-c')).toBe('k1')
  })
})
