// Transactions from librdkafka 2.0.2 (confluent-kafka from Debian's /usr/bin/python3) against the real
// broker process: a consume-transform-produce loop with send_offsets_to_transaction, some transactions
// aborted and redone; read_committed sees every input exactly once and in order, read_uncommitted sees the
// aborted attempts too, and the group's committed offset is the end of the input.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { runTool } from './run-tool.ts'

const SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'python', 'confluent_transactions.py')
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

describe('confluent-kafka transactions', () => {
  it('consume-transform-produce: committed output exactly once, aborted attempts only uncommitted', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: 'ctp-in', numPartitions: 1 },
        { topic: 'ctp-out', numPartitions: 1 },
      ],
    })
    await admin.disconnect()
    const count = 20
    const inputs = Array.from({ length: count }, (_, i) => `v${String(i).padStart(2, '0')}`)
    const p = kafka.producer()
    await p.connect()
    await p.send({ topic: 'ctp-in', messages: inputs.map((value) => ({ value })) })
    await p.disconnect()

    const { stdout } = await runTool(
      '/usr/bin/python3',
      [SCRIPT, broker.bootstrap, 'ctp-in', 'ctp-out', 'ctp', String(count)],
      '',
      120_000,
    )
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const committed = lines.find((l) => 'read_committed' in l)?.read_committed as string[]
    const uncommitted = lines.find((l) => 'read_uncommitted' in l)?.read_uncommitted as string[]
    expect(committed).toEqual(inputs.map((v) => v.toUpperCase()))
    expect(uncommitted.length).toBeGreaterThan(count)
    expect(new Set(uncommitted)).toEqual(new Set(committed))
    expect(lines.find((l) => 'committed_offset' in l)?.committed_offset).toBe(count)
  })
})
