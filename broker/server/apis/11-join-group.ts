// JoinGroup (key 11), v0-v9. The answer is held until the rebalance completes (a long poll).
// Needs READ on the group (GROUP_AUTHORIZATION_FAILED), as do SyncGroup, Heartbeat and LeaveGroup.
// v1: rebalance timeout (v0 uses the session timeout). v2: throttle time. v3: same as v2.
// v4: a first join without a member id gets MEMBER_ID_REQUIRED with the id to rejoin with.
// v5: group.instance.id (static membership). v6: flexible. v7: protocol type in the response, protocol
// name nullable. v8: reason. v9: skipAssignment for a static leader rejoining a stable group.
import { decodeJoinGroupRequest } from '../../protocol/generated/join-group-request.ts'
import {
  encodeJoinGroupResponse,
  type JoinGroupResponseInput,
} from '../../protocol/generated/join-group-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf } from '../../security/acl-admin.ts'
import { AclOperation } from '../../security/acl-authorizer.ts'

export default api(
  11,
  { min: 0, max: 9 },
  {
    decode: decodeJoinGroupRequest,
    encode: encodeJoinGroupResponse,
    handle: async (req, ctx): Promise<JoinGroupResponseInput> => {
      const v = ctx.apiVersion
      if (!authzOf(ctx).group(req.groupId, AclOperation.READ)) {
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          generationId: -1,
          protocolType: null,
          protocolName: v >= 7 ? null : '',
          leader: '',
          skipAssignment: false,
          memberId: req.memberId,
          members: [],
        }
      }
      const res = await ctx.broker.groups.joinGroup({
        groupId: req.groupId,
        memberId: req.memberId,
        groupInstanceId: v >= 5 ? req.groupInstanceId : null,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : -1,
        protocolType: req.protocolType,
        protocols: req.protocols,
        clientId: ctx.conn.clientId ?? '',
        clientHost: `/${ctx.conn.remoteAddress}`,
        requireKnownMemberId: v >= 4,
      })
      return {
        throttleTimeMs: 0,
        errorCode: res.errorCode,
        generationId: res.generationId,
        protocolType: res.protocolType,
        protocolName: v >= 7 ? res.protocolName : (res.protocolName ?? ''),
        leader: res.leader,
        skipAssignment: res.skipAssignment,
        memberId: res.memberId,
        members: res.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          metadata: Buffer.from(m.metadata.buffer, m.metadata.byteOffset, m.metadata.byteLength),
        })),
      }
    },
  },
)
