// DeleteGroups (key 42), v0-v2. Only empty groups are deleted (NON_EMPTY_GROUP otherwise); their offsets
// and metadata get tombstones in __consumer_offsets.
// v1: same as v0. v2: flexible.
import { decodeDeleteGroupsRequest } from '../../protocol/generated/delete-groups-request.ts'
import {
  encodeDeleteGroupsResponse,
  type DeleteGroupsResponseInput,
} from '../../protocol/generated/delete-groups-response.ts'
import { api } from '../registry.ts'

export default api(
  42,
  { min: 0, max: 2 },
  {
    decode: decodeDeleteGroupsRequest,
    encode: encodeDeleteGroupsResponse,
    handle: async (req, ctx): Promise<DeleteGroupsResponseInput> => ({
      throttleTimeMs: 0,
      results: await ctx.broker.groups.deleteGroups(req.groupsNames),
    }),
  },
)
