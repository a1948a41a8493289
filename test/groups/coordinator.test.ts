import { beforeEach, describe, expect, it } from 'vitest'
import { GroupCoordinator } from '../../broker/groups/coordinator.ts'
import { ErrorCode as E } from '../../broker/protocol/errors.ts'
import { DEFAULT_GROUP_CONFIG, type GroupConfig } from '../../broker/groups/group-config.ts'
import type { JoinResult } from '../../broker/groups/group.ts'
import type { JoinRequest } from '../../broker/groups/membership.ts'
import { FakeClock, MemoryGroupLog, settle } from './fakes.ts'

function subscription(...topics: string[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from([0, 0]), int32(topics.length)]
  for (const t of topics) {
    const b = Buffer.from(t)
    parts.push(Buffer.from([b.length >> 8, b.length & 0xff]), b)
  }
  parts.push(int32(-1))
  return Buffer.concat(parts)
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

const SESSION = 10_000
const REBALANCE = 30_000

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription('t') }],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    ...over,
  }
}

let clock: FakeClock
let log: MemoryGroupLog
let gc: GroupCoordinator

function make(config: Partial<GroupConfig> = {}): GroupCoordinator {
  const c = new GroupCoordinator({ clock, log, config: { ...DEFAULT_GROUP_CONFIG, ...config } })
  c.finishLoading()
  return c
}

/** Joins the way a v4+ client does: MEMBER_ID_REQUIRED, then again with the assigned id. */
async function joinNew(over: Partial<JoinRequest> = {}): Promise<{ done: Promise<JoinResult> }> {
  const first = await gc.joinGroup(joinReq(over))
  expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED)
  // Wrapped: an async function returning the bare promise would wait for the rebalance.
  return { done: gc.joinGroup(joinReq({ ...over, memberId: first.memberId })) }
}

/** One member joined and synced: a Stable group of generation 1. */
async function stableSingle(): Promise<string> {
  const j = await (await joinNew()).done
  const s = await gc.syncGroup({
    groupId: 'g',
    generationId: j.generationId,
    memberId: j.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: j.memberId, assignment: Buffer.from('A') }],
  })
  expect(s.errorCode).toBe(E.NONE)
  return j.memberId
}

function sync(
  memberId: string,
  generationId: number,
  assignments: { memberId: string; assignment: Uint8Array }[] = [],
) {
  return gc.syncGroup({
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments,
  })
}

function hb(memberId: string, generationId: number, groupInstanceId: string | null = null): number {
  return gc.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId })
}

beforeEach(() => {
  clock = new FakeClock()
  log = new MemoryGroupLog()
  gc = make()
})

describe('join and sync', () => {
  it('asks a v4+ first join for a member id, then makes it leader of generation 1', async () => {
    const j = await (await joinNew()).done
    expect(j).toMatchObject({
      errorCode: E.NONE,
      generationId: 1,
      protocolName: 'range',
      protocolType: 'consumer',
    })
    expect(j.leader).toBe(j.memberId)
    expect(j.memberId.startsWith('c-')).toBe(true)
    expect(j.members.map((m) => m.memberId)).toEqual([j.memberId])
    expect(gc.describeGroup('g').groupState).toBe('CompletingRebalance')
    const s = await sync(j.memberId, 1, [{ memberId: j.memberId, assignment: Buffer.from('A') }])
    expect(s.errorCode).toBe(E.NONE)
    expect(Buffer.from(s.assignment).toString()).toBe('A')
    const d = gc.describeGroup('g')
    expect(d.groupState).toBe('Stable')
    expect(d.protocolData).toBe('range')
    expect(Buffer.from(d.members[0]!.memberAssignment).toString()).toBe('A')
    const last = log.records.at(-1)
    expect(last?.kind === 'group' && last.value?.generation).toBe(1)
  })

  it('lets a pre-v4 client join without a member id', async () => {
    const j = await gc.joinGroup(joinReq({ requireKnownMemberId: false }))
    expect(j.errorCode).toBe(E.NONE)
    expect(j.generationId).toBe(1)
  })

  it('rebalances when a second member joins, answering both when all have rejoined', async () => {
    const a = await stableSingle()
    const { done: joinB } = await joinNew({ clientId: 'b' })
    let bDone = false
    void joinB.then(() => (bDone = true))
    await settle()
    expect(bDone).toBe(false)
    expect(gc.describeGroup('g').groupState).toBe('PreparingRebalance')
    expect(hb(a, 1)).toBe(E.REBALANCE_IN_PROGRESS)
    const ja = await gc.joinGroup(joinReq({ memberId: a }))
    const jb = await joinB
    expect(ja.generationId).toBe(2)
    expect(jb.generationId).toBe(2)
    expect(ja.leader).toBe(a)
    expect(ja.members).toHaveLength(2)
    expect(jb.members).toHaveLength(0)
    // The follower's SyncGroup waits for the leader's assignment.
    const sb = sync(jb.memberId, 2)
    let sbDone = false
    void sb.then(() => (sbDone = true))
    await settle()
    expect(sbDone).toBe(false)
    const sa = await sync(a, 2, [
      { memberId: a, assignment: Buffer.from('A') },
      { memberId: jb.memberId, assignment: Buffer.from('B') },
    ])
    expect(Buffer.from(sa.assignment).toString()).toBe('A')
    expect(Buffer.from((await sb).assignment).toString()).toBe('B')
    expect(hb(a, 2)).toBe(E.NONE)
  })

  it('answers a stable follower rejoining with unchanged metadata without a rebalance', async () => {
    const a = await stableSingle()
    const { done } = await joinNew({ clientId: 'b' })
    await gc.joinGroup(joinReq({ memberId: a }))
    const b = await done
    await sync(a, 2, [])
    const again = await gc.joinGroup(joinReq({ memberId: b.memberId, clientId: 'b' }))
    expect(again).toMatchObject({ errorCode: E.NONE, generationId: 2, members: [] })
    expect(gc.describeGroup('g').groupState).toBe('Stable')
  })

  it('selects the protocol most members prefer among those all support', async () => {
    gc = make()
    const p = (names: string[]) => names.map((name) => ({ name, metadata: subscription('t') }))
    const ja = gc.joinGroup(joinReq({ requireKnownMemberId: false, protocols: p(['range', 'roundrobin']) }))
    const a = await ja
    expect(a.protocolName).toBe('range')
    const jb = gc.joinGroup(joinReq({ requireKnownMemberId: false, protocols: p(['roundrobin', 'range']) }))
    const jc = gc.joinGroup(joinReq({ requireKnownMemberId: false, protocols: p(['roundrobin']) }))
    const ra = await gc.joinGroup(joinReq({ memberId: a.memberId, protocols: p(['range', 'roundrobin']) }))
    expect(ra.protocolName).toBe('roundrobin')
    expect((await jb).protocolName).toBe('roundrobin')
    expect((await jc).protocolName).toBe('roundrobin')
  })

  it('refuses members without a shared protocol or protocol type', async () => {
    await stableSingle()
    const bad = await gc.joinGroup(joinReq({ protocols: [{ name: 'other', metadata: new Uint8Array() }] }))
    expect(bad.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const badType = await gc.joinGroup(joinReq({ protocolType: 'connect' }))
    expect(badType.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const empty = await gc.joinGroup(joinReq({ groupId: 'h', protocolType: '' }))
    expect(empty.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    expect(gc.groups.has('h')).toBe(false)
  })

  it('checks session timeout bounds, group id, unknown members, generations and group size', async () => {
    expect((await gc.joinGroup(joinReq({ sessionTimeoutMs: 10 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await gc.joinGroup(joinReq({ groupId: '' }))).errorCode).toBe(E.INVALID_GROUP_ID)
    expect((await gc.joinGroup(joinReq({ memberId: 'nobody' }))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    const a = await stableSingle()
    expect((await gc.joinGroup(joinReq({ memberId: 'nobody' }))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect(hb(a, 7)).toBe(E.ILLEGAL_GENERATION)
    expect(hb('nobody', 1)).toBe(E.UNKNOWN_MEMBER_ID)
    expect((await sync(a, 7)).errorCode).toBe(E.ILLEGAL_GENERATION)
    expect((await sync('nobody', 1)).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect(gc.heartbeat({ groupId: 'none', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      E.UNKNOWN_MEMBER_ID,
    )
    gc = make({ maxGroupSize: 1 })
    await gc.joinGroup(joinReq({ groupId: 's', requireKnownMemberId: false }))
    const second = await gc.joinGroup(joinReq({ groupId: 's', requireKnownMemberId: false }))
    expect(second.errorCode).toBe(E.GROUP_MAX_SIZE_REACHED)
  })

  it('answers SyncGroup with REBALANCE_IN_PROGRESS during a rebalance and on a reset assignment', async () => {
    const first = gc.joinGroup(joinReq({ requireKnownMemberId: false }))
    const a = await first
    const waitingSync = sync(a.memberId, 1) // a is leader but a follower-style sync without assignments waits
    const jb = gc.joinGroup(joinReq({ requireKnownMemberId: false, clientId: 'b' }))
    expect((await waitingSync).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    expect((await sync(a.memberId, 1)).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    await gc.joinGroup(joinReq({ memberId: a.memberId }))
    expect((await jb).generationId).toBe(2)
  })
})

describe('timeouts', () => {
  it('removes a member whose session expires and rebalances the rest', async () => {
    const a = await stableSingle()
    const { done: jb } = await joinNew({ clientId: 'b' })
    await gc.joinGroup(joinReq({ memberId: a }))
    const b = await jb
    await Promise.all([sync(a, 2, [{ memberId: a, assignment: Buffer.from('A') }]), sync(b.memberId, 2)])
    // b keeps heartbeating, a goes silent.
    clock.advance(SESSION / 2)
    expect(hb(b.memberId, 2)).toBe(E.NONE)
    clock.advance(SESSION / 2)
    expect(hb(b.memberId, 2)).toBe(E.REBALANCE_IN_PROGRESS)
    const d = gc.describeGroup('g')
    expect(d.members.map((m) => m.memberId)).toEqual([b.memberId])
    const rejoin = await gc.joinGroup(joinReq({ memberId: b.memberId, clientId: 'b' }))
    expect(rejoin).toMatchObject({ errorCode: E.NONE, generationId: 3, leader: b.memberId })
  })

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const a = await stableSingle()
    const { done: jb } = await joinNew({ clientId: 'b' })
    clock.advance(SESSION - 1)
    expect(hb(a, 1)).toBe(E.REBALANCE_IN_PROGRESS) // a stays alive but never rejoins
    clock.advance(REBALANCE)
    const b = await jb
    expect(b).toMatchObject({ errorCode: E.NONE, generationId: 2, leader: b.memberId })
    expect(hb(a, 2)).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('expires a MEMBER_ID_REQUIRED id that never comes back', async () => {
    const first = await gc.joinGroup(joinReq())
    clock.advance(SESSION)
    const late = await gc.joinGroup(joinReq({ memberId: first.memberId }))
    expect(late.errorCode).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('removes members that never send SyncGroup after the join completes', async () => {
    const a = await stableSingle()
    const { done: jb } = await joinNew({ clientId: 'b' })
    await gc.joinGroup(joinReq({ memberId: a }))
    const b = await jb
    const waiting = sync(b.memberId, 2)
    expect(gc.describeGroup('g').groupState).toBe('CompletingRebalance')
    clock.advance(REBALANCE)
    expect((await waiting).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    // The leader never synced: it is removed, b's pending sync is told to rejoin.
    expect(gc.describeGroup('g').members.map((m) => m.memberId)).not.toContain(a)
  })

  it('waits group.initial.rebalance.delay.ms for more members on the first rebalance', async () => {
    gc = make({ initialRebalanceDelayMs: 3000 })
    const ja = gc.joinGroup(joinReq({ requireKnownMemberId: false }))
    clock.advance(2000)
    const jb = gc.joinGroup(joinReq({ requireKnownMemberId: false, clientId: 'b' }))
    clock.advance(2000) // first delay ends, a member was added: wait another delay
    let done = false
    void ja.then(() => (done = true))
    await settle()
    expect(done).toBe(false)
    clock.advance(3000)
    const [a, b] = await Promise.all([ja, jb])
    expect(a.generationId).toBe(1)
    expect(b.generationId).toBe(1)
    expect(a.members.length + b.members.length).toBe(2)
  })
})

describe('edge cases', () => {
  it('rebalances when the leader of a stable group rejoins (it may want a new assignment)', async () => {
    const a = await stableSingle()
    const again = await gc.joinGroup(joinReq({ memberId: a }))
    expect(again).toMatchObject({ errorCode: E.NONE, generationId: 2, leader: a })
  })

  it('tells waiting followers to rejoin when the leader leaves before syncing, and elects a new leader', async () => {
    const a = await stableSingle()
    const { done } = await joinNew({ clientId: 'b' })
    await gc.joinGroup(joinReq({ memberId: a }))
    const b = await done
    const waiting = sync(b.memberId, 2)
    gc.leaveGroup('g', [{ memberId: a, groupInstanceId: null }])
    expect((await waiting).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    const rejoin = await gc.joinGroup(joinReq({ memberId: b.memberId, clientId: 'b' }))
    expect(rejoin).toMatchObject({ errorCode: E.NONE, generationId: 3, leader: b.memberId })
  })

  it('answers every waiting member with the storage error when the assignment cannot be written', async () => {
    const { done } = await joinNew()
    const a = await done
    log.failWith = E.NOT_COORDINATOR
    const s = await sync(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('A') }])
    expect(s.errorCode).toBe(E.NOT_COORDINATOR)
    expect(gc.describeGroup('g').groupState).not.toBe('Stable')
  })

  it('keeps the old static member id when recording the new one fails', async () => {
    const j1 = await gc.joinGroup(joinReq({ groupInstanceId: 'i-1' }))
    await sync(j1.memberId, 1, [{ memberId: j1.memberId, assignment: Buffer.from('S') }])
    log.failWith = E.COORDINATOR_NOT_AVAILABLE
    const j2 = await gc.joinGroup(joinReq({ groupInstanceId: 'i-1' }))
    expect(j2.errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    log.failWith = null
    expect(hb(j1.memberId, 1, 'i-1')).toBe(E.NONE)
  })

  it('answers a repeated JoinGroup of the same member on both requests', async () => {
    const a = await stableSingle()
    const { done } = await joinNew({ clientId: 'b' })
    const first = gc.joinGroup(joinReq({ memberId: a }))
    const second = gc.joinGroup(joinReq({ memberId: a }))
    const [r1, r2] = await Promise.all([first, second, done])
    expect(r1.generationId).toBe(2)
    expect(r2).toEqual(r1)
  })
})

describe('leave', () => {
  it('removes a member and rebalances; unknown members get UNKNOWN_MEMBER_ID per member', async () => {
    const a = await stableSingle()
    const res = gc.leaveGroup('g', [
      { memberId: a, groupInstanceId: null },
      { memberId: 'x', groupInstanceId: null },
    ])
    expect(res.errorCode).toBe(E.NONE)
    expect(res.members.map((m) => m.errorCode)).toEqual([E.NONE, E.UNKNOWN_MEMBER_ID])
    const d = gc.describeGroup('g')
    expect(d.groupState).toBe('Empty')
    expect(gc.leaveGroup('none', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode).toBe(
      E.UNKNOWN_MEMBER_ID,
    )
    const last = log.records.at(-1)
    expect(last?.kind === 'group' && last.value?.members).toEqual([])
    expect(last?.kind === 'group' && last.value?.generation).toBe(2)
  })
})

describe('static membership', () => {
  it('gives a returning instance a new id without a rebalance and fences the old id', async () => {
    const staticReq = { groupInstanceId: 'i-1', requireKnownMemberId: true }
    const j1 = await gc.joinGroup(joinReq(staticReq))
    expect(j1.errorCode).toBe(E.NONE) // static members get no MEMBER_ID_REQUIRED
    expect(j1.memberId.startsWith('i-1-')).toBe(true)
    await sync(j1.memberId, 1, [{ memberId: j1.memberId, assignment: Buffer.from('S') }])
    const j2 = await gc.joinGroup(joinReq(staticReq))
    expect(j2).toMatchObject({ errorCode: E.NONE, generationId: 1 })
    expect(j2.memberId).not.toBe(j1.memberId)
    expect(gc.describeGroup('g').groupState).toBe('Stable')
    expect(hb(j1.memberId, 1, 'i-1')).toBe(E.FENCED_INSTANCE_ID)
    expect(hb(j2.memberId, 1, 'i-1')).toBe(E.NONE)
    const s = await gc.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: j2.memberId,
      groupInstanceId: 'i-1',
      protocolType: null,
      protocolName: null,
      assignments: [],
    })
    expect(Buffer.from(s.assignment).toString()).toBe('S')
    const leave = gc.leaveGroup('g', [{ memberId: '', groupInstanceId: 'i-1' }])
    expect(leave.members[0]?.errorCode).toBe(E.NONE)
    expect(gc.describeGroup('g').groupState).toBe('Empty')
  })
})

describe('offsets', () => {
  const topics = (offset: bigint, metadata: string | null = 'm') => [
    { name: 't', partitions: [{ partitionIndex: 0, offset, leaderEpoch: -1, metadata }] },
  ]
  const commit = (generationId: number, memberId: string, offset: bigint, groupId = 'g') =>
    gc.commitOffsets({
      groupId,
      generationId,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: topics(offset),
    })
  const code = (r: { partitions: { errorCode: number }[] }[]) => r[0]?.partitions[0]?.errorCode

  it('stores simple commits for groups without members and fetches them back', async () => {
    expect(code(await commit(-1, '', 42n, 'simple'))).toBe(E.NONE)
    const f = gc.fetchOffsets('simple', [{ name: 't', partitions: [0, 1] }])
    expect(f.topics[0]?.partitions).toEqual([
      { partitionIndex: 0, offset: 42n, leaderEpoch: -1, metadata: 'm', errorCode: E.NONE },
      { partitionIndex: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: E.NONE },
    ])
    expect(gc.fetchOffsets('simple', null).topics.map((t) => t.name)).toEqual(['t'])
    expect(gc.fetchOffsets('nothing', null).topics).toEqual([])
    expect(gc.listGroups([], []).groups).toEqual([
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ])
  })

  it('checks generations and membership of group commits', async () => {
    expect(code(await commit(3, 'm', 1n, 'fresh'))).toBe(E.ILLEGAL_GENERATION)
    const a = await stableSingle()
    expect(code(await commit(1, a, 10n))).toBe(E.NONE)
    expect(code(await commit(2, a, 10n))).toBe(E.ILLEGAL_GENERATION)
    expect(code(await commit(1, 'nobody', 10n))).toBe(E.UNKNOWN_MEMBER_ID)
    // An admin reset (generation -1, no member) of an active group is refused.
    expect(code(await commit(-1, '', 0n))).toBe(E.UNKNOWN_MEMBER_ID)
    const { done: jb } = await joinNew({ clientId: 'b' })
    expect(code(await commit(1, a, 11n))).toBe(E.NONE) // PreparingRebalance still takes commits
    await gc.joinGroup(joinReq({ memberId: a }))
    await jb
    expect(code(await commit(2, a, 12n))).toBe(E.REBALANCE_IN_PROGRESS)
    expect(gc.fetchOffsets('g', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset).toBe(11n)
  })

  it('refuses oversized metadata and reports log failures', async () => {
    const big = 'x'.repeat(DEFAULT_GROUP_CONFIG.offsetMetadataMaxBytes + 1)
    const r = await gc.commitOffsets({
      groupId: 's',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: topics(1n, big),
    })
    expect(code(r)).toBe(E.OFFSET_METADATA_TOO_LARGE)
    log.failWith = E.NOT_COORDINATOR
    expect(code(await commit(-1, '', 5n, 's'))).toBe(E.NOT_COORDINATOR)
    expect(gc.fetchOffsets('s', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset).toBe(-1n)
  })

  it('deletes offsets of unsubscribed topics only while the group is active', async () => {
    const a = await stableSingle()
    await gc.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
        { name: 'old', partitions: [{ partitionIndex: 0, offset: 2n, leaderEpoch: -1, metadata: null }] },
      ],
    })
    const r = await gc.deleteOffsets('g', [
      { name: 't', partitions: [0] },
      { name: 'old', partitions: [0] },
    ])
    expect(r.errorCode).toBe(E.NONE)
    expect(r.topics.map((t) => t.partitions[0]?.errorCode)).toEqual([E.GROUP_SUBSCRIBED_TO_TOPIC, E.NONE])
    expect(gc.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t'])
    expect((await gc.deleteOffsets('none', [])).errorCode).toBe(E.GROUP_ID_NOT_FOUND)
    expect(log.records.at(-1)).toEqual({
      kind: 'offset',
      group: 'g',
      topic: 'old',
      partition: 0,
      value: null,
    })
  })

  it('expires offsets of an empty group a retention period after it became empty, then the group', async () => {
    gc = make({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 })
    const a = await stableSingle()
    await commit(1, a, 5n)
    for (let i = 0; i < 20; i++) {
      clock.advance(5000)
      expect(hb(a, 1)).toBe(E.NONE)
    }
    await settle()
    // Stable and subscribed to the topic: kept however old the commit.
    expect(gc.fetchOffsets('g', null).topics).toHaveLength(1)
    gc.leaveGroup('g', [{ memberId: a, groupInstanceId: null }])
    clock.advance(59_000)
    await settle()
    expect(gc.fetchOffsets('g', null).topics).toHaveLength(1)
    clock.advance(2000)
    await settle()
    expect(gc.fetchOffsets('g', null).topics).toHaveLength(0)
    expect(gc.groups.has('g')).toBe(false)
    expect(log.records.slice(-2)).toEqual([
      { kind: 'offset', group: 'g', topic: 't', partition: 0, value: null },
      { kind: 'group', group: 'g', value: null },
    ])
  })

  it('expires simple-group offsets a retention period after their commit', async () => {
    gc = make({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 })
    await commit(-1, '', 1n, 's')
    clock.advance(30_000)
    await commit(-1, '', 2n, 's')
    clock.advance(59_000)
    await settle()
    expect(gc.fetchOffsets('s', null).topics[0]?.partitions[0]?.offset).toBe(2n)
    clock.advance(2000)
    await settle()
    expect(gc.groups.has('s')).toBe(false)
  })
})

describe('deleted topics', () => {
  it('drops their offsets from every group with tombstones', async () => {
    const c = (groupId: string, name: string) =>
      gc.commitOffsets({
        groupId,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [{ name, partitions: [{ partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }],
      })
    await c('a', 'gone')
    await c('a', 'kept')
    await c('b', 'gone')
    await gc.removeTopics(new Set(['gone']))
    expect(gc.fetchOffsets('a', null).topics.map((t) => t.name)).toEqual(['kept'])
    expect(gc.fetchOffsets('b', null).topics).toEqual([])
    expect(log.records.slice(-1)).toEqual([
      { kind: 'offset', group: 'b', topic: 'gone', partition: 0, value: null },
    ])
  })
})

describe('transactional offset commits', () => {
  const txn = (producerId: bigint, offset: bigint) =>
    gc.txnCommitOffsets({
      groupId: 'tx',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      producerId,
      producerEpoch: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset, leaderEpoch: -1, metadata: null }] }],
    })
  const stable = () => gc.fetchOffsets('tx', [{ name: 't', partitions: [0] }], true).topics[0]?.partitions[0]
  const plain = () => gc.fetchOffsets('tx', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]

  it('keeps offsets pending until the transaction commits, and drops them on abort', async () => {
    expect((await txn(7n, 10n))[0]?.partitions[0]?.errorCode).toBe(E.NONE)
    expect(stable()?.errorCode).toBe(E.UNSTABLE_OFFSET_COMMIT)
    expect(plain()).toMatchObject({ offset: -1n, errorCode: E.NONE })
    gc.completeTransaction('tx', 7n, true)
    expect(stable()).toMatchObject({ offset: 10n, errorCode: E.NONE })
    await txn(8n, 20n)
    gc.completeTransaction('tx', 8n, false)
    expect(stable()).toMatchObject({ offset: 10n, errorCode: E.NONE })
  })

  it('checks member and generation only when the producer gives them', async () => {
    const a = await stableSingle()
    const res = await gc.txnCommitOffsets({
      groupId: 'g',
      generationId: 5,
      memberId: a,
      groupInstanceId: null,
      producerId: 1n,
      producerEpoch: 0,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
      ],
    })
    expect(res[0]?.partitions[0]?.errorCode).toBe(E.ILLEGAL_GENERATION)
  })
})

describe('group admin', () => {
  it('lists with state filters, describes, and deletes only empty groups', async () => {
    const a = await stableSingle()
    await gc.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, offset: 3n, leaderEpoch: -1, metadata: null }] },
      ],
    })
    expect(gc.listGroups(['stable'], []).groups.map((g) => g.groupId)).toEqual(['g'])
    expect(gc.listGroups(['Empty'], ['classic']).groups.map((g) => g.groupId)).toEqual(['simple'])
    expect(gc.listGroups([], ['consumer']).groups).toEqual([])
    expect(gc.describeGroup('none')).toMatchObject({ errorCode: E.NONE, groupState: 'Dead', members: [] })
    const res = await gc.deleteGroups(['g', 'simple', 'none', ''])
    expect(res.map((r) => r.errorCode)).toEqual([
      E.NON_EMPTY_GROUP,
      E.NONE,
      E.GROUP_ID_NOT_FOUND,
      E.INVALID_GROUP_ID,
    ])
    expect(gc.fetchOffsets('simple', null).topics).toEqual([])
    expect(log.records.slice(-2)).toEqual([
      { kind: 'offset', group: 'simple', topic: 't', partition: 0, value: null },
      { kind: 'group', group: 'simple', value: null },
    ])
    void a
  })
})

describe('loading', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS until loaded, then restores groups and offsets', async () => {
    const a = await stableSingle()
    await gc.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 2, offset: 9n, leaderEpoch: 4, metadata: 'x' }] }],
    })
    await gc.commitOffsets({
      groupId: 'gone',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
      ],
    })
    await gc.deleteGroups(['gone'])
    const restarted = new GroupCoordinator({ clock, log: new MemoryGroupLog(), config: DEFAULT_GROUP_CONFIG })
    expect(restarted.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      E.COORDINATOR_LOAD_IN_PROGRESS,
    )
    expect(restarted.fetchOffsets('g', null).errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS)
    for (const r of log.records) restarted.replay(r)
    restarted.finishLoading()
    expect(restarted.fetchOffsets('g', null).topics).toEqual([
      {
        name: 't',
        partitions: [{ partitionIndex: 2, offset: 9n, leaderEpoch: 4, metadata: 'x', errorCode: E.NONE }],
      },
    ])
    expect(restarted.groups.has('gone')).toBe(false)
    const d = restarted.describeGroup('g')
    expect(d.groupState).toBe('Stable')
    expect(d.members.map((m) => m.memberId)).toEqual([a])
    expect(restarted.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      E.NONE,
    )
    clock.advance(SESSION)
    expect(restarted.describeGroup('g').groupState).toBe('Empty')
  })
})
