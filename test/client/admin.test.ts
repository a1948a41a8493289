// The admin back end against a real `strata broker` process. An operation whose Kafka API the broker
// does not serve yet is skipped with the API's name (the broker grows API by API).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Consumer } from '@platformatic/kafka'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { ClusterClient } from '../../broker/client/cluster-client.ts'
import { describeCluster } from '../../broker/client/cluster.ts'
import { testConnection } from '../../broker/client/connections.ts'
import { AdminError } from '../../broker/client/errors.ts'
import {
  applyResetOffsets,
  deleteGroup,
  deleteGroupOffsets,
  describeGroup,
  listGroups,
  previewResetOffsets,
} from '../../broker/client/groups.ts'
import { readMessages } from '../../broker/client/messages.ts'
import { describePartitions } from '../../broker/client/partitions.ts'
import { produce } from '../../broker/client/produce.ts'
import { listQuotas, alterQuota } from '../../broker/client/quotas.ts'
import { createAcls, deleteAcls, listAcls, matchAll } from '../../broker/client/acls.ts'
import { deleteRecords } from '../../broker/client/records.ts'
import { listSegments, readSegmentBatches, readSegmentIndex } from '../../broker/client/segments.ts'
import { startTail } from '../../broker/client/tail.ts'
import {
  addPartitions,
  alterTopicConfigs,
  createTopic,
  deleteTopics,
  describeTopicConfigs,
  listTopics,
} from '../../broker/client/topics.ts'
import type { ClusterOverview, ReadSpec, TailUpdate } from '../../broker/client/types.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

let broker: RunningBroker
let client: ClusterClient
let overview: ClusterOverview

function needs(ctx: TestContext, ...apis: string[]): void {
  const missing = apis.filter((name) => !overview.apis.some((a) => a.name === name))
  if (missing.length > 0) ctx.skip(`the broker does not serve ${missing.join(', ')} yet`)
}

const text = (t: string) => ({ text: t, format: 'text' as const })
const read = (spec: Partial<ReadSpec> & { topic: string }): ReturnType<typeof readMessages> =>
  readMessages(client, {
    partition: null,
    from: { kind: 'beginning' },
    direction: 'forward',
    limit: 100,
    keyFormat: 'text',
    valueFormat: 'text',
    maxPayloadBytes: 1024,
    ...spec,
  })

beforeAll(async () => {
  broker = await startBroker()
  client = new ClusterClient({
    id: 'test',
    name: 'test',
    bootstrap: [broker.bootstrap],
    sasl: null,
    tls: null,
  })
  overview = await describeCluster(client)
})

afterAll(async () => {
  await client?.close()
  // The broker's own shutdown is tested in test/cli; here a slow exit must not fail the admin tests.
  const stopped = await Promise.race([
    broker?.stop().then(() => true),
    new Promise((r) => setTimeout(() => r(false), 20_000)),
  ])
  if (!stopped) await broker.kill('SIGKILL')
})

describe('cluster and connections', () => {
  it('describes the cluster: brokers, controller, served APIs', () => {
    expect(overview.brokers).toEqual([{ nodeId: 1, host: broker.host, port: broker.port, rack: null }])
    expect(overview.controllerId).toBe(1)
    expect(overview.apis.map((a) => a.name)).toContain('ApiVersions')
    expect(overview.clusterId).toMatch(/^[\w-]{22}$/)
  })

  it('tests a connection and names the failing stage', async () => {
    const ok = await testConnection(
      { id: 'x', name: 'x', bootstrap: [broker.bootstrap], sasl: null, tls: null },
      { password: null },
    )
    expect(ok).toMatchObject({ ok: true, stage: null, brokers: 1 })
    const refused = await testConnection(
      { id: 'x', name: 'x', bootstrap: ['127.0.0.1:1'], sasl: null, tls: null },
      { password: null },
    )
    expect(refused).toMatchObject({ ok: false, stage: 'refused' })
    const dns = await testConnection(
      { id: 'x', name: 'x', bootstrap: ['no-such-host.invalid:9092'], sasl: null, tls: null },
      { password: null },
    )
    expect(dns).toMatchObject({ ok: false, stage: 'dns' })
    const tls = await testConnection(
      {
        id: 'x',
        name: 'x',
        bootstrap: [broker.bootstrap],
        sasl: null,
        tls: { enabled: true, caPem: null, rejectUnauthorized: true, serverName: null },
      },
      { password: null },
    )
    expect(tls.ok).toBe(false)
    expect(tls.stage === 'tls' || tls.stage === 'timeout').toBe(true)
  })
})

describe('topics and partitions', () => {
  it('creates a topic with configs, lists it, shows overrides and defaults, alters and resets configs', async (ctx) => {
    needs(ctx, 'CreateTopics', 'DescribeConfigs', 'IncrementalAlterConfigs')
    await createTopic(client, {
      name: 'orders',
      partitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '3600000' },
    })
    const topics = await listTopics(client, { includeInternal: false })
    expect(topics.find((t) => t.name === 'orders')).toMatchObject({
      partitions: 3,
      replicationFactor: 1,
      internal: false,
    })

    let configs = await describeTopicConfigs(client, 'orders')
    expect(configs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '3600000',
      source: 'topic',
      isDefault: false,
      // The broker default is log.retention.hours=168; shown in the topic config's unit.
      defaultValue: '604800000',
    })
    expect(configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({
      value: 'delete',
      isDefault: true,
    })

    await alterTopicConfigs(client, 'orders', {
      set: { 'max.message.bytes': '2000000' },
      reset: ['retention.ms'],
    })
    configs = await describeTopicConfigs(client, 'orders')
    expect(configs.find((c) => c.name === 'max.message.bytes')).toMatchObject({
      value: '2000000',
      source: 'topic',
    })
    expect(configs.find((c) => c.name === 'retention.ms')?.isDefault).toBe(true)

    const duplicate = await createTopic(client, {
      name: 'orders',
      partitions: 1,
      replicationFactor: 1,
      configs: {},
    }).catch((e) => e)
    expect(duplicate).toBeInstanceOf(AdminError)
    expect((duplicate as AdminError).code).toBe('already-exists')
  })

  it('adds partitions and refuses to lower the count', async (ctx) => {
    needs(ctx, 'CreateTopics', 'CreatePartitions')
    await createTopic(client, { name: 'grow', partitions: 1, replicationFactor: 1, configs: {} })
    await addPartitions(client, 'grow', 4)
    expect((await describePartitions(client, 'grow')).length).toBe(4)
    const lower = await addPartitions(client, 'grow', 2).catch((e) => e)
    expect((lower as AdminError).code).toBe('invalid-argument')
    expect((lower as AdminError).message).toMatch(/already has 4 partitions/)
  })

  it('describes partitions: leader, replicas, ISR, offsets, size', async (ctx) => {
    needs(ctx, 'CreateTopics', 'ListOffsets', 'Produce')
    await createTopic(client, { name: 'parts', partitions: 2, replicationFactor: 1, configs: {} })
    for (let i = 0; i < 3; i++) await produce(client, msg('parts', 1, `v${i}`))
    const partitions = await describePartitions(client, 'parts')
    expect(partitions[1]).toMatchObject({
      partition: 1,
      leader: 1,
      replicas: [1],
      isr: [1],
      logStartOffset: '0',
      highWatermark: '3',
    })
    expect(partitions[0]).toMatchObject({ highWatermark: '0' })
    if (overview.apis.some((a) => a.name === 'DescribeLogDirs'))
      expect(Number(partitions[1]!.sizeBytes)).toBeGreaterThan(0)
    const listed = (await listTopics(client, { includeInternal: false })).find((t) => t.name === 'parts')
    expect(listed?.messageCount).toBe('3')
  })

  it('deletes topics', async (ctx) => {
    needs(ctx, 'CreateTopics', 'DeleteTopics')
    await createTopic(client, { name: 'doomed', partitions: 1, replicationFactor: 1, configs: {} })
    await deleteTopics(client, ['doomed'])
    expect((await listTopics(client, { includeInternal: false })).map((t) => t.name)).not.toContain('doomed')
    const missing = await describePartitions(client, 'doomed').catch((e) => e)
    expect((missing as AdminError).code).toBe('not-found')
  })
})

function msg(topic: string, partition: number | null, value: string, key: string | null = null) {
  return {
    topic,
    partition,
    key: key === null ? null : text(key),
    value: text(value),
    headers: [],
    compression: 'none' as const,
  }
}

describe('messages', () => {
  beforeAll(async () => {
    if (!overview.apis.some((a) => a.name === 'Produce')) return
    await createTopic(client, { name: 'events', partitions: 2, replicationFactor: 1, configs: {} })
    for (let i = 0; i < 10; i++) await produce(client, msg('events', i % 2, `value-${i}`, `key-${i}`))
  })

  it('produces with key, headers, fixed partition and compression, and reads it back decoded', async (ctx) => {
    needs(ctx, 'Produce', 'Fetch', 'ListOffsets')
    await createTopic(client, { name: 'produced', partitions: 2, replicationFactor: 1, configs: {} })
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const result = await produce(client, {
        topic: 'produced',
        partition: 1,
        key: text(`k-${compression}`),
        value: { text: '{"amount": 12.5, "ok": true}', format: 'json' },
        headers: [{ key: 'source', value: 'test' }],
        compression,
      })
      expect(result.partition).toBe(1)
    }
    const page = await read({ topic: 'produced', partition: 1, valueFormat: 'json' })
    expect(page.messages.map((m) => m.key?.text)).toEqual(['k-none', 'k-gzip', 'k-snappy', 'k-lz4', 'k-zstd'])
    const first = page.messages[0]!
    expect(first.offset).toBe('0')
    expect(first.value?.text).toBe(JSON.stringify({ amount: 12.5, ok: true }, null, 2))
    expect(first.headers).toEqual([{ key: 'source', value: expect.objectContaining({ text: 'test' }) }])
    expect(first.sizeBytes).toBeGreaterThan(0)
    expect(first.timestamp).toBeGreaterThan(Date.parse('2020-01-01'))
    expect(page.done).toBe(true)

    const hex = await read({
      topic: 'produced',
      partition: 1,
      limit: 1,
      keyFormat: 'hex',
      valueFormat: 'base64',
    })
    expect(hex.messages[0]!.key?.text).toBe(Buffer.from('k-none').toString('hex'))
    expect(Buffer.from(hex.messages[0]!.value!.text, 'base64').toString()).toBe('{"amount":12.5,"ok":true}')

    const badJson = await produce(client, {
      ...msg('produced', 0, ''),
      value: { text: '{nope', format: 'json' },
    }).catch((e) => e)
    expect((badJson as AdminError).code).toBe('invalid-argument')

    const noSuchPartition = await produce(client, msg('produced', 5, 'lost?')).catch((e) => e)
    expect((noSuchPartition as AdminError).code).toBe('invalid-argument')
    expect((noSuchPartition as AdminError).message).toMatch(/no partition 5/)
    const stillThere = await read({ topic: 'produced', partition: 1 })
    expect(stillThere.messages.map((m) => m.value?.text)).not.toContain('lost?')
  })

  it('pages forward through all partitions with a cursor', async (ctx) => {
    needs(ctx, 'Produce', 'Fetch', 'ListOffsets')
    const first = await read({ topic: 'events', limit: 4 })
    expect(first.messages).toHaveLength(4)
    expect(first.done).toBe(false)
    const second = await read({ topic: 'events', limit: 100, from: { kind: 'cursor', offsets: first.next } })
    expect(second.messages).toHaveLength(6)
    expect(second.done).toBe(true)
    const all = [...first.messages, ...second.messages].map((m) => m.value?.text).sort()
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `value-${i}`).sort())
  })

  it('reads backwards from the end, and from an offset or a timestamp', async (ctx) => {
    needs(ctx, 'Produce', 'Fetch', 'ListOffsets')
    const newest = await read({
      topic: 'events',
      partition: 0,
      from: { kind: 'end' },
      direction: 'backward',
      limit: 2,
    })
    expect(newest.messages.map((m) => m.value?.text)).toEqual(['value-8', 'value-6'])
    const older = await read({
      topic: 'events',
      partition: 0,
      from: { kind: 'cursor', offsets: newest.next },
      direction: 'backward',
      limit: 10,
    })
    expect(older.messages.map((m) => m.value?.text)).toEqual(['value-4', 'value-2', 'value-0'])
    expect(older.done).toBe(true)

    const fromOffset = await read({ topic: 'events', partition: 1, from: { kind: 'offset', offset: '3' } })
    expect(fromOffset.messages.map((m) => m.value?.text)).toEqual(['value-7', 'value-9'])
    const backFromOffset = await read({
      topic: 'events',
      partition: 1,
      from: { kind: 'offset', offset: '1' },
      direction: 'backward',
    })
    expect(backFromOffset.messages.map((m) => m.value?.text)).toEqual(['value-3', 'value-1'])

    const future = await read({
      topic: 'events',
      from: { kind: 'timestamp', timestamp: Date.now() + 3_600_000 },
    })
    expect(future.messages).toEqual([])
    const past = await read({ topic: 'events', from: { kind: 'timestamp', timestamp: 0 } })
    expect(past.messages).toHaveLength(10)
  })

  it('tails new messages in bounded updates and counts what it dropped', async (ctx) => {
    needs(ctx, 'Produce', 'Fetch', 'ListOffsets')
    await createTopic(client, { name: 'live', partitions: 1, replicationFactor: 1, configs: {} })
    const updates: TailUpdate[] = []
    let seen = 0
    let resolveEnough: () => void = () => undefined
    const enough = new Promise<void>((r) => (resolveEnough = r))
    const tail = await startTail(
      client,
      {
        topic: 'live',
        partitions: null,
        keyFormat: 'text',
        valueFormat: 'text',
        maxPayloadBytes: 100,
        maxPerUpdate: 3,
        intervalMs: 50,
      },
      (update) => {
        updates.push(update)
        seen += update.messages.length
        if (update.messages.length > 0 && seen + update.dropped >= 10) resolveEnough()
      },
    )
    try {
      await client.producer.send({
        messages: Array.from({ length: 10 }, (_, i) => ({
          topic: 'live',
          partition: 0,
          value: Buffer.from(`m${i}`),
        })),
      })
      await enough
      expect(updates.every((u) => u.messages.length <= 3)).toBe(true)
      const last = updates.at(-1)!
      expect(seen + last.dropped).toBe(10)
      expect(updates.flatMap((u) => u.messages).at(-1)?.value?.text).toBe('m9')
    } finally {
      await tail.stop()
    }
  })

  it('deletes records before an offset', async (ctx) => {
    needs(ctx, 'Produce', 'DeleteRecords', 'ListOffsets')
    await createTopic(client, { name: 'trim', partitions: 1, replicationFactor: 1, configs: {} })
    for (let i = 0; i < 5; i++) await produce(client, msg('trim', 0, `t${i}`))
    expect(
      await deleteRecords(client, { topic: 'trim', partitions: [{ partition: 0, offset: '3' }] }),
    ).toEqual([{ partition: 0, lowWatermark: '3' }])
    expect((await describePartitions(client, 'trim'))[0]!.logStartOffset).toBe('3')
    const page = await read({ topic: 'trim', partition: 0 })
    expect(page.messages.map((m) => m.value?.text)).toEqual(['t3', 't4'])
  })
})

describe('consumer groups', () => {
  it('lists and describes a group with lag, previews resets, refuses them while active, applies them when empty', async (ctx) => {
    needs(
      ctx,
      'Produce',
      'Fetch',
      'JoinGroup',
      'SyncGroup',
      'OffsetCommit',
      'OffsetFetch',
      'ListGroups',
      'DescribeGroups',
    )
    await createTopic(client, { name: 'billing', partitions: 2, replicationFactor: 1, configs: {} })
    for (let i = 0; i < 6; i++) await produce(client, msg('billing', i % 2, `b${i}`))

    const consumer = new Consumer({
      groupId: 'billing-app',
      clientId: 'billing-app',
      bootstrapBrokers: [broker.bootstrap],
    })
    const stream = await consumer.consume({
      topics: ['billing'],
      mode: 'earliest',
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    })
    let received = 0
    const gotAll = new Promise<void>((resolve) => {
      stream.on('data', (m) => {
        received++
        if (m.partition === 0 && m.offset === 0n)
          void consumer.commit({ offsets: [{ topic: 'billing', partition: 0, offset: 1n, leaderEpoch: 0 }] })
        if (received === 6) resolve()
      })
    })
    await gotAll
    await consumer.commit({ offsets: [{ topic: 'billing', partition: 1, offset: 2n, leaderEpoch: 0 }] })

    const groups = await listGroups(client)
    expect(groups.find((g) => g.groupId === 'billing-app')).toMatchObject({ protocolType: 'consumer' })
    const active = await describeGroup(client, 'billing-app')
    expect(active.members).toHaveLength(1)
    expect(active.members[0]!.assignments).toEqual([{ topic: 'billing', partitions: [0, 1] }])
    expect(active.offsets).toEqual([
      { topic: 'billing', partition: 0, committedOffset: '1', highWatermark: '3', lag: '2' },
      { topic: 'billing', partition: 1, committedOffset: '2', highWatermark: '3', lag: '1' },
    ])
    expect(active.totalLag).toBe('3')

    const spec = { groupId: 'billing-app', topics: null, to: { kind: 'earliest' as const } }
    expect(await previewResetOffsets(client, spec)).toEqual([
      { topic: 'billing', partition: 0, oldOffset: '1', newOffset: '0' },
      { topic: 'billing', partition: 1, oldOffset: '2', newOffset: '0' },
    ])
    const refused = await applyResetOffsets(client, spec).catch((e) => e)
    expect((refused as AdminError).code).toBe('group-active')
    expect((refused as AdminError).message).toMatch(/stop its consumers/)
    const refusedDelete = await deleteGroup(client, 'billing-app').catch((e) => e)
    expect((refusedDelete as AdminError).code).toBe('group-active')

    await stream.close()
    await consumer.close(true)

    expect(await previewResetOffsets(client, { ...spec, to: { kind: 'shift', by: -1 } })).toEqual([
      { topic: 'billing', partition: 0, oldOffset: '1', newOffset: '0' },
      { topic: 'billing', partition: 1, oldOffset: '2', newOffset: '1' },
    ])
    expect(await previewResetOffsets(client, { ...spec, to: { kind: 'offset', offset: '99' } })).toEqual([
      { topic: 'billing', partition: 0, oldOffset: '1', newOffset: '3' },
      { topic: 'billing', partition: 1, oldOffset: '2', newOffset: '3' },
    ])
    const applied = await applyResetOffsets(client, { ...spec, to: { kind: 'latest' } })
    expect(applied.map((c) => c.newOffset)).toEqual(['3', '3'])
    const after = await describeGroup(client, 'billing-app')
    expect(after.members).toEqual([])
    expect(after.totalLag).toBe('0')

    if (overview.apis.some((a) => a.name === 'OffsetDelete')) {
      await deleteGroupOffsets(client, {
        groupId: 'billing-app',
        topics: [{ topic: 'billing', partitions: [0] }],
      })
      expect((await describeGroup(client, 'billing-app')).offsets.map((o) => o.partition)).toEqual([1])
    }
    if (overview.apis.some((a) => a.name === 'DeleteGroups')) {
      await deleteGroup(client, 'billing-app')
      expect((await listGroups(client)).map((g) => g.groupId)).not.toContain('billing-app')
    }
  })
})

describe('quotas and ACLs', () => {
  it('sets, lists and removes a client quota', async (ctx) => {
    needs(ctx, 'DescribeClientQuotas', 'AlterClientQuotas')
    const entity = [{ type: 'client-id' as const, name: 'reporting' }]
    await alterQuota(client, { entity, set: { producer_byte_rate: 1024 }, remove: [] })
    expect(await listQuotas(client)).toContainEqual({ entity, values: { producer_byte_rate: 1024 } })
    await alterQuota(client, { entity, set: {}, remove: ['producer_byte_rate'] })
    expect((await listQuotas(client)).filter((q) => q.entity[0]?.name === 'reporting')).toEqual([])
  })

  it('creates, lists and deletes ACLs', async (ctx) => {
    needs(ctx, 'CreateAcls', 'DescribeAcls', 'DeleteAcls')
    const binding = {
      resourceType: 'topic' as const,
      resourceName: 'orders',
      patternType: 'literal' as const,
      principal: 'User:alice',
      host: '*',
      operation: 'read' as const,
      permission: 'allow' as const,
    }
    await createAcls(client, [binding])
    expect(await listAcls(client, matchAll)).toContainEqual(binding)
    expect(await deleteAcls(client, [{ ...matchAll, principal: 'User:alice' }])).toEqual([binding])
    expect(await listAcls(client, matchAll)).not.toContainEqual(binding)
  })
})

describe('segment inspection', () => {
  it('lists several segments with counts and timestamps, pages through batches with CRCs, reads indexes', async (ctx) => {
    needs(ctx, 'CreateTopics', 'Produce')
    await createTopic(client, {
      name: 'segmented',
      partitions: 1,
      replicationFactor: 1,
      configs: { 'segment.bytes': '1024' },
    })
    for (let i = 0; i < 40; i++) await produce(client, msg('segmented', 0, `record-${i}-${'x'.repeat(60)}`))

    const segments = await listSegments(broker.dataDir, 'segmented', 0)
    expect(segments.length).toBeGreaterThan(2)
    expect(segments[0]!.baseOffset).toBe('0')
    expect(segments.reduce((n, s) => n + s.recordCount, 0)).toBe(40)
    for (let i = 1; i < segments.length; i++)
      expect(BigInt(segments[i]!.baseOffset)).toBe(BigInt(segments[i - 1]!.lastOffset!) + 1n)
    expect(segments.every((s) => s.problem === null)).toBe(true)
    expect(segments[0]!.firstTimestamp).toBeGreaterThan(Date.parse('2020-01-01'))

    const first = segments[0]!
    const page1 = await readSegmentBatches(broker.dataDir, {
      topic: 'segmented',
      partition: 0,
      baseOffset: first.baseOffset,
      position: 0,
      limit: 2,
    })
    expect(page1.batches).toHaveLength(Math.min(2, first.batchCount))
    expect(page1.batches[0]).toMatchObject({
      position: 0,
      baseOffset: '0',
      crcValid: true,
      compression: 'none',
      magic: 2,
      control: false,
    })
    if (first.batchCount > 2) {
      expect(page1.nextPosition).toBeGreaterThan(0)
      const page2 = await readSegmentBatches(broker.dataDir, {
        topic: 'segmented',
        partition: 0,
        baseOffset: first.baseOffset,
        position: page1.nextPosition!,
        limit: 1000,
      })
      expect(page1.batches.length + page2.batches.length).toBe(first.batchCount)
      expect(page2.nextPosition).toBeNull()
    }
    const index = await readSegmentIndex(broker.dataDir, {
      topic: 'segmented',
      partition: 0,
      baseOffset: first.baseOffset,
      kind: 'offset',
      from: 0,
      limit: 100,
    })
    expect(index.kind).toBe('offset')
    const times = await readSegmentIndex(broker.dataDir, {
      topic: 'segmented',
      partition: 0,
      baseOffset: first.baseOffset,
      kind: 'time',
      from: 0,
      limit: 100,
    })
    expect(times.entries.every((e) => e.timestamp !== null)).toBe(true)

    const missing = await listSegments(broker.dataDir, 'no-such-topic', 0).catch((e) => e)
    expect((missing as AdminError).code).toBe('not-found')
  })

  it('reports a bad CRC and a torn tail in a copy of a segment without failing', async (ctx) => {
    needs(ctx, 'CreateTopics', 'Produce')
    await createTopic(client, { name: 'damaged', partitions: 1, replicationFactor: 1, configs: {} })
    for (let i = 0; i < 3; i++) await produce(client, msg('damaged', 0, `d${i}`))
    const copy = await mkdtemp(path.join(tmpdir(), 'strata-segcopy-'))
    await cp(path.join(broker.dataDir, 'damaged-0'), path.join(copy, 'damaged-0'), { recursive: true })
    const log = path.join(copy, 'damaged-0', '00000000000000000000.log')
    const bytes = await readFile(log)
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1)
    await writeFile(log, Buffer.concat([bytes, Buffer.from('torn-write')]))

    const [segment] = await listSegments(copy, 'damaged', 0)
    expect(segment!.recordCount).toBe(3)
    expect(segment!.problem).toMatch(/trailing bytes|bad batch size|truncated/)
    const page = await readSegmentBatches(copy, {
      topic: 'damaged',
      partition: 0,
      baseOffset: '0',
      position: 0,
      limit: 100,
    })
    expect(page.batches.map((b) => b.crcValid)).toEqual([true, true, false])
    expect(page.problem).not.toBeNull()
  })

  it('refuses paths that would leave the data directory and other bad input with an AdminError', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-segbad-'))
    const spec = { partition: 0, baseOffset: '0', position: 0, limit: 10 }
    const index = { partition: 0, baseOffset: '0', kind: 'offset' as const, from: 0, limit: 10 }
    const refusals = [
      listSegments(dataDir, '../etc', 0),
      listSegments(dataDir, '..', 0),
      listSegments(dataDir, 'a/b', 0),
      listSegments(dataDir, 'ok', -1),
      readSegmentBatches(dataDir, { ...spec, topic: '../../x' }),
      readSegmentBatches(dataDir, { ...spec, topic: 'ok', baseOffset: '../1' }),
      readSegmentBatches(dataDir, { ...spec, topic: 'ok', position: -5 }),
      readSegmentBatches(dataDir, { ...spec, topic: 'ok', limit: 0 }),
      readSegmentIndex(dataDir, { ...index, topic: '..%2f' }),
      readSegmentIndex(dataDir, { ...index, topic: 'ok', baseOffset: '99999999999999999999' }),
    ]
    for (const refused of refusals) {
      const error = await refused.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AdminError)
      expect((error as AdminError).code).toBe('invalid-argument')
    }
    const missing = await readSegmentBatches(dataDir, { ...spec, topic: 'ok' }).catch((e: unknown) => e)
    expect((missing as AdminError).code).toBe('not-found')
    const noIndex = await readSegmentIndex(dataDir, { ...index, topic: 'ok' }).catch((e: unknown) => e)
    expect((noIndex as AdminError).code).toBe('not-found')
    await rm(dataDir, { recursive: true })
  })
})
