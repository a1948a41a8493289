// SyncGroup (key 14), v0-v5. Followers' answers are held until the leader's assignment is stored.
// v1: throttle time. v2: same as v1. v3: group.instance.id. v4: flexible.
// v5: protocol type and name in the request (checked against the group's: INCONSISTENT_GROUP_PROTOCOL)
// and the response. Needs READ on the group.
import { decodeSyncGroupRequest } from '../../protocol/generated/sync-group-request.ts'
import {
  encodeSyncGroupResponse,
  type SyncGroupResponseInput,
} from '../../protocol/generated/sync-group-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  14,
  { min: 0, max: 5 },
  {
    decode: decodeSyncGroupRequest,
    encode: encodeSyncGroupResponse,
    handle: async (req, ctx): Promise<SyncGroupResponseInput> => {
      const v = ctx.apiVersion
      if (!authzOf(ctx).group(req.groupId, AclOperation.READ)) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          protocolType: null,
          protocolName: null,
          assignment: Buffer.alloc(0),
        }
      }
      const res = await ctx.broker.groups.syncGroup({
        groupId: req.groupId,
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: v >= 3 ? req.groupInstanceId : null,
        protocolType: v >= 5 ? req.protocolType : null,
        protocolName: v >= 5 ? req.protocolName : null,
        assignments: req.assignments,
      })
      return {
        throttleTimeMs: 0,
        errorCode: res.errorCode,
        protocolType: res.protocolType,
        protocolName: res.protocolName,
        assignment: Buffer.from(res.assignment.buffer, res.assignment.byteOffset, res.assignment.byteLength),
      }
    },
  },
)
