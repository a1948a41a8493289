// OffsetForLeaderEpoch (key 23), v0-v4.
// v1: the leader epoch of the end offset in the response. v2: currentLeaderEpoch in the request (fencing),
// throttleTimeMs. v3: replicaId (consumers send -1). v4: flexible versions.
// Needs DESCRIBE on the topic (TOPIC_AUTHORIZATION_FAILED per partition).
// A single broker leads every partition in one epoch (the partition's leader epoch in the metadata image),
// and appends stamp that epoch into each batch. So: the current epoch ends at the log end offset; a later
// epoch is unknown (-1, -1); an earlier one ends where the current one starts, at the log start here.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeOffsetForLeaderEpochRequest } from '../../protocol/generated/offset-for-leader-epoch-request.ts'
import {
  encodeOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochResponseInput,
} from '../../protocol/generated/offset-for-leader-epoch-response.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  23,
  { min: 0, max: 4 },
  {
    decode: decodeOffsetForLeaderEpochRequest,
    encode: encodeOffsetForLeaderEpochResponse,
    handle: (req, ctx): OffsetForLeaderEpochResponseInput => {
      const { broker } = ctx
      const authz = authzOf(ctx)
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            const state = broker.metadata.image.topicsByName.get(t.topic)?.partitions[p.partition]
            const log = state === undefined ? undefined : broker.logs.getLog(t.topic, p.partition)
            const base = { partition: p.partition, leaderEpoch: -1, endOffset: -1n }
            if (!authz.topic(t.topic, AclOperation.DESCRIBE)) {
              return { ...base, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }
            }
            if (state === undefined || log === undefined) {
              return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
            }
            const current = ctx.apiVersion >= 2 ? p.currentLeaderEpoch : -1
            if (current > state.leaderEpoch) return { ...base, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH }
            if (current >= 0 && current < state.leaderEpoch) {
              return { ...base, errorCode: ErrorCode.FENCED_LEADER_EPOCH }
            }
            if (p.leaderEpoch === state.leaderEpoch) {
              return {
                ...base,
                errorCode: ErrorCode.NONE,
                leaderEpoch: state.leaderEpoch,
                endOffset: log.logEndOffset,
              }
            }
            if (p.leaderEpoch < state.leaderEpoch && p.leaderEpoch >= 0) {
              return {
                ...base,
                errorCode: ErrorCode.NONE,
                leaderEpoch: p.leaderEpoch,
                endOffset: log.logStartOffset,
              }
            }
            return { ...base, errorCode: ErrorCode.NONE }
          }),
        })),
      }
    },
  },
)
