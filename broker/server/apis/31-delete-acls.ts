// DeleteAcls (key 31), v1-v3 (v0 predates prefixed patterns). v2: flexible.
// Every stored ACL matching a filter is removed (RemoveAccessControlEntryRecords in one metadata batch)
// and reported under the first filter it matched.
import { decodeDeleteAclsRequest } from '../../protocol/generated/delete-acls-request.ts'
import {
  encodeDeleteAclsResponse,
  type DeleteAclsResponseInput,
} from '../../protocol/generated/delete-acls-response.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { RecordType, type RemoveAccessControlEntryRecordValue } from '../../metadata/records.ts'
import { clusterAllowed } from '../../security/acl-admin.ts'
import { AclOperation, filterMatches } from '../../security/acl-authorizer.ts'
import { api } from '../registry.ts'

type FilterResult = NonNullable<DeleteAclsResponseInput['filterResults']>[number]

export default api(
  31,
  { min: 1, max: 3 },
  {
    decode: decodeDeleteAclsRequest,
    encode: encodeDeleteAclsResponse,
    handle: async (req, ctx): Promise<DeleteAclsResponseInput> => {
      if (!clusterAllowed(ctx, AclOperation.ALTER)) {
        return {
          throttleTimeMs: 0,
          filterResults: req.filters.map(() => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })),
        }
      }
      const removed = new Set<string>()
      const records: RemoveAccessControlEntryRecordValue[] = []
      const filterResults: FilterResult[] = []
      for (const f of req.filters) {
        const filter = {
          resourceType: f.resourceTypeFilter,
          resourceName: f.resourceNameFilter,
          patternType: f.patternTypeFilter,
          principal: f.principalFilter,
          host: f.hostFilter,
          operation: f.operation,
          permissionType: f.permissionType,
        }
        const matchingAcls: NonNullable<FilterResult['matchingAcls']>[number][] = []
        for (const [id, b] of ctx.broker.metadata.image.acls) {
          if (removed.has(id) || !filterMatches(filter, b)) continue
          removed.add(id)
          records.push({ type: RecordType.REMOVE_ACCESS_CONTROL_ENTRY, id })
          matchingAcls.push({ errorCode: ErrorCode.NONE, errorMessage: null, ...b })
        }
        filterResults.push({ errorCode: ErrorCode.NONE, errorMessage: null, matchingAcls })
      }
      await ctx.broker.metadata.commit(records)
      return { throttleTimeMs: 0, filterResults }
    },
  },
)
