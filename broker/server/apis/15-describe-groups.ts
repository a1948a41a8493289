// DescribeGroups (key 15), v0-v5.
// v1: throttle time. v2: same as v1. v3: authorized operations on request. v4: group.instance.id of
// members. v5: flexible. Unknown groups are described as Dead with no error, as Kafka does before v6.
// Members carry metadata and assignment only while the group is Stable. Each group needs DESCRIBE
// (GROUP_AUTHORIZATION_FAILED otherwise).
import { decodeDescribeGroupsRequest } from '../../protocol/generated/describe-groups-request.ts'
import {
  encodeDescribeGroupsResponse,
  type DescribeGroupsResponseInput,
} from '../../protocol/generated/describe-groups-response.ts'
import { api } from '../registry.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { authzOf, SUPPORTED_OPERATIONS } from '../../security/acl-admin.ts'
import { AclOperation, ResourceType } from '../../security/acl-authorizer.ts'

const NOT_REQUESTED = -2147483648

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength)

export default api(
  15,
  { min: 0, max: 5 },
  {
    decode: decodeDescribeGroupsRequest,
    encode: encodeDescribeGroupsResponse,
    handle: (req, ctx): DescribeGroupsResponseInput => ({
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const authz = authzOf(ctx)
        if (!authz.group(id, AclOperation.DESCRIBE)) {
          return {
            groupId: id,
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            groupState: '',
            protocolType: '',
            protocolData: '',
            members: [],
            authorizedOperations: NOT_REQUESTED,
          }
        }
        const g = ctx.broker.groups.describeGroup(id)
        return {
          ...g,
          members: g.members.map((m) => ({
            ...m,
            memberMetadata: view(m.memberMetadata),
            memberAssignment: view(m.memberAssignment),
          })),
          authorizedOperations: req.includeAuthorizedOperations
            ? authz.operations(ResourceType.GROUP, id, SUPPORTED_OPERATIONS.group)
            : NOT_REQUESTED,
        }
      }),
    }),
  },
)
