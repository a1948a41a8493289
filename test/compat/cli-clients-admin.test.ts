// librdkafka (kcat, confluent-kafka) and kafka-python admin operations against the real broker, and
// topics and configs surviving a restart.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const run = promisify(execFile)
const KCAT = '/usr/bin/kcat'
const PYTHON = '/usr/bin/python3'
const hasKcat = fs.existsSync(KCAT)
const hasPython = fs.existsSync(PYTHON)

async function pythonHas(module: string): Promise<boolean> {
  if (!hasPython) return false
  try {
    await run(PYTHON, ['-c', `import ${module}`])
    return true
  } catch {
    return false
  }
}

let broker: RunningBroker

/** Topics a user made (internal topics such as __consumer_offsets may exist too). */
function userTopics(names: string[]): string[] {
  return names.filter((n) => !n.startsWith('__')).sort()
}

beforeAll(async () => {
  broker = await startBroker({ config: { 'num.partitions': '2' } })
})
afterAll(async () => {
  await broker?.stop()
})

describe('other clients', () => {
  it.skipIf(!hasKcat)('kcat -L lists brokers and auto-created topics', async () => {
    const { stdout } = await run(KCAT, ['-b', broker.bootstrap, '-L', '-t', 'kcat-auto', '-m', '10'])
    expect(stdout).toContain(`broker 1 at ${broker.bootstrap}`)
    expect(stdout).toContain('topic "kcat-auto" with 2 partitions')
  })

  it('kafka-python creates a topic', async (ctx) => {
    if (!(await pythonHas('kafka'))) ctx.skip()
    const script = [
      'import sys',
      'from kafka.admin import KafkaAdminClient, NewTopic',
      `a = KafkaAdminClient(bootstrap_servers='${broker.bootstrap}', request_timeout_ms=10000)`,
      "a.create_topics([NewTopic(name='kp-topic', num_partitions=3, replication_factor=1)])",
      'print(sorted(a.list_topics()))',
      'a.close()',
    ].join('\n')
    const { stdout } = await run(PYTHON, ['-c', script], { timeout: 30_000 })
    expect(stdout).toContain('kp-topic')
  })

  it('confluent-kafka AdminClient creates a topic with configs', async (ctx) => {
    if (!(await pythonHas('confluent_kafka'))) ctx.skip()
    const script = [
      'from confluent_kafka.admin import AdminClient, NewTopic',
      `a = AdminClient({'bootstrap.servers': '${broker.bootstrap}'})`,
      "fs = a.create_topics([NewTopic('ck-topic', num_partitions=4, replication_factor=1, config={'retention.ms': '60000'})])",
      "fs['ck-topic'].result(timeout=15)",
      'md = a.list_topics(timeout=10)',
      "print(len(md.topics['ck-topic'].partitions))",
    ].join('\n')
    const { stdout } = await run(PYTHON, ['-c', script], { timeout: 30_000 })
    expect(stdout.trim()).toBe('4')
  })
})

describe('restart', () => {
  it('keeps topics, ids, partitions and configs across a restart', async () => {
    const b = await startBroker()
    const mk = () => new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin()
    let admin = mk()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: 'durable', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '12345' }] },
      ],
    })
    await admin.createTopics({ topics: [{ topic: 'gone', numPartitions: 1 }] })
    await admin.deleteTopics({ topics: ['gone'] })
    const before = await admin.fetchTopicMetadata({ topics: ['durable'] })
    await admin.disconnect()

    const b2 = await b.restart()
    admin = new Kafka({ brokers: [b2.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    expect(userTopics(await admin.listTopics())).toEqual(['durable'])
    const after = await admin.fetchTopicMetadata({ topics: ['durable'] })
    expect(after.topics[0]?.partitions.length).toBe(before.topics[0]?.partitions.length)
    const cfg = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'durable', configNames: ['retention.ms'] }],
      includeSynonyms: false,
    })
    expect(cfg.resources[0]?.configEntries[0]?.configValue).toBe('12345')
    await admin.disconnect()

    // A crash (SIGKILL) loses nothing that was acknowledged either.
    await b2.kill('SIGKILL')
    const b3 = await startBroker({ dataDir: b2.dataDir })
    admin = new Kafka({ brokers: [b3.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    expect(userTopics(await admin.listTopics())).toEqual(['durable'])
    await admin.disconnect()
    await b3.stop()
  })
})
