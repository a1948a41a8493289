// Heartbeat (key 12), v0-v4.
// v1: throttle time. v2: same as v1. v3: group.instance.id (static members are fenced by it).
// v4: flexible. Needs READ on the group.
import { decodeHeartbeatRequest } from '../../protocol/generated/heartbeat-request.ts'
import { encodeHeartbeatResponse } from '../../protocol/generated/heartbeat-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  12,
  { min: 0, max: 4 },
  {
    decode: decodeHeartbeatRequest,
    encode: encodeHeartbeatResponse,
    handle: (req, ctx) => ({
      throttleTimeMs: 0,
      errorCode: !authzOf(ctx).group(req.groupId, AclOperation.READ)
        ? ErrorCode.GROUP_AUTHORIZATION_FAILED
        : ctx.broker.groups.heartbeat({
            groupId: req.groupId,
            generationId: req.generationId,
            memberId: req.memberId,
            groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
          }),
    }),
  },
)
