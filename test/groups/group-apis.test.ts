// The group handlers over raw sockets against the real broker process: version-specific shapes that the
// compat clients do not all exercise (JoinGroup v0 without MEMBER_ID_REQUIRED, LeaveGroup v0's top-level
// error, batched FindCoordinator, multi-group OffsetFetch, unknown topics in OffsetCommit, ListGroups
// filters).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import type { Reader } from '../../broker/protocol/primitives/reader.ts'
import type { Writer } from '../../broker/protocol/primitives/writer.ts'
import { encodeFindCoordinatorRequest } from '../../broker/protocol/generated/find-coordinator-request.ts'
import { decodeFindCoordinatorResponse } from '../../broker/protocol/generated/find-coordinator-response.ts'
import { encodeJoinGroupRequest } from '../../broker/protocol/generated/join-group-request.ts'
import { decodeJoinGroupResponse } from '../../broker/protocol/generated/join-group-response.ts'
import { encodeSyncGroupRequest } from '../../broker/protocol/generated/sync-group-request.ts'
import { decodeSyncGroupResponse } from '../../broker/protocol/generated/sync-group-response.ts'
import { encodeLeaveGroupRequest } from '../../broker/protocol/generated/leave-group-request.ts'
import { decodeLeaveGroupResponse } from '../../broker/protocol/generated/leave-group-response.ts'
import { encodeOffsetCommitRequest } from '../../broker/protocol/generated/offset-commit-request.ts'
import { decodeOffsetCommitResponse } from '../../broker/protocol/generated/offset-commit-response.ts'
import { encodeOffsetFetchRequest } from '../../broker/protocol/generated/offset-fetch-request.ts'
import { decodeOffsetFetchResponse } from '../../broker/protocol/generated/offset-fetch-response.ts'
import { encodeListGroupsRequest } from '../../broker/protocol/generated/list-groups-request.ts'
import { decodeListGroupsResponse } from '../../broker/protocol/generated/list-groups-response.ts'
import { encodeCreateTopicsRequest } from '../../broker/protocol/generated/create-topics-request.ts'
import { decodeCreateTopicsResponse } from '../../broker/protocol/generated/create-topics-response.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'

let broker: RunningBroker
let client: RawClient
let correlation = 0

beforeAll(async () => {
  broker = await startBroker({
    config: { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '3' },
  })
  client = await RawClient.connect(broker.port)
  const created = await call(
    19,
    4,
    (w) =>
      encodeCreateTopicsRequest(
        w,
        { topics: [{ name: 'wire-t', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 5000 },
        4,
      ),
    (r) => decodeCreateTopicsResponse(r, 4),
  )
  expect(created.topics[0]?.errorCode).toBe(ErrorCode.NONE)
})

afterAll(async () => {
  client?.close()
  await broker?.stop()
})

async function call<T>(apiKey: number, version: number, body: (w: Writer) => void, decode: (r: Reader) => T) {
  const id = ++correlation
  client.send(RawClient.frame(apiKey, version, id, body))
  const { correlationId, body: r } = RawClient.parse(await client.next(), apiKey, version)
  expect(correlationId).toBe(id)
  return decode(r)
}

/** FindCoordinator for a group until the coordinator has loaded __consumer_offsets. */
async function coordinatorReady(): Promise<void> {
  for (;;) {
    const res = await call(
      10,
      0,
      (w) => encodeFindCoordinatorRequest(w, { key: 'g' }, 0),
      (r) => decodeFindCoordinatorResponse(r, 0),
    )
    if (res.errorCode === ErrorCode.NONE) return
    expect(res.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
}

describe('group APIs on the wire', () => {
  it('answers FindCoordinator v0 and batched v4 for group and transaction keys', async () => {
    await coordinatorReady()
    const res = await call(
      10,
      4,
      (w) => encodeFindCoordinatorRequest(w, { keyType: 1, coordinatorKeys: ['tx-a', 'tx-b'] }, 4),
      (r) => decodeFindCoordinatorResponse(r, 4),
    )
    expect(res.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([
      ['tx-a', ErrorCode.NONE, broker.port],
      ['tx-b', ErrorCode.NONE, broker.port],
    ])
    const bad = await call(
      10,
      4,
      (w) => encodeFindCoordinatorRequest(w, { keyType: 7, coordinatorKeys: ['x'] }, 4),
      (r) => decodeFindCoordinatorResponse(r, 4),
    )
    expect(bad.coordinators[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('lets JoinGroup v0 join without a member id, then LeaveGroup v0 reports its error at the top level', async () => {
    await coordinatorReady()
    const join = await call(
      11,
      0,
      (w) =>
        encodeJoinGroupRequest(
          w,
          {
            groupId: 'wire-g',
            sessionTimeoutMs: 5000,
            memberId: '',
            protocolType: 'consumer',
            protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0]) }],
          },
          0,
        ),
      (r) => decodeJoinGroupResponse(r, 0),
    )
    expect(join).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range' })
    expect(join.leader).toBe(join.memberId)
    expect(join.memberId.startsWith('raw-')).toBe(true)
    const sync = await call(
      14,
      0,
      (w) =>
        encodeSyncGroupRequest(
          w,
          {
            groupId: 'wire-g',
            generationId: 1,
            memberId: join.memberId,
            assignments: [{ memberId: join.memberId, assignment: Buffer.from('x') }],
          },
          0,
        ),
      (r) => decodeSyncGroupResponse(r, 0),
    )
    expect(sync.assignment.toString()).toBe('x')
    const commit = await call(
      8,
      2,
      (w) =>
        encodeOffsetCommitRequest(
          w,
          {
            groupId: 'wire-g',
            generationIdOrMemberEpoch: 1,
            memberId: join.memberId,
            retentionTimeMs: -1n,
            topics: [
              {
                name: 'wire-t',
                partitions: [
                  { partitionIndex: 1, committedOffset: 5n, committedMetadata: 'm' },
                  { partitionIndex: 9, committedOffset: 5n, committedMetadata: null },
                ],
              },
              {
                name: 'no-such-topic',
                partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }],
              },
            ],
          },
          2,
        ),
      (r) => decodeOffsetCommitResponse(r, 2),
    )
    expect(commit.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    const leave = (memberId: string) =>
      call(
        13,
        0,
        (w) => encodeLeaveGroupRequest(w, { groupId: 'wire-g', memberId }, 0),
        (r) => decodeLeaveGroupResponse(r, 0),
      )
    expect((await leave(join.memberId)).errorCode).toBe(ErrorCode.NONE)
    expect((await leave(join.memberId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('fetches offsets for several groups at once (v8) and filters ListGroups by state and type (v5)', async () => {
    await coordinatorReady()
    const fetched = await call(
      9,
      8,
      (w) =>
        encodeOffsetFetchRequest(
          w,
          {
            groups: [
              { groupId: 'wire-g', topics: null },
              { groupId: 'nobody', topics: [{ name: 'wire-t', partitionIndexes: [0] }] },
            ],
            requireStable: true,
          },
          8,
        ),
      (r) => decodeOffsetFetchResponse(r, 8),
    )
    expect(fetched.groups.map((g) => [g.groupId, g.errorCode])).toEqual([
      ['wire-g', ErrorCode.NONE],
      ['nobody', ErrorCode.NONE],
    ])
    expect(fetched.groups[0]?.topics[0]?.partitions[0]).toMatchObject({
      partitionIndex: 1,
      committedOffset: 5n,
      metadata: 'm',
    })
    expect(fetched.groups[1]?.topics[0]?.partitions[0]?.committedOffset).toBe(-1n)
    const list = (statesFilter: string[], typesFilter: string[]) =>
      call(
        16,
        5,
        (w) => encodeListGroupsRequest(w, { statesFilter, typesFilter }, 5),
        (r) => decodeListGroupsResponse(r, 5),
      )
    expect((await list(['Empty'], ['classic'])).groups).toEqual([
      expect.objectContaining({
        groupId: 'wire-g',
        groupState: 'Empty',
        groupType: 'classic',
        protocolType: 'consumer',
      }),
    ])
    expect((await list(['Stable'], [])).groups).toEqual([])
    expect((await list([], ['consumer'])).groups).toEqual([])
  })
})
