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
import { api } from '../registry.ts'

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
      const groups = ctx.broker.groups
      const want = (topics: { name: string; partitionIndexes: number[] }[] | null) =>
        topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }))
      if (v >= 8) {
        return {
          throttleTimeMs: 0,
          groups: req.groups.map((g) => {
            const res = groups.fetchOffsets(g.groupId, want(g.topics), req.requireStable)
            return { groupId: g.groupId, errorCode: res.errorCode, topics: topicsOut(res, v) }
          }),
        }
      }
      const res = groups.fetchOffsets(req.groupId, want(req.topics), v >= 7 && req.requireStable)
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
