// `strata topic ...` against a real broker process: every subcommand, JSON and table output, and the
// error paths (unknown topic, duplicate, refused connection, bad options) with their exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { cli, oneLine } from './cli-process.ts'

let broker: RunningBroker
let b: string[]

beforeAll(async () => {
  broker = await startBroker()
  b = ['--bootstrap-server', broker.bootstrap]
}, 120_000)
afterAll(async () => {
  await broker?.stop()
})

interface DescribedTopic {
  topic: string
  partitions: {
    partition: number
    leader: number
    replicas: number[]
    isr: number[]
    highWatermark: string
    logStartOffset: string
  }[]
  configs: { name: string; value: string | null; source: string }[]
}

async function describeJson(topic: string): Promise<DescribedTopic> {
  const r = await cli(['topic', 'describe', topic, ...b, '--output', 'json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as DescribedTopic
}

describe('strata topic', () => {
  it('creates, lists and describes a topic with configs', async () => {
    const created = await cli([
      'topic',
      'create',
      'orders',
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=86400000',
      '--config',
      'cleanup.policy=delete',
      ...b,
    ])
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toBe('Created topic orders.\n')

    const [listed, table, described] = await Promise.all([
      cli(['topic', 'list', ...b, '-o', 'json']),
      cli(['topic', 'describe', 'orders', ...b]),
      describeJson('orders'),
    ])
    expect(listed.code).toBe(0)
    const topics = JSON.parse(listed.stdout) as {
      name: string
      partitions: number
      replicationFactor: number
    }[]
    expect(topics.find((t) => t.name === 'orders')).toMatchObject({ partitions: 3, replicationFactor: 1 })

    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/Partitions:\s+3/)
    expect(table.stdout).toMatch(/PARTITION\s+LEADER\s+EPOCH\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK/)
    expect(table.stdout).toMatch(/retention\.ms\s+86400000\s+topic/)

    expect(described.partitions.map((p) => p.partition)).toEqual([0, 1, 2])
    for (const p of described.partitions) {
      expect(p.leader).toBe(1)
      expect(p.replicas).toEqual([1])
      expect(p.isr).toEqual([1])
      expect(p.highWatermark).toBe('0')
    }
    expect(described.configs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '86400000',
      source: 'topic',
    })
  })

  it('alters configs, adds partitions and deletes records', async () => {
    expect((await cli(['topic', 'create', 'alter-me', '--partitions', '1', ...b])).code).toBe(0)
    const altered = await cli([
      'topic',
      'alter-config',
      'alter-me',
      '--set',
      'retention.ms=1000',
      '--set',
      'max.message.bytes=2000000',
      ...b,
    ])
    expect(altered.code, altered.stderr).toBe(0)
    let configs = (await describeJson('alter-me')).configs
    expect(configs.find((c) => c.name === 'retention.ms')?.value).toBe('1000')
    expect(configs.find((c) => c.name === 'max.message.bytes')?.value).toBe('2000000')

    const reset = await cli(['topic', 'alter-config', 'alter-me', '--delete', 'retention.ms', ...b])
    expect(reset.code, reset.stderr).toBe(0)
    configs = (await describeJson('alter-me')).configs
    expect(configs.find((c) => c.name === 'retention.ms')?.source).not.toBe('topic')

    const grown = await cli(['topic', 'add-partitions', 'alter-me', '--partitions', '4', ...b])
    expect(grown.code, grown.stderr).toBe(0)
    expect((await describeJson('alter-me')).partitions).toHaveLength(4)

    const lines = Array.from({ length: 20 }, (_, i) => `v${i}`).join('\n') + '\n'
    const produced = await cli(['produce', 'alter-me', '--partition', '0', ...b], { input: lines })
    expect(produced.code, produced.stderr).toBe(0)
    const deleted = await cli([
      'topic',
      'delete-records',
      'alter-me',
      '--partition',
      '0',
      '--offset',
      '15',
      ...b,
      '-o',
      'json',
    ])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(JSON.parse(deleted.stdout)).toEqual({
      topic: 'alter-me',
      partitions: [{ partition: 0, lowWatermark: '15' }],
    })
    const p0 = (await describeJson('alter-me')).partitions[0]
    expect(p0).toMatchObject({ logStartOffset: '15', highWatermark: '20' })
  })

  it('deletes topics', async () => {
    expect((await cli(['topic', 'create', 'short-lived', ...b])).code).toBe(0)
    const deleted = await cli(['topic', 'delete', 'short-lived', ...b])
    expect(deleted.code, deleted.stderr).toBe(0)
    const listed = await cli(['topic', 'list', ...b, '-o', 'json'])
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name)).not.toContain('short-lived')
  })

  it('reports failures in one line with a non-zero exit code', async () => {
    expect((await cli(['topic', 'create', 'fail-cases', '--partitions', '3', ...b])).code).toBe(0)
    const [unknown, duplicate, lower, refused, ifNotExists] = await Promise.all([
      cli(['topic', 'describe', 'no-such-topic', ...b]),
      cli(['topic', 'create', 'fail-cases', ...b]),
      cli(['topic', 'add-partitions', 'fail-cases', '--partitions', '2', ...b]),
      cli(['topic', 'list', '--bootstrap-server', '127.0.0.1:1']),
      cli(['topic', 'create', 'fail-cases', '--if-not-exists', ...b]),
    ])
    expect(unknown.code).toBe(1)
    expect(oneLine(unknown.stderr)).toBe(true)
    expect(unknown.stderr).toMatch(/^strata topic: .*no-such-topic/)
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toMatch(/already exists/)
    expect(oneLine(duplicate.stderr)).toBe(true)
    expect(lower.code).toBe(1)
    expect(lower.stderr).toMatch(/already has 3 partitions/)
    expect(refused.code).toBe(1)
    expect(oneLine(refused.stderr)).toBe(true)
    expect(refused.stderr).toMatch(/^strata topic: cannot connect to 127\.0\.0\.1:1/)
    expect(ifNotExists.code).toBe(0)
    expect(ifNotExists.stdout).toMatch(/already exists/)

    // The broker's listener speaks neither TLS nor (without users set up) SASL.
    const [tls, sasl] = await Promise.all([
      cli(['topic', 'list', ...b, '--tls']),
      cli([
        'topic',
        'list',
        ...b,
        '--sasl-mechanism',
        'PLAIN',
        '--sasl-username',
        'u',
        '--sasl-password',
        'p',
      ]),
    ])
    expect(tls.code).toBe(1)
    expect(oneLine(tls.stderr)).toBe(true)
    expect(tls.stderr).toMatch(/^strata topic: TLS connection to .* failed/)
    expect(sasl.code).toBe(1)
    expect(oneLine(sasl.stderr)).toBe(true)
    expect(sasl.stderr).toMatch(/^strata topic: authentication to .* failed/)
  })

  it('rejects bad command lines with exit code 2 and the help', async () => {
    const [noSub, badSub, badOpt, badCount, badBootstrap, badOutput] = await Promise.all([
      cli(['topic']),
      cli(['topic', 'frobnicate']),
      cli(['topic', 'list', '--no-such-option']),
      cli(['topic', 'create', 'x', '--partitions', 'many']),
      cli(['topic', 'list', '--bootstrap-server', 'nohostport']),
      cli(['topic', 'list', '--output', 'yaml']),
    ])
    for (const r of [noSub, badSub, badOpt, badCount, badBootstrap, badOutput]) {
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^strata topic: /)
      expect(r.stderr).toContain('usage: strata topic')
    }
    expect(badSub.stderr).toMatch(/unknown subcommand 'frobnicate'/)
    expect(badCount.stderr).toMatch(/--partitions must be an integer/)
    expect(badBootstrap.stderr).toMatch(/host:port/)
  })
})
