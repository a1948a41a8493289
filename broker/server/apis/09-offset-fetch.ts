// OffsetFetch (key 9), v0-v9.
// v0: offsets from ZooKeeper in Kafka; here the same committed offsets as v1. v1: from __consumer_offsets. v2: null topics = every committed partition; top-level error code.
// v3: throttle time. v4-v5: same (v5 adds the committed leader epoch). v6: flexible.
// v7: requireStable: partitions with an offset commit in an open transaction answer UNSTABLE_OFFSET_COMMIT.
// v8: several groups per request, answers per group. v9: member id and epoch for KIP-848 members (ignored:
// classic groups only).
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeOffsetFetchRequest } from '../../protocol/generated/offset-fetch-request.ts'
import {
  encodeOffsetFetchResponse,
  type OffsetFetchResponseInput,
} from '../../protocol/generated/offset-fetch-response.ts'
import type { FetchResult } from '../../groups/offsets.ts'
import { api, type RequestContext } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

type Wanted = { name: string; partitionIndexes: number[] }[] | null

/**
 * The group's committed offsets as the principal may see them (Kafka's rules): DESCRIBE on the group, else
 * GROUP_AUTHORIZATION_FAILED; topics without DESCRIBE are left out of an all-topics answer and answer
 * TOPIC_AUTHORIZATION_FAILED (offset -1) when named.
 */
function fetchAuthorized(
  ctx: RequestContext,
  groupId: string,
  topics: Wanted,
  requireStable: boolean,
): FetchResult {
  const authz = authzOf(ctx)
  const groups = ctx.broker.groups
  const want = (list: NonNullable<Wanted>) =>
    list.map((t) => ({ name: t.name, partitions: t.partitionIndexes }))
  if (!authz.group(groupId, AclOperation.DESCRIBE)) {
    return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] }
  }
  if (authz.all) return groups.fetchOffsets(groupId, topics === null ? null : want(topics), requireStable)
  const describable = (name: string): boolean => authz.topic(name, AclOperation.DESCRIBE)
  if (topics === null) {
    const res = groups.fetchOffsets(groupId, null, requireStable)
    return { errorCode: res.errorCode, topics: res.topics.filter((t) => describable(t.name)) }
  }
  const res = groups.fetchOffsets(groupId, want(topics.filter((t) => describable(t.name))), requireStable)
  const byName = new Map(res.topics.map((t) => [t.name, t]))
  return {
    errorCode: res.errorCode,
    topics: topics.map((t) =>
      describable(t.name)
        ? (byName.get(t.name) ?? { name: t.name, partitions: [] })
        : {
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({
              partitionIndex,
              offset: -1n,
              leaderEpoch: -1,
              metadata: '',
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            })),
          },
    ),
  }
}

function topicsOut(res: FetchResult, version: number) {
  return res.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      // Before v2 there is no group-level error: it goes on every partition.
      errorCode: version < 2 && res.errorCode !== ErrorCode.NONE ? res.errorCode : p.errorCode,
    })),
  }))
}

export default api(
  9,
  { min: 0, max: 9 },
  {
    decode: decodeOffsetFetchRequest,
    encode: encodeOffsetFetchResponse,
    handle: (req, ctx): OffsetFetchResponseInput => {
      const v = ctx.apiVersion
      if (v >= 8) {
        return {
          throttleTimeMs: 0,
          groups: req.groups.map((g) => {
            const res = fetchAuthorized(ctx, g.groupId, g.topics, req.requireStable)
            return { groupId: g.groupId, errorCode: res.errorCode, topics: topicsOut(res, v) }
          }),
        }
      }
      const res = fetchAuthorized(ctx, req.groupId, req.topics, v >= 7 && req.requireStable)
      if (v < 2 && res.errorCode !== ErrorCode.NONE && req.topics !== null) {
        // Report the group-level error against every partition asked for.
        const failed: FetchResult = {
          errorCode: res.errorCode,
          topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((idx) => ({
              partitionIndex: idx,
              offset: -1n,
              leaderEpoch: -1,
              metadata: '',
              errorCode: res.errorCode,
            })),
          })),
        }
        return { throttleTimeMs: 0, topics: topicsOut(failed, v) }
      }
      return { throttleTimeMs: 0, errorCode: res.errorCode, topics: topicsOut(res, v) }
    },
  },
)
