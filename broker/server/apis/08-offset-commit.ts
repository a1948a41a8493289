// OffsetCommit (key 8), v0-v9.
// v1: generation id and member id (v0 commits as a non-member, generation -1), a per-partition commit
// timestamp (ignored: the broker stamps commits). v2: retention time (v2-v4; -1 = broker retention).
// v3: throttle time. v4: same as v3. v5: retention time removed. v6: committed leader epoch.
// v7: group.instance.id. v8: flexible. v9: same as v8 (KIP-848 members are not served here).
// Needs READ on the group (else GROUP_AUTHORIZATION_FAILED everywhere) and READ on each topic
// (TOPIC_AUTHORIZATION_FAILED). Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION; the rest go
// to the group coordinator.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeOffsetCommitRequest } from '../../protocol/generated/offset-commit-request.ts'
import {
  encodeOffsetCommitResponse,
  type OffsetCommitResponseInput,
} from '../../protocol/generated/offset-commit-response.ts'
import type { CommitRequest } from '../../groups/offsets.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  8,
  { min: 0, max: 9 },
  {
    decode: decodeOffsetCommitRequest,
    encode: encodeOffsetCommitResponse,
    handle: async (req, ctx): Promise<OffsetCommitResponseInput> => {
      const v = ctx.apiVersion
      const image = ctx.broker.metadata.image
      const authz = authzOf(ctx)
      const answerAll = (errorCode: number): OffsetCommitResponseInput => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
        })),
      })
      if (!authz.group(req.groupId, AclOperation.READ)) return answerAll(ErrorCode.GROUP_AUTHORIZATION_FAILED)
      const known: CommitRequest['topics'] = []
      const unknown = new Map<string, number[]>()
      const denied = new Set<string>()
      for (const t of req.topics) {
        if (!authz.topic(t.name, AclOperation.READ)) {
          denied.add(t.name)
          continue
        }
        const count = image.topicsByName.get(t.name)?.partitions.length ?? 0
        const partitions = []
        for (const p of t.partitions) {
          if (p.partitionIndex < 0 || p.partitionIndex >= count) {
            const list = unknown.get(t.name) ?? []
            list.push(p.partitionIndex)
            unknown.set(t.name, list)
          } else {
            partitions.push({
              partitionIndex: p.partitionIndex,
              offset: p.committedOffset,
              leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
              metadata: p.committedMetadata,
            })
          }
        }
        if (partitions.length > 0) known.push({ name: t.name, partitions })
      }
      const stored =
        known.length === 0
          ? []
          : await ctx.broker.groups.commitOffsets({
              groupId: req.groupId,
              generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
              memberId: v >= 1 ? req.memberId : '',
              groupInstanceId: v >= 7 ? req.groupInstanceId : null,
              retentionTimeMs: v >= 2 && v <= 4 ? Number(req.retentionTimeMs) : -1,
              topics: known,
            })
      const errors = new Map<string, Map<number, number>>()
      for (const t of stored) {
        const m = errors.get(t.name) ?? new Map<number, number>()
        for (const p of t.partitions) m.set(p.partitionIndex, p.errorCode)
        errors.set(t.name, m)
      }
      for (const [name, parts] of unknown) {
        const m = errors.get(name) ?? new Map<number, number>()
        for (const idx of parts) m.set(idx, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        errors.set(name, m)
      }
      // Answer in request order.
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: denied.has(t.name)
              ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
              : (errors.get(t.name)?.get(p.partitionIndex) ?? ErrorCode.UNKNOWN_SERVER_ERROR),
          })),
        })),
      }
    },
  },
)
