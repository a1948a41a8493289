// DescribeAcls (key 29), v1-v3 (v0 predates prefixed patterns). v2: flexible.
// Answers the stored ACLs matching the filter, grouped by resource pattern.
import { decodeDescribeAclsRequest } from '../../protocol/generated/describe-acls-request.ts'
import {
  encodeDescribeAclsResponse,
  type DescribeAclsResponseInput,
} from '../../protocol/generated/describe-acls-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { clusterAllowed } from '../../security/acl-admin.ts'
import { AclOperation, filterMatches } from '../../security/acl-authorizer.ts'
import { api } from '../registry.ts'

type Resource = NonNullable<DescribeAclsResponseInput['resources']>[number]

export default api(
  29,
  { min: 1, max: 3 },
  {
    decode: decodeDescribeAclsRequest,
    encode: encodeDescribeAclsResponse,
    handle: (req, ctx): DescribeAclsResponseInput => {
      if (!clusterAllowed(ctx, AclOperation.DESCRIBE)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resources: [] }
      }
      const filter = {
        resourceType: req.resourceTypeFilter,
        resourceName: req.resourceNameFilter,
        patternType: req.patternTypeFilter,
        principal: req.principalFilter,
        host: req.hostFilter,
        operation: req.operation,
        permissionType: req.permissionType,
      }
      const byPattern = new Map<string, Resource & { acls: NonNullable<Resource['acls']>[number][] }>()
      for (const b of ctx.broker.metadata.image.acls.values()) {
        if (!filterMatches(filter, b)) continue
        const key = JSON.stringify([b.resourceType, b.patternType, b.resourceName])
        let r = byPattern.get(key)
        if (!r) {
          r = {
            resourceType: b.resourceType,
            resourceName: b.resourceName,
            patternType: b.patternType,
            acls: [],
          }
          byPattern.set(key, r)
        }
        r.acls.push({
          principal: b.principal,
          host: b.host,
          operation: b.operation,
          permissionType: b.permissionType,
        })
      }
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resources: [...byPattern.values()],
      }
    },
  },
)
