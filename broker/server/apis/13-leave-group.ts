// LeaveGroup (key 13), v0-v5.
// v1: throttle time. v2: same as v1. v3: batch removal of members by member id and/or group.instance.id,
// with an error per member (before v3 one member, its error is the top-level error). v4: flexible.
// v5: a reason per member. Needs READ on the group.
import { ErrorCode } from '../../protocol/errors.ts'
import { decodeLeaveGroupRequest } from '../../protocol/generated/leave-group-request.ts'
import {
  encodeLeaveGroupResponse,
  type LeaveGroupResponseInput,
} from '../../protocol/generated/leave-group-response.ts'
import { api } from '../registry.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  13,
  { min: 0, max: 5 },
  {
    decode: decodeLeaveGroupRequest,
    encode: encodeLeaveGroupResponse,
    handle: (req, ctx): LeaveGroupResponseInput => {
      const batch = ctx.apiVersion >= 3
      if (!authzOf(ctx).group(req.groupId, AclOperation.READ)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] }
      }
      const leaving = batch
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: req.memberId, groupInstanceId: null }]
      const res = ctx.broker.groups.leaveGroup(req.groupId, leaving)
      if (batch) return { throttleTimeMs: 0, errorCode: res.errorCode, members: res.members }
      const memberError = res.members[0]?.errorCode ?? ErrorCode.NONE
      return { throttleTimeMs: 0, errorCode: res.errorCode !== ErrorCode.NONE ? res.errorCode : memberError }
    },
  },
)
