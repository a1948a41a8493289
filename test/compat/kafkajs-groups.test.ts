// kafkajs 2.2.4 consumer groups against the real broker process: rebalancing across members, ordered
// gap-free processing, committed offsets across a restart, admin offset resets, and session expiry.
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJoinGroupResponse } from '../../broker/protocol/generated/join-group-response.ts'
import { encodeJoinGroupRequest } from '../../broker/protocol/generated/join-group-request.ts'
import { decodeSyncGroupResponse } from '../../broker/protocol/generated/sync-group-response.ts'
import { encodeSyncGroupRequest } from '../../broker/protocol/generated/sync-group-request.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

const GROUP_CONFIG = {
  'group.min.session.timeout.ms': '1000',
  'group.initial.rebalance.delay.ms': '0',
  'offsets.topic.num.partitions': '5',
}

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({ config: GROUP_CONFIG })
})

afterAll(async () => {
  await broker?.stop()
})

function kafka(): Kafka {
  return new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } })
}

function consumerFor(k: Kafka, groupId: string): Consumer {
  return k.consumer({
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 10000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
    retry: { retries: 10 },
  })
}

/** Resolves when `check` is true, re-checking each time `poke` is called (no sleeping). */
function waitFor(check: () => boolean): { promise: Promise<void>; poke: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  const poke = (): void => {
    if (check()) resolve()
  }
  return { promise, poke }
}

async function produce(k: Kafka, topic: string, from: number, count: number): Promise<void> {
  const p = k.producer()
  await p.connect()
  const messages = []
  for (let i = from; i < from + count; i++) messages.push({ key: `key-${i % 24}`, value: String(i) })
  await p.send({ topic, messages })
  await p.disconnect()
}

/** Waits until the consumer's latest GROUP_JOIN assigned exactly these partitions. */
function assignedPartitions(c: Consumer): { current: () => number[] } {
  let current: number[] = []
  c.on(c.events.GROUP_JOIN, (e) => {
    current = Object.values(e.payload.memberAssignment)
      .flat()
      .sort((a, b) => a - b)
  })
  return { current: () => current }
}

describe('kafkajs consumer groups', () => {
  it('spreads 6 partitions over 3 members, takes over when one leaves, processes every record in order', async () => {
    const k = kafka()
    const admin = k.admin()
    await admin.connect()
    const topic = 'kg-stream'
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] })
    const seen: { partition: number; offset: number; consumer: number }[] = []
    const unique = new Set<string>()
    let wanted = 0
    const progress = { poke: (): void => {} }
    const consumers = [0, 1, 2].map(() => consumerFor(k, 'kg'))
    const assignments = consumers.map(assignedPartitions)
    await Promise.all(
      consumers.map(async (c, i) => {
        await c.connect()
        await c.subscribe({ topic, fromBeginning: true })
        await c.run({
          eachMessage: async ({ partition, message }: EachMessagePayload) => {
            seen.push({ partition, offset: Number(message.offset), consumer: i })
            unique.add(`${partition}:${message.offset}`)
            progress.poke()
          },
        })
      }),
    )
    const spread = waitFor(() => assignments.every((a) => a.current().length === 2))
    const spreadTimer = setInterval(spread.poke, 50)
    await spread.promise
    clearInterval(spreadTimer)

    wanted = 300
    let w = waitFor(() => unique.size >= wanted)
    progress.poke = w.poke
    await produce(k, topic, 0, 300)
    await w.promise

    await consumers[2]!.disconnect()
    const takeover = waitFor(() => assignments[0]!.current().length + assignments[1]!.current().length === 6)
    const takeoverTimer = setInterval(takeover.poke, 50)
    await takeover.promise
    clearInterval(takeoverTimer)
    expect([...assignments[0]!.current(), ...assignments[1]!.current()].sort()).toEqual([0, 1, 2, 3, 4, 5])

    wanted = 600
    w = waitFor(() => unique.size >= wanted)
    progress.poke = w.poke
    await produce(k, topic, 300, 300)
    await w.promise
    await Promise.all([consumers[0]!.disconnect(), consumers[1]!.disconnect()])

    // Per partition: every offset seen, each new one right after the highest seen so far (redeliveries
    // after a rebalance are allowed, skips and reordering are not).
    const next = new Map<number, number>()
    for (const s of seen) {
      const expected = next.get(s.partition) ?? 0
      if (s.offset === expected) next.set(s.partition, expected + 1)
      else expect(s.offset).toBeLessThan(expected)
    }
    expect([...next.values()].reduce((a, b) => a + b, 0)).toBe(600)
    const offsets = await admin.fetchOffsets({ groupId: 'kg', topics: [topic] })
    const committed = offsets[0]!.partitions.map((p) => Number(p.offset))
    expect(committed.reduce((a, b) => a + b, 0)).toBe(600)
    await admin.disconnect()
  })

  it('keeps committed offsets across a broker restart', async () => {
    const before = await fetchAll('kg', 'kg-stream')
    broker = await broker.restart()
    const after = await fetchAll('kg', 'kg-stream')
    expect(after).toEqual(before)
    const admin = kafka().admin()
    await admin.connect()
    const described = await admin.describeGroups(['kg'])
    expect(described.groups[0]).toMatchObject({ groupId: 'kg', state: 'Empty', protocolType: 'consumer' })
    await admin.disconnect()
  })

  it('keeps offsets committed just before a SIGKILL', async () => {
    const k = kafka()
    const admin = k.admin()
    await admin.connect()
    await admin.setOffsets({
      groupId: 'kg-kill',
      topic: 'kg-stream',
      partitions: [{ partition: 4, offset: '17' }],
    })
    await admin.disconnect()
    const { dataDir, port } = broker
    await broker.kill('SIGKILL')
    broker = await startBroker({ config: GROUP_CONFIG, dataDir, port })
    expect((await fetchAll('kg-kill', 'kg-stream'))[4]).toBe(17)
  })

  it('moves a stopped group with setOffsets and resetOffsets; the next consumer starts there', async () => {
    const k = kafka()
    const admin = k.admin()
    await admin.connect()
    const topic = 'kg-reset'
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await produce(k, topic, 0, 40)
    await admin.setOffsets({
      groupId: 'kg-r',
      topic,
      partitions: [
        { partition: 0, offset: '3' },
        { partition: 1, offset: '5' },
      ],
    })
    expect(await fetchAll('kg-r', topic)).toEqual([3, 5])
    expect(await firstOffsets('kg-r', topic)).toEqual({ 0: 3, 1: 5 })
    await admin.resetOffsets({ groupId: 'kg-r', topic, earliest: true })
    expect(await firstOffsets('kg-r', topic)).toEqual({ 0: 0, 1: 0 })
    await admin.disconnect()
  })

  it('removes a member that stops heartbeating after its session timeout and rebalances', async () => {
    const k = kafka()
    const admin = k.admin()
    await admin.connect()
    const topic = 'kg-session'
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] })
    const c = consumerFor(k, 'kg-s')
    const assigned = assignedPartitions(c)
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    await c.run({ eachMessage: async () => {} })
    const alone = waitFor(() => assigned.current().length === 6)
    let timer = setInterval(alone.poke, 50)
    await alone.promise
    clearInterval(timer)

    // A raw member joins, takes its share, then goes silent.
    const raw = await RawClient.connect(broker.port)
    const memberId = await rawJoinAndSync(raw, 'kg-s', topic)
    expect(memberId).not.toBe('')
    const shared = waitFor(() => assigned.current().length === 3)
    timer = setInterval(shared.poke, 50)
    await shared.promise
    clearInterval(timer)

    const back = waitFor(() => assigned.current().length === 6)
    timer = setInterval(back.poke, 50)
    await back.promise
    clearInterval(timer)
    const d = await admin.describeGroups(['kg-s'])
    expect(d.groups[0]!.members.map((m) => m.memberId)).not.toContain(memberId)
    raw.close()
    await c.disconnect()
    await admin.disconnect()
  })
})

async function fetchAll(groupId: string, topic: string): Promise<number[]> {
  const admin = kafka().admin()
  await admin.connect()
  const res = await admin.fetchOffsets({ groupId, topics: [topic] })
  await admin.disconnect()
  return res[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset))
}

/** Starts a consumer in the group and returns the first offset it gets on each partition. */
async function firstOffsets(groupId: string, topic: string): Promise<Record<number, number>> {
  const c = consumerFor(kafka(), groupId)
  const first: Record<number, number> = {}
  const w = waitFor(() => Object.keys(first).length === 2)
  await c.connect()
  // fromBeginning only matters where no valid offset is committed (kafkajs treats -2 from resetOffsets so).
  await c.subscribe({ topic, fromBeginning: true })
  await c.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      first[partition] ??= Number(message.offset)
      w.poke()
    },
  })
  await w.promise
  await c.disconnect()
  return first
}

/** A consumer-protocol subscription v0: the topic list, no user data. */
function subscription(topic: string): Buffer {
  const name = Buffer.from(topic)
  const b = Buffer.alloc(2 + 4 + 2 + name.length + 4)
  b.writeInt16BE(0, 0)
  b.writeInt32BE(1, 2)
  b.writeInt16BE(name.length, 6)
  name.copy(b, 8)
  b.writeInt32BE(-1, 8 + name.length)
  return b
}

/** JoinGroup v5 (twice: MEMBER_ID_REQUIRED first) and SyncGroup v3 as a follower; never heartbeats. */
async function rawJoinAndSync(raw: RawClient, groupId: string, topic: string): Promise<string> {
  let memberId = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    raw.send(
      RawClient.frame(11, 5, attempt + 1, (w) =>
        encodeJoinGroupRequest(
          w,
          {
            groupId,
            sessionTimeoutMs: 2000,
            rebalanceTimeoutMs: 10000,
            memberId,
            groupInstanceId: null,
            protocolType: 'consumer',
            protocols: [{ name: 'RoundRobinAssigner', metadata: subscription(topic) }],
          },
          5,
        ),
      ),
    )
    const res = decodeJoinGroupResponse(RawClient.parse(await raw.next(), 11, 5).body, 5)
    memberId = res.memberId
    if (res.errorCode === 0) {
      raw.send(
        RawClient.frame(14, 3, 10, (w) =>
          encodeSyncGroupRequest(
            w,
            { groupId, generationId: res.generationId, memberId, assignments: [] },
            3,
          ),
        ),
      )
      const sync = decodeSyncGroupResponse(RawClient.parse(await raw.next(), 14, 3).body, 3)
      expect(sync.errorCode).toBe(0)
      return memberId
    }
    expect(res.errorCode).toBe(79) // MEMBER_ID_REQUIRED
  }
  throw new Error('raw member could not join')
}
