// Consumer groups from kafka-python 2.0.2 (JoinGroup v2, OffsetCommit v2) and librdkafka 2.0.2 (kcat -G
// and confluent-kafka, from Debian's /usr/bin/python3) against the real broker process: balanced
// consumption, commits, and resuming from the committed offsets.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { runTool } from './run-tool.ts'

const PYTHON = '/usr/bin/python3'
const SCRIPTS = join(fileURLToPath(new URL('.', import.meta.url)), 'python')
let broker: RunningBroker
let kafka: Kafka

beforeAll(async () => {
  broker = await startBroker({
    config: { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '5' },
  })
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
})
afterAll(async () => {
  await broker?.stop()
})

interface Line {
  partition: number
  offset: number
  value: string
}

function parse(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{"partition"'))
    .map((l) => JSON.parse(l) as Line)
}

async function setup(topic: string, partitions: number, from: number, count: number): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
  await admin.disconnect()
  await produce(topic, from, count)
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const p = kafka.producer()
  await p.connect()
  const messages = Array.from({ length: count }, (_, i) => ({
    key: `k${(from + i) % 7}`,
    value: String(from + i),
  }))
  await p.send({ topic, messages })
  await p.disconnect()
}

async function committed(group: string, topic: string): Promise<number> {
  const admin = kafka.admin()
  await admin.connect()
  const res = await admin.fetchOffsets({ groupId: group, topics: [topic] })
  await admin.disconnect()
  return res[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0)
}

function values(lines: Line[]): number[] {
  return [...new Set(lines.map((l) => Number(l.value)))].sort((a, b) => a - b)
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i)

describe('kafka-python consumer group', () => {
  it('consumes, commits with OffsetCommit v2, and resumes after the committed offsets', async () => {
    await setup('pg-kp', 3, 0, 30)
    const run = (count: number) =>
      runTool(PYTHON, [
        join(SCRIPTS, 'kafka_python_group.py'),
        broker.bootstrap,
        'pg-kp',
        'kp-group',
        String(count),
      ])
    expect(values(parse((await run(30)).stdout))).toEqual(range(0, 30))
    expect(await committed('kp-group', 'pg-kp')).toBe(30)
    await produce('pg-kp', 30, 12)
    expect(values(parse((await run(12)).stdout))).toEqual(range(30, 12))
  })
})

describe('librdkafka consumer groups', () => {
  it('shares partitions between kcat -G and confluent-kafka in one group, commits, and resumes', async () => {
    await setup('pg-rd', 4, 0, 40)
    const kcat = spawn(
      'kcat',
      [
        '-b',
        broker.bootstrap,
        '-G',
        'rd-group',
        '-o',
        'beginning',
        '-f',
        '{"partition":%p,"offset":%o,"value":"%s"}\\n',
        '-X',
        'session.timeout.ms=6000',
        '-X',
        'auto.commit.interval.ms=100',
        'pg-rd',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let kcatOut = ''
    kcat.stdout.setEncoding('utf8').on('data', (d: string) => (kcatOut += d))
    const kcatExit = new Promise<void>((resolve) => kcat.once('exit', () => resolve()))
    const confluent = await runTool(
      PYTHON,
      [join(SCRIPTS, 'confluent_group.py'), broker.bootstrap, 'pg-rd', 'rd-group', '40', '4'],
      '',
      90_000,
    )
    const fromConfluent = parse(confluent.stdout)
    // kcat leaves the group (committing what it consumed) on SIGTERM.
    kcat.kill('SIGTERM')
    await kcatExit
    const fromKcat = parse(kcatOut)
    expect(values([...fromKcat, ...fromConfluent])).toEqual(range(0, 40))
    expect(await committed('rd-group', 'pg-rd')).toBe(40)

    await produce('pg-rd', 40, 10)
    const resumed = await runTool(
      PYTHON,
      [join(SCRIPTS, 'confluent_group.py'), broker.bootstrap, 'pg-rd', 'rd-group', '10', '4'],
      '',
      90_000,
    )
    expect(values(parse(resumed.stdout))).toEqual(range(40, 10))
  })

  it('lets a confluent-kafka static member (group.instance.id) come back without a rebalance', async () => {
    await setup('pg-static', 2, 0, 10)
    const run = (count: number) =>
      runTool(
        PYTHON,
        [
          join(SCRIPTS, 'confluent_group.py'),
          broker.bootstrap,
          'pg-static',
          'st-group',
          String(count),
          '3',
          'inst-1',
        ],
        '',
        90_000,
      )
    expect(values(parse((await run(10)).stdout))).toEqual(range(0, 10))
    const admin = kafka.admin()
    await admin.connect()
    // Closed without leaving: the static member keeps its place until its session times out.
    const before = (await admin.describeGroups(['st-group'])).groups[0]!
    expect(before.state).toBe('Stable')
    expect(before.members).toHaveLength(1)
    await produce('pg-static', 10, 5)
    expect(values(parse((await run(5)).stdout))).toEqual(range(10, 5))
    const after = (await admin.describeGroups(['st-group'])).groups[0]!
    expect(after.state).toBe('Stable')
    expect(after.members).toHaveLength(1)
    expect(after.members[0]!.memberId).not.toBe(before.members[0]!.memberId)
    await admin.disconnect()
  })
})
