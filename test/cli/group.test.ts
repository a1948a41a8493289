// `strata group ...` and `strata consume --group` against a real broker process. Consumer groups are being
// built into the broker in parallel: the group round trip runs when the broker serves the group APIs, and
// otherwise the commands must fail in one line saying the cluster does not support them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { brokerApis, cli, collect, oneLine, spawnCli } from './cli-process.ts'

const GROUP_APIS = [
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
  'ListGroups',
  'DescribeGroups',
]

let broker: RunningBroker
let b: string[]
let groupsSupported = false

beforeAll(async () => {
  broker = await startBroker()
  b = ['--bootstrap-server', broker.bootstrap]
  const apis = await brokerApis(broker.bootstrap)
  groupsSupported = GROUP_APIS.every((name) => apis.has(name))
  expect((await cli(['topic', 'create', 'grouped', '--partitions', '2', ...b])).code).toBe(0)
  const input = Array.from({ length: 100 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n'
  expect((await cli(['produce', 'grouped', '-K', ':', ...b], { input })).code).toBe(0)
}, 120_000)
afterAll(async () => {
  await broker?.stop()
})

interface GroupJson {
  groupId: string
  state: string
  offsets: { topic: string; partition: number; committedOffset: string; lag: string }[]
  totalLag: string
}

async function describeGroup(id: string): Promise<GroupJson> {
  const r = await cli(['group', 'describe', id, ...b, '-o', 'json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as GroupJson
}

const committedSum = (g: GroupJson): number => g.offsets.reduce((s, o) => s + Number(o.committedOffset), 0)

describe('strata group', () => {
  it('says so in one line when the cluster has no consumer groups', async (ctx) => {
    if (groupsSupported) ctx.skip()
    const [list, consume] = await Promise.all([
      cli(['group', 'list', ...b]),
      cli(['consume', 'grouped', '--group', 'g', '--timeout-ms', '2000', ...b]),
    ])
    expect(list.code).toBe(1)
    expect(oneLine(list.stderr)).toBe(true)
    expect(list.stderr).toMatch(/^strata group: the cluster does not support this operation/)
    expect(consume.code).not.toBe(0)
  })

  it('consumes in a group, commits, describes, resets (dry run, then --execute) and deletes', async (ctx) => {
    if (!groupsSupported) ctx.skip()
    const first = await cli(['consume', 'grouped', '--group', 'g1', '--from-beginning', '-n', '100', ...b])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(100)

    const listed = await cli(['group', 'list', ...b, '-o', 'json'])
    expect(listed.code, listed.stderr).toBe(0)
    expect((JSON.parse(listed.stdout) as { groupId: string }[]).map((g) => g.groupId)).toContain('g1')
    let g1 = await describeGroup('g1')
    expect(committedSum(g1)).toBe(100)
    expect(g1.totalLag).toBe('0')

    const preview = await cli(['group', 'reset-offsets', 'g1', '--topic', 'grouped', '--to-earliest', ...b])
    expect(preview.code, preview.stderr).toBe(0)
    expect(preview.stdout).toMatch(/TOPIC\s+PARTITION\s+OLD-OFFSET\s+NEW-OFFSET/)
    expect(preview.stderr).toContain('Dry run')
    expect(committedSum(await describeGroup('g1'))).toBe(100)

    const shifted = await cli([
      'group',
      'reset-offsets',
      'g1',
      '--topic',
      'grouped',
      '--shift-by',
      '-10',
      '--execute',
      ...b,
      '-o',
      'json',
    ])
    expect(shifted.code, shifted.stderr).toBe(0)
    expect(JSON.parse(shifted.stdout)).toMatchObject({ groupId: 'g1', executed: true })
    g1 = await describeGroup('g1')
    expect(committedSum(g1)).toBe(80)
    expect(g1.totalLag).toBe('20')

    const resumed = await cli(['consume', 'grouped', '--group', 'g1', '-n', '20', ...b])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout.trimEnd().split('\n')).toHaveLength(20)
    expect((await describeGroup('g1')).totalLag).toBe('0')

    const deleted = await cli(['group', 'delete', 'g1', ...b])
    expect(deleted.code, deleted.stderr).toBe(0)
    const [after, described, again] = await Promise.all([
      cli(['group', 'list', ...b, '-o', 'json']),
      cli(['group', 'describe', 'g1', ...b]),
      cli(['group', 'delete', 'g1', ...b]),
    ])
    expect((JSON.parse(after.stdout) as { groupId: string }[]).map((g) => g.groupId)).not.toContain('g1')
    for (const r of [described, again]) {
      expect(r.code).toBe(1)
      expect(oneLine(r.stderr)).toBe(true)
    }
    expect(described.stderr).toBe('strata group: Group g1 does not exist.\n')
    expect(again.stderr).toMatch(/GROUP_ID_NOT_FOUND/)
  })

  it('commits the printed records when stopped with Ctrl-C', async (ctx) => {
    if (!groupsSupported) ctx.skip()
    const child = spawnCli(['consume', 'grouped', '--group', 'g2', '--from-beginning', ...b])
    const done = collect(child)
    await new Promise<void>((resolve) => {
      let lines = 0
      child.stdout?.on('data', (d: Buffer | string) => {
        lines += String(d).split('\n').length - 1
        if (lines >= 100) resolve()
      })
    })
    child.kill('SIGINT')
    const r = await done
    expect(r.code, r.stderr).toBe(0)
    expect(committedSum(await describeGroup('g2'))).toBe(100)
  })

  it('rejects bad reset-offsets command lines with exit code 2', async () => {
    const [noTarget, twoTargets, noTopic, badDate] = await Promise.all([
      cli(['group', 'reset-offsets', 'g', '--topic', 't', ...b]),
      cli(['group', 'reset-offsets', 'g', '--topic', 't', '--to-earliest', '--to-latest', ...b]),
      cli(['group', 'reset-offsets', 'g', '--to-earliest', ...b]),
      cli(['group', 'reset-offsets', 'g', '--topic', 't', '--to-datetime', 'yesterday', ...b]),
    ])
    for (const r of [noTarget, twoTargets, noTopic, badDate]) {
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('usage: strata group')
    }
    expect(noTarget.stderr).toMatch(/exactly one of --to-earliest/)
    expect(noTopic.stderr).toMatch(/--topic T .* or --all-topics/)
    expect(badDate.stderr).toMatch(/ISO-8601/)
  })
})
