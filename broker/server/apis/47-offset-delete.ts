// OffsetDelete (key 47), v0 only. Deletes committed offsets of a group: all of them when the group is
// empty; for an active consumer group only those of topics no member subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); an active group of another protocol type gets NON_EMPTY_GROUP.
import { decodeOffsetDeleteRequest } from '../../protocol/generated/offset-delete-request.ts'
import {
  encodeOffsetDeleteResponse,
  type OffsetDeleteResponseInput,
} from '../../protocol/generated/offset-delete-response.ts'
import { api } from '../registry.ts'

export default api(
  47,
  { min: 0, max: 0 },
  {
    decode: decodeOffsetDeleteRequest,
    encode: encodeOffsetDeleteResponse,
    handle: async (req, ctx): Promise<OffsetDeleteResponseInput> => {
      const res = await ctx.broker.groups.deleteOffsets(
        req.groupId,
        req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
      )
      return { errorCode: res.errorCode, throttleTimeMs: 0, topics: res.topics }
    },
  },
)
