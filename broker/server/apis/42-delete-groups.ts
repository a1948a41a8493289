// DeleteGroups (key 42), v0-v2. Only empty groups are deleted (NON_EMPTY_GROUP otherwise); their offsets
// and metadata get tombstones in __consumer_offsets.
// v1: same as v0. v2: flexible. Each group needs DELETE (GROUP_AUTHORIZATION_FAILED otherwise).
import { decodeDeleteGroupsRequest } from '../../protocol/generated/delete-groups-request.ts'
import {
  encodeDeleteGroupsResponse,
  type DeleteGroupsResponseInput,
} from '../../protocol/generated/delete-groups-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  42,
  { min: 0, max: 2 },
  {
    decode: decodeDeleteGroupsRequest,
    encode: encodeDeleteGroupsResponse,
    handle: async (req, ctx): Promise<DeleteGroupsResponseInput> => {
      const authz = authzOf(ctx)
      const mayDelete = (id: string): boolean => authz.group(id, AclOperation.DELETE)
      const deleted = await ctx.broker.groups.deleteGroups(req.groupsNames.filter(mayDelete))
      if (authz.all) return { throttleTimeMs: 0, results: deleted }
      const byId = new Map(deleted.map((r) => [r.groupId, r]))
      return {
        throttleTimeMs: 0,
        results: req.groupsNames.map(
          (groupId) => byId.get(groupId) ?? { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED },
        ),
      }
    },
  },
)
