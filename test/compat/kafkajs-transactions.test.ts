// kafkajs 2.2.4 transactions against the real broker process: committed and aborted transactions seen
// by read_committed and read_uncommitted consumers, an open transaction holding read_committed consumers
// back, offsets sent in a transaction (visible only on commit), and fencing by a second producer.
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeDescribeProducersResponse } from '../../broker/protocol/generated/describe-producers-response.ts'
import { encodeDescribeProducersRequest } from '../../broker/protocol/generated/describe-producers-request.ts'
import { decodeDescribeTransactionsResponse } from '../../broker/protocol/generated/describe-transactions-response.ts'
import { encodeDescribeTransactionsRequest } from '../../broker/protocol/generated/describe-transactions-request.ts'
import { decodeListTransactionsResponse } from '../../broker/protocol/generated/list-transactions-response.ts'
import { encodeListTransactionsRequest } from '../../broker/protocol/generated/list-transactions-request.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({
    config: {
      'group.initial.rebalance.delay.ms': '0',
      'offsets.topic.num.partitions': '3',
      'transaction.state.log.num.partitions': '3',
    },
  })
})

afterAll(async () => {
  await broker?.stop()
})

function kafka(): Kafka {
  return new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } })
}

async function createTopic(k: Kafka, topic: string): Promise<void> {
  const admin = k.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })
  await admin.disconnect()
}

/** Collects values until `until` says stop. */
async function consume(
  k: Kafka,
  topic: string,
  readUncommitted: boolean,
  until: (values: string[]) => boolean,
): Promise<{ values: string[]; consumer: Consumer }> {
  const consumer = k.consumer({
    groupId: `reader-${topic}-${readUncommitted}`,
    readUncommitted,
    maxWaitTimeInMs: 100,
  })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const values: string[] = []
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '')
        if (until(values)) resolve()
      },
    })
  })
  return { values, consumer }
}

describe('kafkajs transactions', () => {
  it('read_committed sees committed records once, in order; read_uncommitted sees all', async () => {
    const k = kafka()
    const topic = 'txn-out'
    await createTopic(k, topic)
    const producer = k.producer({ transactionalId: 'tx-basic', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const run = async (values: string[], commit: boolean): Promise<void> => {
      const t = await producer.transaction()
      await t.send({ topic, messages: values.map((value) => ({ value })) })
      if (commit) await t.commit()
      else await t.abort()
    }
    await run(['c1', 'c2', 'c3'], true)
    await run(['a1', 'a2'], false)
    await run(['c4', 'c5'], true)

    const committed = await consume(k, topic, false, (v) => v.includes('c5'))
    expect(committed.values).toEqual(['c1', 'c2', 'c3', 'c4', 'c5'])

    // An open transaction holds read_committed readers at its first offset; its abort drops its records.
    const open = await producer.transaction()
    await open.send({ topic, messages: [{ value: 'o1' }, { value: 'o2' }] })
    const plain = k.producer()
    await plain.connect()
    await plain.send({ topic, messages: [{ value: 'tail' }] })
    const all = await consume(k, topic, true, (v) => v.includes('tail'))
    expect(all.values).toEqual(['c1', 'c2', 'c3', 'a1', 'a2', 'c4', 'c5', 'o1', 'o2', 'tail'])
    expect(committed.values).toEqual(['c1', 'c2', 'c3', 'c4', 'c5'])
    await open.abort()
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (committed.values.includes('tail')) {
          clearInterval(check)
          resolve()
        }
      }, 20)
    })
    expect(committed.values).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'tail'])
    await committed.consumer.disconnect()
    await all.consumer.disconnect()
    await plain.disconnect()
    await producer.disconnect()
  })

  it('offsets sent in a transaction are committed with it and dropped on abort', async () => {
    const k = kafka()
    const topic = 'txn-offsets'
    await createTopic(k, topic)
    const producer = k.producer({ transactionalId: 'tx-offsets', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const admin = k.admin()
    await admin.connect()
    const offsetOf = async (): Promise<string | undefined> => {
      const res = await admin.fetchOffsets({ groupId: 'txn-group', topics: [topic] })
      return res[0]?.partitions[0]?.offset
    }
    const t1 = await producer.transaction()
    await t1.send({ topic, messages: [{ value: 'x' }] })
    await t1.sendOffsets({
      consumerGroupId: 'txn-group',
      topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }],
    })
    await t1.commit()
    expect(await offsetOf()).toBe('5')

    const t2 = await producer.transaction()
    await t2.sendOffsets({
      consumerGroupId: 'txn-group',
      topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }],
    })
    await t2.abort()
    expect(await offsetOf()).toBe('5')
    await admin.disconnect()
    await producer.disconnect()
  })

  it('a second producer with the same transactional id fences the first', async () => {
    const k = kafka()
    const topic = 'txn-fence'
    await createTopic(k, topic)
    const first = k.producer({
      transactionalId: 'tx-fence',
      maxInFlightRequests: 1,
      idempotent: true,
      retry: { retries: 1 },
    })
    await first.connect()
    const zombie = await first.transaction()
    await zombie.send({ topic, messages: [{ value: 'zombie' }] })

    const second = k.producer({ transactionalId: 'tx-fence', maxInFlightRequests: 1, idempotent: true })
    await second.connect()
    // kafkajs calls InitProducerId when the first transaction begins: that fences the first producer.
    const t = await second.transaction()
    await expect(zombie.commit()).rejects.toThrow()
    await t.send({ topic, messages: [{ value: 'live' }] })
    await t.commit()
    const read = await consume(k, topic, false, (v) => v.includes('live'))
    expect(read.values).toEqual(['live'])
    await read.consumer.disconnect()
    await first.disconnect().catch(() => undefined)
    await second.disconnect()
  })

  it('DescribeTransactions, ListTransactions and DescribeProducers show an open transaction', async () => {
    const k = kafka()
    const topic = 'txn-describe'
    await createTopic(k, topic)
    const producer = k.producer({ transactionalId: 'tx-describe', maxInFlightRequests: 1, idempotent: true })
    await producer.connect()
    const t = await producer.transaction()
    await t.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    const raw = await RawClient.connect(broker.port)
    try {
      raw.send(
        RawClient.frame(65, 0, 1, (w) =>
          encodeDescribeTransactionsRequest(w, { transactionalIds: ['tx-describe', 'nope'] }, 0),
        ),
      )
      const described = decodeDescribeTransactionsResponse(RawClient.parse(await raw.next(), 65, 0).body, 0)
      expect(described.transactionStates[0]).toMatchObject({
        errorCode: 0,
        transactionState: 'Ongoing',
        topics: [{ topic, partitions: [0] }],
      })
      expect(described.transactionStates[1]?.errorCode).toBe(105)
      const producerId = described.transactionStates[0]?.producerId

      raw.send(
        RawClient.frame(66, 1, 2, (w) =>
          encodeListTransactionsRequest(w, { stateFilters: ['Ongoing', 'Bogus'], durationFilter: -1n }, 1),
        ),
      )
      const listed = decodeListTransactionsResponse(RawClient.parse(await raw.next(), 66, 1).body, 1)
      expect(listed.unknownStateFilters).toEqual(['Bogus'])
      expect(listed.transactionStates).toEqual([
        { transactionalId: 'tx-describe', producerId, transactionState: 'Ongoing' },
      ])

      raw.send(
        RawClient.frame(61, 0, 3, (w) =>
          encodeDescribeProducersRequest(w, { topics: [{ name: topic, partitionIndexes: [0] }] }, 0),
        ),
      )
      const producers = decodeDescribeProducersResponse(RawClient.parse(await raw.next(), 61, 0).body, 0)
      expect(producers.topics[0]?.partitions[0]?.activeProducers).toMatchObject([
        { producerId, lastSequence: 1, currentTxnStartOffset: 0n },
      ])
    } finally {
      raw.close()
    }
    await t.abort()
    await producer.disconnect()
  })
})
