// ListGroups (key 16), v0-v5.
// v1: throttle time. v2: same as v1. v3: flexible. v4: states filter in the request, group state in the
// response (KIP-518). v5: types filter and group type (KIP-848); every group here is "classic".
import { decodeListGroupsRequest } from '../../protocol/generated/list-groups-request.ts'
import {
  encodeListGroupsResponse,
  type ListGroupsResponseInput,
} from '../../protocol/generated/list-groups-response.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  16,
  { min: 0, max: 5 },
  {
    decode: decodeListGroupsRequest,
    encode: encodeListGroupsResponse,
    handle: (req, ctx): ListGroupsResponseInput => {
      const v = ctx.apiVersion
      const res = ctx.broker.groups.listGroups(v >= 4 ? req.statesFilter : [], v >= 5 ? req.typesFilter : [])
      // Without DESCRIBE on the cluster, only the groups the principal may describe are listed.
      const authz = authzOf(ctx)
      const groups = authz.cluster(AclOperation.DESCRIBE)
        ? res.groups
        : res.groups.filter((g) => authz.group(g.groupId, AclOperation.DESCRIBE))
      return { throttleTimeMs: 0, errorCode: res.errorCode, groups }
    },
  },
)
