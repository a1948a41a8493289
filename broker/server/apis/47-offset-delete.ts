// OffsetDelete (key 47), v0 only. Deletes committed offsets of a group: all of them when the group is
// empty; for an active consumer group only those of topics no member subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); an active group of another protocol type gets NON_EMPTY_GROUP.
// Needs DELETE on the group and READ on each topic.
import { decodeOffsetDeleteRequest } from '../../protocol/generated/offset-delete-request.ts'
import {
  encodeOffsetDeleteResponse,
  type OffsetDeleteResponseInput,
} from '../../protocol/generated/offset-delete-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  47,
  { min: 0, max: 0 },
  {
    decode: decodeOffsetDeleteRequest,
    encode: encodeOffsetDeleteResponse,
    handle: async (req, ctx): Promise<OffsetDeleteResponseInput> => {
      const authz = authzOf(ctx)
      if (!authz.group(req.groupId, AclOperation.DELETE)) {
        return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] }
      }
      const readable = (name: string): boolean => authz.topic(name, AclOperation.READ)
      const res = await ctx.broker.groups.deleteOffsets(
        req.groupId,
        req.topics
          .filter((t) => readable(t.name))
          .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
      )
      const denied = req.topics
        .filter((t) => !readable(t.name))
        .map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          })),
        }))
      return { errorCode: res.errorCode, throttleTimeMs: 0, topics: [...res.topics, ...denied] }
    },
  },
)
